import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const MONTH = 31 * 86_400_000;

describe(`audit retention on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-01-10T02:00:00Z'));
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

  it('a purge boundary set by hand in the database is detected', async () => {
    const head = await p.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const { sql } = await import('kysely');
    await sql`alter table audit_log disable trigger user`.execute(p.db);
    await sql`delete from audit_log where seq < ${head.seq}`.execute(p.db);
    await sql`alter table audit_log enable trigger user`.execute(p.db);
    const prev = await p.db.selectFrom('audit_log').select('prev_hash').where('seq', '=', head.seq).executeTakeFirstOrThrow();
    await sql`update app_setting set value = ${JSON.stringify({ seq: head.seq - 1, hash: prev.prev_hash })} where key = 'audit_purged_through'`.execute(p.db);
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.match(v.reason ?? '', /清理边界.*没有签名记录/);
  });

  it('deleting rows outside the purge is still refused', async () => {
    await assert.rejects(p.db.deleteFrom('audit_log').execute(), /append-only/);
  });
});
