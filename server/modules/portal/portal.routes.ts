/**
 * The open API of the public portal (`/api/public/v1`): anonymous, rate-limited per client address (one budget for the whole API),
 * revalidated (ETag + `cache-control: public, no-cache`), and only organizations are searchable — there is no listing of
 * natural persons by design. Records come only through the public presenter, within their window.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CreditMarker, PortalStatistics, PublicDepartment, PublicRegion, PublicityRecord, PublicityResult, SearchCodeCheck, SubjectSearchResult } from '../../../common/portal-api.js';
import { AppError } from '../../platform/errors.js';
import { sendRevalidated } from '../../platform/etag.js';
import { errorResponses, realDate } from '../../platform/http-schemas.js';
import type { PortalService } from './portal.service.js';
import { answer, profile, publicRecord, publicSubject } from './portal.schemas.js';
import type { SentAnswer } from './profile-cache.js';

export interface PortalRouteDeps {
  portal: PortalService;
  rateLimit: number;
  exportRateLimit: number;
  exportMaxRows: number;
}

const page = z.coerce.number().int().min(1).max(1000).default(1);
const pageSize = z.coerce.number().int().min(1).max(50).default(10);
const ORG_TYPES = ['enterprise', 'individualBusiness', 'publicInstitution', 'socialOrganization', 'governmentBody', 'other'] as const;


/**
 * How public answers may be cached: kept by browsers and proxies, but asked again every time
 * (`no-cache`), so a withdrawal shows on the next request; an unchanged answer costs a 304.
 * No max-age: any would outlive a withdrawal committed within it (docs/portal.md → Caching).
 */
export const PUBLIC_CACHE_CONTROL = 'public, no-cache';

/**
 * Sends public data, revalidated on every use; a matching If-None-Match gets 304 without the body.
 * The ETag is the hash of the body as sent: it changes exactly when the answer does. The body goes
 * through its response schema here (only declared fields leave) and is serialized once, for both
 * the ETag and the answer: the route's own serializer does not run again on the string.
 */
function cacheable<T>(req: FastifyRequest, reply: FastifyReply, schema: z.ZodType<T>, body: T): FastifyReply {
  return send(req, reply, answer(schema, body));
}


function send(req: FastifyRequest, reply: FastifyReply, { json, tag }: SentAnswer): FastifyReply {
  return sendRevalidated(req, reply, json, PUBLIC_CACHE_CONTROL, tag);
}

const statistics = z.object({
  asOf: z.string(),
  organizations: z.number(),
  inPublicity: z.object({ permits: z.number(), penalties: z.number() }),
  publishedThisMonth: z.number(),
  byDepartment: z.array(z.object({ name: z.string(), permits: z.number(), penalties: z.number() })),
}) satisfies z.ZodType<PortalStatistics>;
const departments = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() }) satisfies z.ZodType<PublicDepartment>) });
const regions = z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() }) satisfies z.ZodType<PublicRegion>) });
const marker = z.object({ kind: z.enum(['permits', 'penalties']), count: z.number() }) satisfies z.ZodType<CreditMarker>;
const named = z.object({ code: z.string(), name: z.string() });
const codeCheck = z.object({
  normalized: z.string(),
  valid: z.boolean(),
  errors: z.array(z.object({ code: z.string(), message: z.string(), position: z.number().optional() })),
  parts: z.object({ registrationAuthority: named, entityType: named, region: z.object({ code: z.string(), name: z.string().nullable() }), organizationCode: z.string(), checkCharacter: z.string() }).nullable(),
  registered: z.boolean(),
}) satisfies z.ZodType<SearchCodeCheck>;
const searchResult = z.object({ items: z.array(publicSubject.extend({ markers: z.array(marker) })), total: z.number(), totalCapped: z.boolean(), code: codeCheck.nullable() }) satisfies z.ZodType<SubjectSearchResult>;
const publicityRecord = publicRecord.extend({ subject: z.object({ name: z.string(), uscc: z.string().nullable() }) }) satisfies z.ZodType<PublicityRecord>;
const publicityResult = z.object({ items: z.array(publicityRecord), total: z.number() }) satisfies z.ZodType<PublicityResult>;

export function portalRoutes(deps: PortalRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const config = { policy: { public: true as const } };
    // One budget per client across the whole open API (what the README promises), not one per route:
    // a crawler must not get a fresh allowance from every route it visits.
    app.addHook('onRequest', app.rateLimit({ max: deps.rateLimit, timeWindow: '1 minute' }));
    // Exports also count against a stricter budget of their own.
    const exportLimit = app.createRateLimit({ max: deps.exportRateLimit, timeWindow: '1 minute', keyGenerator: (req) => `export:${req.ip}` });
    const limitExports = async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await exportLimit(req);
      if (r.isAllowed || !r.isExceeded) return;
      reply.header('retry-after', String(r.ttlInSeconds));
      throw new AppError('RATE_LIMITED', undefined, `导出过于频繁：每分钟最多导出${deps.exportRateLimit}次，请稍后再试`);
    };

    app.get(
      '/api/public/v1/statistics',
      {
        config,
        schema: {
          tags: ['public'],
          summary: '门户首页统计：主体数、公示期内的许可和处罚、本月新增公示、各部门公示量',
          response: { 200: statistics, ...errorResponses },
        },
      },
      async (req, reply) => cacheable(req, reply, statistics, await deps.portal.statistics()),
    );

    app.get(
      '/api/public/v1/departments',
      { config, schema: { tags: ['public'], summary: '双公示的数据来源部门（用于按部门筛选）', response: { 200: departments, ...errorResponses } } },
      async (req, reply) => cacheable(req, reply, departments, await deps.portal.departments()),
    );

    app.get(
      '/api/public/v1/regions',
      { config, schema: { tags: ['public'], summary: '组织所在地区及其数量（用于按地区筛选查询结果）', response: { 200: regions, ...errorResponses } } },
      async (req, reply) => cacheable(req, reply, regions, await deps.portal.regions()),
    );

    app.get(
      '/api/public/v1/subjects',
      {
        config,
        schema: {
          tags: ['public'],
          summary: '查询法人和非法人组织（名称、部分名称或统一社会信用代码）',
          description: '排序：代码完全一致 > 名称完全一致 > 名称开头 > 名称包含；全角/半角与中英文括号视为相同。至少两个字。不提供自然人查询。每个结果附公示期内的行政处罚、行政许可条数（markers）。输入像统一社会信用代码时，code给出校验结果（哪一位、为什么不对）及本平台是否有该组织。',
          querystring: z.object({ q: z.string().max(100), type: z.enum(ORG_TYPES).optional(), region: z.string().regex(/^\d{2}(\d{2}){0,2}$/, '地区代码应为2、4或6位数字').optional(), page, pageSize }),
          response: { 200: searchResult, ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await deps.portal.search({ q: req.query.q, type: req.query.type, region: req.query.region, page: req.query.page, pageSize: req.query.pageSize });
        if (r === null) throw new AppError('VALIDATION_FAILED', [{ field: 'q', message: '请至少输入两个字（企业名称的一部分或统一社会信用代码）' }]);
        return cacheable(req, reply, searchResult, r);
      },
    );

    app.get(
      '/api/public/v1/subjects/:uscc',
      {
        config,
        schema: {
          tags: ['public'],
          summary: '信用主体详情：基本信息、登记信息（已归集的）与公示期内的行政许可、行政处罚及名单',
          params: z.object({ uscc: z.string().max(40) }),
          response: { 200: profile, ...errorResponses },
        },
      },
      async (req, reply) => {
        // Built, checked and serialized once; sent again as kept until something in it changes.
        const a = await deps.portal.profileAnswer(req.params.uscc);
        if (a === undefined) throw new AppError('NOT_FOUND', undefined, deps.portal.notFoundMessage(req.params.uscc));
        return send(req, reply, a);
      },
    );

    const filters = z.object({
      department: z.string().uuid().optional(), from: realDate.optional(), to: realDate.optional(), category: z.string().max(50).optional(),
      q: z.string().max(100).optional().describe('关键字：行政相对人名称的一部分（至少两个字，全角/半角与中英文括号视为相同；仅组织，不按姓名查自然人）或决定文书号的开头'),
    });
    for (const kind of ['permits', 'penalties'] as const) {
      app.get(
        `/api/public/v1/publicity/${kind}.csv`,
        {
          config,
          onRequest: limitExports,
          schema: {
            tags: ['public'],
            summary: kind === 'permits' ? '双公示：行政许可导出（CSV）' : '双公示：行政处罚导出（CSV）',
            description: `同一筛选条件的全部结果，UTF-8（带BOM，可直接用Excel打开），最多${deps.exportMaxRows}条；超过时请缩小范围。限流比浏览更严格。`,
            querystring: filters,
          },
        },
        async (req, reply) => {
          const q = req.query;
          const r = await deps.portal.publicityCsv(kind, { departmentId: q.department, from: q.from, to: q.to, category: q.category, q: q.q }, deps.exportMaxRows);
          if ('tooMany' in r) throw new AppError('VALIDATION_FAILED', [{ field: 'from', message: `符合条件的记录共${r.tooMany}条，超过导出上限${deps.exportMaxRows}条，请缩小决定日期范围或增加筛选条件` }]);
          const name = kind === 'permits' ? '行政许可公示.csv' : '行政处罚公示.csv';
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${kind}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`)
            .header('cache-control', PUBLIC_CACHE_CONTROL)
            .send(r.csv);
        },
      );
      app.get(
        `/api/public/v1/publicity/${kind}`,
        {
          config,
          schema: {
            tags: ['public'],
            summary: kind === 'permits' ? '双公示：行政许可' : '双公示：行政处罚',
            description: '仅公示期内的记录；自然人仅以遮盖形式出现，未成年人的处罚不公示。',
            querystring: filters.extend({ page, pageSize }),
            response: { 200: publicityResult, ...errorResponses },
          },
        },
        async (req, reply) => {
          const q = req.query;
          return cacheable(req, reply, publicityResult, await deps.portal.publicity(kind, { departmentId: q.department, from: q.from, to: q.to, category: q.category, q: q.q, page: q.page, pageSize: q.pageSize }));
        },
      );
      app.get(
        `/api/public/v1/publicity/${kind}/:id`,
        {
          config,
          schema: {
            tags: ['public'],
            summary: kind === 'permits' ? '双公示：一条行政许可的全部公示信息' : '双公示：一条行政处罚的全部公示信息',
            description: '该信息项双公示标准中的全部公开字段（未填写的为空字符串）、数据来源部门（以部门登记为准）与公示截止日期。仅公示期内的记录；自然人仅以遮盖形式出现，不含证件号码。',
            params: z.object({ id: z.string().max(64) }),
            response: { 200: publicityRecord, ...errorResponses },
          },
        },
        async (req, reply) => {
          const r = await deps.portal.publicityRecord(kind, req.params.id);
          if (!r) throw new AppError('NOT_FOUND', undefined, `未找到这条${kind === 'permits' ? '行政许可' : '行政处罚'}公示信息：它可能已过公示期、已被撤销或不予公示，请返回公示列表查看`);
          return cacheable(req, reply, publicityRecord, r);
        },
      );
    }
  };
}
