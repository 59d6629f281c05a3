/**
 * Composition root of the HTTP side: plugin order, the one error shape, the policy seam,
 * OpenAPI, health, and module registration. Knows every module; no module knows it.
 */
import { STATUS_CODES, type Server } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyHttpOptions, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../../common/errors.js';
import { catalogRoutes, policiesRoutes, type CatalogService } from '../modules/catalog/index.js';
import { subjectsRoutes, type SubjectsService } from '../modules/subjects/index.js';
import { collectionRoutes, type CollectionService } from '../modules/collection/index.js';
import { recordsRoutes, type RecordsService } from '../modules/records/index.js';
import { portalRoutes, type PortalService } from '../modules/portal/index.js';
import { noticesPublicRoutes, noticesRoutes, type NoticesService } from '../modules/notices/index.js';
import { exchangeRoutes, type ExchangeService } from '../modules/exchange/index.js';
import { jobRoutes } from '../platform/jobs.routes.js';
import type { JobRunner } from '../platform/jobs.js';
import { actorOf, auditRoutes, type AuditLog, type DatabaseRoleStatus } from '../modules/audit/index.js';
import { identityRoutes, type IdentityService, type SignedRequests } from '../modules/identity/index.js';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { Readable } from 'node:stream';
import { denyAll, type Authenticate, type Policy, type VerifySigned } from '../platform/policy.js';
import { guardInput } from '../platform/input-guard.js';
import { chineseIssues } from '../platform/zod-messages.js';
import { registerWeb } from './web.js';

// Refusals read as sentences about the caller's input (a schema's own message still wins).
z.config({ ...z.locales.zhCN(), customError: chineseIssues });

export interface RegisteredRoute {
  method: string;
  url: string;
  policy: Policy | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

/**
 * Routes registered by plugins (OpenAPI UI, static web assets): public, given a policy here. The API
 * description is public on purpose: integrators need it, and it holds schemas, never data.
 */
const PLUGIN_PUBLIC_PREFIXES = ['/docs', '/assets/'];

/**
 * Default deny, installed on a Fastify instance: every route must declare `config.policy` (a route
 * without one is a programming error that stops the start), and the policy is enforced in
 * `onRequest`, before the body is parsed, so an anonymous caller learns nothing about a staff
 * route's schema.
 */
export interface PolicyOptions {
  authenticate: Authenticate;
  /** Called when an authenticated principal is refused by a route's policy (audited). */
  onDenied?: ((req: FastifyRequest) => Promise<void>) | undefined;
  /** Completes a signed system request once its raw body has been read. */
  verifySigned?: VerifySigned | undefined;
  bodyLimit?: number;
}

export function installPolicy(app: FastifyInstance, opts: PolicyOptions): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const bodyLimit = opts.bodyLimit ?? 1024 * 1024;
  app.addHook('onRoute', (route) => {
    if (!route.config?.policy && PLUGIN_PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) route.config = { ...route.config, policy: { public: true } };
    if (!route.config?.policy) throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no policy`);
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, policy: route.config.policy });
  });

  const enforce = async (req: FastifyRequest, policy: Exclude<Policy, { public: true }>) => {
    const principal = req.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if ('signedIn' in policy) {
      // Sign-in steps belong to people; a system account has no session to finish.
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
      return;
    }
    if (principal.stage !== 'full') throw new AppError('LOGIN_STEP_REQUIRED');
    if (!principal.roles.some((r) => policy.roles.includes(r))) {
      await opts.onDenied?.(req);
      throw new AppError('FORBIDDEN');
    }
  };

  app.addHook('onRequest', async (req) => {
    if (req.is404) return;
    const policy = req.routeOptions.config.policy;
    if (!policy) throw new AppError('FORBIDDEN');
    if ('public' in policy) return;
    req.principal = await opts.authenticate(req);
    // A signed request's principal is only a claim until its signature is checked (preHandler):
    // nothing is decided or audited in its name before that.
    if (req.signedHeaders) return;
    await enforce(req, policy);
  });

  // Signed system requests: keep the raw body (the signature covers its hash), within the body limit.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!req.signedHeaders) return payload;
    // A route may allow more (the collection API's batches of 10,000 records).
    const limit = Math.max(bodyLimit, req.routeOptions.bodyLimit ?? 0);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw new AppError('PAYLOAD_TOO_LARGE');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of payload) {
      size += (c as Buffer).length;
      if (size > limit) throw new AppError('PAYLOAD_TOO_LARGE');
      chunks.push(Buffer.from(c as Buffer));
    }
    req.rawBody = Buffer.concat(chunks);
    const replay = Readable.from([req.rawBody]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = req.rawBody.length;
    return replay;
  });
  app.addHook('preHandler', async (req) => {
    if (!req.signedHeaders) return;
    const policy = req.routeOptions.config.policy;
    if (!opts.verifySigned || !policy || 'public' in policy) throw new AppError('SIGNATURE_INVALID');
    req.principal = await opts.verifySigned(req, req.signedHeaders, req.rawBody ?? Buffer.alloc(0));
    await enforce(req, policy);
  });
  return routes;
}

/** ok: audit rows are linked; failing: a pass failed or rows wait overdue; unknown: the database did not answer. */
export type AuditChainHealth = 'ok' | 'failing' | 'unknown';
const auditChainHealth = z.enum(['ok', 'failing', 'unknown']).describe('审计记录链接：ok 正常；failing 链接失败或积压；unknown 数据库不可达');

export interface AppDeps {
  config: Pick<Config, 'trustProxy' | 'codeValidateRateLimit' | 'portalRateLimit' | 'portalExportRateLimit' | 'portalExportMaxRows' | 'importMaxBytes' | 'uploadRateLimit'>;
  logger: Logger;
  catalog: CatalogService;
  subjects: SubjectsService;
  collection: CollectionService;
  /** The credit office's records browser. */
  records: RecordsService;
  portal: PortalService;
  /** 信用动态 / 通知公告. */
  notices: NoticesService;
  /** 数据订阅, dead letters, the pull feed. */
  exchange: ExchangeService;
  /** 后台任务: the failed jobs and their retry. */
  jobs: JobRunner;
  /**
   * Readiness: database reachable and no migration pending. `auditChain`: whether audit rows are
   * being linked into the hash chain (docs/operations.md → Audit log); said, never a reason for 503.
   */
  ready: () => Promise<{ database: boolean; migrationsPending: number; engine: string; auditChain: AuditChainHealth }>;
  authenticate?: Authenticate;
  identity: IdentityService;
  signed: SignedRequests;
  audit: AuditLog;
  /** Retention periods from catalog/time-limits.yaml (legal floors applied by the audit log). */
  auditRetention: () => { securityMonths: number; otherYears: number };
  databaseRole: DatabaseRoleStatus;
  verifySigned?: VerifySigned;
  /** Called when an authenticated principal is refused by a route's policy (audited). */
  onDenied?: (req: FastifyRequest) => Promise<void>;
  version: string;
}

/** What Fastify's own refusals mean for the caller, in Chinese (its English text never leaves). */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '请求内容不是有效的JSON：请检查引号、逗号和括号是否成对',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求内容为空：Content-Type为application/json时须带JSON内容',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求头Content-Length与实际收到的内容长度不符',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求内容超过该接口允许的大小',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持的内容类型：该接口只接受application/json（上传文件请用数据报送接口）',
  PROTOTYPE: '请求内容含有不允许的属性名（__proto__或constructor.prototype）',
};

const PLACES: Record<string, string> = { querystring: '查询参数', params: '路径参数', body: '请求内容', headers: '请求头' };

/** 「请求参数不符合要求：查询参数「from」「2026-02-30」不是有效日期（2月没有30日）」: what, where and why, the first of them. */
function validationMessage(details: { in?: string | undefined; path: string; message?: string | undefined }[]): string {
  const first = details[0];
  if (!first) return ERRORS.VALIDATION_FAILED.zh;
  const where = `${PLACES[first.in ?? ''] ?? '请求'}${first.path === '/' ? '' : `「${first.path.replace(/^\//, '')}」`}`;
  return `${ERRORS.VALIDATION_FAILED.zh}：${where}${first.message ?? ''}${details.length > 1 ? `（另有${details.length - 1}处）` : ''}`;
}

function send(code: ErrorCode, message?: string, details?: unknown) {
  return { status: ERRORS[code].status, body: { error: { code, message: message ?? ERRORS[code].zh, ...(details !== undefined ? { details } : {}) } } };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const options: FastifyHttpOptions<Server> = {
    loggerInstance: deps.logger as FastifyBaseLogger,
    // A hop count trusts that many proxies nearest to us; addresses trust exactly those proxies.
    trustProxy: typeof deps.config.trustProxy === 'number' ? ((hops: number) => (_addr: string, hop: number) => hop < hops)(deps.config.trustProxy) : deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Request ids let a user quote a failure without us logging its content.
    genReqId: () => crypto.randomUUID(),
    // Errors Fastify answers before a route is found (a malformed percent-encoding in the path): the
    // one error shape too. The path is not echoed (it may carry what someone typed).
    // A request Node's HTTP parser cannot read (a control character in a header, a broken request
    // line, headers too large) is answered on the socket before Fastify sees it: the one shape too.
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const code: ErrorCode = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
      const out = send(code, code === 'BAD_REQUEST' ? '请求格式错误：无法解析该HTTP请求（请求行或请求头含有不允许的字符）' : undefined);
      const body = JSON.stringify(out.body);
      if (socket.writable) socket.write(`HTTP/1.1 ${out.status} ${STATUS_CODES[out.status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      socket.destroy(err);
    },
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const out = err.code === 'FST_ERR_BAD_URL' ? send('BAD_REQUEST', '请求地址无效：其中的“%”后应为两位十六进制数字（百分号编码），请检查链接是否完整') : send('BAD_REQUEST');
      void reply.code(out.status).header('cache-control', 'no-store').send(out.body);
    },
  };
  const base = Fastify(options);
  base.decorate('registeredRoutes', installPolicy(base, { authenticate: deps.authenticate ?? denyAll, onDenied: deps.onDenied, verifySigned: deps.verifySigned, bodyLimit: 1024 * 1024 }));
  const app = base.withTypeProvider<ZodTypeProvider>();

  // Control and invisible characters are refused before any schema or handler sees them.
  app.addHook('preValidation', guardInput);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);


  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    let out;
    if (err instanceof AppError) {
      out = send(err.code, err.message, err.details);
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({ in: err.validationContext, path: v.instancePath || '/', message: v.message }));
      out = send('VALIDATION_FAILED', validationMessage(details), details);
    } else if ((err as { code?: unknown }).code === '23505') {
      // A unique constraint caught what a service pre-check could not (e.g. two concurrent creates).
      out = send('DUPLICATE', undefined, { constraint: (err as { constraint?: string }).constraint ?? null });
    } else if (isResponseSerializationError(err)) {
      req.log.error({ err: { message: err.message } }, 'response did not match its schema');
      out = send('INTERNAL');
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      const code: ErrorCode =
        err.statusCode === 429 ? 'RATE_LIMITED' : err.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : err.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : err.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      out = send(code, FRAMEWORK_MESSAGES[(err as { code?: string }).code ?? ''] ?? (/prototype|constructor/.test(err.message) ? FRAMEWORK_MESSAGES.PROTOTYPE : undefined));
    } else {
      // Only the message and stack go to the log; request bodies never do.
      req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
      out = send('INTERNAL');
    }
    reply.code(out.status).header('cache-control', 'no-store').send(out.body);
  });

  app.setNotFoundHandler((req, reply) => {
    // The path is not echoed: it may carry an identifier someone typed into a URL.
    const out = send('ROUTE_NOT_FOUND', `接口不存在（${req.method}）`);
    reply.code(out.status).send(out.body);
  });

  app.addHook('onSend', async (req, reply) => {
    // API answers may carry personal or non-public data: never cached unless a route says otherwise.
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', undefined, `${ERRORS.RATE_LIMITED.zh}（每分钟最多${ctx.max}次）`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '信用 Xinyong 公共信用信息平台 API', version: deps.version, description: '错误统一格式：{"error": {"code", "message", "details"}}' },
      tags: [
        { name: 'health', description: '健康检查' },
        { name: 'codes', description: '统一社会信用代码与身份证号码校验' },
        { name: 'public', description: '信用门户开放接口（匿名、限流、可缓存；仅公示期内的信息）' },
        { name: 'subjects', description: '信用主体（工作人员）' },
        { name: 'collection', description: '归集：报送文件与批次（部门只见本部门）' },
        { name: 'records', description: '信息记录：各部门的记录、版本与撤销（信用办）' },
        { name: 'catalog', description: '目录：信息项、措施、名单类型及法律依据' },
        { name: 'notices', description: '信用动态与通知公告（信用办编辑、发布、撤回）' },
        { name: 'jobs', description: '后台任务：失败的任务与重试（系统管理员、信用办）' },
        { name: 'exchange', description: '数据订阅：变更推送（签名webhook）、投递失败与重新投递（信用办），变更拉取（系统账号签名请求）' },
        { name: 'calendar', description: '工作日历' },
        { name: 'auth', description: '登录、双因素认证与会话' },
        { name: 'admin', description: '部门、用户与安全策略（三员分立）' },
        { name: 'audit', description: '审计日志（仅审计管理员）' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.get('/openapi.json', { config: { policy: { public: true } }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    { logLevel: 'warn', config: { policy: { public: true } }, schema: { tags: ['health'], summary: '存活检查', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      config: { policy: { public: true } },
      schema: {
        tags: ['health'],
        summary: '就绪检查：数据库可达且迁移已全部执行；auditChain 说明审计记录是否正常链入哈希链（failing：链接失败或积压，详见审计管理员的完整性校验；不影响就绪）',
        response: {
          200: z.object({ status: z.literal('ready'), engine: z.string(), migrationsPending: z.number(), auditChain: auditChainHealth }),
          503: z.object({ status: z.literal('not ready'), engine: z.string(), database: z.boolean(), migrationsPending: z.number(), auditChain: auditChainHealth }),
        },
      },
    },
    async (_req, reply) => {
      const r = await deps.ready();
      if (r.database && r.migrationsPending === 0) return { status: 'ready' as const, engine: r.engine, migrationsPending: 0, auditChain: r.auditChain };
      return reply.code(503).send({ status: 'not ready' as const, engine: r.engine, database: r.database, migrationsPending: r.migrationsPending, auditChain: r.auditChain });
    },
  );

  await registerWeb(base);

  await app.register(identityRoutes(deps.identity, deps.signed));
  await app.register(
    auditRoutes(deps.audit, deps.auditRetention, deps.databaseRole, {
      departments: () => deps.identity.departments(),
      subjects: (ids) => deps.subjects.publicNames(ids),
      purposeLabel: (code) => deps.catalog.get('codeTable', 'QUERY_PURPOSE')?.content.values.find((v) => v.value === code)?.label,
    }),
  );
  await app.register(catalogRoutes(deps.catalog, deps.audit));
  await app.register(policiesRoutes(deps.catalog));
  await app.register(
    subjectsRoutes({
      subjects: deps.subjects,
      audit: deps.audit,
      purposes: () => new Set((deps.catalog.get('codeTable', 'QUERY_PURPOSE')?.content.values ?? []).map((v) => v.value)),
      regionName: deps.catalog.regionName,
      codeValidateRateLimit: deps.config.codeValidateRateLimit,
      counters: codeValidationCounters,
    }),
  );
  await app.register(collectionRoutes({ collection: deps.collection, catalog: deps.catalog, audit: deps.audit, maxFileBytes: deps.config.importMaxBytes, uploadRateLimit: deps.config.uploadRateLimit }));
  await app.register(
    recordsRoutes({ records: deps.records, audit: deps.audit, purposes: () => new Set((deps.catalog.get('codeTable', 'QUERY_PURPOSE')?.content.values ?? []).map((v) => v.value)) }),
  );
  // The published notices join the portal's scope, so the open API keeps one rate-limit budget.
  await app.register(async (open) => {
    await portalRoutes({ portal: deps.portal, rateLimit: deps.config.portalRateLimit, exportRateLimit: deps.config.portalExportRateLimit, exportMaxRows: deps.config.portalExportMaxRows })(open, {});
    await noticesPublicRoutes({ notices: deps.notices })(open, {});
  });
  await app.register(noticesRoutes({ notices: deps.notices, uploadRateLimit: deps.config.uploadRateLimit }));
  await app.register(exchangeRoutes({ exchange: deps.exchange }));
  await app.register(
    jobRoutes({
      jobs: deps.jobs,
      onRetry: async (trx, req, job, outcome) => {
        await deps.audit.record(trx, { category: 'business', event: 'job.retry', actor: actorOf(req), result: 'success', objectType: 'job', objectId: String(job.id), details: { kind: job.kind, outcome, attempts: job.attempts, lastError: job.last_error } });
      },
    }),
  );
  // The only trace public code validations leave: a count per kind and result, logged every 10 minutes.
  const countTimer = setInterval(() => logCodeValidationCounts(deps.logger), 10 * 60_000);
  countTimer.unref();
  app.addHook('onClose', async () => {
    clearInterval(countTimer);
    logCodeValidationCounts(deps.logger);
  });
  return app;
}

function logCodeValidationCounts(log: Logger): void {
  if (codeValidationCounters.size === 0) return;
  log.info({ codeValidations: Object.fromEntries(codeValidationCounters) }, 'public code validations since last report');
  codeValidationCounters.clear();
}

/** Counts of public code validations (kind:valid|invalid), the only trace they leave. */
export const codeValidationCounters = new Map<string, number>();
