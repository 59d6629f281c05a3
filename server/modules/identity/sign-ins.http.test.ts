/**
 * 本人最近的登录记录 (GET /api/v1/auth/me/sign-ins): each account sees its own attempts — when,
 * from which address, whether they got in and why not — and never another account's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SignInEventView } from '../../../common/sign-in-api.js';
import { ManualClock } from '../../platform/clock.js';
import type { Actor } from '../audit/index.js';
import { makeUscc } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { Browser, NEW_PASSWORD, signInFirstTime } from './identity.test-client.js';
import { stepOf, totpAt } from './totp.js';

const SETUP: Actor = { id: 'test-setup', name: 'test-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
const MINUTE = 60_000;

describe(`own recent sign-ins on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock();
  const passwords = { mine: '', theirs: '' };
  let secret = '';
  let departmentId = '';

  before(async () => {
    p = await startTestPlatform({ authenticate: null, clock });
    departmentId = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 701) }, SETUP)).id;
    passwords.mine = (await p.identity.createUser({ username: 'zhao.liu', displayName: '赵六', departmentId, roles: ['submitter'] }, SETUP)).oneTimePassword;
    passwords.theirs = (await p.identity.createUser({ username: 'qian.qi', displayName: '钱七', departmentId, roles: ['reviewer'] }, SETUP)).oneTimePassword;
  });
  after(async () => p.stop());

  const signIns = async (b: Browser): Promise<SignInEventView[]> => {
    const r = await b.call('GET', '/api/v1/auth/me/sign-ins');
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };

  it('lists the own attempts, newest first, with address and outcome, and none of another account', async () => {
    // Someone tries the account from another address: wrong passwords, then the address is paused.
    const stranger = new Browser(p.app, '203.0.113.9');
    for (let i = 0; i < 6; i++) {
      clock.advance(1000);
      assert.equal((await stranger.call('POST', '/api/v1/auth/login', { username: 'zhao.liu', password: `wrong-${i}` })).statusCode, 401);
    }
    // A name no account has, and the other account's own sign-in: neither is this owner's business.
    assert.equal((await new Browser(p.app, '203.0.113.10').call('POST', '/api/v1/auth/login', { username: 'zhao.liu2', password: 'x' })).statusCode, 401);
    const other = (await signInFirstTime(p.app, clock, 'qian.qi', passwords.theirs, '198.51.100.7')).b;
    // Past the account's delay for addresses it has not signed in from.
    clock.advance(5 * MINUTE);

    const first = await signInFirstTime(p.app, clock, 'zhao.liu', passwords.mine, '192.0.2.44');
    secret = first.secret;
    const list = await signIns(first.b);
    assert.deepEqual(
      list.map((e) => [e.ip, e.result, e.reason]),
      [
        ['192.0.2.44', 'success', null],
        ['203.0.113.9', 'denied', 'paused'],
        ...Array.from({ length: 5 }, () => ['203.0.113.9', 'failure', 'wrongPassword']),
      ],
    );
    assert.ok(list.every((e, i) => i === 0 || e.at <= list[i - 1]!.at), 'newest first');
    assert.match(list[0]!.at, /^\d{4}-\d\d-\d\dT/);

    assert.deepEqual((await signIns(other)).map((e) => [e.ip, e.result]), [['198.51.100.7', 'success']], 'the other account sees only its own sign-in');
  });

  it('shows a wrong second-factor code, and at most the latest ten', async () => {
    const b = new Browser(p.app, '192.0.2.44');
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'zhao.liu', password: NEW_PASSWORD })).statusCode, 200);
    }
    // A code from long ago: never valid now.
    const stale = totpAt(secret, stepOf(clock.now()) - 100);
    assert.equal((await b.call('POST', '/api/v1/auth/totp', { code: stale })).statusCode, 401);
    // Then the owner signs in properly (a later time step than the enrolment's code).
    clock.advance(MINUTE);
    const ok = await b.call('POST', '/api/v1/auth/totp', { code: totpAt(secret, stepOf(clock.now())) });
    assert.equal(ok.statusCode, 200, ok.body);
    const list = await signIns(b);
    assert.equal(list.length, 10, 'the latest ten only');
    assert.deepEqual([list[0]!.result, list[0]!.reason], ['failure', 'wrongSecondFactor']);
    assert.ok(list.slice(1).every((e) => e.result === 'success' && e.ip === '192.0.2.44'));
  });

  it('says a refusal while the department was disabled is the account being disabled', async () => {
    await p.identity.setDepartmentStatus(departmentId, 'disabled', '机构调整', SETUP);
    clock.advance(1000);
    assert.equal((await new Browser(p.app, '192.0.2.44').call('POST', '/api/v1/auth/login', { username: 'zhao.liu', password: NEW_PASSWORD })).statusCode, 401);
    await p.identity.setDepartmentStatus(departmentId, 'active', '恢复', SETUP);
    clock.advance(MINUTE);
    const b = new Browser(p.app, '192.0.2.44');
    assert.equal((await b.call('POST', '/api/v1/auth/login', { username: 'zhao.liu', password: NEW_PASSWORD })).statusCode, 200);
    assert.equal((await b.call('POST', '/api/v1/auth/totp', { code: totpAt(secret, stepOf(clock.now())) })).statusCode, 200);
    const refused = (await signIns(b)).find((e) => e.result !== 'success');
    assert.deepEqual([refused?.result, refused?.reason], ['failure', 'disabled']);
  });

  it('is refused before sign-in is complete and without a session', async () => {
    const half = new Browser(p.app, '192.0.2.44');
    assert.equal((await half.call('POST', '/api/v1/auth/login', { username: 'zhao.liu', password: NEW_PASSWORD })).statusCode, 200);
    const early = await half.call('GET', '/api/v1/auth/me/sign-ins');
    assert.equal(early.statusCode, 401, 'the password alone does not show where the account signs in from');
    assert.equal(early.json().error.code, 'LOGIN_STEP_REQUIRED');
    assert.equal((await new Browser(p.app).call('GET', '/api/v1/auth/me/sign-ins')).statusCode, 401);
  });
});
