/**
 * A record's version history is the records module's read (issue #13 §1: records own history):
 * every version, newest first, with the fields each changed, personal values masked as collection
 * masks the rows it keeps; a department reads its own records only (another's is refused and the
 * refusal audited), the credit office any. The console's two views of it — a department's
 * (GET /api/v1/collection/records/{id}) and the credit office's browser (GET /api/v1/records/{id}) —
 * show the same versions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import type { RecordVersionView } from '../../../common/records-api.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const A_USCC = makeUscc('11', '350100', 731);
const B_USCC = makeUscc('11', '350100', 732);
const PERSON_ID = makeIdNumber('350102', '19850312', 31);
const DOC = '榕市监罚〔2026〕731号';

describe(`records: a record's version history on ${ENGINE}`, () => {
  let p: TestPlatform;
  let deptA = '';
  let deptB = '';
  let id = '';
  const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const actorOf = (departmentId: string) => ({ ...admin, id: `clerk-${departmentId}`, roles: ['submitter'], departmentId });

  before(async () => {
    p = await startTestPlatform();
    deptA = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, admin)).id;
    deptB = (await p.identity.createDepartment({ name: '福州市生态环境局', uscc: B_USCC }, admin)).id;
    await p.collection.setGrants(deptA, ['CF'], admin);
    const clerk = { actor: actorOf(deptA), departmentId: deptA };
    const person = { CF_WSH: DOC, CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON_ID };
    const first = await p.collection.submitRecords(clerk, 'CF', 'history-1', [penaltyRow(A_USCC, 731, person)]);
    assert.equal(first.accepted, 1, JSON.stringify(await p.collection.issues(first.id, 'rejected', 5, 0)));
    // Version 2: the fine corrected, and the facts now name the person.
    await p.collection.submitRecords(clerk, 'CF', 'history-2', [penaltyRow(A_USCC, 731, { ...person, CF_NR_FK: '0.8', CF_SY: '经查，陈小红销售的产品经抽检不合格。' })]);
    id = (await sql<{ id: string }>`select id from record where document_number = ${DOC}`.execute(p.db)).rows[0]?.id ?? '';
    assert.ok(id);
  });
  after(async () => p?.stop());

  it('gives the providing department every version with what it changed, masked', async () => {
    const h = await p.records.history(id, { kind: 'department', departmentId: deptA }, actorOf(deptA));
    assert.equal(h.record.document_number, DOC);
    assert.deepEqual(h.versions.map((v) => v.version), [2, 1]);
    const changed = Object.fromEntries((h.versions[0]?.changes ?? []).map((c) => [c.field, [c.before, c.after]]));
    assert.deepEqual(changed, { CF_SY: ['经查，当事人销售的产品经抽检不合格。', '经查，陈**销售的产品经抽检不合格。'], CF_NR_FK: ['0.5', '0.8'] });
    const v1 = new Map(h.versions[1]?.changes.map((c) => [c.field, c.after]));
    assert.equal(v1.get('CF_XDR_MC'), '陈**', 'the person is named masked');
    assert.notEqual(v1.get('CF_XDR_ZJHM'), PERSON_ID);
    const text = JSON.stringify(h);
    assert.ok(!text.includes('陈小红') && !text.includes(PERSON_ID), 'no name or ID number in clear');
  });

  it('refuses another department, and audits the refusal', async () => {
    await assert.rejects(p.records.history(id, { kind: 'department', departmentId: deptB }, actorOf(deptB)), (err: Error & { code?: string }) => err.code === 'FORBIDDEN');
    const denied = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'access.denied' and object_type = 'record' and object_id = ${id} and actor_id = ${`clerk-${deptB}`}`.execute(p.db);
    assert.equal(denied.rows[0]?.n, 1);
    const http = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${id}`, headers: as('submitter', 'clerk-b', deptB) });
    assert.equal(http.statusCode, 403);
  });

  it('shows the same versions to the department and in the credit office’s browser', async () => {
    const dept = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${id}`, headers: as('submitter', 'clerk-a', deptA) });
    assert.equal(dept.statusCode, 200, dept.body);
    const office = await p.app.inject({ method: 'GET', url: `/api/v1/records/${id}`, headers: { ...as('creditOffice'), 'x-query-purpose': 'dataQuality' } });
    assert.equal(office.statusCode, 200, office.body);
    assert.deepEqual(office.json().versions, dept.json().versions);
    assert.deepEqual(dept.json().versions, (await p.records.history(id, { kind: 'creditOffice' }, actorOf(deptA))).versions);
  });

  it('names each version’s batch, submitter and department, and shows enumerations by their labels (原值 / 新值)', async () => {
    await p.collection.setGrants(deptA, ['CF', 'XK'], admin);
    const permit = {
      XK_XDR_MC: '福州许可731餐饮有限公司', XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: makeUscc('91', '350100', 20_731), XK_FRDB: '王五',
      XK_XKWS: '食品经营许可决定书', XK_WSH: '榕食许〔2026〕731号', XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-05-01',
      XK_YXQZ: '2026-05-01', XK_YXQZI: '2031-04-30', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: A_USCC, XK_ZT: '1', XK_LYDW: '', XK_LYDWDM: A_USCC,
    };
    const first = await p.collection.submitRecords({ actor: { ...actorOf(deptA), name: 'li.si', displayName: '李四' }, departmentId: deptA }, 'XK', 'history-xk-1', [permit]);
    assert.equal(first.accepted, 1, JSON.stringify(await p.collection.issues(first.id, 'rejected', 5, 0)));
    const second = await p.collection.submitRecords({ actor: { ...actorOf(deptA), id: 'clerk-2', name: 'wang.wu', displayName: '王五' }, departmentId: deptA }, 'XK', 'history-xk-2', [{ ...permit, XK_ZT: '2' }]);
    assert.equal(second.accepted, 1);
    const xk = (await sql<{ id: string }>`select id from record where document_number = '榕食许〔2026〕731号'`.execute(p.db)).rows[0]?.id ?? '';

    const dept = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${xk}`, headers: as('submitter', 'clerk-a', deptA) });
    assert.equal(dept.statusCode, 200, dept.body);
    const office = await p.app.inject({ method: 'GET', url: `/api/v1/records/${xk}`, headers: { ...as('creditOffice'), 'x-query-purpose': 'dataQuality' } });
    assert.equal(office.statusCode, 200, office.body);
    for (const versions of [dept.json().versions, office.json().versions] as RecordVersionView[][]) {
      assert.deepEqual(versions.map((v) => [v.version, v.source?.batchId, v.source?.submittedBy, v.source?.departmentName, v.source?.fileName]), [
        [2, second.id, '王五（wang.wu）', '福州市市场监督管理局', null],
        [1, first.id, '李四（li.si）', '福州市市场监督管理局', null],
      ]);
      const state = versions[0]?.changes.find((c) => c.field === 'XK_ZT');
      assert.deepEqual([state?.before, state?.after], ['有效', '无效'], 'the code table’s labels, not 1 and 2');
      assert.equal(versions[1]?.changes.find((c) => c.field === 'XK_ZT')?.after, '有效');
    }
    assert.equal(office.json().fields.find((f: { field: string }) => f.field === 'XK_ZT')?.value, '无效');

    // 报送批次: the first batch created the permit, but its version was replaced by the second batch,
    // under which the record is listed now; the first says so instead of silently listing none.
    const listed = async (batchId: string) => (await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batchId}/records`, headers: as('submitter', 'clerk-a', deptA) })).json();
    assert.deepEqual([(await listed(first.id)).total, (await listed(first.id)).replacedLater, first.created_records], [0, 1, 1]);
    assert.deepEqual([(await listed(second.id)).total, (await listed(second.id)).replacedLater, second.updated_records], [1, 0, 1]);

    // Withdrawn, the department's view of the record says on which day (its publicity is over).
    assert.equal(dept.json().withdrawnOn, null);
    await p.collection.withdraw(xk, '许可决定被撤销', actorOf(deptA), deptA);
    const withdrawn = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${xk}`, headers: as('submitter', 'clerk-a', deptA) });
    assert.equal(withdrawn.json().state, 'withdrawn');
    assert.match(withdrawn.json().withdrawnOn ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(withdrawn.json().withdrawnOn, (await sql<{ d: string }>`select (at at time zone 'Asia/Shanghai')::date::text as d from record_event where record_id = ${xk} and to_state = 'withdrawn'`.execute(p.db)).rows[0]?.d);
  });
});
