import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const DEPT = makeUscc('11', '350100', 611);

describe(`collection: publication, review, withdrawal and the end of publicity on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dept = '';
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const submitter = () => as('submitter', 'clerk-1', dept);
  const otherSubmitter = () => as('submitter', 'clerk-2', dept);
  const reviewer = () => as('reviewer', 'reviewer-1', dept);
  const submit = async (key: string, rows: Record<string, string>[], headers = submitter()) => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers, payload: { itemCode: 'CF', idempotencyKey: key, records: rows } });
    assert.equal(r.statusCode, 200, r.body);
    return { ...(r.json().batch as { id: string; review: { status: string }; updated: number; unchanged: number; rejected: number }), rows: r.json().rejected as unknown[] };
  };
  const record = async (doc: string) =>
    (await sql<{ id: string; state: string; severity: string; publicity_end: string | null; disputed: boolean }>`select id, state, severity, publicity_end, disputed from record where document_number = ${doc}`.execute(p.db)).rows[0];

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    dept = (await p.identity.createDepartment({ name: '福州市生态环境局', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(dept, ['CF'], admin);
  });
  after(async () => p.stop());

  it('publishes each record with the severity and window its rule gives', async () => {
    await submit('pub-0001', [
      penaltyRow(DEPT, 1, { CF_CFLB: '罚款', CF_NR_FK: '2', CF_JDRQ: '2026-06-15' }),
      penaltyRow(DEPT, 2, { CF_CFLB: '警告', CF_NR_FK: '', CF_JDRQ: '2026-06-15' }),
      penaltyRow(DEPT, 3, { CF_CFLB: '罚款', CF_NR_FK: '2', CF_JDRQ: '2025-01-10', CF_YXQ: '2026-01-10' }),
    ]);
    assert.deepEqual(await record('榕市监罚〔2026〕1号').then((r) => [r?.state, r?.severity, r?.publicity_end]), ['in_publicity', 'general', '2027-06-14']);
    assert.deepEqual(await record('榕市监罚〔2026〕2号').then((r) => [r?.state, r?.severity]), ['not_public', 'minor'], 'a warning is minor and not published');
    assert.deepEqual(await record('榕市监罚〔2026〕3号').then((r) => [r?.state, r?.publicity_end]), ['publicity_ended', '2026-01-09'], 'already past its window when submitted');
  });

  it('ends publicity by the scheduled job on the day after the last day, audited, and catches up after downtime', async () => {
    clock.advance(205 * 86_400_000); // 2027-06-14: the last day
    await p.records.endExpiredPublicity();
    assert.equal((await record('榕市监罚〔2026〕1号'))?.state, 'in_publicity', 'still public on its last day');
    clock.advance(86_400_000); // 2027-06-15
    const ran = await p.scheduler.runDue();
    assert.ok(ran.includes('publicity.end'), 'due after downtime');
    assert.equal((await record('榕市监罚〔2026〕1号'))?.state, 'publicity_ended');
    const audit = await sql<{ n: number }>`select result_count as n from audit_log where event = 'record.end_publicity' order by seq desc limit 1`.execute(p.db);
    assert.equal(audit.rows[0]?.n, 1);
    assert.deepEqual(await p.scheduler.runDue(), [], 'not again within the hour');
  });

  it('withdraws a revoked decision at once, and it stays withdrawn when submitted again', async () => {
    clock.advance(-206 * 86_400_000);
    await submit('pub-0002', [penaltyRow(DEPT, 4, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })]);
    const r = await record('榕市监罚〔2026〕4号');
    assert.equal(r?.state, 'in_publicity');
    const missing = await p.app.inject({ method: 'POST', url: `/api/v1/collection/records/${r?.id}/withdraw`, headers: submitter(), payload: { reason: '' } });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error.message, /撤销须说明理由/);
    // The reason goes into the audit log, which refuses ID numbers: the clerk is told, not given a 500.
    const withId = await p.app.inject({ method: 'POST', url: `/api/v1/collection/records/${r?.id}/withdraw`, headers: submitter(), payload: { reason: `当事人${makeIdNumber('350102', '19800101', 12)}已申诉` } });
    assert.equal(withId.statusCode, 400, withId.body);
    assert.match(withId.json().error.message, /撤销理由中不能写身份证号码/);
    const w = await p.app.inject({ method: 'POST', url: `/api/v1/collection/records/${r?.id}/withdraw`, headers: submitter(), payload: { reason: '行政复议决定撤销原处罚决定' } });
    assert.equal(w.statusCode, 204, w.body);
    assert.equal((await record('榕市监罚〔2026〕4号'))?.state, 'withdrawn');
    const events = await sql<{ event: string; from_state: string | null; to_state: string; actor_name: string; reason: string | null }>`
      select event, from_state, to_state, actor_name, reason from record_event where record_id = ${r?.id} order by id`.execute(p.db);
    assert.deepEqual(events.rows.map((e) => [e.event, e.from_state, e.to_state]), [['receive', null, 'received'], ['publish', 'received', 'in_publicity'], ['withdraw', 'in_publicity', 'withdrawn']]);
    assert.deepEqual([events.rows[2]?.actor_name, events.rows[2]?.reason], ['clerk-1', '行政复议决定撤销原处罚决定']);
    const tombstone = await sql<{ event: string; visible_before: boolean; visible_after: boolean }>`select event, visible_before, visible_after from change_outbox where object_id = ${r?.id ?? ''} order by id`.execute(p.db);
    assert.deepEqual(tombstone.rows.map((c) => [c.event, c.visible_before, c.visible_after]), [['publish', false, true], ['withdraw', true, false]], 'subscribers hear the publication and the withdrawal as a tombstone');
    const again = await p.app.inject({ method: 'POST', url: `/api/v1/collection/records/${r?.id}/withdraw`, headers: submitter(), payload: { reason: '再次撤销' } });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /该记录处于「已撤销」状态，不能「撤销」/);

    // The same decision sent again, changed or not, is refused with the reason; the record stays out.
    for (const [key, extra] of [['pub-0003', { CF_NR_FK: '0.9' }], ['pub-0003b', {}]] as const) {
      const b = await submit(key, [penaltyRow(DEPT, 4, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01', ...extra })]);
      assert.deepEqual([b.updated, b.unchanged, b.rejected], [0, 0, 1], key);
      assert.match(JSON.stringify(b.rows), /决定文书号「榕市监罚〔2026〕4号」的记录已撤销，同一决定不能再次报送/);
    }
    assert.equal((await record('榕市监罚〔2026〕4号'))?.state, 'withdrawn', 'a later version does not republish it');
  });

  it('never republishes a repaired record by sending the same decision again; a new decision number is a new record', async () => {
    await submit('rep-0001', [penaltyRow(DEPT, 5, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })]);
    const r = await record('榕市监罚〔2026〕5号');
    assert.equal(r?.state, 'in_publicity');
    const office = { id: 'office-1', name: 'office-1', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
    assert.equal(await p.records.fire([r?.id ?? ''], 'repair', { actor: office, reason: '信用修复申请已通过', reference: '榕信修〔2026〕1号' }), 1);
    const b = await submit('rep-0002', [penaltyRow(DEPT, 5, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01', CF_NR_FK: '3' })]);
    assert.equal(b.rejected, 1);
    assert.match(JSON.stringify(b.rows), /的记录已修复，同一决定不能再次报送/);
    assert.equal((await record('榕市监罚〔2026〕5号'))?.state, 'repaired');
    await submit('rep-0003', [penaltyRow(DEPT, 6, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })]);
    assert.equal((await record('榕市监罚〔2026〕6号'))?.state, 'in_publicity');
  });

  it('holds records for review when the item requires it; the reviewer approves or rejects, never their own batch', async () => {
    // The catalog decides per item; CF is switched here, in memory, for this test only.
    const cf = p.catalog.get('infoItem', 'CF');
    assert.ok(cf);
    cf.content.review = true;
    try {
      const batch = await submit('rev-0001', [penaltyRow(DEPT, 10, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })]);
      assert.equal(batch.review.status, 'pending');
      assert.equal((await record('榕市监罚〔2026〕10号'))?.state, 'pending_review');
      const queue = await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches?reviewStatus=pending', headers: reviewer() });
      assert.deepEqual(queue.json().items.map((b: { id: string }) => b.id), [batch.id]);

      // The page knows whose batch it is, so it can say so before anyone tries.
      const mine = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}`, headers: as('reviewer', 'clerk-1', dept) });
      const theirs = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}`, headers: reviewer() });
      assert.deepEqual([mine.json().submittedByMe, theirs.json().submittedByMe], [true, false]);
      const own = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${batch.id}/review`, headers: as('reviewer', 'clerk-1', dept), payload: { decision: 'approve' } });
      assert.equal(own.statusCode, 403, 'the submitter cannot approve their own batch');
      const noReason = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${batch.id}/review`, headers: reviewer(), payload: { decision: 'reject' } });
      assert.equal(noReason.statusCode, 400);
      const ok = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${batch.id}/review`, headers: reviewer(), payload: { decision: 'approve' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().review.status, 'approved');
      assert.equal((await record('榕市监罚〔2026〕10号'))?.state, 'in_publicity');
      const twice = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${batch.id}/review`, headers: reviewer(), payload: { decision: 'reject', reason: 'x' } });
      assert.equal(twice.statusCode, 409);

      const second = await submit('rev-0002', [penaltyRow(DEPT, 11, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })], otherSubmitter());
      const rejected = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${second.id}/review`, headers: reviewer(), payload: { decision: 'reject', reason: '处罚依据条款有误，请核对后重报' } });
      assert.equal(rejected.json().review.reason, '处罚依据条款有误，请核对后重报');
      assert.equal((await record('榕市监罚〔2026〕11号'))?.state, 'returned');
      const events = await sql<{ event: string }>`select event from audit_log where object_id in (${batch.id}, ${second.id}) and event like 'collection.batch.%ed' order by seq`.execute(p.db);
      assert.deepEqual(events.rows.map((e) => e.event), ['collection.batch.approved', 'collection.batch.rejected']);

      // Checked and sent again as it was (the department stands by it): it goes back to review,
      // not left returned for good; the approved record beside it is not touched.
      const again = await submit('rev-0003', [penaltyRow(DEPT, 10, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' }), penaltyRow(DEPT, 11, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })], otherSubmitter());
      assert.deepEqual({ review: again.review.status, unchanged: again.unchanged, updated: again.updated }, { review: 'pending', unchanged: 1, updated: 1 });
      assert.equal((await record('榕市监罚〔2026〕11号'))?.state, 'pending_review');
      assert.equal((await record('榕市监罚〔2026〕10号'))?.state, 'in_publicity');
      const resubmitted = await sql<{ event: string }>`select e.event from record_event e join record r on r.id = e.record_id where r.document_number = '榕市监罚〔2026〕11号' order by e.id`.execute(p.db);
      assert.deepEqual(resubmitted.rows.map((e) => e.event), ['receive', 'sendForReview', 'return', 'resubmit']);
      // Both versions are in its history: the returned one and the one sent again.
      const returned = await record('榕市监罚〔2026〕11号');
      const history = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${returned?.id}`, headers: reviewer() });
      assert.deepEqual(history.json().versions.map((v: { version: number; batchId: string; changes: unknown[] }) => [v.version, v.batchId, v.changes.length]), [[2, again.id, 0], [1, second.id, history.json().versions[1].changes.length]]);
      assert.ok(history.json().versions[1].changes.length > 0, 'the first version lists what it set');
      // What the reviewer is asked to approve: the records this batch wrote, and their state.
      const listed = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${again.id}/records`, headers: reviewer() });
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(listed.json().items.map((r: { documentNumber: string; state: string; subjectName: string }) => [r.documentNumber, r.state, r.subjectName]),
        [['榕市监罚〔2026〕11号', 'pending_review', '福州测试11贸易有限公司']]);
      assert.equal(listed.json().total, 1, 'the unchanged record is still the first batch’s');
      const elsewhere = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${again.id}/records`, headers: as('reviewer', 'reviewer-9', '00000000-0000-4000-8000-000000000099') });
      assert.equal(elsewhere.statusCode, 403, 'another department does not see the batch');
    } finally {
      cf.content.review = undefined;
    }
  });
});
