import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const MONTH = 31 * 86_400_000;

describe(`audit retention on ${ENGINE}`, () => {
  let p: TestPlatform;
  // In the past: the database's own clock also bounds the purge (audit_log_purge), so the rows
  // must really be old by then.
  const clock = new ManualClock(Date.parse('2019-01-10T02:00:00Z'));
  before(async () => {
    p = await startTestPlatform({ clock });
  });
  after(async () => p.stop());

  const event = (category: 'security' | 'query', n: number) =>
    p.audit.recordAlone({ category, event: `test.${category}`, actor: null, result: 'success', details: { n } });

  it('purges the expired prefix only, audits the purge, and the rest still verifies', async () => {
    for (let i = 0; i < 5; i++) await event('security', i); // old security events
    await event('query', 100); // an old query registration: kept 5 years
    for (let i = 0; i < 3; i++) await event('security', 200 + i);
    await p.audit.checkpoint();
    clock.advance(7 * MONTH);
    await event('security', 300);
    await p.audit.checkpoint();

    const purge = await p.app.inject({ method: 'POST', url: '/api/v1/audit/purge', headers: as('auditAdmin'), payload: {} });
    assert.equal(purge.statusCode, 200, purge.body);
    const { removed, through } = purge.json();
    assert.equal(removed, 6, 'bootstrap + 5 old security events; the old query registration stops the prefix');
    assert.equal(through, 6);
    const left = await p.audit.list({ limit: 100, offset: 0 });
    assert.ok(left.rows.some((r) => r.category === 'query'), 'the query registration is kept');
    assert.ok(left.rows.some((r) => r.event === 'audit.purge'), 'the purge is audited');
    const v = await p.audit.verify();
    assert.equal(v.intact, true, JSON.stringify(v));

    clock.advance(5 * 12 * MONTH);
    const second = await p.audit.purge({ securityMonths: 6, otherYears: 5 }, { id: 'a', name: 'a', roles: ['auditAdmin'], departmentId: null, ip: null, requestId: null });
    assert.ok(second.removed > 0);
    await event('security', 400);
    assert.equal((await p.audit.verify()).intact, true);
  });

  it('the daily job purges once a day, once across instances, as the system', async () => {
    // Other jobs (publicity.end, hourly) share the scheduler; only the purge is counted here.
    const purgeRuns = async () => (await p.scheduler.runDue()).filter((j) => j === 'audit.purge');
    const runs = await Promise.all([purgeRuns(), purgeRuns()]);
    assert.deepEqual(runs.flat(), ['audit.purge'], 'two racing instances: one run');
    assert.deepEqual(await purgeRuns(), [], 'not again the same day');
    clock.advance(23 * 3_600_000);
    assert.deepEqual(await purgeRuns(), []);
    clock.advance(3_600_000);
    assert.deepEqual(await purgeRuns(), ['audit.purge']);
    const purges = await p.db.selectFrom('audit_log').select(['actor_id']).where('event', '=', 'audit.purge').orderBy('seq', 'desc').limit(2).execute();
    assert.deepEqual(purges.map((r) => r.actor_id), [null, null], 'the scheduled purge is audited as the system');
    assert.equal((await p.audit.verify()).intact, true);
  });

  it('a purge boundary set by hand in the database is detected', async () => {
    await p.audit.chain();
    const found = await p.db.selectFrom('audit_log').select(['chain_pos']).where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirstOrThrow();
    const pos = found.chain_pos ?? 0;
    const { sql } = await import('kysely');
    // As the owner, who alone can switch the append-only triggers off.
    await sql`alter table audit_log disable trigger user`.execute(p.owner);
    await sql`delete from audit_log where chain_pos < ${pos}`.execute(p.owner);
    await sql`alter table audit_log enable trigger user`.execute(p.owner);
    const prev = await p.db.selectFrom('audit_log').select('prev_hash').where('chain_pos', '=', pos).executeTakeFirstOrThrow();
    await sql`update app_setting set value = ${JSON.stringify({ seq: pos - 1, hash: prev.prev_hash })} where key = 'audit_purged_through'`.execute(p.db);
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.match(v.reason ?? '', /清理边界.*没有签名记录/);
  });

  it('the database refuses to purge rows within their retention period, whatever date the caller claims', async () => {
    await event('query', 500); // kept 5 years; the database's clock says it is younger than that
    const { sql } = await import('kysely');
    // The purge removes a prefix of the chain: its argument is a chain position (docs/adr/0004).
    await p.audit.chain();
    const head = await p.db.selectFrom('audit_log').select('chain_pos').where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirstOrThrow();
    await assert.rejects(sql`select audit_log_purge(${head.chain_pos}, ${new Date('2100-01-01T00:00:00Z')})`.execute(p.db), /retention period/);
  });

  it('deleting rows outside the purge is still refused', async () => {
    // The platform's own role has no DELETE on a server; the triggers refuse even the owner.
    await assert.rejects(p.db.deleteFrom('audit_log').execute(), ENGINE === 'postgres' ? /permission denied for table audit_log/ : /append-only/);
    await assert.rejects(p.owner.deleteFrom('audit_log').execute(), /append-only/);
  });
});
