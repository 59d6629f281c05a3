/**
 * The audit viewer's API: only the audit administrator reads the audit log (三员分立). Two views:
 * the whole stream (审计日志) and the registered queries (查询登记: who looked up whom, why).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QUERY_SUBJECTS_SHOWN, type AuditActorView, type AuditEventView, type ChainStatus, type QueryRegistrationView, type VerificationView } from '../../../common/audit-api.js';
import { errorResponses } from '../../platform/http-schemas.js';
import { actorOf, type AuditLog } from './audit.service.js';
import type { AuditTables } from './audit.tables.js';
import type { Selectable } from 'kysely';

type AuditRow = Selectable<AuditTables['audit_log']>;

const actorView = z.object({
  id: z.string().nullable(),
  name: z.string().nullable(),
  roles: z.array(z.string()),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable().describe('部门现在的名称；部门已不存在时为空'),
}) satisfies z.ZodType<AuditActorView>;

const result = z.enum(['success', 'failure', 'denied']);

const eventView = z.object({
  seq: z.number(),
  at: z.string(),
  category: z.enum(['security', 'query', 'business']),
  event: z.string(),
  actor: actorView,
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  object: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  result,
  reason: z.string().nullable(),
  purpose: z.string().nullable(),
  authorizationRef: z.string().nullable(),
  resultCount: z.number().nullable(),
  details: z.record(z.string(), z.unknown()),
  // Null for the moment between a row's commit and its link into the chain (docs/adr/0004).
  hash: z.string().nullable(),
}) satisfies z.ZodType<AuditEventView>;

const queryView = z.object({
  seq: z.number(),
  at: z.string(),
  event: z.string(),
  actor: actorView,
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  object: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  subjects: z.array(z.object({ id: z.string(), kind: z.enum(['organization', 'person']).nullable(), name: z.string().nullable() })),
  subjectsMore: z.number(),
  purpose: z.string().nullable(),
  purposeLabel: z.string().nullable(),
  authorizationRef: z.string().nullable(),
  resultCount: z.number().nullable(),
  result,
  reason: z.string().nullable(),
  filters: z.record(z.string(), z.unknown()).nullable(),
}) satisfies z.ZodType<QueryRegistrationView>;

/** What the views name besides the log's own columns, from the modules that own it (wired in server/app). */
export interface AuditLookups {
  /** Every department's id and current name. */
  departments: () => Promise<readonly { id: string; name: string }[]>;
  /** Subjects by id as lists show them: organizations by name, natural persons masked. */
  subjects: (ids: string[]) => Promise<ReadonlyMap<string, { kind: 'organization' | 'person'; name: string }>>;
  /** A QUERY_PURPOSE code's name in the code table. */
  purposeLabel: (code: string) => string | undefined;
}

const filterQuery = {
  q: z.string().max(64).optional().describe('事件，按中文名称或代码的一部分查找（如“登录”、“auth.login”）；以空格分隔的多个词须同时匹配'),
  actorId: z.string().max(64).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).default(0),
};

const textList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && !x.startsWith('…')) : []);

/** The subjects a registration names: the one looked up, or those a search showed. */
function subjectIdsOf(r: AuditRow): string[] {
  const ids = textList(r.details.subjectIds);
  if (r.object_type === 'subject' && r.object_id && !ids.includes(r.object_id)) ids.unshift(r.object_id);
  return ids;
}

function present(r: AuditRow, actor: AuditActorView): AuditEventView {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    category: r.category,
    event: r.event,
    actor,
    ip: r.ip,
    requestId: r.request_id,
    object: { type: r.object_type, id: r.object_id },
    result: r.result,
    reason: r.reason,
    purpose: r.purpose,
    authorizationRef: r.authorization_ref,
    resultCount: r.result_count,
    details: r.details,
    hash: r.hash,
  };
}

/** The connected database role, or null on the embedded database (no roles there). */
export type DatabaseRoleStatus = () => Promise<{ role: string; leastPrivilege: boolean } | null>;

export function auditRoutes(
  audit: AuditLog,
  retention: () => { securityMonths: number; otherYears: number },
  databaseRole: DatabaseRoleStatus,
  lookups: AuditLookups,
): FastifyPluginAsyncZod {
  /** The actors of a page of rows, their departments named. */
  const actorsOf = async (rows: AuditRow[]) => {
    const names = rows.some((r) => r.department_id) ? new Map((await lookups.departments()).map((d) => [d.id, d.name])) : new Map<string, string>();
    return (r: AuditRow): AuditActorView => ({
      id: r.actor_id, name: r.actor_name, roles: r.actor_roles, departmentId: r.department_id,
      departmentName: r.department_id ? (names.get(r.department_id) ?? null) : null,
    });
  };
  const dateFilters = (q: { actorId?: string | undefined; from?: string | undefined; to?: string | undefined; q?: string | undefined }) => ({
    ...(q.q?.trim() ? { words: q.q } : {}),
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
  });

  return async (app) => {
    const auditors = { policy: { roles: ['auditAdmin'] as const } };
    app.get(
      '/api/v1/audit/events',
      {
        config: auditors,
        schema: {
          tags: ['audit'],
          summary: '审计日志（仅审计管理员）',
          querystring: z.object({
            category: z.enum(['security', 'query', 'business']).optional(),
            event: z.string().max(64).optional().describe('一个事件代码（完全相同）'),
            ...filterQuery,
          }),
          response: { 200: z.object({ total: z.number(), items: z.array(eventView) }), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        const { total, rows } = await audit.list({
          ...(q.category ? { category: q.category } : {}),
          ...(q.event ? { event: q.event } : {}),
          ...dateFilters(q),
          limit: q.limit,
          offset: q.offset,
        });
        await audit.recordAlone({ category: 'security', event: 'audit.read', actor: actorOf(req), result: 'success', resultCount: rows.length, details: { filters: q } });
        const actor = await actorsOf(rows);
        return { total, items: rows.map((r) => present(r, actor(r))) };
      },
    );

    app.get(
      '/api/v1/audit/queries',
      {
        config: auditors,
        schema: {
          tags: ['audit'],
          summary: '查询登记（仅审计管理员）：谁、何时、以什么目的查询了哪些主体或记录，结果几条',
          description:
            '只含查询登记（查询非公开信息时登记的事件，及因未说明查询目的被拒绝的查询），不含审计管理员自己的查阅与校验。' +
            `主体按工作人员列表中的样子显示：组织显示名称，自然人姓名遮蔽；每条登记最多列出${QUERY_SUBJECTS_SHOWN}个主体，其余计入subjectsMore。`,
          querystring: z.object(filterQuery),
          response: { 200: z.object({ total: z.number(), items: z.array(queryView) }), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        const { total, rows } = await audit.list({ category: 'query', ...dateFilters(q), limit: q.limit, offset: q.offset });
        await audit.recordAlone({ category: 'security', event: 'audit.read', actor: actorOf(req), result: 'success', resultCount: rows.length, details: { view: 'queries', filters: q } });
        const actor = await actorsOf(rows);
        const shown = new Map(rows.map((r) => [r.seq, subjectIdsOf(r)]));
        const wanted = [...new Set([...shown.values()].flatMap((ids) => ids.slice(0, QUERY_SUBJECTS_SHOWN)))];
        const subjects = wanted.length > 0 ? await lookups.subjects(wanted) : new Map<string, { kind: 'organization' | 'person'; name: string }>();
        const items = rows.map((r): QueryRegistrationView => {
          const ids = shown.get(r.seq) ?? [];
          const filters = r.details.filters;
          return {
            seq: r.seq,
            at: r.at.toISOString(),
            event: r.event,
            actor: actor(r),
            ip: r.ip,
            requestId: r.request_id,
            object: { type: r.object_type, id: r.object_id },
            subjects: ids.slice(0, QUERY_SUBJECTS_SHOWN).map((id) => ({ id, kind: subjects.get(id)?.kind ?? null, name: subjects.get(id)?.name ?? null })),
            subjectsMore: Math.max(0, ids.length - QUERY_SUBJECTS_SHOWN),
            purpose: r.purpose,
            purposeLabel: r.purpose ? (lookups.purposeLabel(r.purpose) ?? null) : null,
            authorizationRef: r.authorization_ref,
            resultCount: r.result_count,
            result: r.result,
            reason: r.reason,
            filters: filters && typeof filters === 'object' && !Array.isArray(filters) ? (filters as Record<string, unknown>) : null,
          };
        });
        return { total, items };
      },
    );

    app.post(
      '/api/v1/audit/purge',
      {
        config: auditors,
        schema: {
          tags: ['audit'],
          summary: '按保存期限清理到期的审计记录（清理本身记入审计日志）',
          description: '安全审计记录保存期限与查询、共享日志保存期限取自目录time-limits.yaml（SECURITY_AUDIT_RETENTION、QUERY_LOG_RETENTION）；只清理哈希链最前面全部到期的连续记录。',
          body: z.object({}).optional(),
          response: { 200: z.object({ removed: z.number(), through: z.number() }), ...errorResponses },
        },
      },
      async (req) => audit.purge(retention(), actorOf(req)),
    );

    const chainStatus = z.object({
      pending: z.number().int().describe('已提交、尚未链入哈希链的审计记录数'),
      oldestPendingAt: z.string().nullable().describe('其中最早一条的写入时间'),
      overdue: z.boolean().describe('有记录等待链接超过 overdueAfterSeconds 秒：链接失败，或没有平台进程在运行'),
      overdueAfterSeconds: z.number().int(),
      failure: z.object({ at: z.string(), message: z.string() }).nullable().describe('任一进程最近一次链接失败（时间与原因），直到下一次链接成功'),
    }) satisfies z.ZodType<ChainStatus>;

    app.get(
      '/api/v1/audit/status',
      {
        config: auditors,
        schema: {
          tags: ['audit'],
          summary: '审计记录链接状态（从数据库读取，各进程、重启后一致）：等待链接的记录数、最早一条的时间、最近一次链接失败',
          response: { 200: chainStatus, ...errorResponses },
        },
      },
      async () => audit.chainStatus(),
    );

    app.get(
      '/api/v1/audit/verify',
      {
        config: auditors,
        schema: {
          tags: ['audit'],
          summary: '校验审计日志哈希链与外部检查点',
          response: {
            200: z.object({
              intact: z.boolean(),
              count: z.number(),
              lastSeq: z.number(),
              checkpoints: z.number(),
              pending: z.number().optional(),
              firstBroken: z.number().optional(),
              reason: z.string().optional(),
              // Whether the database itself also refuses changes to audit rows (least-privilege role).
              database: z.object({ role: z.string(), leastPrivilege: z.boolean() }).nullable(),
              chaining: chainStatus,
            }) satisfies z.ZodType<VerificationView>,
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const result = await audit.verify();
        await audit.recordAlone({ category: 'security', event: 'audit.verify', actor: actorOf(req), result: result.intact ? 'success' : 'failure', ...(result.reason ? { reason: result.reason } : {}) });
        return { ...result, database: await databaseRole(), chaining: await audit.chainStatus() };
      },
    );
  };
}
