import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const A = makeUscc('11', '350100', 701);
const B = makeUscc('11', '350100', 702);

describe(`collection quality on ${ENGINE}`, () => {
  let p: TestPlatform;
  let a = '';
  let b = '';
  // Monday 12 October 2026, after the National Day holiday (1–7 October off, 10 October a make-up working day).
  const clock = new ManualClock(Date.parse('2026-10-12T03:00:00Z'));

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    a = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A }, admin)).id;
    b = (await p.identity.createDepartment({ name: '福州市交通运输局', uscc: B }, admin)).id;
    await p.collection.setGrants(a, ['CF'], admin);
    await p.collection.setGrants(b, ['CF'], admin);
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/v1/collection/batches',
      headers: as('submitter', 'clerk-a', a),
      payload: {
        itemCode: 'CF',
        idempotencyKey: 'quality-0001',
        records: [
          penaltyRow(A, 1, { CF_JDRQ: '2026-09-29', CF_YXQ: '2027-09-29' }), // 5 working days across the holiday: on time
          penaltyRow(A, 2, { CF_JDRQ: '2026-09-18', CF_YXQ: '2027-09-18', BZ: '有备注' }), // 12 working days: late
          penaltyRow(A, 3, { CF_JDRQ: '2026-09-30', CF_NR_FK: '' }), // rejected
        ],
      },
    });
    assert.equal(r.statusCode, 200, r.body);
    // A record loaded in bulk for department B (as the demo loads its records): never submitted, so
    // it has no timeliness and does not count as B's submission.
    await sql`insert into record (item_code, item_version, subject_id, provider_uscc, department_id, document_number, decision_date, data, severity, state, publishable, publicity_start, created_at)
              select item_code, item_version, subject_id, ${B}, ${b}::uuid, '榕交罚〔2025〕9号', '2025-01-02', data, severity, state, publishable, publicity_start, created_at
              from record limit 1`.execute(p.db);
  });
  after(async () => p.stop());

  it('counts rows, reasons, timeliness in working days across holidays, completeness and gaps', async () => {
    const r = await p.app.inject({ method: 'GET', url: '/api/v1/collection/quality?month=2026-10', headers: as('creditOffice') });
    assert.equal(r.statusCode, 200, r.body);
    const q = r.json();
    assert.equal(q.limitWorkingDays, 7);
    const row = q.rows.find((x: { departmentId: string }) => x.departmentId === a);
    assert.deepEqual({ submitted: row.submitted, accepted: row.accepted, rejected: row.rejected }, { submitted: 3, accepted: 2, rejected: 1 });
    assert.deepEqual(row.timeliness, { records: 2, onTime: 1, late: 1, medianWorkingDays: 5 });
    assert.deepEqual(q.overdue.map((o: { documentNumber: string; workingDays: number }) => [o.documentNumber, o.workingDays]), [['榕市监罚〔2026〕2号', 12]]);
    assert.deepEqual(q.reasons.map((x: { code: string; label: string; count: number }) => [x.code, x.label, x.count]), [['FINE_AMOUNT', '处罚类别含罚款时，罚款金额必填（罚款金额(万元)）', 1]]);
    assert.equal(row.completeness.find((c: { field: string }) => c.field === 'BZ').ratio, 0.5);
    assert.deepEqual(q.gaps.map((g: { departmentName: string; itemCode: string }) => [g.departmentName, g.itemCode]), [['福州市交通运输局', 'CF']]);
    const other = await p.app.inject({ method: 'GET', url: '/api/v1/collection/quality?month=2026-09', headers: as('creditOffice') });
    assert.equal(other.json().rows.length, 0, 'September had no submissions');
  });

  it('shows a department only its own quality, and exports the report as XLSX', async () => {
    const own = await p.app.inject({ method: 'GET', url: `/api/v1/collection/quality?month=2026-10&departmentId=${a}`, headers: as('submitter', 'clerk-b', b) });
    assert.deepEqual(own.json().rows, [], 'department B asking for A gets only its own (empty) view');
    assert.equal(own.json().gaps.length, 1);
    const x = await p.app.inject({ method: 'GET', url: '/api/v1/collection/quality.xlsx?month=2026-10', headers: as('creditOffice') });
    assert.equal(x.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    assert.deepEqual(book.worksheets.map((s) => s.name), ['汇总', '拒绝原因', '超期记录', '缺报']);
    assert.equal(book.getWorksheet('超期记录')?.getRow(2).getCell(6).value, 12);
  });
});
