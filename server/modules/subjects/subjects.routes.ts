/**
 * Staff endpoints for subjects (behind the policy seam: 401 until identity arrives) and the
 * public code-validation tool. Personal data travels in bodies, never in URLs, so search is POST.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validateCode } from '../../../common/identifiers/index.js';
import { AppError } from '../../platform/errors.js';
import { STAFF_ROLES } from '../../platform/policy.js';
import { errorResponses, realDate } from '../../platform/http-schemas.js';
import { actorOf, type AuditLog } from '../audit/index.js';
import type { SubjectsService } from './subjects.service.js';

const PURPOSE_HEADER = 'x-query-purpose';
const AUTHORIZATION_HEADER = 'x-authorization-ref';

/** Headers every registered (non-public) read carries; documented on each such route. */
const queryHeaders = z.object({
  // Optional in the schema so that a missing purpose gets its own clear error (PURPOSE_REQUIRED).
  [PURPOSE_HEADER]: z.string().max(64).optional().describe('查询目的代码（目录代码表QUERY_PURPOSE），必填'),
  [AUTHORIZATION_HEADER]: z.string().max(100).optional().describe('主体授权书编号（经授权查询时填写）'),
});

const issue = z.object({ code: z.string(), message: z.string(), position: z.number().int().optional() });

const validateBody = z.object({
  code: z.string().max(64).describe('统一社会信用代码或身份证号码；全角、空格、连字符会被规范化'),
  kind: z.enum(['uscc', 'id']).optional().describe('按字段要求指定；不填时自动推断'),
});

const validateReply = z.object({
  valid: z.boolean(),
  kind: z.enum(['uscc', 'id']),
  kindInferred: z.boolean(),
  normalized: z.string(),
  parts: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(issue),
  warnings: z.array(issue),
});

const orgType = z.enum(['enterprise', 'individualBusiness', 'publicInstitution', 'socialOrganization', 'governmentBody', 'other']);
const status = z.enum(['active', 'revoked', 'cancelled', 'deceased', 'other']);
const legacy = z.array(z.object({ scheme: z.enum(['regNo', 'orgCode', 'taxNo', 'institutionCertNo', 'socialOrgCertNo']), value: z.string().min(1).max(50) })).max(10);

const registrationFacts = z.object({
  establishmentDate: z.string().nullable(),
  address: z.string().nullable(),
  status: z.string().nullable(),
  registeredCapital: z.string().nullable(),
  businessScope: z.string().nullable(),
});

/** As the registry gives them; a field sent as null clears what was held, one left out is kept. */
const registrationInput = z.object({
  establishmentDate: realDate.nullable().optional().describe('成立日期'),
  address: z.string().max(200).nullable().optional().describe('住所'),
  status: z.string().max(30).nullable().optional().describe('登记状态（登记机关的用语，如存续、吊销、注销；平台据此设定主体状态）'),
  registeredCapital: z.number().min(0, '注册资本不能为负数').max(1e12, '注册资本超过1万亿万元，请核对单位（万元）')
    .refine((v) => Math.abs(v * 1e4 - Math.round(v * 1e4)) < 1e-6, '注册资本以万元计，最多4位小数').nullable().optional().describe('注册资本（万元），如500或12.5'),
  businessScope: z.string().max(4000).nullable().optional().describe('经营范围'),
});

const subjectView = z.object({
  id: z.string().uuid(),
  classification: z.enum(['public', 'governmentShared', 'authorizedQuery', 'restrictedPersonal']),
  kind: z.enum(['organization', 'person']),
  orgType: orgType.nullable(),
  name: z.string(),
  uscc: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  legalRepresentative: z.object({ id: z.string(), name: z.string() }).nullable(),
  region: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  industry: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  status,
  registration: registrationFacts.nullable(),
  legacyIdentifiers: legacy,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const createBody = z.object({
  kind: z.enum(['organization', 'person']),
  orgType: orgType.optional(),
  name: z.string().min(1).max(200),
  uscc: z.string().max(64).optional(),
  idNumber: z.string().max(64).optional(),
  legalRepresentativeId: z.string().uuid().optional(),
  legalRepresentative: z.object({ name: z.string().min(1).max(50), idNumber: z.string().max(64) }).optional(),
  regionCode: z.string().regex(/^\d{6}$/).optional(),
  industryCode: z.string().max(10).optional(),
  status: status.optional(),
  legacyIdentifiers: legacy.optional(),
  registration: registrationInput.optional().describe('组织的登记信息（成立日期、住所、登记状态、注册资本、经营范围），自然人没有'),
});

const patchBody = createBody.omit({ kind: true, idNumber: true }).partial().extend({
  version: z.number().int().positive().describe('当前版本号（乐观锁）'),
});

const searchBody = z.object({
  q: z.string().max(100).optional().describe('组织：名称关键字（≥2个字使用索引）；自然人：完整姓名，精确匹配（姓名加密存储，按盲索引查找，部分姓名查不到）'),
  uscc: z.string().max(64).optional(),
  idNumber: z.string().max(64).optional(),
  kind: z.enum(['organization', 'person']).optional(),
  // At most what an audit row lists (AUDIT_LIMITS.items): the query registration names every subject shown.
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).max(10_000).default(0),
});

const idParams = z.object({ id: z.string().uuid() });

export interface SubjectsRouteDeps {
  subjects: SubjectsService;
  audit: AuditLog;
  /** Codes of the configurable QUERY_PURPOSE list (catalog/code-tables.yaml). */
  purposes: () => ReadonlySet<string>;
  regionName: (code: string) => string | undefined;
  codeValidateRateLimit: number;
  counters: Map<string, number>;
}

export function subjectsRoutes(deps: SubjectsRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const staff = { policy: { roles: STAFF_ROLES } };

    /**
     * Query registration: a read of non-public data states its purpose, and is registered (who,
     * role, department, when, IP, object, purpose, authorization, result count, request id).
     * Registration failing fails the read.
     */
    const purposeOf = async (req: FastifyRequest): Promise<{ purpose: string; authorizationRef?: string }> => {
      const purpose = req.headers[PURPOSE_HEADER];
      const ref = req.headers[AUTHORIZATION_HEADER];
      if (typeof purpose !== 'string' || !deps.purposes().has(purpose)) {
        return refuse(req, 'PURPOSE_REQUIRED', 'no or unknown purpose', { header: PURPOSE_HEADER, allowed: [...deps.purposes()] });
      }
      // A document number, not free text: it must not become a way to store personal data.
      if (typeof ref === 'string' && ref && !/^[A-Za-z0-9\-_/()（）〔〕\[\]第号字\u4e00-\u9fa5]{1,60}$/.test(ref)) {
        return refuse(req, 'VALIDATION_FAILED', 'malformed authorization reference', [{ path: AUTHORIZATION_HEADER, message: '授权书编号格式不正确（字母、数字、汉字和常见文号符号，最多60个字符）' }]);
      }
      if (typeof ref === 'string' && /[0-9]{15,}/.test(ref)) {
        return refuse(req, 'VALIDATION_FAILED', 'authorization reference looks like an identifier', [{ path: AUTHORIZATION_HEADER, message: '授权书编号不得是证件号码' }]);
      }
      return { purpose, ...(typeof ref === 'string' && ref ? { authorizationRef: ref } : {}) };
    };
    /** A refused query is registered too (who tried to read what without a proper purpose). */
    const refuse = async (req: FastifyRequest, code: 'PURPOSE_REQUIRED' | 'VALIDATION_FAILED', reason: string, details: unknown): Promise<never> => {
      await deps.audit.recordAlone({ category: 'query', event: 'query.refused', actor: actorOf(req), result: 'denied', reason, objectType: 'route', objectId: `${req.method} ${req.routeOptions.url ?? ''}` });
      throw new AppError(code, details);
    };
    const register = (req: FastifyRequest, event: string, q: { purpose: string; authorizationRef?: string }, objectId: string | undefined, resultCount: number, subjectIds?: string[]) =>
      deps.audit.recordAlone({ category: 'query', event, actor: actorOf(req), result: 'success', objectType: 'subject', ...(objectId ? { objectId } : {}), ...q, resultCount, ...(subjectIds ? { details: { subjectIds } } : {}) });

    app.post(
      '/api/v1/codes/validate',
      {
        // Public and anonymous: the body may be a citizen's ID number, so nothing but counts is kept.
        logLevel: 'silent',
        config: { policy: { public: true }, rateLimit: { max: deps.codeValidateRateLimit, timeWindow: '1 minute' } },
        schema: {
          tags: ['codes'],
          summary: '校验统一社会信用代码或身份证号码',
          description: '按GB 32100-2015或GB 11643-1999校验并解析。公开接口，限流；除计数外不记录任何内容。',
          body: validateBody,
          response: { 200: validateReply, ...errorResponses },
        },
      },
      async (req) => {
        const r = validateCode(req.body.code, req.body.kind, { regionName: deps.regionName });
        const key = `${r.kind}:${r.valid ? 'valid' : 'invalid'}`;
        deps.counters.set(key, (deps.counters.get(key) ?? 0) + 1);
        return {
          valid: r.valid,
          kind: r.kind,
          kindInferred: r.inferred,
          normalized: r.normalized,
          parts: r.parts as Record<string, unknown> | null,
          errors: r.errors,
          warnings: r.warnings,
        };
      },
    );

    app.post(
      '/api/v1/subjects',
      {
        config: staff,
        schema: { tags: ['subjects'], summary: '登记信用主体', body: createBody, response: { 201: subjectView, ...errorResponses } },
      },
      async (req, reply) => {
        const view = await deps.subjects.create(req.body, actorOf(req));
        return reply.code(201).send(view);
      },
    );

    app.get(
      '/api/v1/subjects/:id',
      {
        config: staff,
        schema: {
          tags: ['subjects'],
          summary: '查看信用主体（须说明查询目的，登记在案；自然人姓名解密后完整显示）',
          params: idParams,
          headers: queryHeaders,
          response: { 200: subjectView, ...errorResponses },
        },
      },
      async (req) => {
        const q = await purposeOf(req);
        // Registered in the read's own transaction, before a person's name is decrypted.
        return deps.subjects.read(req.params.id, { actor: actorOf(req), ...q });
      },
    );

    app.patch(
      '/api/v1/subjects/:id',
      {
        config: staff,
        schema: { tags: ['subjects'], summary: '变更信用主体（产生新版本）', params: idParams, body: patchBody, response: { 200: subjectView, ...errorResponses } },
      },
      async (req) => {
        const { version, ...patch } = req.body;
        return deps.subjects.update(req.params.id, version, patch, actorOf(req));
      },
    );

    app.get(
      '/api/v1/subjects/:id/versions',
      {
        config: staff,
        schema: {
          tags: ['subjects'],
          summary: '信用主体变更历史（须说明查询目的，登记在案）',
          params: idParams,
          headers: queryHeaders,
          response: { 200: z.array(z.object({ version: z.number(), data: z.unknown(), changedAt: z.string(), changedBy: z.string() })), ...errorResponses },
        },
      },
      async (req) => {
        const q = await purposeOf(req);
        const versions = await deps.subjects.versions(req.params.id);
        await register(req, 'query.subject.versions', q, req.params.id, versions.length);
        return versions;
      },
    );

    app.post(
      '/api/v1/subjects/search',
      {
        config: staff,
        schema: {
          tags: ['subjects'],
          summary: '检索信用主体（组织按名称关键字；自然人仅按完整姓名精确查找（姓名的盲索引），或按身份证号码；统一社会信用代码；须说明查询目的，登记在案）',
          headers: queryHeaders,
          body: searchBody,
          response: { 200: z.object({ total: z.number().int(), items: z.array(subjectView) }), ...errorResponses },
        },
      },
      async (req) => {
        const q = await purposeOf(req);
        // Registered by the service in the search's transaction: which subjects were shown, never
        // what was searched for (a name or an ID number).
        return deps.subjects.search(req.body, { actor: actorOf(req), ...q });
      },
    );
  };
}
