import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ManualClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { ENGINE, as, startTestPlatform, testAuthenticate, testKeyMaterial, type TestPlatform } from '../../test/helpers.js';
import { applicationRoleGrants, checkDatabaseRole, grantApplicationRole } from './least-privilege.js';
import { startPlatform, type Platform } from './platform.js';

describe('application role grants', () => {
  it('refuses a role name that could inject SQL', () => {
    assert.throws(() => applicationRoleGrants('app; drop table audit_log'), /角色名/);
    assert.equal(applicationRoleGrants('xinyong_app').length, 5);
  });
});

// Roles exist only on a server; the embedded database has one user and the file is its boundary.
describe(`the platform as a least-privilege role on ${ENGINE}`, { skip: ENGINE !== 'postgres' }, () => {
  let owner: TestPlatform;
  let app: Platform;
  const role = `xinyong_app_${process.pid}`;
  const keyMaterial = testKeyMaterial();
  // In the past, so that the database's own clock agrees the old rows are past retention.
  const clock = new ManualClock(Date.parse('2018-01-10T02:00:00Z'));

  before(async () => {
    owner = await startTestPlatform({ keyMaterial, clock });
    await sql.raw(`create role ${role} login`).execute(owner.db);
    await grantApplicationRole(owner.db, role);
    const url = new URL(owner.config.databaseUrl ?? '');
    url.username = role;
    url.password = '';
    app = await startPlatform(loadConfig({ DATA_DIR: owner.config.dataDir, DATABASE_URL: url.toString() }), pino({ level: 'silent' }), {
      inMemory: true,
      keyMaterial,
      authenticate: testAuthenticate,
      clock,
    });
  });
  after(async () => {
    await app?.close();
    await sql.raw(`drop owned by ${role}`).execute(owner.db).catch(() => {});
    await sql.raw(`drop role if exists ${role}`).execute(owner.db).catch(() => {});
    await owner.stop();
  });

  it('starts, knows it is least-privilege, and the owner connection knows it is not', async () => {
    assert.deepEqual(await checkDatabaseRole(app.db), { role, leastPrivilege: true });
    assert.equal((await checkDatabaseRole(owner.db)).leastPrivilege, false);
    // The audit administrator sees it next to the chain's status.
    const asApp = await app.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: as('auditAdmin') });
    assert.deepEqual(asApp.json().database, { role, leastPrivilege: true });
    const asOwner = await owner.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: as('auditAdmin') });
    assert.equal(asOwner.json().database.leastPrivilege, false);
  });

  it('does business writes with their audit rows', async () => {
    const r = await app.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: as('creditOffice'), payload: { kind: 'organization', orgType: 'enterprise', name: '最小权限测试有限公司', uscc: '91350100M000100Y43' } });
    assert.equal(r.statusCode, 201, r.body);
    const n = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'subject.create'`.execute(app.db);
    assert.equal(n.rows[0]?.n, 1);
  });

  it('cannot update, delete or truncate audit rows, even with the purge flag set', async () => {
    const attempt = (statement: string) =>
      app.db.transaction().execute(async (trx) => {
        await sql`select set_config('xinyong.audit_purge', 'on', true)`.execute(trx);
        await sql.raw(statement).execute(trx);
      });
    await assert.rejects(attempt(`update audit_log set reason = 'x'`), /permission denied/);
    await assert.rejects(attempt('delete from audit_log'), /permission denied/);
    await assert.rejects(attempt('truncate audit_log'), /permission denied/);
  });

  it('purges only through audit_log_purge, past the legal floors, and the chain still verifies', async () => {
    await app.audit.recordAlone({ category: 'security', event: 'test.old', actor: null, result: 'success' });
    clock.advance(200 * 86_400_000);
    await app.audit.recordAlone({ category: 'security', event: 'test.new', actor: null, result: 'success' });
    const purge = await app.app.inject({ method: 'POST', url: '/api/v1/audit/purge', headers: as('auditAdmin'), payload: {} });
    assert.equal(purge.statusCode, 200, purge.body);
    assert.ok(purge.json().removed >= 1, purge.body);
    assert.equal((await app.audit.verify()).intact, true);
  });
});
