import type { ColumnType } from 'kysely';

export type AuditCategory = 'security' | 'query' | 'business';
export type AuditResult = 'success' | 'failure' | 'denied';

export interface AuditTables {
  audit_log: {
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
    details: ColumnType<Record<string, unknown>, string, string>;
    prev_hash: string;
    hash: string;
  };
}
