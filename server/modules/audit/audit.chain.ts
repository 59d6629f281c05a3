/**
 * The hash chain: hash = SM3(prev_hash ‖ "\n" ‖ canonical row). The canonical row is JSON with
 * sorted keys of every column but the hashes, with the time as ISO-8601 UTC (millisecond precision,
 * which both engines keep exactly).
 */
import { sm3Hex } from '../../platform/crypto/index.js';
import type { AuditCategory, AuditResult } from './audit.tables.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainRow {
  seq: number;
  at: Date;
  category: AuditCategory;
  event: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_roles: string[];
  department_id: string | null;
  ip: string | null;
  request_id: string | null;
  object_type: string | null;
  object_id: string | null;
  result: AuditResult;
  reason: string | null;
  purpose: string | null;
  authorization_ref: string | null;
  result_count: number | null;
  details: Record<string, unknown>;
}

export function canonical(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function rowHash(prevHash: string, row: ChainRow): string {
  const { seq, at, category, event, actor_id, actor_name, actor_roles, department_id, ip, request_id, object_type, object_id, result, reason, purpose, authorization_ref, result_count, details } = row;
  const body = canonical({ seq, at, category, event, actor_id, actor_name, actor_roles, department_id, ip, request_id, object_type, object_id, result, reason, purpose, authorization_ref, result_count, details });
  return sm3Hex(`${prevHash}\n${body}`);
}
