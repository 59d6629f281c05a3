/**
 * What the audit viewer API answers with (server/modules/audit/audit.routes.ts checks its zod
 * schemas against these types; the console imports them).
 */
export interface AuditEventView {
  seq: number;
  at: string;
  category: 'security' | 'query' | 'business';
  event: string;
  actor: AuditActorView;
  ip: string | null;
  requestId: string | null;
  object: { type: string | null; id: string | null };
  result: 'success' | 'failure' | 'denied';
  reason: string | null;
  purpose: string | null;
  authorizationRef: string | null;
  resultCount: number | null;
  details: Record<string, unknown>;
  /** Null between the row's commit and its link into the hash chain (milliseconds). */
  hash: string | null;
}

/** Who acted: the account's name at the time, its roles, its department (named as it is now). */
export interface AuditActorView {
  id: string | null;
  name: string | null;
  roles: string[];
  departmentId: string | null;
  departmentName: string | null;
}

/** How many of a query's subjects a registration names; `subjectsMore` counts the rest. */
export const QUERY_SUBJECTS_SHOWN = 3;

/**
 * A registered query (查询登记, GET /api/v1/audit/queries): who looked up whom, why, on whose
 * authorization, and how many results they were shown. Only `query` events — never the audit
 * administrator's own reads. Subjects are named as the credit office sees them in lists:
 * organizations by name, natural persons masked (张*); never an ID number.
 */
export interface QueryRegistrationView {
  seq: number;
  at: string;
  event: string;
  actor: AuditActorView;
  ip: string | null;
  requestId: string | null;
  /** What was looked up: a subject or a record by id; for a refused query, the route. */
  object: { type: string | null; id: string | null };
  /** The subjects the query named or showed; `name` null for a subject no longer found. */
  subjects: { id: string; kind: 'organization' | 'person' | null; name: string | null }[];
  subjectsMore: number;
  /** The QUERY_PURPOSE code and its name in the code table. */
  purpose: string | null;
  purposeLabel: string | null;
  authorizationRef: string | null;
  resultCount: number | null;
  result: 'success' | 'failure' | 'denied';
  reason: string | null;
  /** A records search's conditions (never the text typed for a subject or a document number). */
  filters: Record<string, unknown> | null;
}

/** The chain's verification, as the service computes it. */
export interface Verification {
  intact: boolean;
  count: number;
  lastSeq: number;
  checkpoints: number;
  /** Rows committed but not yet linked into the chain (docs/adr/0004); absent when none. Not a break. */
  pending?: number;
  /** The first chain position that is missing, altered or cannot be trusted (for rows written before migration 0021, their sequence number). */
  firstBroken?: number;
  reason?: string;
}

/**
 * Whether committed audit rows are being linked into the hash chain (docs/adr/0004), as the
 * database says — the same answer from every process and after any restart
 * (GET /api/v1/audit/status; /readyz says `auditChain`).
 */
export interface ChainStatus {
  /** Rows committed and not yet linked. */
  pending: number;
  /** When the oldest of them was written; null when none waits. */
  oldestPendingAt: string | null;
  /** A row has waited longer than `overdueAfterSeconds`: chaining is failing, or no platform process runs. */
  overdue: boolean;
  overdueAfterSeconds: number;
  /** The last failed chaining pass of any process, kept until a pass succeeds: when, and why. */
  failure: { at: string; message: string } | null;
}

/** …and as the API shows it to the audit administrator. */
export interface VerificationView extends Verification {
  /** Whether the database itself also refuses changes to audit rows; null on the embedded database (no roles). */
  database: { role: string; leastPrivilege: boolean } | null;
  /** Whether rows are being chained (a failing chainer leaves them `pending`, which is no break). */
  chaining: ChainStatus;
}
