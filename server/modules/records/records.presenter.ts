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
 * A record with its versions (oldest first, each with what it changed, already masked by
 * collection's history) and its current content, which is what the versions add up to, in the
 * order of the item's fields.
 */
export function presentDetailForCreditOffice(
  r: BrowseRow & { withdrawn_reason: string | null },
  versions: RecordVersionView[],
  fieldOrder: readonly string[],
  names: CreditOfficeNames,
): RecordDetailView {
  const current = new Map<string, { label: string; value: string }>();
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    for (const c of v.changes) {
      if (c.after === null) current.delete(c.field);
      else current.set(c.field, { label: c.label, value: c.after });
    }
  }
  const rank = (f: string) => {
    const i = fieldOrder.indexOf(f);
    return i < 0 ? fieldOrder.length : i;
  };
  const fields = [...current.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([field, x]) => ({ field, label: x.label, value: x.value }));
  return { ...presentForCreditOffice(r, names), withdrawnReason: r.withdrawn_reason, fields, versions };
}
