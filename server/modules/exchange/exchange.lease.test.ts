/**
 * The dispatcher's lease under a backlog: it reads about as many deliveries as it leases, whatever
 * the planner's statistics say, and a paused or deleted subscription's backlog is not read at all.
 * Read from the statement's own plan (EXPLAIN ANALYZE, rolled back): rows, not time.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { appendChanges, type Change } from '../../platform/outbox.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan's scans of `table` produced or threw away, over every loop (the walk, the per-subject probes, the update). */
function rowsRead(node: PlanNode, table: string): number {
  const own =
    node['Relation Name'] === table && /Scan/.test(node['Node Type'])
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * (node['Actual Loops'] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((n, child) => n + rowsRead(child, table), 0);
}

describe(`exchange: the lease under a backlog on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T03:00:00Z'));
  const actor = { id: 'office-1', name: 'office-1', roles: ['sysAdmin', 'creditOffice'], departmentId: null, ip: null, requestId: null };
  let appKey: string;

  before(async () => {
    p = await startTestPlatform({ clock, env: { EXCHANGE_ALLOW_HTTP_LOCAL: 'on' } });
    const dept = await p.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
    ({ appKey } = await p.signed.create({ name: '上级平台', departmentId: dept.id }, actor));
  });
  after(async () => {
    await p.stop();
  });

  /** `n` shared changes over `subjects` subjects, numbered and fanned out as the dispatcher does (nothing sent). */
  const backlog = async (n: number, subjects: number) => {
    const ids = Array.from({ length: subjects }, () => randomUUID());
    const changes: Change[] = Array.from({ length: n }, (_, i) => ({
      subjectId: ids[i % subjects]!,
      objectType: 'record',
      objectId: `r-${i}`,
      event: 'publish',
      from: 'received',
      to: 'published',
      itemCode: 'CF',
      visibleBefore: false,
      visibleAfter: true,
      at: clock.now(),
    }));
    await p.db.transaction().execute((trx) => appendChanges(trx, changes));
    while ((await p.exchange.repo.sequence()) > 0);
    for (const id of await p.exchange.repo.webhookSubscriptionIds()) while ((await p.exchange.repo.fanOut(id, clock.now(), 5_000)) > 0);
  };
  const readByLease = async (limit: number) => rowsRead((await p.exchange.repo.explainClaim(clock.now(), limit)) as PlanNode, 'exchange_delivery');

  it('reads about as many deliveries as it leases when the statistics say nothing is pending, and leases the earliest of each subject', async () => {
    const sub = await p.exchange.create({ appKey, filter: 'all', webhookUrl: 'http://127.0.0.1:9/never-sent' }, actor);
    // The usual statistics of a delivery table: gathered between bursts, when everything was delivered.
    await backlog(1_000, 200);
    await p.owner.updateTable('exchange_delivery').set({ status: 'delivered', delivered_at: clock.now() }).execute();
    await sql`analyze exchange_delivery`.execute(p.owner);
    // Then a backlog arrives: 3 000 over 600 subjects, five each.
    clock.advance(1_000);
    await backlog(3_000, 600);
    assert.equal((await p.exchange.repo.counts()).pending, 3_000);

    const read = await readByLease(20);
    assert.ok(read <= 160, `a lease of 20 read ${read} rows of a table of 4 000 deliveries, 3 000 pending`);

    const { deliveries } = await p.exchange.repo.claim(clock.now(), new Date(clock.now().getTime() + 60_000), 20);
    assert.equal(deliveries.length, 20);
    assert.equal(new Set(deliveries.map((d) => d.change.subject_id)).size, 20, 'one per subject');
    const first = await p.db
      .selectFrom('exchange_delivery')
      .select(['subject_id', (eb) => eb.fn.min('seq').as('seq')])
      .where('status', '=', 'pending')
      .where('subject_id', 'in', deliveries.map((d) => d.change.subject_id))
      .groupBy('subject_id')
      .execute();
    const earliest = new Map(first.map((r) => [r.subject_id, Number(r.seq)]));
    for (const d of deliveries) assert.equal(Number(d.change.seq), earliest.get(d.change.subject_id), 'the earliest pending of its subject');
    assert.deepEqual(
      deliveries.map((d) => Number(d.change.seq)),
      deliveries.map((d) => Number(d.change.seq)).sort((a, b) => a - b),
      'in commit order',
    );
    // A second lease passes over the leased ones and their subjects' later changes: still about what it leases.
    const again = await readByLease(20);
    assert.ok(again <= 160, `the next lease of 20 read ${again} rows`);
    await p.exchange.setStatus(sub.id, 'deleted', actor);
  });

  it("a paused or deleted subscription's backlog is not read by the lease, and resuming makes it due again in order", async () => {
    const busy = await p.exchange.create({ appKey, filter: 'all', webhookUrl: 'http://127.0.0.1:9/never-sent' }, actor);
    const quiet = await p.exchange.create({ appKey, filter: 'all', webhookUrl: 'http://127.0.0.1:9/never-sent-either' }, actor);
    clock.advance(1_000);
    await backlog(2_000, 400);
    await p.exchange.setStatus(quiet.id, 'paused', actor);
    // The earlier test's deleted subscription still has its 3 000 pending, held as well.
    const read = await readByLease(20);
    assert.ok(read <= 160, `a lease of 20 read ${read} rows with 2 000 held behind a paused subscription and 3 000 behind a deleted one`);
    const leased = await p.exchange.repo.claim(clock.now(), new Date(clock.now().getTime() + 60_000), 500);
    assert.deepEqual([...new Set(leased.deliveries.map((d) => d.subscriptionId))], [busy.id], 'nothing of the paused subscription is leased');
    assert.equal(leased.deliveries.length, 400, 'one per subject of the active one');

    await p.exchange.setStatus(quiet.id, 'active', actor);
    const resumed = await p.exchange.repo.claim(clock.now(), new Date(clock.now().getTime() + 60_000), 500);
    const mine = resumed.deliveries.filter((d) => d.subscriptionId === quiet.id);
    assert.equal(mine.length, 400, 'resumed: its first delivery of each subject is due now');
    assert.ok(resumed.deliveries.every((d) => d.subscriptionId === quiet.id), "the active one's subjects wait for their leased first deliveries");
    await p.exchange.setStatus(busy.id, 'deleted', actor);
    await p.exchange.setStatus(quiet.id, 'deleted', actor);
  });
});
