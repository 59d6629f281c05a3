/** The audit viewer's API: only the audit administrator reads the audit log (三员分立). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditEventView, VerificationView } from '../../../common/audit-api.js';
import { errorResponses } from '../../platform/http-schemas.js';
import { actorOf, type AuditLog } from './audit.service.js';
import type { AuditTables } from './audit.tables.js';
import type { Selectable } from 'kysely';

const eventView = z.object({
  seq: z.number(),
  at: z.string(),
  category: z.enum(['security', 'query', 'business']),
  event: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string().nullable(), roles: z.array(z.string()), departmentId: z.string().nullable() }),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  object: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  result: z.enum(['success', 'failure', 'denied']),
  reason: z.string().nullable(),
  purpose: z.string().nullable(),
  authorizationRef: z.string().nullable(),
  resultCount: z.number().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
}) satisfies z.ZodType<AuditEventView>;

function present(r: Selectable<AuditTables['audit_log']>): AuditEventView {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    category: r.category,
    event: r.event,
    actor: { id: r.actor_id, name: r.actor_name, roles: r.actor_roles, departmentId: r.department_id },
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

export function auditRoutes(audit: AuditLog, retention: () => { securityMonths: number; otherYears: number }, databaseRole: DatabaseRoleStatus): FastifyPluginAsyncZod {
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
            event: z.string().max(64).optional(),
            actorId: z.string().max(64).optional(),
            from: z.iso.datetime().optional(),
            to: z.iso.datetime().optional(),
            limit: z.coerce.number().int().min(1).max(200).default(20),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.object({ total: z.number(), items: z.array(eventView) }), ...errorResponses },
        },
      },
      async (req) => {
        const q = req.query;
        const { total, rows } = await audit.list({
          ...(q.category ? { category: q.category } : {}),
          ...(q.event ? { event: q.event } : {}),
          ...(q.actorId ? { actorId: q.actorId } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          limit: q.limit,
          offset: q.offset,
        });
        await audit.recordAlone({ category: 'security', event: 'audit.read', actor: actorOf(req), result: 'success', resultCount: rows.length, details: { filters: q } });
        return { total, items: rows.map(present) };
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
              firstBroken: z.number().optional(),
              reason: z.string().optional(),
              // Whether the database itself also refuses changes to audit rows (least-privilege role).
              database: z.object({ role: z.string(), leastPrivilege: z.boolean() }).nullable(),
            }) satisfies z.ZodType<VerificationView>,
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const result = await audit.verify();
        await audit.recordAlone({ category: 'security', event: 'audit.verify', actor: actorOf(req), result: result.intact ? 'success' : 'failure', ...(result.reason ? { reason: result.reason } : {}) });
        return { ...result, database: await databaseRole() };
      },
    );
  };
}
