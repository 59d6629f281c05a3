import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ManualClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { openEngine } from '../platform/db/engine.js';
import { MIGRATIONS_DIR, migrate } from '../platform/db/migrate.js';
import { APP_ROLE, ENGINE, as, freshDatabase, startTestPlatform, testAuthenticate, testKeyMaterial, urlAs, type TestPlatform } from '../../test/helpers.js';
import { applicationRoleGrants, checkDatabaseRole, grantApplicationRole } from './least-privilege.js';
import { startPlatform, type Platform } from './platform.js';

describe('application role grants', () => {
  it('refuses a role name that could inject SQL', () => {
    assert.throws(() => applicationRoleGrants('app; drop table audit_log'), /角色名/);
    assert.equal(applicationRoleGrants('xinyong_app').length, 6);
  });
});

// Roles exist only on a server; the embedded database has one user and its files are its boundary.
const SKIP = ENGINE !== 'postgres' && 'roles exist only on a PostgreSQL server (set DATABASE_URL)';

/**
 * The harness's default platform, which every other test uses too: on PostgreSQL it is connected
 * as the application role, on a database its owner migrated and granted with db:grant's grants.
 */
describe(`the platform's own database role on ${ENGINE}`, { skip: SKIP }, () => {
  let p: TestPlatform;
  let asOwner: Platform;
  const ownerLog: { level: number; msg: string }[] = [];
  const keyMaterial = testKeyMaterial();
  // In the past, so that the database's own clock agrees the old rows are past retention.
  const clock = new ManualClock(Date.parse('2018-01-10T02:00:00Z'));

  before(async () => {
    p = await startTestPlatform({ keyMaterial, clock });
    // The same database, the platform started as its owner: what the warning at start is for.
    const sink = new Writable({ write: (chunk, _enc, done) => (ownerLog.push(JSON.parse(String(chunk))), done()) });
    asOwner = await startPlatform(loadConfig({ DATA_DIR: p.config.dataDir, DATABASE_URL: p.ownerUrl ?? '' }), pino({ level: 'warn' }, sink), {
      inMemory: true,
      jobs: false,
      keyMaterial,
      authenticate: testAuthenticate,
      clock,
    });
  });
  after(async () => {
    await asOwner?.close();
    await p?.stop();
  });

  it('is the least-privilege role, not the owner, and knows it; the owner is warned at start', async () => {
    assert.equal(new URL(p.config.databaseUrl ?? '').username, APP_ROLE);
    assert.notEqual(new URL(p.ownerUrl ?? '').username, APP_ROLE);
    assert.deepEqual(await checkDatabaseRole(p.db), { role: APP_ROLE, leastPrivilege: true });
    assert.equal((await checkDatabaseRole(p.owner)).leastPrivilege, false);
    assert.equal((await checkDatabaseRole(asOwner.db)).leastPrivilege, false);
    // The audit administrator sees it next to the chain's status.
    const mine = await p.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: as('auditAdmin') });
    assert.deepEqual(mine.json().database, { role: APP_ROLE, leastPrivilege: true });
    const owners = await asOwner.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: as('auditAdmin') });
    assert.equal(owners.json().database.leastPrivilege, false);
    assert.ok(
      ownerLog.some((l) => l.level === 40 && /can delete audit rows.*least-privilege role.*db:grant/.test(l.msg)),
      JSON.stringify(ownerLog),
    );
  });

  it('does business writes with their audit rows', async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: as('creditOffice'), payload: { kind: 'organization', orgType: 'enterprise', name: '最小权限测试有限公司', uscc: '91350100M000100Y43' } });
    assert.equal(r.statusCode, 201, r.body);
    const n = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'subject.create'`.execute(p.db);
    assert.equal(n.rows[0]?.n, 1);
  });

  it('cannot update, delete or truncate audit rows, even with the purge flag set', async () => {
    const attempt = (statement: string) =>
      p.db.transaction().execute(async (trx) => {
        await sql`select set_config('xinyong.audit_purge', 'on', true)`.execute(trx);
        await sql.raw(statement).execute(trx);
      });
    // Refused by privilege, before the append-only triggers are even asked.
    await assert.rejects(attempt(`update audit_log set reason = 'x'`), /permission denied for table audit_log/);
    await assert.rejects(attempt('delete from audit_log'), /permission denied for table audit_log/);
    await assert.rejects(attempt('truncate audit_log'), /permission denied for table audit_log/);
    await assert.rejects(sql`alter table audit_log disable trigger user`.execute(p.db), /must be owner/);
  });

  it('purges only through audit_log_purge, past the legal floors, and the chain still verifies', async () => {
    await p.audit.recordAlone({ category: 'security', event: 'test.old', actor: null, result: 'success' });
    clock.advance(200 * 86_400_000);
    await p.audit.recordAlone({ category: 'security', event: 'test.new', actor: null, result: 'success' });
    const purge = await p.app.inject({ method: 'POST', url: '/api/v1/audit/purge', headers: as('auditAdmin'), payload: {} });
    assert.equal(purge.statusCode, 200, purge.body);
    assert.ok(purge.json().removed >= 1, purge.body);
    assert.equal((await p.audit.verify()).intact, true);
  });

  it('starts with nothing pending, and refuses a pending migration with the line that says what to run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    const engine = await openEngine<unknown>({ databaseUrl: p.config.databaseUrl });
    try {
      assert.deepEqual(await migrate(engine, dir), [], 'nothing pending: only reads, no DDL rights needed');
      fs.writeFileSync(path.join(dir, '9999_extra.sql'), 'create table extra_table (x int);');
      await assert.rejects(migrate(engine, dir), (err: Error) => {
        assert.match(err.message, /1 migration pending \(9999_extra\)/);
        assert.match(err.message, new RegExp(`role ${APP_ROLE} may not change the schema — run \`DATABASE_URL=<owner> npm run db:migrate\`, then \`DATABASE_URL=<owner> npm run db:grant -- ${APP_ROLE}\``));
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
      const recorded = await sql<{ n: number }>`select count(*)::int as n from schema_migration where version = 9999`.execute(p.owner);
      assert.equal(recorded.rows[0]?.n, 0);
      const table = await sql<{ t: string | null }>`select to_regclass('extra_table')::text as t`.execute(p.owner);
      assert.equal(table.rows[0]?.t, null);
    } finally {
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on a database nobody has migrated, says to run db:migrate as the owner', async () => {
    const fresh = await freshDatabase();
    const engine = await openEngine<unknown>({ databaseUrl: urlAs(fresh.url ?? '', APP_ROLE) });
    try {
      await assert.rejects(migrate(engine), /the database has no schema yet, and the database role .* may not change the schema — run `DATABASE_URL=<owner> npm run db:migrate`/);
    } finally {
      await engine.close();
      await fresh.drop();
    }
  });

  it('db:grant refuses to run as anyone but the owner, and to give the owner the application role', async () => {
    // A GRANT by a non-owner only warns; the script would have reported a success.
    await assert.rejects(grantApplicationRole(p.db, APP_ROLE), new RegExp(`${APP_ROLE} 不是数据库对象的所有者`));
    const owner = new URL(p.ownerUrl ?? '').username;
    await assert.rejects(grantApplicationRole(p.owner, owner), /是超级用户或数据库对象的所有者/);
    await assert.rejects(grantApplicationRole(p.owner, 'no_such_role_xy'), /不存在/);
  });
});
