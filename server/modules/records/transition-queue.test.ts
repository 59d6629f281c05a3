/**
 * The transition queue on a real database: concurrent fires commit in fewer transactions than there
 * are fires (the `xmin` of their event rows: one per transaction), each caller gets its own
 * transitions, a refused fire fails alone with a lone fire's Chinese refusal, two fires on one
 * record apply in order, a failing group's fires are tried again each alone (only the one at fault
 * fails), and a record another transaction holds waits alone while the others go through.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { RecordStateName } from '../../../common/records-api.js';
import { ManualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { Lifecycle } from './lifecycle.js';
import { RECORD_MACHINE, type RecordEvent, type RecordFacts } from './records.workflow.js';
import { TransitionQueue } from './transition-queue.js';

const DEPT = makeUscc('11', '350100', 613);
const TODAY = '2026-11-21';

describe(`records: the transition queue on ${ENGINE}`, () => {
  let p: TestPlatform;
  let subjectId = '';
  let deptId = '';
  let n = 0;
  const clock = new ManualClock(Date.parse(`${TODAY}T02:00:00Z`));
  const actor = (roles: string[], id = 'actor-1'): Actor => ({ id, name: id, roles: roles as Actor['roles'], departmentId: null, ip: null, requestId: null });
  const office = actor(['creditOffice'], 'office-q');
  const queue = (lifecycle = new Lifecycle(p.audit), maxObjects?: number) =>
    new TransitionQueue<RecordStateName, RecordEvent, RecordFacts>(p.db as unknown as Kysely<unknown>, lifecycle, RECORD_MACHINE, maxObjects);
  const ctx = (reason: string, who: Actor = office) => ({ actor: who, at: clock.now(), reason, facts: { today: TODAY } });

  /** New records in publicity, as intake routes them. */
  async function newRecords(count: number): Promise<string[]> {
    const docs = Array.from({ length: count }, () => `榕队罚〔2026〕${++n}号`);
    await p.db.transaction().execute((trx) =>
      p.records.intake(trx, docs.map((doc) => ({
        itemCode: 'CF', itemVersion: 1, providerUscc: DEPT, departmentId: deptId, documentNumber: doc, decisionDate: '2026-06-01', subjectId, subjectMinor: false,
        data: { CF_WSH: doc }, batchId: '00000000-0000-4000-8000-000000000001', severity: 'general' as const, publishable: true,
        publicityStart: '2026-06-01', publicityEnd: '2027-06-01', publicityRule: null,
      })), { actor: actor([], 'clerk'), review: false, batchId: 'b-q' }),
    );
    const r = await sql<{ id: string; document_number: string }>`select id, document_number from record where document_number = any(${docs}::text[])`.execute(p.db);
    const byDoc = new Map(r.rows.map((x) => [x.document_number, x.id]));
    return docs.map((d) => byDoc.get(d) ?? assert.fail(`record ${d} not written`));
  }

  /** The transactions that wrote these records' events of this kind (one xmin per transaction). */
  const transactionsOf = async (ids: string[], event: RecordEvent) =>
    (await sql<{ n: number }>`select count(distinct xmin::text)::int as n from record_event where record_id = any(${ids}::uuid[]) and event = ${event}`.execute(p.db)).rows[0]?.n;
  const stateOf = async (id: string) => (await sql<{ state: string; disputed: boolean }>`select state, disputed from record where id = ${id}`.execute(p.db)).rows[0];
  const eventsOf = async (id: string) =>
    (await sql<{ event: string; x: string }>`select event, xmin::text as x from record_event where record_id = ${id} and event not in ('receive', 'publish') order by id`.execute(p.db)).rows;
  const outboxOf = async (id: string) => (await sql<{ event: string }>`select event from change_outbox where object_id = ${id} and event not in ('receive', 'publish') order by id`.execute(p.db)).rows.map((r) => r.event);

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    deptId = (await p.identity.createDepartment({ name: '福州市队列测试局', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(deptId, ['CF'], admin);
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: as('submitter', 'clerk-0', deptId), payload: { itemCode: 'CF', idempotencyKey: 'seed-q001', records: [penaltyRow(DEPT, 1)] } });
    assert.equal(r.statusCode, 200, r.body);
    subjectId = (await sql<{ id: string }>`select subject_id as id from record limit 1`.execute(p.db)).rows[0]?.id ?? '';
  });
  after(async () => p.stop());

  it('commits concurrent fires in one transaction, each with its own event and audit row, each caller getting its own transitions', async () => {
    const ids = await newRecords(10);
    const q = queue();
    // Ten users' requests: each its own account and reason, as requests are.
    const who = (i: number) => actor(['creditOffice'], `office-q${i}`);
    const results = await Promise.all(ids.map((id, i) => q.submit([id], 'dispute', ctx(`异议受理（第${i}件）`, who(i)))));
    for (const [i, applied] of results.entries()) {
      assert.deepEqual(applied.map((x) => [x.id, x.event, x.from, x.to, x.flagsAfter.disputed]), [[ids[i], 'dispute', 'in_publicity', 'in_publicity', true]], `caller ${i} gets its own transition`);
    }
    assert.equal(await transactionsOf(ids, 'dispute'), 1, 'ten fires, one transaction');
    assert.deepEqual(q.stats, { groups: 1, submissions: 10 });
    // Written together, yet each says who did it and why: the event row and the audit row of its fire.
    const events = await sql<{ record_id: string; actor_id: string; reason: string }>`
      select record_id, actor_id, reason from record_event where record_id = any(${ids}::uuid[]) and event = 'dispute'`.execute(p.db);
    assert.deepEqual(events.rows.map((r) => [r.record_id, r.actor_id, r.reason]).sort(), ids.map((id, i) => [id, `office-q${i}`, `异议受理（第${i}件）`]).sort());
    const audit = await sql<{ actor_id: string; reason: string; object_id: string; result_count: number }>`
      select actor_id, reason, object_id, result_count from audit_log where event = 'record.dispute' and reason like '异议受理（第%' order by seq`.execute(p.db);
    assert.deepEqual(audit.rows.map((r) => [r.object_id, r.actor_id, r.reason, r.result_count]).sort(), ids.map((id, i) => [id, `office-q${i}`, `异议受理（第${i}件）`, 1]).sort());
    for (const id of ids) assert.deepEqual(await outboxOf(id), ['dispute']);

    // One after another, each is a transaction of its own (the count above can tell them apart).
    for (const id of ids.slice(0, 3)) await q.submit([id], 'resolveDispute', ctx('异议办结（逐条）'));
    assert.equal(await transactionsOf(ids.slice(0, 3), 'resolveDispute'), 3);

    // The records service's own fires go through its queue.
    const more = await newRecords(6);
    const counts = await Promise.all(more.map((id) => p.records.fire([id], 'withdraw', { actor: office, reason: '决定已撤销（服务）' })));
    assert.deepEqual(counts, [1, 1, 1, 1, 1, 1]);
    assert.ok(((await transactionsOf(more, 'withdraw')) ?? 0) < more.length, 'the service’s concurrent fires share transactions');
  });

  it('caps a group by its objects: the rest waits for the next one', async () => {
    const ids = await newRecords(5);
    const q = queue(undefined, 2);
    await Promise.all(ids.map((id) => q.submit([id], 'dispute', ctx('异议受理（分组）'))));
    assert.deepEqual(q.stats, { groups: 3, submissions: 5 });
    assert.equal(await transactionsOf(ids, 'dispute'), 3);
  });

  it('fails a refused fire alone, with the refusal a lone fire gives, and commits the others', async () => {
    const [ok, done, guarded, other] = await newRecords(4) as [string, string, string, string];
    await p.records.fire([done], 'withdraw', { actor: office, reason: '先撤销' });
    // What a lone fire says of the same refusals.
    const lone = async (ids: string[], event: RecordEvent, who: Actor) =>
      p.db.transaction().execute((trx) => new Lifecycle(p.audit).fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, ids, event, ctx('单独', who))).then(() => assert.fail('refused'), (err: AppError) => err);
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const expected = [await lone([done], 'withdraw', office), await lone([missing], 'withdraw', office), await lone([guarded], 'repair', actor(['submitter'], 'clerk-q'))];
    assert.deepEqual(expected.map((e) => e.code), ['STATE_CONFLICT', 'NOT_FOUND', 'FORBIDDEN']);

    const q = queue();
    const personId = makeIdNumber('350102', '19850312', 21);
    const settled = await Promise.allSettled([
      q.submit([ok], 'withdraw', ctx('决定已撤销（组）')),
      q.submit([done], 'withdraw', ctx('决定已撤销（组）')),
      q.submit([missing], 'withdraw', ctx('决定已撤销（组）')),
      q.submit([guarded], 'repair', ctx('决定已撤销（组）', actor(['submitter'], 'clerk-q'))),
      // Its audit row may not be written (an ID number in clear): refused in Node, before anything is sent.
      q.submit([other], 'withdraw', ctx(`当事人${personId}申请`)),
      q.submit([guarded], 'withdraw', ctx('决定已撤销（组）')),
    ]);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as AppError] : []));
    for (const [i, e] of expected.entries()) {
      assert.equal(reasons[i]?.code, e.code);
      assert.equal(reasons[i]?.message, e.message, 'the same Chinese refusal as a lone fire');
    }
    assert.match(reasons[0]?.message ?? '', /^该记录处于「已撤销」状态，不能「撤销」/);
    assert.equal(reasons[1]?.message, '要处理的记录不存在：请刷新后再试');
    assert.match(reasons[2]?.message ?? '', /^当前账号不能对记录执行「信用修复」/);
    assert.ok(reasons[3], 'the ID number in the reason is refused');
    assert.equal(await transactionsOf([ok, guarded], 'withdraw'), 1, 'the two accepted fires committed together');

    for (const id of [ok, guarded]) {
      assert.deepEqual(await stateOf(id), { state: 'withdrawn', disputed: false });
      assert.deepEqual((await eventsOf(id)).map((e) => e.event), ['withdraw']);
      assert.deepEqual(await outboxOf(id), ['withdraw']);
    }
    assert.deepEqual(await stateOf(other), { state: 'in_publicity', disputed: false }, 'the refused fire wrote nothing');
    assert.deepEqual(await eventsOf(other), []);
    assert.deepEqual(await outboxOf(other), []);
    assert.deepEqual((await eventsOf(done)).map((e) => e.event), ['withdraw'], 'the earlier withdrawal only');
    const audit = await sql<{ result_count: number; object_id: string }>`select result_count, object_id from audit_log where event = 'record.withdraw' and reason = '决定已撤销（组）'`.execute(p.db);
    assert.deepEqual(audit.rows.map((r) => [r.object_id, r.result_count]).sort(), [[ok, 1], [guarded, 1]].sort(), 'an audit row for each accepted fire, none for the refused ones');
  });

  it('applies two fires on one record in one group in order, each checked against what the one before left', async () => {
    const [id] = await newRecords(1) as [string];
    const q = queue();
    const settled = await Promise.allSettled([
      q.submit([id], 'dispute', ctx('异议受理（同一条）')),
      q.submit([id], 'resolveDispute', ctx('异议办结（同一条）')),
      q.submit([id], 'resolveDispute', ctx('异议办结（同一条）')),
      q.submit([id], 'dispute', ctx('异议受理（同一条）')),
    ]);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = settled[2];
    assert.ok(refused?.status === 'rejected');
    assert.match((refused.reason as AppError).message, /^该记录处于「公示中」状态，不能「异议办结」/, 'the third is checked against the undisputed record the second left');
    const events = await eventsOf(id);
    assert.deepEqual(events.map((e) => e.event), ['dispute', 'resolveDispute', 'dispute']);
    assert.equal(new Set(events.map((e) => e.x)).size, 1, 'all in one transaction');
    assert.deepEqual(q.stats, { groups: 1, submissions: 4 });
    assert.deepEqual(await stateOf(id), { state: 'in_publicity', disputed: true });
    assert.deepEqual(await outboxOf(id), ['dispute', 'resolveDispute', 'dispute']);

    // dispute then resolveDispute: ends undisputed, with two events.
    const [two] = await newRecords(1) as [string];
    await Promise.all([q.submit([two], 'dispute', ctx('异议受理（同一条）')), q.submit([two], 'resolveDispute', ctx('异议办结（同一条）'))]);
    assert.deepEqual(await stateOf(two), { state: 'in_publicity', disputed: false });
    assert.deepEqual((await eventsOf(two)).map((e) => e.event), ['dispute', 'resolveDispute']);
  });

  it('tries each fire of a failed group again alone: only the one at fault fails, and nothing of the group is half-written', async () => {
    const [a, b, c, d] = await newRecords(4) as [string, string, string, string];
    // The database refuses the audit row of one fire (a category its check refuses): the group's
    // statement fails inside its transaction, with the other fires' rows in it.
    const badFor = (reason: string) => ({
      auditRow: (e: Parameters<AuditLog['auditRow']>[0]) => p.audit.auditRow(e.reason === reason ? { ...e, category: 'not a category' as never } : e),
      insertRows: (rows: Parameters<AuditLog['insertRows']>[0]) => p.audit.insertRows(rows),
    }) as unknown as AuditLog;
    const q = queue(new Lifecycle(badFor('坏的理由')));
    const settled = await Promise.allSettled([
      q.submit([a], 'withdraw', ctx('好的理由')),
      q.submit([b], 'withdraw', ctx('坏的理由')),
      q.submit([c], 'repair', ctx('好的理由', actor(['submitter'], 'clerk-q'))),
    ]);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'rejected']);
    const [, eb, ec] = settled.map((s) => (s.status === 'rejected' ? (s.reason as Error) : undefined));
    assert.match(eb?.message ?? '', /check constraint/, 'the fire at fault fails with the database’s refusal');
    assert.match(ec?.message ?? '', /^当前账号不能对记录执行「信用修复」/, 'a refused fire keeps its own refusal');
    // The one not at fault committed alone, in a transaction of its own; the others wrote nothing.
    assert.deepEqual(await stateOf(a), { state: 'withdrawn', disputed: false });
    assert.deepEqual((await eventsOf(a)).map((e) => e.event), ['withdraw']);
    for (const id of [b, c]) {
      assert.deepEqual(await stateOf(id), { state: 'in_publicity', disputed: false });
      assert.deepEqual(await eventsOf(id), []);
      assert.deepEqual(await outboxOf(id), []);
    }
    const audit = await sql<{ reason: string; n: number }>`select reason, count(*)::int as n from audit_log where reason in ('好的理由', '坏的理由') group by reason`.execute(p.db);
    assert.deepEqual(audit.rows, [{ reason: '好的理由', n: 1 }]);
    // The queue goes on: the next group commits.
    assert.equal((await q.submit([d], 'withdraw', ctx('好的理由'))).length, 1);
    assert.deepEqual(await stateOf(d), { state: 'withdrawn', disputed: false });
  });

  // PGlite has one connection: a transaction held open outside the queue would hold up every statement.
  it('lets fires on other records through while another transaction holds one, which waits alone', { skip: ENGINE === 'pglite' }, async () => {
    const [x, y] = await newRecords(2) as [string, string];
    const q = queue();
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let locked = () => {};
    const isLocked = new Promise<void>((r) => (locked = r));
    const outside = p.db.transaction().execute(async (trx) => {
      await sql`select id from record where id = ${x} for update`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const fx = q.submit([x], 'dispute', ctx('异议受理（被占用）'));
    const fy = q.submit([y], 'dispute', ctx('异议受理（被占用）'));
    assert.equal((await fy).length, 1, 'the free record’s fire commits while the other is held');
    assert.deepEqual(await stateOf(x), { state: 'in_publicity', disputed: false });
    release();
    await outside;
    assert.equal((await fx).length, 1);
    assert.deepEqual(await stateOf(x), { state: 'in_publicity', disputed: true });
  });
});
