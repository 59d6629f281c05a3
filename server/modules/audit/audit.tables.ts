import type { ColumnType, Generated } from 'kysely';

export type AuditCategory = 'security' | 'query' | 'business';
export type AuditResult = 'success' | 'failure' | 'denied';

export interface AuditTables {
  audit_log: {
    /** The writer's number, from a sequence at insert (gaps where a transaction rolled back). */
    seq: Generated<number>;
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
    details: ColumnType<Record<string, unknown>, string, string>;
    /** The row's place in the hash chain, contiguous; null until the chainer links it (docs/adr/0004). */
    chain_pos: number | null;
    prev_hash: string | null;
    hash: string | null;
  };
}
