import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const DEPT = makeUscc('11', '350100', 621);

describe(`review per information item, set by the credit office, on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dept = '';
  const office = () => as('creditOffice', 'office-1');
  const submitter = () => as('submitter', 'clerk-1', dept);
  const reviewer = () => as('reviewer', 'reviewer-1', dept);
  const setReview = (review: boolean, reason: string, headers = office(), code = 'CF') =>
    p.app.inject({ method: 'PUT', url: `/api/v1/catalog/info-items/${code}/review`, headers, payload: { review, reason } });
  const submit = async (key: string, n: number) => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: submitter(), payload: { itemCode: 'CF', idempotencyKey: key, records: [penaltyRow(DEPT, n, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })] } });
    assert.equal(r.statusCode, 200, r.body);
    return r.json().batch as { id: string; review: { status: string } };
  };
  const publication = async (n: number) =>
    (await sql<{ state: string }>`select state from record where document_number = ${`榕市监罚〔2026〕${n}号`}`.execute(p.db)).rows[0]?.state;
  const settings = async (headers = office()) => {
    const r = await p.app.inject({ method: 'GET', url: '/api/v1/catalog/review-settings', headers });
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { canChange: boolean; items: { itemCode: string; review: boolean; default: { review: boolean; sourceFile: string }; setting: { review: boolean; reason: string; by: string; at: string } | null }[] };
  };
  const reviewEvents = async () =>
    (await sql<{ object_id: string; actor_id: string; reason: string; details: { review: boolean; previous: boolean; default: boolean } }>`
      select object_id, actor_id, reason, details from audit_log where event = 'catalog.review.set' order by seq`.execute(p.db)).rows;

  before(async () => {
    p = await startTestPlatform();
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    dept = (await p.identity.createDepartment({ name: '福州市生态环境局', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(dept, ['CF'], { ...admin, roles: ['creditOffice'] });
  });
  after(async () => p.stop());

  it('shows each item with its catalog default and where it comes from, and who may change it', async () => {
    const s = await settings();
    assert.equal(s.canChange, true);
    const cf = s.items.find((i) => i.itemCode === 'CF');
    assert.deepEqual(cf, { itemCode: 'CF', itemName: '行政处罚信息', review: false, default: { review: false, sourceFile: 'catalog/info-items/CF.yaml', version: 1 }, setting: null });
    assert.equal((await settings(as('reviewer', 'reviewer-1', dept))).canChange, false, 'a reviewer sees the setting, and that it is not theirs to change');
    assert.equal((await p.app.inject({ method: 'GET', url: '/api/v1/catalog/review-settings' })).statusCode, 401);
    for (const role of ['sysAdmin', 'secAdmin', 'auditAdmin'] as const) {
      assert.equal((await p.app.inject({ method: 'GET', url: '/api/v1/catalog/review-settings', headers: as(role) })).statusCode, 403, `${role}: administrators stay out of business settings`);
    }
  });

  it('lets only the credit office switch review, with a reason, and refuses in Chinese what it cannot do', async () => {
    assert.equal((await p.app.inject({ method: 'PUT', url: '/api/v1/catalog/info-items/CF/review', payload: { review: true, reason: '需要复核' } })).statusCode, 401);
    for (const role of ['submitter', 'reviewer', 'sysAdmin', 'secAdmin', 'auditAdmin'] as const) {
      const denied = await setReview(true, '需要复核', as(role, `x-${role}`, dept));
      assert.equal(denied.statusCode, 403, `${role}: ${denied.body}`);
    }
    const noReason = await setReview(true, '  ');
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.json().error.message, /请填写更改理由（至少2个字）/);
    // The reason goes into the audit log, which never holds an ID number in clear: said, not a 500.
    const withId = await setReview(true, `当事人${makeIdNumber('350102', '19900101', 12)}投诉`);
    assert.equal(withId.statusCode, 400, withId.body);
    assert.match(withId.json().error.message, /不能写身份证号码/);
    const unknown = await setReview(true, '需要复核', office(), 'ZZ');
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().error.message, /信息目录中没有代码为「ZZ」的信息项/);
    const same = await setReview(false, '保持不变');
    assert.equal(same.statusCode, 409, 'switching off what is off: the page was out of date');
    assert.match(same.json().error.message, /「行政处罚信息」\(CF\)已是无需审核（目录文件catalog\/info-items\/CF\.yaml的默认值），未作更改/);
    assert.deepEqual(await reviewEvents(), [], 'nothing refused was recorded as a change');
    assert.equal((await settings()).items.find((i) => i.itemCode === 'CF')?.setting, null);
  });

  it('holds the next batch for review once switched on, audited with who, why and what it was', async () => {
    const before = await submit('review-0001', 1);
    assert.equal(before.review.status, 'none');
    assert.equal(await publication(1), 'in_publicity');

    const on = await setReview(true, '处罚信息差错较多，增加审核环节');
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json().review, true);
    assert.deepEqual({ ...on.json().setting, at: undefined }, { review: true, reason: '处罚信息差错较多，增加审核环节', by: 'office-1', at: undefined });
    assert.deepEqual(await reviewEvents(), [{ object_id: 'CF', actor_id: 'office-1', reason: '处罚信息差错较多，增加审核环节', details: { review: true, previous: false, default: false } }]);

    const held = await submit('review-0002', 2);
    assert.equal(held.review.status, 'pending');
    assert.equal(await publication(2), 'pending_review');
    assert.equal(await publication(1), 'in_publicity', 'a batch imported before is not touched');
    const cf = (await settings()).items.find((i) => i.itemCode === 'CF');
    assert.equal(cf?.review, true);
    assert.equal(cf?.default.review, false, 'the catalog default stays as the file says');
    const again = await setReview(true, '再开一次');
    assert.equal(again.statusCode, 409);
    assert.match(again.json().error.message, /已是需审核（office-1于\d{4}-\d{2}-\d{2} \d{2}:\d{2}设置）/);
  });

  it('publishes the next batch directly once switched off, while a batch already waiting still waits for the reviewer', async () => {
    const waiting = (await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches?reviewStatus=pending', headers: reviewer() })).json().items as { id: string }[];
    assert.equal(waiting.length, 1);
    const off = await setReview(false, '试行结束，恢复直接公示');
    assert.equal(off.statusCode, 200, off.body);

    const direct = await submit('review-0003', 3);
    assert.equal(direct.review.status, 'none');
    assert.equal(await publication(3), 'in_publicity');
    // Submitted to be reviewed: it stays in the queue and is not published unseen.
    const queue = (await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches?reviewStatus=pending', headers: reviewer() })).json().items as { id: string }[];
    assert.deepEqual(queue.map((b) => b.id), waiting.map((b) => b.id));
    assert.equal(await publication(2), 'pending_review');
    const approved = await p.app.inject({ method: 'POST', url: `/api/v1/collection/batches/${waiting[0]?.id}/review`, headers: reviewer(), payload: { decision: 'approve' } });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(await publication(2), 'in_publicity');
    assert.deepEqual((await reviewEvents()).map((e) => [e.details.review, e.details.previous]), [[true, false], [false, true]]);
  });

  it('applies a setting to batches created from its time on, so a batch importing meanwhile keeps the one it started with', async () => {
    const on = await setReview(true, '再次开启审核');
    assert.equal(on.statusCode, 200, on.body);
    const at = Date.parse(on.json().setting.at);
    assert.equal(await p.catalog.reviewRequired('CF', new Date(at)), true);
    assert.equal(await p.catalog.reviewRequired('CF', new Date(at - 1)), false, 'a batch created a moment before: the setting then (off)');
    assert.equal(await p.catalog.reviewRequired('XK', new Date(at)), false, 'other items keep their own');
  });
});
