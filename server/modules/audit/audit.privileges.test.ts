import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

/**
 * The least-privilege grants of docs/operations.md, checked: a role with them can append to the
 * audit log but cannot change, delete (not even with the purge flag set) or truncate it.
 */
describe(`audit log privileges of the documented application role on ${ENGINE}`, () => {
  let p: TestPlatform;
  const role = `xinyong_app_${process.pid}`;
  before(async () => {
    p = await startTestPlatform();
    await p.audit.recordAlone({ category: 'security', event: 'test.seed', actor: null, result: 'success' });
    await sql.raw(`create role ${role} nologin`).execute(p.db);
    await sql.raw(`grant usage on schema public to ${role}`).execute(p.db);
    await sql.raw(`grant select, insert, update, delete on all tables in schema public to ${role}`).execute(p.db);
    await sql.raw(`revoke update, delete, truncate on audit_log from ${role}`).execute(p.db);
  });
  after(async () => {
    await sql.raw(`drop owned by ${role}`).execute(p.db).catch(() => {});
    await sql.raw(`drop role if exists ${role}`).execute(p.db).catch(() => {});
    await p.stop();
  });

  /** Runs statements as the application role inside one transaction, then rolls back. */
  const asApp = (statement: string) =>
    p.db.transaction().execute(async (trx) => {
      await sql.raw(`set local role ${role}`).execute(trx);
      await sql.raw(`select set_config('xinyong.audit_purge', 'on', true)`).execute(trx);
      await sql.raw(statement).execute(trx);
    });

  it('cannot update, delete or truncate audit rows, even with the purge flag', async () => {
    await assert.rejects(asApp('update audit_log set reason = $$x$$'), /permission denied/);
    await assert.rejects(asApp('delete from audit_log'), /permission denied/);
    await assert.rejects(asApp('truncate audit_log'), /permission denied/);
  });

  it('can still read and append', async () => {
    const seq = await p.db.transaction().execute(async (trx) => {
      await sql.raw(`set local role ${role}`).execute(trx);
      const r = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(trx);
      assert.ok((r.rows[0]?.n ?? 0) >= 1);
      return p.audit.record(trx, { category: 'security', event: 'test.as_app_role', actor: null, result: 'success' });
    });
    assert.ok(seq > 1);
    assert.equal((await p.audit.verify()).intact, true);
  });
});
