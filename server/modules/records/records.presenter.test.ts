import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordVersionView } from '../../../common/records-api.js';
import { presentDetailForCreditOffice, presentVersions, type CreditOfficeNames } from './records.presenter.js';

const row = {
  id: 'r1', item_code: 'XK', subject_id: 's1', department_id: null, document_number: '榕食许〔2026〕1号', decision_date: '2026-05-01',
  state: 'in_publicity' as const, disputed: false, severity: 'positive' as const, publicity_start: '2026-05-01', publicity_end: '2029-04-30', version: 1,
  withdrawn_reason: null, withdrawn_on: null,
};
const labels: Record<string, Record<string, string>> = { XK_ZT: { 1: '有效', 2: '无效' } };
const names: CreditOfficeNames = {
  itemName: () => '行政许可信息', departmentName: () => undefined, subject: () => undefined,
  enumLabel: (table, value) => labels[table]?.[value],
};
const version = (changes: [string, string, string][]): RecordVersionView => ({
  version: 1, changedAt: '2026-05-02T00:00:00Z', batchId: null, source: null, subjectChanged: false, changes: changes.map(([field, label, after]) => ({ field, label, before: null, after })),
});
const fields = [{ code: 'XK_WSH' }, { code: 'XK_ZT', enum: 'XK_ZT' }, { code: 'CF_CFLB', enum: 'CFLB' }];
labels.CFLB = { '01': '警告', '02': '罚款' };

describe('records presenter: the credit office’s record detail', () => {
  it('shows an enumeration by its code table’s label, and the code itself only when the table has no label for it', () => {
    const labelled = presentDetailForCreditOffice(row, [version([['XK_ZT', '当前状态', '1'], ['XK_WSH', '许可决定书文号', '1']])], fields, names);
    assert.deepEqual(labelled.fields.map((f) => [f.label, f.value]), [['许可决定书文号', '1'], ['当前状态', '有效']], 'only the enumeration field is labelled');
    const unknown = presentDetailForCreditOffice(row, [version([['XK_ZT', '当前状态', '9']])], fields, names);
    assert.deepEqual(unknown.fields.map((f) => f.value), ['9']);
  });

  it('names the day of the withdrawal only while the record is withdrawn', () => {
    const withdrawn = presentDetailForCreditOffice({ ...row, state: 'withdrawn', withdrawn_reason: '决定被撤销', withdrawn_on: '2026-12-03' }, [], fields, names);
    assert.equal(withdrawn.withdrawnOn, '2026-12-03');
    const republished = presentDetailForCreditOffice({ ...row, withdrawn_on: '2026-12-03' }, [], fields, names);
    assert.equal(republished.withdrawnOn, null);
  });

  it('shows both sides of a version’s change (原值 / 新值) by their labels, as the current content', () => {
    const changed: RecordVersionView = {
      ...version([]), version: 2,
      changes: [
        { field: 'XK_ZT', label: '当前状态', before: '1', after: '2' },
        { field: 'XK_WSH', label: '许可决定书文号', before: '1', after: '2' },
        { field: 'CF_CFLB', label: '处罚类别', before: '01', after: '01；02' },
        { field: 'XK_ZT', label: '当前状态', before: null, after: '9' },
      ],
    };
    const [shown] = presentVersions([changed], fields, names.enumLabel);
    assert.deepEqual(shown?.changes.map((c) => [c.before, c.after]), [['有效', '无效'], ['1', '2'], ['警告', '警告；罚款'], [null, '9']]);
    const detail = presentDetailForCreditOffice(row, [changed], fields, names);
    assert.deepEqual(detail.versions, [shown], 'the detail’s versions are labelled the same way');
  });
});
