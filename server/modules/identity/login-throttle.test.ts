import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { LoginLockView } from '../../../common/identity-api.js';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeUscc } from '../../../test/fixtures.js';
import { Browser, NEW_PASSWORD, signInFirstTime } from './identity.test-client.js';
import { DEFAULT_SECURITY_POLICY } from './security-policy.js';
import { delayMs, sourceOf } from './login-throttle.js';
import { stepOf, totpAt } from './totp.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const SETUP = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };

describe('login throttle numbers', () => {
  it('doubles the delay from the threshold on, up to the policy cap', () => {
    const p = DEFAULT_SECURITY_POLICY;
    assert.deepEqual([4, 5, 6, 7, 8, 9, 10, 40].map((n) => delayMs(n, p) / SECOND), [0, 2, 4, 8, 16, 32, 60, 60]);
    assert.equal(delayMs(9, { ...p, loginDelayMaxSeconds: 10 }), 10 * SECOND);
  });

  it('counts an IPv4 address as itself and an IPv6 address by its /64', () => {
    assert.equal(sourceOf('203.0.113.9'), '203.0.113.9');
    assert.equal(sourceOf('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(sourceOf('2001:db8:0:12:abcd::1'), '2001:db8:0:12::/64');
    assert.equal(sourceOf('2001:DB8:0:12:ffff:1:2:3'), '2001:db8:0:12::/64');
    assert.equal(sourceOf('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(sourceOf(null), 'unknown');
  });
});

describe(`sign-in locks per account and address, and the account's delay, on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock();
  const ADMIN_IP = '198.51.100.1';
  const SEC_IP = '198.51.100.2';
  const ATTACKER = '203.0.113.9';
  let admin: Browser;
  let adminSecret: string;
  let sec: Browser;
  let secSecret: string;
  let departmentId: string;

  before(async () => {
    p = await startTestPlatform({ authenticate: null, clock });
    assert.ok(p.bootstrap);
    ({ b: admin, secret: adminSecret } = await signInFirstTime(p.app, clock, 'admin', p.bootstrap.password, ADMIN_IP));
    departmentId = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 4411) }, SETUP)).id;
    const s = await p.identity.createUser({ username: 'an.quan', displayName: '安全员', roles: ['secAdmin'] }, SETUP);
    ({ b: sec, secret: secSecret } = await signInFirstTime(p.app, clock, 'an.quan', s.oneTimePassword, SEC_IP));
  });
  after(async () => p.stop());

  const login = (ip: string, username: string, password: string) => new Browser(p.app, ip).call('POST', '/api/v1/auth/login', { username, password });
  const submitter = async (username: string) => (await p.identity.createUser({ username, displayName: '报送员', departmentId, roles: ['submitter'] }, SETUP)).oneTimePassword;
  /** The latest sign-in event: the answers are the same, the audit log tells the causes apart. */
  const lastLogin = async () => {
    const row = (await p.audit.list({ event: 'auth.login', limit: 1, offset: 0 })).rows[0];
    return `${row?.result} ${row?.reason}`;
  };
  const locks = async (): Promise<LoginLockView[]> => {
    const r = await sec.call('GET', '/api/v1/security/login-locks');
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };

  it("one address's failures pause only that address: the administrator still signs in from a known address, undelayed, and keeps their sessions", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(ATTACKER, 'admin', `Guess#${i}abc`)).statusCode, 401);
    assert.equal((await p.audit.list({ event: 'auth.lockout', limit: 5, offset: 0 })).total, 1);
    const right = await login(ATTACKER, 'admin', NEW_PASSWORD);
    assert.equal(right.statusCode, 401, 'even the right password is refused from the paused address');
    assert.equal(await lastLogin(), 'denied locked');
    // Five failures on the account: an address it never signed in from now waits.
    assert.equal((await login('198.51.100.77', 'admin', NEW_PASSWORD)).statusCode, 401);
    assert.equal(await lastLogin(), 'denied delayed');

    const own = new Browser(p.app, ADMIN_IP);
    const l = await own.call('POST', '/api/v1/auth/login', { username: 'admin', password: NEW_PASSWORD });
    assert.equal(l.statusCode, 200, l.body);
    clock.advance(30 * SECOND);
    const t = await own.call('POST', '/api/v1/auth/totp', { code: totpAt(adminSecret, stepOf(clock.now())) });
    assert.equal(t.json().next, 'done', t.body);
    assert.equal((await admin.call('GET', '/api/v1/users')).statusCode, 200, 'the session from before the attack still works');
    const users = (await own.call('GET', '/api/v1/users')).json() as { username: string; lockedUntil: string | null }[];
    assert.ok(users.find((u) => u.username === 'admin')?.lockedUntil, 'the users list shows a lock from some address');
  });

  it('an unknown name, a disabled account, a paused address, the delay and a wrong password get byte-identical answers', async () => {
    const password = await submitter('wang.wu');
    await submitter('zhou.jiu');
    const disabledPassword = await submitter('zhao.liu');
    const d = await admin.call('POST', `/api/v1/users/${(await p.identity.users()).find((u) => u.username === 'zhao.liu')?.id}/disable`, { reason: '离职' });
    assert.equal(d.statusCode, 200, d.body);

    const answers: { cause: string; status: number; type: unknown; body: string }[] = [];
    const take = async (r: Awaited<ReturnType<typeof login>>) => answers.push({ cause: await lastLogin(), status: r.statusCode, type: r.headers['content-type'], body: r.body });
    // Five failures from one address: that address is paused, and the account delays everyone else.
    for (let i = 0; i < 5; i++) await login('192.0.2.4', 'wang.wu', 'Wrong#pass1');
    await take(await login('192.0.2.4', 'wang.wu', password));
    await take(await login('192.0.2.5', 'wang.wu', password));
    await take(await login('192.0.2.1', 'zhou.jiu', 'Wrong#pass1'));
    await take(await login('192.0.2.2', 'no.such.user', 'Wrong#pass1'));
    await take(await login('192.0.2.3', 'zhao.liu', disabledPassword));
    assert.deepEqual(answers.map((a) => a.cause), ['denied locked', 'denied delayed', 'failure wrong password', 'failure unknown user', 'failure disabled']);
    const [first] = answers;
    assert.equal(first?.status, 401);
    assert.match(first?.body ?? '', /暂停从此地址登录.*安全管理员解除/);
    for (const a of answers) assert.deepEqual({ status: a.status, type: a.type, body: a.body }, { status: first?.status, type: first?.type, body: first?.body }, a.cause);
  });

  it('the delay refuses without a check and without growing, and each real failure doubles it', async () => {
    clock.advance(16 * MINUTE); // earlier failures leave the window
    ({ b: admin } = await signInAgain('admin', adminSecret, ADMIN_IP));
    ({ b: sec } = await signInAgain('an.quan', secSecret, SEC_IP));
    const password = await submitter('li.qi');
    for (let i = 0; i < 5; i++) await login(`192.0.2.${20 + i}`, 'li.qi', 'Wrong#pass1'); // five addresses, none paused
    assert.equal((await p.audit.list({ event: 'auth.lockout', limit: 5, offset: 0 })).total, 2, 'no address reached five');

    assert.equal((await login('192.0.2.30', 'li.qi', password)).statusCode, 401, 'the right password inside the delay');
    assert.equal(await lastLogin(), 'denied delayed');
    clock.advance(1 * SECOND);
    assert.equal((await login('192.0.2.31', 'li.qi', password)).statusCode, 401);
    clock.advance(1 * SECOND);
    // Two seconds after the fifth failure, whatever was refused in between.
    const b = new Browser(p.app, '192.0.2.32');
    assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'li.qi', password })).statusCode, 200, 'the refused attempts did not extend the delay');
    // The next step follows at once: the delay holds password checks at sign-in, not the steps after.
    const changed = await b.call('POST', '/api/v1/auth/password', { currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(changed.statusCode, 200, changed.body);

    assert.equal((await login('192.0.2.33', 'li.qi', 'Wrong#pass1')).statusCode, 401);
    assert.equal(await lastLogin(), 'denied delayed', 'the success above used the one check its delay allowed');
    clock.advance(2 * SECOND);
    assert.equal((await login('192.0.2.33', 'li.qi', 'Wrong#pass1')).statusCode, 401);
    assert.equal(await lastLogin(), 'failure wrong password', 'a sixth real failure');
    clock.advance(2 * SECOND);
    await login('192.0.2.34', 'li.qi', NEW_PASSWORD);
    assert.equal(await lastLogin(), 'denied delayed', 'after six failures the wait is four seconds');
    clock.advance(2 * SECOND);
    assert.equal((await login('192.0.2.34', 'li.qi', NEW_PASSWORD)).statusCode, 200);

    const delay = (await locks()).find((l) => l.username === 'li.qi' && l.source === null);
    assert.ok(delay, 'the security administrator sees the delay');
    assert.equal(delay.failures, 6, 'refused attempts were not counted');
  });

  /** A later sign-in of an enrolled account (password, then a fresh TOTP code). */
  async function signInAgain(username: string, secret: string, ip: string): Promise<{ b: Browser }> {
    clock.advance(30 * SECOND);
    const b = new Browser(p.app, ip);
    const l = await b.call('POST', '/api/v1/auth/login', { username, password: NEW_PASSWORD });
    assert.equal(l.statusCode, 200, l.body);
    const t = await b.call('POST', '/api/v1/auth/totp', { code: totpAt(secret, stepOf(clock.now())) });
    assert.equal(t.json().next, 'done', t.body);
    return { b };
  }

  it('unknown names are paused like real ones, and what was typed is stored nowhere', async () => {
    const typed = 'Secret#Typed2026';
    for (let i = 0; i < 5; i++) await login(ATTACKER, typed, 'Wrong#pass1');
    await login(ATTACKER, typed, 'Wrong#pass1');
    assert.equal(await lastLogin(), 'denied locked');
    const lock = (await locks()).find((l) => l.source === ATTACKER && l.username === null);
    assert.ok(lock, 'listed as an unknown name');
    assert.equal(lock.failures, 5);
    const stored = JSON.stringify([
      (await sql`select * from login_source`.execute(p.db)).rows,
      (await sql`select * from login_account`.execute(p.db)).rows,
      (await p.audit.list({ limit: 500, offset: 0 })).rows,
    ]).toLowerCase();
    assert.ok(!stored.includes(typed.toLowerCase()));
  });

  it('a wrong current password counts toward the pause like a wrong password', async () => {
    const password = await submitter('qian.ba');
    const ip = '192.0.2.60';
    const b = new Browser(p.app, ip);
    assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'qian.ba', password })).json().next, 'changePassword');
    for (let i = 0; i < 5; i++) {
      const r = await b.call('POST', '/api/v1/auth/password', { currentPassword: 'Wrong#pass1', newPassword: NEW_PASSWORD });
      assert.equal(r.json().error.code, 'INVALID_CREDENTIALS');
    }
    const right = await b.call('POST', '/api/v1/auth/password', { currentPassword: password, newPassword: NEW_PASSWORD });
    assert.equal(right.statusCode, 401, 'refused without a check once paused');
    assert.match(right.json().error.message, /^当前密码错误，或因多次失败已暂停/);
    assert.equal((await login(ip, 'qian.ba', password)).statusCode, 401, 'the pause covers signing in from that address');
  });

  it('the security administrator lists and lifts a pause, audited with the reason; no other role may', async () => {
    const adminId = (await p.identity.users()).find((u) => u.username === 'admin')?.id;
    const lock = (await locks()).find((l) => l.username === 'admin' && l.source === ATTACKER);
    assert.ok(lock, JSON.stringify(await locks()));
    assert.equal(lock.failures, 5);
    assert.equal(lock.displayName, '系统管理员');

    assert.equal((await admin.call('GET', '/api/v1/security/login-locks')).statusCode, 403);
    assert.equal((await admin.call('POST', `/api/v1/security/login-locks/${lock.id}/lift`, { reason: '自己解锁' })).statusCode, 403);
    assert.equal((await sec.call('POST', `/api/v1/security/login-locks/${lock.id}/lift`, {})).statusCode, 400, 'a reason is required');

    const lifted = await sec.call('POST', `/api/v1/security/login-locks/${lock.id}/lift`, { reason: '经电话核实为本人误操作' });
    assert.equal(lifted.statusCode, 204, lifted.body);
    const event = (await p.audit.list({ event: 'auth.lock_lift', limit: 1, offset: 0 })).rows[0];
    assert.equal(event?.actor_name, 'an.quan');
    assert.equal(event?.reason, '经电话核实为本人误操作');
    assert.equal(event?.object_id, adminId);
    assert.deepEqual(event?.details, { source: ATTACKER, scope: 'source' });
    assert.ok(!(await locks()).some((l) => l.id === lock.id));
    assert.equal((await sec.call('POST', `/api/v1/security/login-locks/${lock.id}/lift`, { reason: '再次解除' })).statusCode, 404);

    // The address is checked again (the account's earlier failures have left the window).
    await login(ATTACKER, 'admin', 'Wrong#pass1');
    assert.equal(await lastLogin(), 'failure wrong password');

    // An account's delay is lifted the same way.
    for (let i = 0; i < 5; i++) await login(`192.0.2.${80 + i}`, 'wang.wu', 'Wrong#pass1');
    const delay = (await locks()).find((l) => l.username === 'wang.wu' && l.source === null);
    assert.ok(delay);
    assert.equal((await sec.call('POST', `/api/v1/security/login-locks/${delay.id}/lift`, { reason: '攻击已处置' })).statusCode, 204);
    await login('192.0.2.90', 'wang.wu', 'Wrong#pass1');
    assert.equal(await lastLogin(), 'failure wrong password', 'no delay after the lift');
  });

  it('`npm run cli -- admin reset` lifts the administrator\'s pauses', async () => {
    clock.advance(16 * MINUTE);
    const z = '203.0.113.77';
    for (let i = 0; i < 5; i++) await login(z, 'admin', 'Wrong#pass1');
    assert.ok((await p.identity.loginLocks()).some((l) => l.username === 'admin' && l.source === z));
    const password = await p.identity.resetAdministrator('admin');
    assert.ok(!(await p.identity.loginLocks()).some((l) => l.username === 'admin'));
    const r = await login(z, 'admin', password);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().next, 'changePassword');
    const event = (await p.audit.list({ event: 'user.admin_reset', limit: 1, offset: 0 })).rows[0];
    assert.equal(event?.details.locksLifted, 2, 'the pause of that address and the account\'s delay');
  });
});
