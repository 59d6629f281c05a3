export { AuditLog, actorOf, type Actor, type AuditEvent, type AuditRow, type Verification, type KyselyLike } from './audit.service.js';
export { auditRoutes, type AuditLookups, type DatabaseRoleStatus } from './audit.routes.js';
export { GENESIS_HASH, rowHash } from './audit.chain.js';
export type { AuditTables, AuditCategory, AuditResult } from './audit.tables.js';
