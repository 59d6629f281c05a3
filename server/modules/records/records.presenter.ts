/**
 * Records as the credit office (信用办) sees them in its browser: every department's, each with its
 * item, department and subject named. A natural person's name is the masked one (the subject
 * table keeps no other in clear; the full name is the subjects module's registered read), and a
 * record's content is shown as collection keeps it: personal values masked.
 */
import type { RecordDetailView, RecordRowView, RecordSubjectView, RecordVersionView } from '../../../common/records-api.js';
import type { BrowseRow } from './records.repo.js';

export interface CreditOfficeNames {
  itemName: (code: string) => string | undefined;
  departmentName: (id: string) => string | undefined;
  subject: (id: string) => Omit<RecordSubjectView, 'id'> | undefined;
  /** An enumeration value's label from the catalog's code tables (许可当前状态 1 → 有效), if it has one. */
  enumLabel: (table: string, value: string) => string | undefined;
}

/** A field of the record's item as the detail needs it: its place, and its code table if it is an enumeration. */
export interface DetailField {
  code: string;
  enum?: string | undefined;
}

export function presentForCreditOffice(r: BrowseRow, names: CreditOfficeNames): RecordRowView {
  const subject = names.subject(r.subject_id);
  return {
    id: r.id,
    itemCode: r.item_code,
    itemName: names.itemName(r.item_code) ?? r.item_code,
    documentNumber: r.document_number,
    decisionDate: r.decision_date,
    subject: { id: r.subject_id, kind: subject?.kind ?? null, name: subject?.name ?? null, uscc: subject?.uscc ?? null },
    departmentId: r.department_id,
    departmentName: r.department_id ? (names.departmentName(r.department_id) ?? null) : null,
    state: r.state,
    disputed: r.disputed,
    severity: r.severity,
    publicityStart: r.publicity_start,
    publicityEnd: r.publicity_end,
    version: r.version,
  };
}

/**
 * How a field's stored value reads: an enumeration's value as its code table's label (许可当前状态
 * 1 → 有效), each of a multiple choice's values (kept joined by 「；」) alike; the raw code only when
 * the table has no label for it. The one labelling of record values for staff: a record's current
 * content and both sides of every version's changes (原值 / 新值) go through it.
 */
export function valueLabeller(itemFields: readonly DetailField[], enumLabel: CreditOfficeNames['enumLabel']): (field: string, value: string) => string {
  const enumOf = new Map(itemFields.flatMap((f) => (f.enum ? [[f.code, f.enum] as const] : [])));
  return (field, value) => {
    const table = enumOf.get(field);
    if (!table) return value;
    const whole = enumLabel(table, value);
    if (whole) return whole;
    return value.includes('；') ? value.split('；').map((v) => enumLabel(table, v) || v).join('；') : value;
  };
}

/** Versions with their changed values labelled (valueLabeller), for every audience that reads them. */
export function presentVersions(versions: readonly RecordVersionView[], itemFields: readonly DetailField[], enumLabel: CreditOfficeNames['enumLabel']): RecordVersionView[] {
  const shown = valueLabeller(itemFields, enumLabel);
  const label = (field: string, v: string | null) => (v === null ? null : shown(field, v));
  return versions.map((v) => ({ ...v, changes: v.changes.map((c) => ({ ...c, before: label(c.field, c.before), after: label(c.field, c.after) })) }));
}

/**
 * A record with its versions (oldest first, each with what it changed, already masked by
 * collection's history) and its current content, which is what the versions add up to, in the
 * order of the item's fields. Values read as valueLabeller says, in the content and the versions.
 */
export function presentDetailForCreditOffice(
  r: BrowseRow & { withdrawn_reason: string | null; withdrawn_on: string | null },
  versions: RecordVersionView[],
  itemFields: readonly DetailField[],
  names: CreditOfficeNames,
): RecordDetailView {
  const current = new Map<string, { label: string; value: string }>();
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    for (const c of v.changes) {
      if (c.after === null) current.delete(c.field);
      else current.set(c.field, { label: c.label, value: c.after });
    }
  }
  const fieldOrder = itemFields.map((f) => f.code);
  const rank = (f: string) => {
    const i = fieldOrder.indexOf(f);
    return i < 0 ? fieldOrder.length : i;
  };
  const shown = valueLabeller(itemFields, names.enumLabel);
  const fields = [...current.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([field, x]) => ({ field, label: x.label, value: shown(field, x.value) }));
  return {
    ...presentForCreditOffice(r, names),
    withdrawnReason: r.withdrawn_reason,
    withdrawnOn: r.state === 'withdrawn' ? r.withdrawn_on : null,
    fields,
    versions: presentVersions(versions, itemFields, names.enumLabel),
  };
}
