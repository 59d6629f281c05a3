/**
 * Durable jobs (ADR 0003) on both engines: a job commits with its transaction, waits for its due
 * time, is retried with back-off and then failed, is taken again when its lease runs out, is taken
 * by one runner only, and a unique key makes one job of two enqueues.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../test/helpers.js';
import { ManualClock } from './clock.js';
import { JobRunner, backoffMs, enqueue, type JobHandler, type JobTables } from './jobs.js';

const settings = { leaseMs: 30_000, pollMs: 1_000, concurrency: 2, maxAttempts: 3, backoffBaseMs: 10_000, backoffMaxMs: 3_600_000 };

describe(`durable jobs on ${ENGINE}`, () => {
  let p: TestPlatform;
  let db: Kysely<JobTables>;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const log = pino({ level: 'silent' });
  const runner = (...handlers: JobHandler[]) => {
    const r = new JobRunner(db, clock, log, settings);
    for (const h of handlers) r.register(h);
    return r;
  };
  const rows = () => db.selectFrom('job').selectAll().where('kind', 'like', 'test.%').orderBy('id').execute();

  before(async () => {
    p = await startTestPlatform({ clock });
    db = p.db as unknown as Kysely<JobTables>;
  });
  after(async () => p.stop());
  beforeEach(async () => {
    await db.deleteFrom('job').where('kind', 'like', 'test.%').execute();
  });

  it('commits a job with its transaction, and a rolled-back transaction leaves none', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await enqueue(trx, { kind: 'test.a', payload: { n: 1 }, dueAt: clock.now() });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal((await rows()).length, 0, 'nothing of the rolled-back transaction');
    await db.transaction().execute(async (trx) => {
      await enqueue(trx, { kind: 'test.a', payload: { n: 2 }, dueAt: clock.now() });
    });
    assert.deepEqual((await rows()).map((j) => [j.kind, j.payload, j.status]), [['test.a', { n: 2 }, 'queued']]);
  });

  it('runs a job only once it is due, then removes it', async () => {
    const seen: unknown[] = [];
    const r = runner({ kind: 'test.due', run: async (payload) => void seen.push(payload) });
    await enqueue(db, { kind: 'test.due', payload: { id: 'x' }, dueAt: new Date(clock.now().getTime() + 60_000) });
    assert.deepEqual(await r.runDue(), [], 'not due yet');
    clock.advance(59_999);
    assert.deepEqual(await r.runDue(), []);
    clock.advance(1);
    assert.deepEqual(await r.runDue(), ['test.due']);
    assert.deepEqual(seen, [{ id: 'x' }]);
    assert.equal((await rows()).length, 0, 'a job done is gone');
  });

  it('retries a failing job with exponential back-off, then keeps it as failed with its message only', async () => {
    let calls = 0;
    const r = runner({
      kind: 'test.fail',
      run: async () => {
        calls++;
        throw new Error(`第${calls}次：对方系统不可用`);
      },
    });
    await enqueue(db, { kind: 'test.fail', dueAt: clock.now() });
    const t0 = clock.now().getTime();
    assert.deepEqual(await r.runDue(), ['test.fail']);
    let [j] = await rows();
    assert.deepEqual([j?.status, j?.attempts, (j?.due_at.getTime() ?? 0) - t0, j?.last_error], ['queued', 1, 10_000, '第1次：对方系统不可用']);
    clock.advance(9_999);
    assert.deepEqual(await r.runDue(), [], 'waits its back-off');
    clock.advance(1);
    assert.deepEqual(await r.runDue(), ['test.fail']);
    [j] = await rows();
    assert.deepEqual([j?.status, j?.attempts, (j?.due_at.getTime() ?? 0) - clock.now().getTime()], ['queued', 2, 20_000], 'twice as long');
    clock.advance(20_000);
    assert.deepEqual(await r.runDue(), ['test.fail']);
    [j] = await rows();
    assert.deepEqual([j?.status, j?.attempts, j?.last_error, j?.locked_until], ['failed', 3, '第3次：对方系统不可用', null], 'the third of three attempts failed it');
    clock.advance(3_600_000);
    assert.deepEqual(await r.runDue(), [], 'a failed job is not taken again by itself');
    assert.equal(calls, 3);
    const failed = await r.failedJobs(10, 0);
    assert.deepEqual(failed.rows.filter((x) => x.kind === 'test.fail').map((x) => x.attempts), [3]);
    assert.deepEqual([1, 2, 3, 9, 20].map((n) => backoffMs(n, settings)), [10_000, 20_000, 40_000, 2_560_000, 3_600_000], 'doubling, capped');
  });

  it('takes a job again when its lease ran out (the worker was killed), and the old worker cannot finish it', async () => {
    const a = runner({ kind: 'test.lease', run: async () => {} });
    const b = runner({ kind: 'test.lease', run: async () => {} });
    await enqueue(db, { kind: 'test.lease', dueAt: clock.now() });
    const [held] = await a.take(5);
    assert.ok(held, 'a takes it');
    assert.deepEqual(await b.take(5), [], 'held by a lease');
    clock.advance(settings.leaseMs - 1);
    assert.deepEqual(await b.take(5), [], 'still held');
    clock.advance(1);
    const [again] = await b.take(5);
    assert.equal(again?.id, held.id, 'taken again after the lease');
    assert.equal(again?.attempts, 2, 'the lost attempt counts');
    // a wakes up and finishes: the job is b's now, so a's end changes nothing.
    await a.execute(held);
    assert.deepEqual((await rows()).map((j) => [j.status, j.locked_by]), [['running', b.workerId]]);
    await b.execute(again);
    assert.equal((await rows()).length, 0);
  });

  it('fails a job whose lease ran out after its last attempt (it kills its process every time)', async () => {
    const a = runner({ kind: 'test.crash', run: async () => {} });
    await enqueue(db, { kind: 'test.crash', dueAt: clock.now(), maxAttempts: 1 });
    assert.equal((await a.take(1)).length, 1);
    clock.advance(settings.leaseMs);
    assert.deepEqual(await a.take(1), []);
    const [j] = await rows();
    assert.equal(j?.status, 'failed');
    assert.match(j?.last_error ?? '', /租约到期/);
  });

  it('never gives one job to two runners taking at the same time', async () => {
    const n = 40;
    for (let i = 0; i < n; i++) await enqueue(db, { kind: 'test.race', payload: { i }, dueAt: clock.now() });
    const runners = [0, 1, 2, 3].map(() => runner({ kind: 'test.race', run: async () => {} }));
    const taken = await Promise.all(runners.map(async (r) => [...(await r.take(8)), ...(await r.take(8))].map((j) => j.id)));
    const all = taken.flat();
    assert.equal(all.length, n, 'every job taken');
    assert.equal(new Set(all).size, n, 'none twice');
  });

  it('makes one job of two with the same key; a failed one does not block the next', async () => {
    assert.equal(await enqueue(db, { kind: 'test.unique', uniqueKey: 'test:k', dueAt: clock.now() }), true);
    assert.equal(await enqueue(db, { kind: 'test.unique', uniqueKey: 'test:k', dueAt: clock.now() }), false);
    assert.equal((await rows()).length, 1);
    await sql`update job set status = 'failed' where unique_key = 'test:k'`.execute(db);
    assert.equal(await enqueue(db, { kind: 'test.unique', uniqueKey: 'test:k', dueAt: clock.now() }), true);
    assert.deepEqual((await rows()).map((j) => j.status), ['failed', 'queued']);
  });

  it('re-enqueues a recurring job for its next due time, also when it failed for good', async () => {
    let fail = false;
    const r = runner({
      kind: 'test.every',
      maxAttempts: 1,
      next: (at) => new Date(at.getTime() + 3_600_000),
      run: async () => {
        if (fail) throw new Error('维护失败');
      },
    });
    await r.ensureRecurring();
    await r.ensureRecurring();
    assert.equal((await rows()).length, 1, 'one waiting run however often a process starts');
    assert.deepEqual(await r.runDue(), ['test.every']);
    assert.deepEqual(await r.runDue(), [], 'next one an hour later');
    clock.advance(3_600_000);
    fail = true;
    assert.deepEqual(await r.runDue(), ['test.every']);
    const after = await rows();
    assert.deepEqual(after.map((j) => j.status), ['failed', 'queued'], 'the failure stays visible and the next run waits');
    assert.equal(after[1]?.due_at.getTime(), clock.now().getTime() + 3_600_000);
  });
});
