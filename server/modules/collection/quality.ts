/**
 * Collection quality (归集质量) per department, item and month, for the credit office's dashboard
 * and each department's own view: rows submitted, accepted and rejected by reason; completeness of
 * the optional fields; timeliness — working days from the decision to its submission, against the
 * 双公示 limit (SGS_PUBLISH, 7 working days) — with the overdue records listed; and the granted
 * items a department sent nothing of (gaps).
 */
import ExcelJS from 'exceljs';
import type { QualityReport, QualityRow } from '../../../common/collection-api.js';
import type { WorkingCalendar } from '../../platform/calendar/working-calendar.js';
import type { InfoItem } from '../catalog/index.js';
import type { QualityFilter } from '../records/index.js';
import { FIELD_PROBLEMS } from './validate.js';
import { SOURCE_REF_PROBLEMS } from './source-refs.js';

export type { QualityReport, QualityRow } from '../../../common/collection-api.js';

/** [first day, first day of the next month) of a YYYY-MM month, in China time. */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1) - 8 * 3_600_000), to: new Date(Date.UTC(y, m, 1) - 8 * 3_600_000) };
}

export const REASON_LABELS: Record<string, string> = {
  ...FIELD_PROBLEMS,
  ...SOURCE_REF_PROBLEMS,
  DUPLICATE_IN_BATCH: '同一文件中重复',
  RECORD_NOT_REVISABLE: '已撤销或已修复的决定再次报送',
};

export interface QualityInputs {
  month: string;
  filter: QualityFilter;
  limitWorkingDays: number;
  calendar: WorkingCalendar;
  item: (code: string) => InfoItem | undefined;
  departmentName: (id: string) => string;
  totals: { department_id: string; item_code: string; batches: number; submitted: number; accepted: number; rejected: number }[];
  reasons: { department_id: string; item_code: string; code: string; field: string | null; n: number }[];
  days: { department_id: string; item_code: string; decision_date: string; submitted: string; n: number }[];
  late: { id: string; department_id: string; item_code: string; document_number: string; decision_date: string; submitted: string }[];
  presence: Map<string, { department_id: string; total: number; present: Record<string, number> }[]>;
  gaps: { department_id: string; item_code: string }[];
}

function workingDays(calendar: WorkingCalendar, from: string, to: string): number {
  try {
    return calendar.workingDaysBetween(from, to);
  } catch {
    return Number.POSITIVE_INFINITY; // more than ten years apart
  }
}

export function buildQuality(i: QualityInputs): QualityReport {
  const key = (d: string, it: string) => `${d}/${it}`;
  const rows = new Map<string, QualityRow>();
  const row = (departmentId: string, itemCode: string): QualityRow => {
    const k = key(departmentId, itemCode);
    let r = rows.get(k);
    if (!r) {
      r = {
        departmentId, departmentName: i.departmentName(departmentId), itemCode, itemName: i.item(itemCode)?.name ?? itemCode,
        batches: 0, submitted: 0, accepted: 0, rejected: 0, timeliness: { records: 0, onTime: 0, late: 0, medianWorkingDays: null }, completeness: [],
      };
      rows.set(k, r);
    }
    return r;
  };
  for (const t of i.totals) Object.assign(row(t.department_id, t.item_code), { batches: t.batches, submitted: t.submitted, accepted: t.accepted, rejected: t.rejected });

  const spread = new Map<string, { days: number; n: number }[]>();
  for (const d of i.days) {
    const r = row(d.department_id, d.item_code);
    const days = workingDays(i.calendar, d.decision_date, d.submitted);
    r.timeliness.records += d.n;
    if (days <= i.limitWorkingDays) r.timeliness.onTime += d.n;
    else r.timeliness.late += d.n;
    const list = spread.get(key(d.department_id, d.item_code)) ?? [];
    list.push({ days, n: d.n });
    spread.set(key(d.department_id, d.item_code), list);
  }
  for (const [k, list] of spread) {
    list.sort((a, b) => a.days - b.days);
    const total = list.reduce((s, x) => s + x.n, 0);
    let seen = 0;
    const median = list.find((x) => (seen += x.n) >= total / 2)?.days ?? null;
    const r = rows.get(k);
    if (r) r.timeliness.medianWorkingDays = median === null || !Number.isFinite(median) ? null : median;
  }
  for (const [itemCode, list] of i.presence) {
    const item = i.item(itemCode);
    for (const p of list) {
      row(p.department_id, itemCode).completeness = Object.entries(p.present)
        .map(([field, n]) => ({ field, label: item?.fields.find((f) => f.code === field)?.label ?? field, ratio: p.total === 0 ? 0 : n / p.total }))
        .sort((a, b) => a.ratio - b.ratio);
    }
  }

  const ruleMessage = (itemCode: string, code: string) => i.item(itemCode)?.rules?.find((r) => r.code === code)?.message;
  return {
    month: i.month,
    limitWorkingDays: i.limitWorkingDays,
    rows: [...rows.values()].sort((a, b) => a.departmentName.localeCompare(b.departmentName, 'zh-CN') || a.itemCode.localeCompare(b.itemCode)),
    reasons: i.reasons.map((r) => ({
      departmentId: r.department_id, itemCode: r.item_code, code: r.code, field: r.field,
      label: `${REASON_LABELS[r.code] ?? ruleMessage(r.item_code, r.code) ?? r.code}${r.field ? `（${i.item(r.item_code)?.fields.find((f) => f.code === r.field)?.label ?? r.field}）` : ''}`,
      count: r.n,
    })),
    overdue: i.late
      .map((l) => ({ recordId: l.id, departmentName: i.departmentName(l.department_id), itemCode: l.item_code, documentNumber: l.document_number, decisionDate: l.decision_date, submitted: l.submitted, workingDays: workingDays(i.calendar, l.decision_date, l.submitted) }))
      .filter((l) => l.workingDays > i.limitWorkingDays)
      .map((l) => ({ ...l, workingDays: Number.isFinite(l.workingDays) ? l.workingDays : 9999 })),
    gaps: i.gaps.map((g) => ({ departmentId: g.department_id, departmentName: i.departmentName(g.department_id), itemCode: g.item_code, itemName: i.item(g.item_code)?.name ?? g.item_code })),
  };
}

export async function qualityWorkbook(r: QualityReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = (name: string, columns: { header: string; key: string; width: number }[], rows: Record<string, unknown>[]) => {
    const s = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    s.columns = columns;
    s.getRow(1).font = { bold: true };
    s.addRows(rows);
  };
  sheet('汇总', [
    { header: '部门', key: 'd', width: 28 }, { header: '信息项', key: 'i', width: 16 }, { header: '批次', key: 'b', width: 8 }, { header: '报送行数', key: 's', width: 10 },
    { header: '接受', key: 'a', width: 10 }, { header: '拒绝', key: 'r', width: 10 }, { header: `按时（≤${r.limitWorkingDays}个工作日）`, key: 'o', width: 18 },
    { header: '超期', key: 'l', width: 8 }, { header: '工作日中位数', key: 'm', width: 12 }, { header: '完整性最低的字段', key: 'c', width: 40 },
  ], r.rows.map((x) => ({
    d: x.departmentName, i: `${x.itemName}（${x.itemCode}）`, b: x.batches, s: x.submitted, a: x.accepted, r: x.rejected, o: x.timeliness.onTime, l: x.timeliness.late,
    m: x.timeliness.medianWorkingDays, c: x.completeness.slice(0, 3).map((f) => `${f.label} ${Math.round(f.ratio * 100)}%`).join('；'),
  })));
  sheet('拒绝原因', [{ header: '部门', key: 'd', width: 28 }, { header: '信息项', key: 'i', width: 10 }, { header: '原因', key: 'l', width: 40 }, { header: '行数', key: 'n', width: 8 }],
    r.reasons.map((x) => ({ d: r.rows.find((y) => y.departmentId === x.departmentId)?.departmentName ?? x.departmentId, i: x.itemCode, l: x.label, n: x.count })));
  sheet('超期记录', [
    { header: '部门', key: 'd', width: 28 }, { header: '信息项', key: 'i', width: 10 }, { header: '决定文书号', key: 'n', width: 28 },
    { header: '决定日期', key: 'a', width: 12 }, { header: '报送日期', key: 'b', width: 12 }, { header: '工作日', key: 'w', width: 8 },
  ], r.overdue.map((x) => ({ d: x.departmentName, i: x.itemCode, n: x.documentNumber, a: x.decisionDate, b: x.submitted, w: x.workingDays })));
  sheet('缺报', [{ header: '部门', key: 'd', width: 28 }, { header: '信息项', key: 'i', width: 24 }], r.gaps.map((x) => ({ d: x.departmentName, i: `${x.itemName}（${x.itemCode}）` })));
  return Buffer.from(await book.xlsx.writeBuffer());
}
