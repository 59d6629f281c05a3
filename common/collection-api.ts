/**
 * What the collection (归集) API answers with, shared by the server (whose zod response schemas
 * are checked against these types) and the console.
 */
export interface BatchView {
  id: string;
  departmentId: string;
  itemCode: string;
  itemName: string;
  source: 'file' | 'api';
  fileName: string | null;
  format: string | null;
  status: 'importing' | 'imported' | 'failed';
  failure: string | null;
  rowsTotal: number | null;
  /** Rows processed so far (progress while importing). */
  rowsDone: number;
  accepted: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  warnings: number;
  submittedBy: string | null;
  /** The caller submitted it: not theirs to review. */
  submittedByMe: boolean;
  createdAt: string;
  finishedAt: string | null;
  review: { status: 'none' | 'pending' | 'approved' | 'rejected'; by: string | null; at: string | null; reason: string | null };
}

export interface RowProblem {
  field: string | null;
  label: string | null;
  value: string | null;
  code: string;
  message: string;
}

/** A rejected row (or a row with warnings): its number as in Excel, the header being row 1. */
export interface RowIssue {
  rowNumber: number;
  problems: RowProblem[];
  row: Record<string, string> | null;
}

/** 归集质量 of a month (qualityView; server/modules/collection/quality.ts, QualityReport). */
export interface QualityReport {
  /** YYYY-MM, China time. */
  month: string;
  /** The 双公示 limit (SGS_PUBLISH): working days from the decision to its submission. */
  limitWorkingDays: number;
  /** Per department and item, by department name. */
  rows: QualityRow[];
  /** Rejected rows by reason (rule and field), most frequent first; `label` is the server's Chinese text. */
  reasons: { departmentId: string; itemCode: string; code: string; field: string | null; label: string; count: number }[];
  /** Records submitted after the limit; dates YYYY-MM-DD; workingDays 9999 means more than ten years. */
  overdue: { recordId: string; departmentName: string; itemCode: string; documentNumber: string; decisionDate: string; submitted: string; workingDays: number }[];
  /** Granted items a department submitted nothing of in the month. */
  gaps: { departmentId: string; departmentName: string; itemCode: string; itemName: string }[];
}

export interface QualityRow {
  departmentId: string;
  departmentName: string;
  itemCode: string;
  itemName: string;
  batches: number;
  submitted: number;
  accepted: number;
  rejected: number;
  /** Records first submitted in the month, by working days after their decision. */
  timeliness: { records: number; onTime: number; late: number; medianWorkingDays: number | null };
  /** Optional fields: the share of the month's records carrying each (0–1), lowest first. */
  completeness: { field: string; label: string; ratio: number }[];
}
