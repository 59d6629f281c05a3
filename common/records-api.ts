/**
 * What the credit office's records browser (信息记录, /api/v1/records) answers with, shared by the
 * server (whose zod response schemas are checked against these types) and the console.
 */

/**
 * Where a record stands in its life (record.state; server/modules/records/records.workflow.ts holds
 * the transitions): 收到 (received, routed at once), 待审核, 已退回 (the reviewer returned its batch),
 * 公示中, 不公示 (the catalog's rule says so, e.g. minor penalties), 公示期满, 已撤销 (the decision was
 * revoked or changed), 已修复 (信用修复: gone from every public and shared output, kept for the
 * department and the subject). 异议处理中 is a mark over any of them (`disputed`), not a state.
 */
export const RECORD_STATES = ['received', 'pending_review', 'returned', 'in_publicity', 'not_public', 'publicity_ended', 'withdrawn', 'repaired'] as const;
export type RecordStateName = (typeof RECORD_STATES)[number];

export const RECORD_STATE_LABELS: Readonly<Record<RecordStateName, string>> = {
  received: '收到',
  pending_review: '待审核',
  returned: '已退回',
  in_publicity: '公示中',
  not_public: '不公示',
  publicity_ended: '公示期满',
  withdrawn: '已撤销',
  repaired: '已修复',
};
/** States a record may be withdrawn (撤销) from: the record machine builds its withdraw rows from this. */
export const WITHDRAWABLE_STATES: readonly RecordStateName[] = ['received', 'pending_review', 'returned', 'in_publicity', 'not_public', 'publicity_ended'];

/** The mark a record carries while an objection to it is being decided. */
export const DISPUTED_LABEL = '异议处理中';

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
  state: RecordStateName;
  /** 异议处理中: an objection to it is being decided. */
  disputed: boolean;
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

/**
 * Where a version came from: the batch (报送批次) that sent it, who submitted that batch and for
 * which department.
 */
export interface RecordVersionSource {
  batchId: string;
  /** The uploaded file's name; null for a batch sent through the API (接口报送). */
  fileName: string | null;
  /** The submitting account as people know it (李四（li.si）), or a system account's name. */
  submittedBy: string | null;
  departmentId: string;
  departmentName: string | null;
  /** When the batch was submitted (ISO). */
  submittedAt: string;
}

/**
 * One version of a record and what it changed (personal values masked; an enumeration by its code
 * table's label, as in the record's current content).
 */
export interface RecordVersionView {
  version: number;
  /** When this version was received (written), ISO. */
  changedAt: string;
  batchId: string | null;
  /** Null for a version loaded without a batch (the demo data, a migration of old records). */
  source: RecordVersionSource | null;
  subjectChanged: boolean;
  changes: { field: string; label: string; before: string | null; after: string | null }[];
}

export interface RecordDetailView extends RecordRowView {
  withdrawnReason: string | null;
  /** The day (China time) it was withdrawn, while it is withdrawn: its publicity ended that day. */
  withdrawnOn: string | null;
  /** The current content, field by field in the item's order (personal values masked). */
  fields: { field: string; label: string; value: string }[];
  versions: RecordVersionView[];
}
