/**
 * What the credit office's records browser (信息记录, /api/v1/records) answers with, shared by the
 * server (whose zod response schemas are checked against these types) and the console.
 */

/**
 * Where a record stands, as the browser filters by it (record.publication): 公示中, 待审核, 不公示,
 * 公示期满, 已撤销 (withdrawn: the decision was revoked), 已退回 (the reviewer returned the batch).
 */
export const RECORD_STATES = ['published', 'pending_review', 'not_published', 'ended', 'withdrawn', 'rejected'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

/** The subject of a record as the credit office sees it in lists: a natural person's name masked. */
export interface RecordSubjectView {
  id: string;
  kind: 'organization' | 'person' | null;
  name: string | null;
  uscc: string | null;
}

export interface RecordRowView {
  id: string;
  itemCode: string;
  itemName: string;
  documentNumber: string;
  decisionDate: string;
  subject: RecordSubjectView;
  departmentId: string | null;
  departmentName: string | null;
  status: 'active' | 'revoked' | 'repaired' | 'expired';
  publication: RecordState;
  severity: 'positive' | 'minor' | 'general' | 'serious' | null;
  publicityStart: string | null;
  publicityEnd: string | null;
  version: number;
}

export interface RecordSearchView {
  /** Counted up to 10 000: `totalCapped` says there are more (narrow the search to see them). */
  total: number;
  totalCapped: boolean;
  items: RecordRowView[];
}

/** One version of a record and what it changed (personal values masked). */
export interface RecordVersionView {
  version: number;
  changedAt: string;
  batchId: string | null;
  subjectChanged: boolean;
  changes: { field: string; label: string; before: string | null; after: string | null }[];
}

export interface RecordDetailView extends RecordRowView {
  withdrawnReason: string | null;
  /** The current content, field by field in the item's order (personal values masked). */
  fields: { field: string; label: string; value: string }[];
  versions: RecordVersionView[];
}
