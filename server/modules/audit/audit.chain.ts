/**
 * The hash chain: hash = SM3(prev_hash ‖ "\n" ‖ canonical row). The canonical row is JSON with
 * sorted keys of every column but the chain's own (position and hashes), with the time as ISO-8601
 * UTC (millisecond precision, which both engines keep exactly). The position is not hashed: the
 * links say it (a row moved to another position no longer follows its predecessor's hash), and
 * rows chained before positions existed verify unchanged.
 */
import type { Selectable } from 'kysely';
import { canonical } from '../../platform/canonical-json.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import type { AuditTables } from './audit.tables.js';

export { canonical };

export const GENESIS_HASH = '0'.repeat(64);

/** A row as hashed: every column but the chain's own. */
export type ChainRow = Omit<Selectable<AuditTables['audit_log']>, 'chain_pos' | 'prev_hash' | 'hash'>;

export function rowHash(prevHash: string, row: ChainRow): string {
  const { seq, at, category, event, actor_id, actor_name, actor_roles, department_id, ip, request_id, object_type, object_id, result, reason, purpose, authorization_ref, result_count, details } = row;
  const body = canonical({ seq, at, category, event, actor_id, actor_name, actor_roles, department_id, ip, request_id, object_type, object_id, result, reason, purpose, authorization_ref, result_count, details });
  return sm3Hex(`${prevHash}\n${body}`);
}
