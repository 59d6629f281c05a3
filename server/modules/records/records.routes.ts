/**
 * The credit office's records browser (信息记录): search every department's records, open one with
 * its versions, withdraw (撤销) a wrong one. Only the credit office, whose audience (visibleNow)
 * sees every department's records: a department sees its own through its batches (collection). Reads state a purpose (x-query-purpose, the
 * QUERY_PURPOSE code table) and are registered; a read without one is refused and registered too.
 * The search is POST: what is typed for a subject may be a person's name or ID number, which must
 * not travel in a URL.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { holdsIdNumber } from '../../../common/identifiers/index.js';
import { RECORD_STATES, RECORD_STATE_LABELS, type RecordDetailView, type RecordRowView, type RecordSearchView, type RecordVersionView } from '../../../common/records-api.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses, realDate } from '../../platform/http-schemas.js';
import type { Role } from '../../platform/policy.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import type { RegisteredRead } from '../subjects/index.js';
import { consoleAudience } from './records.policy.js';
import type { RecordsService } from './records.service.js';

const PURPOSE_HEADER = 'x-query-purpose';

const purposeHeaders = z.object({
  // Optional in the schema so that a missing purpose gets its own clear error (PURPOSE_REQUIRED).
  [PURPOSE_HEADER]: z.string().max(64).optional().describe('查询目的代码（目录代码表QUERY_PURPOSE），必填'),
});

const rowView = z.object({
  id: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  documentNumber: z.string(),
  decisionDate: z.string(),
  subject: z.object({ id: z.string(), kind: z.enum(['organization', 'person']).nullable(), name: z.string().nullable(), uscc: z.string().nullable() }),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  state: z.enum(RECORD_STATES).describe(RECORD_STATES.map((x) => `${x} ${RECORD_STATE_LABELS[x]}`).join(' · ')),
  disputed: z.boolean().describe('异议处理中'),
  severity: z.enum(['positive', 'minor', 'general', 'serious']).nullable(),
  publicityStart: z.string().nullable(),
  publicityEnd: z.string().nullable(),
  version: z.number().int(),
}) satisfies z.ZodType<RecordRowView>;

/** A version as both views of a record's history answer it (信息记录 here, 报送批次 in collection). */
export const recordVersionView = z.object({
  version: z.number().int(),
  changedAt: z.string().describe('该版本的接收时间'),
  batchId: z.string().nullable(),
  source: z.object({
    batchId: z.string(),
    fileName: z.string().nullable().describe('报送文件名；接口报送为空'),
    submittedBy: z.string().nullable().describe('提交人'),
    departmentId: z.string(),
    departmentName: z.string().nullable(),
    submittedAt: z.string(),
  }).nullable().describe('该版本来自的报送批次；无批次载入的记录（演示数据、历史数据迁移）为空'),
  subjectChanged: z.boolean(),
  changes: z.array(z.object({ field: z.string(), label: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
}) satisfies z.ZodType<RecordVersionView>;

const detailView = rowView.extend({
  withdrawnReason: z.string().nullable(),
  withdrawnOn: z.string().nullable(),
  fields: z.array(z.object({ field: z.string(), label: z.string(), value: z.string() })),
  versions: z.array(recordVersionView),
}) satisfies z.ZodType<RecordDetailView>;

const searchBody = z.object({
  subject: z.string().max(100).optional().describe('主体名称（组织按名称关键字，至少2个字；自然人按完整姓名）、统一社会信用代码或身份证号码'),
  documentNumber: z.string().max(100).optional().describe('决定文书号（完整或开头部分）'),
  itemCode: z.string().max(20).optional(),
  departmentId: z.string().uuid().optional(),
  state: z.enum(RECORD_STATES).optional().describe(RECORD_STATES.map((x) => `${x} ${RECORD_STATE_LABELS[x]}`).join(' · ')),
  from: realDate.optional().describe('决定日期起（含）'),
  to: realDate.optional().describe('决定日期止（含）'),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

export interface RecordsRouteDeps {
  records: RecordsService;
  audit: AuditLog;
  /** Codes of the QUERY_PURPOSE code table (catalog/code-tables.yaml). */
  purposes: () => ReadonlySet<string>;
}

export function recordsRoutes(deps: RecordsRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const creditOffice = { policy: { roles: ['creditOffice'] as Role[] } };

    /** The stated purpose; a read without a known one is refused, and the refusal registered. */
    const purposeOf = async (req: FastifyRequest): Promise<RegisteredRead> => {
      const purpose = req.headers[PURPOSE_HEADER];
      if (typeof purpose !== 'string' || !deps.purposes().has(purpose)) {
        await deps.audit.recordAlone({ category: 'query', event: 'query.refused', actor: actorOf(req), result: 'denied', reason: 'no or unknown purpose', objectType: 'route', objectId: `${req.method} ${req.routeOptions.url ?? ''}` });
        throw new AppError('PURPOSE_REQUIRED', { header: PURPOSE_HEADER, allowed: [...deps.purposes()] }, '查看信息记录须先说明查询目的（从查询目的代码表中选择），查询将登记在案');
      }
      return { actor: actorOf(req), purpose };
    };

    app.post(
      '/api/v1/records/search',
      {
        config: creditOffice,
        schema: {
          tags: ['records'],
          summary: '检索各部门的信息记录（信用办）：按主体、决定文书号、信息项、部门、状态、决定日期；分页；须说明查询目的，登记在案',
          headers: purposeHeaders,
          body: searchBody,
          response: { 200: z.object({ total: z.number().int(), totalCapped: z.boolean(), items: z.array(rowView) }) satisfies z.ZodType<RecordSearchView>, ...errorResponses },
        },
      },
      async (req) => deps.records.search(req.body, await purposeOf(req), consoleAudience(req.principal)),
    );

    app.get(
      '/api/v1/records/:id',
      {
        config: creditOffice,
        schema: {
          tags: ['records'],
          summary: '信息记录详情（信用办）：当前内容、公示状态与期限、全部版本及每个版本改动的字段（个人信息已脱敏）；须说明查询目的，登记在案',
          params: z.object({ id: z.string().uuid() }),
          headers: purposeHeaders,
          response: { 200: detailView, ...errorResponses },
        },
      },
      async (req) => deps.records.detail(req.params.id, await purposeOf(req), consoleAudience(req.principal)),
    );

    app.post(
      '/api/v1/records/:id/withdraw',
      {
        config: creditOffice,
        schema: {
          tags: ['records'],
          summary: '撤销任一部门报送的记录（信用办；决定被撤销、变更或确认无效，或报送有误）：立即停止公示，理由记入审计日志',
          params: z.object({ id: z.string().uuid() }),
          body: z.object({
            reason: z.string().trim().min(1, '撤销须说明理由').max(500, '撤销理由最多500个字')
              // The reason is kept in the audit log, which refuses ID numbers: said here, not as a 500.
              .refine((r) => !holdsIdNumber(r), '撤销理由中不能写身份证号码（理由记入审计日志）：请用当事人名称或决定文书号指代'),
          }),
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        await deps.records.withdraw(req.params.id, req.body.reason, actorOf(req), consoleAudience(req.principal));
        return reply.code(204).send(null);
      },
    );
  };
}
