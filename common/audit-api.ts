/**
 * What the audit viewer API answers with (server/modules/audit/audit.routes.ts checks its zod
 * schemas against these types; the console imports them).
 */
export interface AuditEventView {
  seq: number;
  at: string;
  category: 'security' | 'query' | 'business';
  event: string;
  actor: { id: string | null; name: string | null; roles: string[]; departmentId: string | null };
  ip: string | null;
  requestId: string | null;
  object: { type: string | null; id: string | null };
  result: 'success' | 'failure' | 'denied';
  reason: string | null;
  purpose: string | null;
  authorizationRef: string | null;
  resultCount: number | null;
  details: Record<string, unknown>;
  hash: string;
}

/** The chain's verification, as the service computes it. */
export interface Verification {
  intact: boolean;
  count: number;
  lastSeq: number;
  checkpoints: number;
  /** The first sequence number that is missing, altered or cannot be trusted. */
  firstBroken?: number;
  reason?: string;
}

/** …and as the API shows it to the audit administrator. */
export interface VerificationView extends Verification {
  /** Whether the database itself also refuses changes to audit rows; null on the embedded database (no roles). */
  database: { role: string; leastPrivilege: boolean } | null;
}
