/**
 * Collection API. Department scoping (谁产生、谁负责): a submitter, reviewer or system account
 * sees and submits only its own department's batches; the credit office sees all and decides
 * which department may submit which catalog item. Another department's batch is refused (403,
 * audited), never shown.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { PassThrough, type Readable } from 'node:stream';
import { z } from 'zod';
import type { BatchView, QualityReport, RowIssue } from '../../../common/collection-api.js';
import { holdsIdNumber } from '../../../common/identifiers/index.js';
import { RECORD_STATES } from '../../../common/records-api.js';
import { findUnsafeCharacter, limitText, normalizeName, revealUnsafe, unsafeReason } from '../../../common/text.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http-schemas.js';
import type { Role } from '../../platform/policy.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import { consoleAudience, recordVersionView } from '../records/index.js';
import type { BatchRow } from './collection.repo.js';
import { MAX_API_RECORDS, type CollectionService, type Submitter } from './collection.service.js';
import { qualityWorkbook } from './quality.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FILE_TYPES = [
  'text/csv',
  'text/plain',
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
];

export const batchView = z.object({
  id: z.string(),
  departmentId: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  source: z.enum(['file', 'api']),
  fileName: z.string().nullable(),
  format: z.string().nullable(),
  status: z.enum(['importing', 'imported', 'failed']),
  failure: z.string().nullable(),
  rowsTotal: z.number().nullable(),
  /** Rows processed so far (progress while importing). */
  rowsDone: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  warnings: z.number(),
  submittedBy: z.string().nullable(),
  submittedByMe: z.boolean(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  review: z.object({ status: z.enum(['none', 'pending', 'approved', 'rejected']), by: z.string().nullable(), at: z.string().nullable(), reason: z.string().nullable() }),
}) satisfies z.ZodType<BatchView>;

const issueView = z.object({
  rowNumber: z.number(),
  problems: z.array(z.object({ field: z.string().nullable(), label: z.string().nullable(), value: z.string().nullable(), code: z.string(), message: z.string() })),
  row: z.record(z.string(), z.string()).nullable(),
}) satisfies z.ZodType<RowIssue>;

const qualityView = z.object({
  month: z.string(),
  limitWorkingDays: z.number(),
  rows: z.array(
    z.object({
      departmentId: z.string(), departmentName: z.string(), itemCode: z.string(), itemName: z.string(),
      batches: z.number(), submitted: z.number(), accepted: z.number(), rejected: z.number(),
      timeliness: z.object({ records: z.number(), onTime: z.number(), late: z.number(), medianWorkingDays: z.number().nullable() }),
      completeness: z.array(z.object({ field: z.string(), label: z.string(), ratio: z.number() })),
    }),
  ),
  reasons: z.array(z.object({ departmentId: z.string(), itemCode: z.string(), code: z.string(), field: z.string().nullable(), label: z.string(), count: z.number() })),
  overdue: z.array(z.object({ recordId: z.string(), departmentName: z.string(), itemCode: z.string(), documentNumber: z.string(), decisionDate: z.string(), submitted: z.string(), workingDays: z.number() })),
  gaps: z.array(z.object({ departmentId: z.string(), departmentName: z.string(), itemCode: z.string(), itemName: z.string() })),
}) satisfies z.ZodType<QualityReport>;

export interface CollectionRouteDeps {
  collection: CollectionService;
  catalog: CatalogService;
  audit: AuditLog;
  maxFileBytes: number;
  /** Files, and API batches, per account per minute (each route its own budget). */
  uploadRateLimit: number;
}

/**
 * Uploads are the heaviest requests an account can send: they get a budget per account, not per
 * address (a department's clerks may share one). The limit is taken once the caller is known —
 * for a signed system request after its signature is checked, so nobody spends another's budget.
 */
function uploadLimit(max: number, what: string, hook: 'onRequest' | 'preHandler') {
  return {
    max,
    timeWindow: '1 minute',
    hook,
    keyGenerator: (req: FastifyRequest) => `upload:${req.principal?.id ?? req.ip}`,
    errorResponseBuilder: () => new AppError('RATE_LIMITED', undefined, `${what}过于频繁：每个账号每分钟最多${max}次，请稍后再试`),
  };
}

export function collectionRoutes(deps: CollectionRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    /** A batch as the caller sees it: `submittedByMe` tells a reviewer which batches are not theirs to decide. */
    const present = (b: BatchRow, req: FastifyRequest): BatchView => ({
      id: b.id,
      departmentId: b.department_id,
      itemCode: b.item_code,
      itemName: deps.catalog.get('infoItem', b.item_code)?.content.name ?? b.item_code,
      source: b.source,
      fileName: b.file_name,
      format: b.file_format,
      status: b.status,
      failure: b.failure,
      rowsTotal: b.rows_total,
      rowsDone: b.accepted + b.rejected,
      accepted: b.accepted,
      rejected: b.rejected,
      created: b.created_records,
      updated: b.updated_records,
      unchanged: b.unchanged_records,
      warnings: b.warnings,
      submittedBy: b.submitted_by_display ?? b.submitted_by_name,
      submittedByMe: req.principal?.id !== undefined && b.submitted_by === req.principal.id,
      createdAt: b.created_at.toISOString(),
      finishedAt: b.finished_at?.toISOString() ?? null,
      review: { status: b.review_status, by: b.reviewed_by_display ?? b.reviewed_by_name, at: b.reviewed_at?.toISOString() ?? null, reason: b.review_reason },
    });

    /** The department whose batches the caller may see: null means all (the credit office). */
    const scope = (req: FastifyRequest): string | null => {
      const p = req.principal;
      if (p?.roles.includes('creditOffice')) return null;
      if (!p?.departmentId) throw new AppError('FORBIDDEN', undefined, '账号未归属部门，不能查看或报送数据');
      return p.departmentId;
    };
    const submitter = (req: FastifyRequest): Submitter => {
      const departmentId = req.principal?.departmentId;
      if (!departmentId) throw new AppError('FORBIDDEN', undefined, '账号未归属部门，不能报送数据');
      return { actor: actorOf(req), departmentId };
    };
    const visibleBatch = async (req: FastifyRequest, id: string): Promise<BatchRow> => {
      const b = await deps.collection.batch(id);
      if (!b) throw new AppError('NOT_FOUND', { batchId: id });
      const own = scope(req);
      if (own !== null && b.department_id !== own) {
        await deps.audit.recordAlone({ category: 'security', event: 'access.denied', actor: actorOf(req), result: 'denied', objectType: 'importBatch', objectId: id, reason: '其他部门的报送批次' });
        throw new AppError('FORBIDDEN', undefined, '不能查看其他部门的报送批次');
      }
      return b;
    };

    const reader = { policy: { roles: ['creditOffice', 'submitter', 'reviewer'] as Role[] } };
    const idParams = z.object({ id: z.string().uuid() });

    app.get(
      '/api/v1/collection/grants',
      {
        config: { policy: { roles: ['creditOffice'] } },
        schema: {
          tags: ['collection'], summary: '各部门可报送的信息项（信用办的报送目录矩阵）',
          response: { 200: z.object({ items: z.array(z.object({ departmentId: z.string(), itemCodes: z.array(z.string()) })) }), ...errorResponses },
        },
      },
      async () => ({ items: [...(await deps.collection.allGrants())].map(([departmentId, itemCodes]) => ({ departmentId, itemCodes })) }),
    );

    app.get(
      '/api/v1/collection/grants/:id',
      {
        config: reader,
        schema: {
          tags: ['collection'], summary: '部门可报送的信息项（及文件大小上限）', params: idParams,
          // maxFileBytes: the console refuses a larger file before sending it (a browser may only see
          // a dropped connection when the server answers 413 before reading the body).
          response: { 200: z.object({ departmentId: z.string(), itemCodes: z.array(z.string()), maxFileBytes: z.number().int() }), ...errorResponses },
        },
      },
      async (req) => {
        const own = scope(req);
        if (own !== null && own !== req.params.id) throw new AppError('FORBIDDEN', undefined, '只能查看本部门的报送目录');
        return { departmentId: req.params.id, itemCodes: await deps.collection.grants(req.params.id), maxFileBytes: deps.maxFileBytes };
      },
    );

    app.put(
      '/api/v1/collection/grants/:id',
      {
        config: { policy: { roles: ['creditOffice'] } },
        schema: { tags: ['collection'], summary: '设置部门可报送的信息项（信用办）', params: idParams, body: z.object({ itemCodes: z.array(z.string().max(20)).max(100) }), response: { 200: z.object({ departmentId: z.string(), itemCodes: z.array(z.string()), maxFileBytes: z.number().int() }), ...errorResponses } },
      },
      async (req) => ({ departmentId: req.params.id, itemCodes: await deps.collection.setGrants(req.params.id, req.body.itemCodes, actorOf(req)), maxFileBytes: deps.maxFileBytes }),
    );

    // Files: streamed to the encrypted file vault, never buffered whole; 413 before reading when
    // the declared length is already too big.
    await app.register(async (plain) => {
      const files = plain.withTypeProvider<ZodTypeProvider>();
      // The body is the file, streamed as it comes; anything else (JSON, a browser's multipart form)
      // is refused in onRequest with what to send instead.
      files.removeAllContentTypeParsers();
      files.addContentTypeParser(FILE_TYPES, (_req, payload, done) => done(null, payload));
      files.post(
        '/api/v1/collection/files',
        {
          config: { policy: { roles: ['submitter'] }, rateLimit: uploadLimit(deps.uploadRateLimit, '上传文件', 'onRequest') },
          schema: {
            tags: ['collection'],
            summary: '上传报送文件（CSV，双公示模板；请求体为文件内容，文件名放在x-file-name头，URL编码）',
            querystring: z.object({ item: z.string().min(1).max(20) }),
            consumes: FILE_TYPES,
            // The body is the file itself, streamed (never parsed as JSON).
            body: z.any().describe('文件内容：CSV（UTF-8、带BOM的UTF-8或GB18030）'),
            response: { 202: batchView, ...errorResponses },
          },
          onRequest: async (req) => {
            // Said before the body is read, and said for this route (not the JSON routes' message).
            const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
            if (!FILE_TYPES.includes(type)) {
              throw new AppError(
                'UNSUPPORTED_MEDIA_TYPE',
                { contentType: limitText(revealUnsafe(type), 60) },
                `上传的请求体应为文件本身，Content-Type为text/csv、${XLSX}或application/octet-stream${type ? `，不能是「${limitText(revealUnsafe(type), 60)}」` : '（请求没有Content-Type）'}：请直接发送文件内容，文件名放在x-file-name头中`,
              );
            }
            if (Number(req.headers['content-length'] ?? 0) > deps.maxFileBytes) {
              throw new AppError('PAYLOAD_TOO_LARGE', undefined, `文件超过${Math.round(deps.maxFileBytes / 1048576)} MB的上限，请拆分后上传`);
            }
          },
        },
        async (req, reply) => {
          if (!req.body || typeof (req.body as Readable).pipe !== 'function') throw new AppError('UNSUPPORTED_MEDIA_TYPE', undefined, '请求体应为文件内容（Content-Type: text/csv 或 application/octet-stream）');
          const batch = await deps.collection.acceptFile(submitter(req), req.query.item, fileName(req.headers['x-file-name']), req.body as Readable);
          // Imported by its job (committed with the batch); the console polls the batch for progress.
          return reply.code(202).send(present(batch, req));
        },
      );
    });

    app.post(
      '/api/v1/collection/batches',
      {
        bodyLimit: 32 * 1024 * 1024,
        // Each record is validated on its own: one bad value is that record's problem, not the request's.
        config: { policy: { roles: ['submitter', 'system'] }, rowsInBody: ['records'], rateLimit: uploadLimit(deps.uploadRateLimit, '提交批次', 'preHandler') },
        schema: {
          tags: ['collection'],
          summary: `提交一批记录（JSON，最多${MAX_API_RECORDS}条，字段名为字段代码或中文名称；幂等键相同则返回首次结果）`,
          body: z.object({
            itemCode: z.string().min(1).max(20),
            idempotencyKey: z.string().min(8).max(100),
            records: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()), z.null()]))).min(1),
          }),
          response: { 200: z.object({ batch: batchView, rejected: z.array(issueView) }), ...errorResponses },
        },
      },
      async (req) => {
        const b = await deps.collection.submitRecords(submitter(req), req.body.itemCode, req.body.idempotencyKey, req.body.records);
        return { batch: present(b, req), rejected: (await deps.collection.issues(b.id, 'rejected', MAX_API_RECORDS, 0)).map(presentIssue) };
      },
    );

    app.get(
      '/api/v1/collection/batches',
      {
        config: reader,
        schema: {
          tags: ['collection'],
          summary: '报送批次列表（部门只看本部门）',
          querystring: z.object({
            departmentId: z.string().uuid().optional(),
            itemCode: z.string().max(20).optional(),
            /** pending: the reviewer's queue. */
            reviewStatus: z.enum(['pending']).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: z.object({ total: z.number(), items: z.array(batchView) }), ...errorResponses },
        },
      },
      async (req) => {
        const own = scope(req);
        const { rows, total } = await deps.collection.list({
          departmentId: own ?? req.query.departmentId,
          itemCode: req.query.itemCode,
          reviewStatus: req.query.reviewStatus,
          limit: req.query.pageSize,
          offset: (req.query.page - 1) * req.query.pageSize,
        });
        return { total, items: rows.map((b) => present(b, req)) };
      },
    );

    app.get(
      '/api/v1/collection/batches/:id',
      { config: reader, schema: { tags: ['collection'], summary: '报送批次详情与进度', params: idParams, response: { 200: batchView, ...errorResponses } } },
      async (req) => present(await visibleBatch(req, req.params.id), req),
    );

    app.get(
      '/api/v1/collection/batches/:id/issues',
      {
        config: reader,
        schema: {
          tags: ['collection'],
          summary: '被拒绝的行（行号、字段、值（个人信息已脱敏）、原因）或提示',
          params: idParams,
          querystring: z.object({ kind: z.enum(['rejected', 'warning']).default('rejected'), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: { 200: z.object({ items: z.array(issueView) }), ...errorResponses },
        },
      },
      async (req) => {
        const b = await visibleBatch(req, req.params.id);
        return { items: (await deps.collection.issues(b.id, req.query.kind, req.query.pageSize, (req.query.page - 1) * req.query.pageSize)).map(presentIssue) };
      },
    );

    app.get(
      '/api/v1/collection/batches/:id/records',
      {
        config: reader,
        schema: {
          tags: ['collection'],
          summary: '批次写入的记录（当前版本来自该批次）：文书号、行政相对人（自然人已脱敏）、决定日期、公示状态',
          params: idParams,
          querystring: z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(20) }),
          response: {
            200: z.object({
              total: z.number(),
              replacedLater: z.number().int().describe('本批次写入、已被后续批次更新的记录数（列在后续批次下，故新增加更新可多于本列表）'),
              items: z.array(z.object({
                id: z.string(), documentNumber: z.string(), subjectName: z.string().nullable(), decisionDate: z.string(),
                state: z.enum(RECORD_STATES), disputed: z.boolean(), publicityEnd: z.string().nullable(), version: z.number(),
              })),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const b = await visibleBatch(req, req.params.id);
        const r = await deps.collection.batchRecords(b.id, consoleAudience(req.principal), req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
        return {
          total: r.total,
          replacedLater: r.replacedLater,
          items: r.items.map((x) => ({ id: x.id, documentNumber: x.document_number, subjectName: x.subject_name, decisionDate: x.decision_date, state: x.state, disputed: x.disputed, publicityEnd: x.publicity_end, version: x.version })),
        };
      },
    );

    const qualityQuery = z.object({
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为YYYY-MM'),
      departmentId: z.string().uuid().optional(),
      itemCode: z.string().max(20).optional(),
    });
    app.get(
      '/api/v1/collection/quality',
      {
        config: reader,
        schema: {
          tags: ['collection'],
          summary: '归集质量：按部门、信息项、月份的报送量、拒绝原因、完整性、及时性（超期清单）和缺报（部门只看本部门）',
          querystring: qualityQuery,
          response: { 200: qualityView, ...errorResponses },
        },
      },
      async (req) => deps.collection.quality(req.query.month, { departmentId: scope(req) ?? req.query.departmentId, itemCode: req.query.itemCode }),
    );
    app.get(
      '/api/v1/collection/quality.xlsx',
      { config: reader, schema: { tags: ['collection'], summary: '导出归集质量（XLSX）', querystring: qualityQuery, produces: [XLSX] } },
      async (req, reply) => {
        const report = await deps.collection.quality(req.query.month, { departmentId: scope(req) ?? req.query.departmentId, itemCode: req.query.itemCode });
        await deps.audit.recordAlone({ category: 'business', event: 'collection.quality.export', actor: actorOf(req), result: 'success', objectType: 'quality', objectId: req.query.month, resultCount: report.rows.length });
        return reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename="quality.xlsx"; filename*=UTF-8''${encodeURIComponent(`归集质量-${req.query.month}.xlsx`)}`)
          .send(await qualityWorkbook(report));
      },
    );

    app.get(
      '/api/v1/collection/templates/:code',
      {
        config: { policy: { roles: ['creditOffice', 'submitter', 'reviewer'] } },
        schema: { tags: ['collection'], summary: '下载信息项的XLSX报送模板（表头、字段说明行、示例行、下拉列表）', params: z.object({ code: z.string().regex(/^[A-Z0-9_-]{1,20}$/) }), produces: [XLSX] },
      },
      async (req, reply) => {
        const t = await deps.collection.template(req.params.code);
        return reply.type(XLSX).header('content-disposition', `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent(t.name)}`).send(t.body);
      },
    );

    app.post(
      '/api/v1/collection/batches/:id/review',
      {
        config: { policy: { roles: ['reviewer'] } },
        schema: {
          tags: ['collection'],
          summary: '审核报送批次：通过后记录按规则公示；退回须说明理由（不能审核自己提交的批次）',
          params: idParams,
          body: z.object({ decision: z.enum(['approve', 'reject']), reason: z.string().max(500).optional() }),
          response: { 200: batchView, ...errorResponses },
        },
      },
      async (req) => {
        const b = await visibleBatch(req, req.params.id);
        return present(await deps.collection.review(b, req.body.decision, req.body.reason ?? null, actorOf(req)), req);
      },
    );

    app.get(
      '/api/v1/collection/records/:id',
      {
        config: reader,
        schema: {
          tags: ['collection'],
          summary: '记录详情：公示状态与期限、全部版本及每个版本改动的字段（部门只看本部门）',
          params: idParams,
          response: {
            200: z.object({
              id: z.string(), itemCode: z.string(), documentNumber: z.string(), decisionDate: z.string(), state: z.enum(RECORD_STATES), disputed: z.boolean(),
              severity: z.string().nullable(), publicityStart: z.string().nullable(), publicityEnd: z.string().nullable(), withdrawnReason: z.string().nullable(),
              withdrawnOn: z.string().nullable().describe('撤销日期（北京时间），仅在已撤销时'), version: z.number(),
              versions: z.array(recordVersionView),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const { record: r, versions } = await deps.collection.recordHistory(req.params.id, consoleAudience(req.principal), actorOf(req));
        return {
          id: r.id, itemCode: r.item_code, documentNumber: r.document_number, decisionDate: r.decision_date, state: r.state, disputed: r.disputed,
          severity: r.severity, publicityStart: r.publicity_start, publicityEnd: r.publicity_end, withdrawnReason: r.withdrawn_reason,
          withdrawnOn: r.state === 'withdrawn' ? r.withdrawn_on : null, version: r.version, versions,
        };
      },
    );

    app.post(
      '/api/v1/collection/records/:id/withdraw',
      {
        config: { policy: { roles: ['submitter', 'reviewer'] } },
        schema: {
          tags: ['collection'],
          summary: '撤销本部门报送的记录（决定被撤销、变更或确认无效）：立即停止公示',
          params: idParams,
          body: z.object({
            reason: z.string().trim().min(1, '撤销须说明理由').max(500, '撤销理由最多500个字')
              // The reason is kept in the audit log, which refuses ID numbers: said here, not as a 500.
              .refine((r) => !holdsIdNumber(r), '撤销理由中不能写身份证号码（理由记入审计日志）：请用当事人名称或决定文书号指代'),
          }),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        // Always the caller's own department, even for an account that also holds 信用办 (which sees all).
        const own = req.principal?.departmentId;
        if (!own) throw new AppError('FORBIDDEN', undefined, '账号未归属部门，不能撤销记录');
        await deps.collection.withdraw(req.params.id, req.body.reason, actorOf(req), own);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/collection/batches/:id/errors.xlsx',
      {
        config: reader,
        schema: { tags: ['collection'], summary: '下载错误报告（XLSX：原行、行号和错误说明，个人信息已脱敏；文件批次每行带签名的来源引用，改正后原样上传时未改动的遮盖值按原文件填回）', params: idParams, produces: [XLSX] },
      },
      async (req, reply) => {
        const b = await visibleBatch(req, req.params.id);
        await deps.audit.recordAlone({ category: 'business', event: 'collection.errors.export', actor: actorOf(req), result: 'success', objectType: 'importBatch', objectId: b.id, resultCount: b.rejected });
        const out = new PassThrough();
        deps.collection.writeErrors(b, out).catch((err: Error) => out.destroy(err));
        const name = `${(b.file_name ?? b.item_code).replace(/\.[^.]+$/, '')}-错误报告.xlsx`;
        return reply
          .type(XLSX)
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="errors.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
          .send(out);
      },
    );
  };
}

function presentIssue(r: { row_number: number; problems: unknown; row_data: unknown }): RowIssue {
  return { rowNumber: r.row_number, problems: r.problems as RowIssue['problems'], row: (r.row_data ?? null) as Record<string, string> | null };
}

/**
 * The original file name, percent-encoded by the client (headers are ASCII); only its last
 * segment, bounded. Control and invisible characters are refused, like every other input (a
 * right-to-left override can make 「报表.xlsx」 of 「xslx.表报」).
 */
function fileName(header: string | string[] | undefined): string {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return 'upload.csv';
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // not encoded: use as is
  }
  const unsafe = findUnsafeCharacter(name);
  if (unsafe) throw new AppError('INPUT_UNSAFE_CHARACTER', [{ in: 'headers', path: '/x-file-name', message: unsafeReason(unsafe) }], `文件名（请求头x-file-name）的${unsafeReason(unsafe)}`);
  return normalizeName(name.split(/[\\/]/).pop() ?? '').slice(0, 200) || 'upload.csv';
}
