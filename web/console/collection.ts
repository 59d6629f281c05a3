/**
 * What the collection (归集) pages share: the shapes the collection API answers with
 * (server/modules/collection/collection.routes.ts: batchView, issueView, qualityView) and the lookups they all need.
 */
import { useEffect, useState } from 'react';
import { api, describeError } from '../ui/api';

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

export interface Department {
  id: string;
  name: string;
}

export const batchUrl = (id: string) => `/api/v1/collection/batches/${id}`;

/** Catalog item code → name (「行政处罚信息」), for pickers and for grants listed by code only. */
export function useInfoItems(): { code: string; name: string }[] {
  const [items, setItems] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    api<{ code: string; content: { name?: unknown } }[]>('GET', '/api/v1/catalog/info-items')
      .then((rows) => setItems(rows.map((r) => ({ code: r.code, name: String(r.content.name ?? r.code) }))))
      .catch(() => setItems([]));
  }, []);
  return items;
}

/** All departments; only the credit office may list them, so others pass enabled = false. */
export function useDepartments(enabled: boolean): Department[] {
  const [rows, setRows] = useState<Department[]>([]);
  useEffect(() => {
    if (enabled) void api<Department[]>('GET', '/api/v1/departments').then(setRows).catch(() => setRows([]));
  }, [enabled]);
  return rows;
}

/**
 * While a batch imports (in the background, after the 202), reads it again every second; stops
 * once it is imported or failed, or when the caller drops it.
 */
export function usePollWhileImporting(batch: BatchView | null, update: (b: BatchView) => void, onError: (message: string) => void): void {
  useEffect(() => {
    if (batch?.status !== 'importing') return;
    let live = true;
    const timer = setTimeout(() => {
      api<BatchView>('GET', batchUrl(batch.id))
        .then((b) => live && update(b))
        .catch((err) => live && onError(describeError(err)));
    }, 1000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [batch, update, onError]);
}
