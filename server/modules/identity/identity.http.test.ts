import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { stepOf, totpAt } from './index.js';
import { Browser, NEW_PASSWORD, signInFirstTime as firstSignIn } from './identity.test-client.js';

const MINUTE = 60_000;

describe(`sign-in, second factor and sessions on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock();
  before(async () => {
    p = await startTestPlatform({ authenticate: null, clock });
  });
  after(async () => p.stop());

  const signInFirstTime = (username: string, oneTimePassword: string) => firstSignIn(p.app, clock, username, oneTimePassword);

  let admin: Browser;
  let adminSecret: string;
  let adminRecovery: string[];
  let departmentId: string;
  let submitter: { id: string; password: string };

  it('bootstraps one administrator with a one-time password; nothing works until sign-in is finished', async () => {
    assert.ok(p.bootstrap);
    assert.equal(p.bootstrap.username, 'admin');
    const b = new Browser(p.app);
    await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: p.bootstrap.password });
    const early = await b.call('GET', '/api/v1/users');
    assert.equal(early.statusCode, 401);
    assert.equal(early.json().error.code, 'LOGIN_STEP_REQUIRED');
    const r = await signInFirstTime('admin', p.bootstrap.password);
    admin = r.b;
    adminSecret = r.secret;
    adminRecovery = r.recoveryCodes;
    assert.equal(r.recoveryCodes.length, 10);
    assert.equal((await admin.call('GET', '/api/v1/users')).statusCode, 200);
  });

  it('the administrator creates a department with a submitter and a reviewer', async () => {
    const d = await admin.call('POST', '/api/v1/departments', { name: '杭州市市场监督管理局', uscc: '11330100002489876K'.slice(0, 17) + 'X' });
    // The made-up code above has a wrong check character: the answer says which and where.
    assert.equal(d.statusCode, 422);
    assert.match(d.json().error.details[0].message, /第18位校验码应为/);
    const ok = await admin.call('POST', '/api/v1/departments', { name: '杭州市市场监督管理局', uscc: '91350100M000100Y43' });
    assert.equal(ok.statusCode, 201, ok.body);
    departmentId = ok.json().id;
    const s = await admin.call('POST', '/api/v1/users', { username: 'zhang.san', displayName: '张三', departmentId, roles: ['submitter'] });
    assert.equal(s.statusCode, 201, s.body);
    submitter = { id: s.json().user.id, password: s.json().oneTimePassword };
    const r = await admin.call('POST', '/api/v1/users', { username: 'li.si', displayName: '李四', departmentId, roles: ['reviewer'] });
    assert.equal(r.statusCode, 201);
  });

  it('enforces separation of the three administrators and business roles', async () => {
    const mixed = await admin.call('POST', '/api/v1/users', { username: 'mixed', displayName: '混合', departmentId, roles: ['sysAdmin', 'submitter'] });
    assert.equal(mixed.statusCode, 422);
    assert.equal(mixed.json().error.details[0].code, 'ROLES_SEPARATION');
    const noDept = await admin.call('POST', '/api/v1/users', { username: 'nodept', displayName: '无部门', roles: ['reviewer'] });
    assert.equal(noDept.json().error.details[0].code, 'DEPARTMENT_REQUIRED');
    const byAdmin = await admin.call('PUT', `/api/v1/users/${submitter.id}/roles`, { roles: ['reviewer'], version: 1 });
    assert.equal(byAdmin.statusCode, 403, 'only the security administrator edits roles');
    const audit = await admin.call('GET', '/api/v1/audit/events');
    assert.equal(audit.statusCode, 403, 'only the audit administrator reads the audit log');
  });

  it('administrator roles: set up once by the system administrator, then only by the security administrator', async () => {
    const sec = await admin.call('POST', '/api/v1/users', { username: 'an.quan', displayName: '安全员', roles: ['secAdmin'] });
    assert.equal(sec.statusCode, 201, 'the first security administrator');
    const second = await admin.call('POST', '/api/v1/users', { username: 'an.quan2', displayName: '安全员二', roles: ['secAdmin'] });
    assert.equal(second.statusCode, 422);
    assert.equal(second.json().error.details[0].code, 'ADMIN_ROLE_TAKEN');
    const reset = await admin.call('POST', `/api/v1/users/${sec.json().user.id}/reset-password`, {});
    assert.equal(reset.statusCode, 403, 'one administrator does not take over another');
    const disable = await admin.call('POST', `/api/v1/users/${sec.json().user.id}/disable`, { reason: '调岗' });
    assert.equal(disable.statusCode, 403);
  });

  it('does not store what an unknown user typed as a user name', async () => {
    const b = new Browser(p.app);
    const r = await b.call('POST', '/api/v1/auth/login', { username: '11010519491231002X', password: 'Secret#Pw2026' });
    assert.equal(r.statusCode, 401);
    const rows = JSON.stringify((await p.audit.list({ event: 'auth.login', limit: 5, offset: 0 })).rows);
    assert.ok(!rows.includes('11010519491231002X') && !rows.includes('Secret#Pw2026'));
  });

  it('applies the password policy, including the last five passwords', async () => {
    const b = new Browser(p.app);
    await b.call('POST', '/api/v1/auth/login', { username: 'zhang.san', password: submitter.password });
    for (const [pw, code] of [['Ab1!', 'PASSWORD_TOO_SHORT'], ['abcdefgh12', 'PASSWORD_CLASSES'], ['Zhang.San#2026', 'PASSWORD_CONTAINS_USERNAME'], [submitter.password, 'PASSWORD_REUSED']] as const) {
      const r = await b.call('POST', '/api/v1/auth/password', { currentPassword: submitter.password, newPassword: pw });
      assert.equal(r.statusCode, 422, pw);
      assert.ok(r.json().error.details.some((d: { code: string }) => d.code === code), `${pw}: ${r.body}`);
    }
  });

  it('rejects state-changing calls without the right CSRF token, and audits the refusal without the token', async () => {
    const r = await admin.call('POST', '/api/v1/users', { username: 'wang.wu', displayName: '王五', departmentId, roles: ['reviewer'] }, { csrf: false });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().error.code, 'CSRF_FAILED');
    const wrongToken = 'x'.repeat(admin.csrf.length);
    const wrong = await p.app.inject({ method: 'POST', url: '/api/v1/users', headers: { cookie: admin.cookie, 'x-csrf-token': wrongToken }, payload: {} });
    assert.equal(wrong.statusCode, 403);
    const denials = (await p.audit.list({ event: 'access.denied', limit: 2, offset: 0 })).rows;
    assert.deepEqual(
      denials.map((d) => [d.result, d.reason, d.actor_name, d.object_id]),
      [
        ['denied', 'csrf token wrong', 'admin', 'POST /api/v1/users'],
        ['denied', 'csrf token missing', 'admin', 'POST /api/v1/users'],
      ],
    );
    assert.ok(!JSON.stringify(denials).includes(wrongToken) && !JSON.stringify(denials).includes(admin.csrf));
  });

  /** The last sign-in event's result and reason: every refusal answers the same, the audit log tells them apart. */
  const lastLogin = async (event = 'auth.login') => {
    const row = (await p.audit.list({ event, limit: 1, offset: 0 })).rows[0];
    return `${row?.result} ${row?.reason}`;
  };

  it('pauses an address for 30 minutes after 5 failures from it within 15 minutes', async () => {
    const b = new Browser(p.app);
    for (let i = 0; i < 5; i++) {
      const r = await b.call('POST', '/api/v1/auth/login', { username: 'li.si', password: 'wrong-Password1' });
      assert.equal(r.statusCode, 401);
      clock.advance(MINUTE);
    }
    const locked = await b.call('POST', '/api/v1/auth/login', { username: 'li.si', password: 'wrong-Password1' });
    assert.equal(locked.statusCode, 401);
    assert.equal(locked.json().error.code, 'INVALID_CREDENTIALS');
    assert.equal(await lastLogin(), 'denied locked');
    clock.advance(31 * MINUTE);
    const after = await b.call('POST', '/api/v1/auth/login', { username: 'li.si', password: 'wrong-Password1' });
    assert.equal(after.statusCode, 401);
    assert.equal(await lastLogin(), 'failure wrong password', 'checked again after 30 minutes (the password is still wrong)');
    const events = await p.audit.list({ event: 'auth.lockout', limit: 10, offset: 0 });
    assert.equal(events.total, 1);
    clock.advance(31 * MINUTE);
  });

  it('wrong second-factor codes pause the address even though the password was right each time', async () => {
    const ip = '192.0.2.44';
    for (let i = 0; i < 5; i++) {
      const b = new Browser(p.app, ip);
      const l = await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
      assert.equal(l.json().next, 'totp', l.body);
      const t = await b.call('POST', '/api/v1/auth/totp', { code: '000000' });
      assert.equal(t.json().error.code, 'SECOND_FACTOR_INVALID');
    }
    assert.equal((await p.audit.list({ event: 'auth.lockout', limit: 10, offset: 0 })).total, 2, 'five wrong codes lock the address');
    const b = new Browser(p.app, ip);
    const l = await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    assert.equal(l.statusCode, 401, 'the right password from that address is refused now');
    assert.equal(await lastLogin(), 'denied locked');
    clock.advance(31 * MINUTE);
  });

  it('a half-signed-in session ends after 3 wrong codes: codes cannot be tried on one password check from address after address', async () => {
    const b = new Browser(p.app, '192.0.2.46');
    assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD })).json().next, 'totp');
    for (let i = 0; i < 2; i++) assert.equal((await b.call('POST', '/api/v1/auth/totp', { code: '000000' })).json().error.code, 'SECOND_FACTOR_INVALID');
    const third = await b.call('POST', '/api/v1/auth/totp', { code: '000000' });
    assert.equal(third.statusCode, 401);
    assert.match(third.json().error.message, /连续错误3次，本次登录已结束/);
    const after = await b.call('POST', '/api/v1/auth/totp', { code: '000000' });
    assert.equal(after.json().error.code, 'UNAUTHENTICATED', 'the session is gone');
    assert.equal((await p.audit.list({ event: 'auth.session_ended', limit: 10, offset: 0 })).total, 1);
    clock.advance(31 * MINUTE);
  });

  it('concurrent wrong passwords from one address all count', async () => {
    const ip = '192.0.2.45';
    const attempts = await Promise.all(Array.from({ length: 6 }, () => new Browser(p.app, ip).call('POST', '/api/v1/auth/login', { username: 'zhang.san', password: 'Wrong-pass1' })));
    assert.ok(attempts.every((r) => r.statusCode === 401));
    await new Browser(p.app, ip).call('POST', '/api/v1/auth/login', { username: 'zhang.san', password: 'Wrong-pass1' });
    assert.equal(await lastLogin(), 'denied locked');
    clock.advance(31 * MINUTE);
  });

  it('failures spread over more than 15 minutes do not lock', async () => {
    const b = new Browser(p.app);
    for (let i = 0; i < 6; i++) {
      assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'zhang.san', password: 'Wrong-pass1' })).statusCode, 401);
      clock.advance(4 * MINUTE);
    }
  });

  it('second factor: a code is accepted once; a recovery code works once', async () => {
    const b = new Browser(p.app);
    await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    clock.advance(30_000);
    const code = totpAt(adminSecret, stepOf(clock.now()));
    assert.equal((await b.call('POST', '/api/v1/auth/totp', { code })).json().next, 'done');
    const again = new Browser(p.app);
    await again.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    const replay = await again.call('POST', '/api/v1/auth/totp', { code });
    assert.equal(replay.statusCode, 401, 'a used code cannot be replayed');
    clock.advance(30_000);
    const racers = [new Browser(p.app), new Browser(p.app)];
    for (const r of racers) await r.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    const fresh = totpAt(adminSecret, stepOf(clock.now()));
    const both = await Promise.all(racers.map((r) => r.call('POST', '/api/v1/auth/totp', { code: fresh })));
    assert.deepEqual(both.map((r) => r.statusCode).sort(), [200, 401], 'of two concurrent uses of one code, one succeeds');
    const recovery = adminRecovery[0] as string;
    assert.equal((await again.call('POST', '/api/v1/auth/totp', { recoveryCode: recovery.toLowerCase() })).json().next, 'done');
    const third = new Browser(p.app);
    await third.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    assert.equal((await third.call('POST', '/api/v1/auth/totp', { recoveryCode: recovery })).statusCode, 401, 'a recovery code works once');
  });

  it('times out an idle administrator after 15 minutes and ends every session after 8 hours', async () => {
    clock.advance(30_000);
    const b = new Browser(p.app);
    await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    await b.call('POST', '/api/v1/auth/totp', { code: totpAt(adminSecret, stepOf(clock.now())) });
    clock.advance(14 * MINUTE);
    assert.equal((await b.call('GET', '/api/v1/users')).statusCode, 200);
    clock.advance(16 * MINUTE);
    const idle = await b.call('GET', '/api/v1/users');
    assert.equal(idle.statusCode, 401);
    assert.equal(idle.json().error.code, 'SESSION_EXPIRED');

    clock.advance(30_000);
    const c = new Browser(p.app);
    await c.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    await c.call('POST', '/api/v1/auth/totp', { code: totpAt(adminSecret, stepOf(clock.now())) });
    // Active every 14 minutes: only the absolute lifetime can end the session.
    let elapsed = 0;
    for (;;) {
      clock.advance(14 * MINUTE);
      elapsed += 14 * MINUTE;
      const r = await c.call('GET', '/api/v1/auth/me');
      if (r.statusCode !== 200) {
        assert.equal(r.json().error.code, 'SESSION_EXPIRED');
        break;
      }
      assert.ok(elapsed <= 8 * 60 * MINUTE, 'still valid after 8 hours');
    }
    assert.ok(elapsed > 8 * 60 * MINUTE - 14 * MINUTE, `ended after ${elapsed / MINUTE} minutes`);
  });

  it('completing sign-in replaces the session token (no fixation)', async () => {
    clock.advance(30_000);
    const b = new Browser(p.app);
    await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    const before = b.cookie;
    const done = await b.call('POST', '/api/v1/auth/totp', { code: totpAt(adminSecret, stepOf(clock.now())) });
    assert.equal(done.json().next, 'done');
    assert.ok(done.json().csrfToken);
    assert.notEqual(b.cookie, before);
    const old = await p.app.inject({ url: '/api/v1/auth/me', headers: { cookie: before }, remoteAddress: '10.9.0.2' });
    assert.equal(old.statusCode, 401, 'the pre-sign-in token no longer works');
    assert.equal((await b.call('GET', '/api/v1/users')).statusCode, 200);
  });

  it('logout destroys the server-side session', async () => {
    clock.advance(30_000);
    const b = new Browser(p.app);
    const l = await b.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    const t = await b.call('POST', '/api/v1/auth/totp', { code: totpAt(adminSecret, stepOf(clock.now())) });
    assert.equal(l.statusCode, 200);
    assert.equal(t.json().next, 'done');
    const cookie = b.cookie;
    const out = await b.call('POST', '/api/v1/auth/logout');
    assert.equal(out.statusCode, 204, out.body);
    const reuse = await p.app.inject({ url: '/api/v1/auth/me', headers: { cookie }, remoteAddress: '10.9.0.1' });
    assert.equal(reuse.statusCode, 401);
  });

  it('every step above is in an intact audit chain', async () => {
    await p.audit.checkpoint();
    const v = await p.audit.verify();
    assert.equal(v.intact, true, JSON.stringify(v));
    const events = new Set((await p.audit.list({ limit: 200, offset: 0 })).rows.map((r) => r.event));
    for (const e of ['user.bootstrap', 'auth.login', 'auth.password_change', 'auth.totp_enrol', 'department.create', 'user.create', 'auth.lockout', 'access.denied', 'auth.session_expired', 'auth.logout', 'auth.totp']) {
      assert.ok(events.has(e), `no ${e} event`);
    }
    const text = JSON.stringify((await p.audit.list({ limit: 500, offset: 0 })).rows);
    assert.ok(!text.includes(NEW_PASSWORD) && !text.includes(submitter.password), 'no password in the audit log');
  });
});
