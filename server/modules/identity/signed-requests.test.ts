import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { sign } from './index.js';

describe(`signed requests from system accounts on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T03:00:00Z'));
  let appKey: string;
  let secret: string;

  before(async () => {
    p = await startTestPlatform({ authenticate: null, clock });
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
    ({ appKey, secret } = await p.signed.create({ name: '并联审批系统', departmentId: dept.id }, actor));
  });
  after(async () => p.stop());

  const call = (opts: { body?: object; ts?: number; nonce?: string; secretUsed?: string; key?: string; path?: string; tamper?: boolean }) => {
    const body = JSON.stringify(opts.body ?? { matter: '食品经营许可', applicant: '91110108551385082Q' });
    const ts = String(opts.ts ?? Math.floor(clock.now().getTime() / 1000));
    const nonce = opts.nonce ?? randomBytes(12).toString('base64url');
    const path = opts.path ?? '/api/v1/system/echo?trace=1';
    const signature = sign(opts.secretUsed ?? secret, 'POST', path, body, ts, nonce);
    return p.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/json', 'x-app-key': opts.key ?? appKey, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': signature },
      payload: opts.tamper ? body.replace('食品', '药品') : body,
    });
  };

  it('accepts a correctly signed request and identifies the system', async () => {
    const r = await call({});
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().appKey, appKey);
    assert.equal(r.json().name, '并联审批系统');
    assert.equal(r.json().received.matter, '食品经营许可');
  });

  it('refuses a replayed nonce', async () => {
    const nonce = randomBytes(12).toString('base64url');
    assert.equal((await call({ nonce })).statusCode, 200);
    const replay = await call({ nonce });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'SIGNATURE_INVALID');
  });

  it('refuses a timestamp outside the 5-minute window either way', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    assert.equal((await call({ ts: now - 301 })).statusCode, 401);
    assert.equal((await call({ ts: now + 301 })).statusCode, 401);
    assert.equal((await call({ ts: now - 290 })).statusCode, 200);
  });

  it('refuses a bad signature, a changed body, a wrong path and an unknown key', async () => {
    assert.equal((await call({ secretUsed: 'not-the-secret' })).statusCode, 401);
    assert.equal((await call({ tamper: true })).statusCode, 401);
    const wrongPath = await p.app.inject({ method: 'POST', url: '/api/v1/system/echo?trace=2', headers: { 'x-app-key': appKey, 'x-timestamp': String(Math.floor(clock.now().getTime() / 1000)), 'x-nonce': randomBytes(12).toString('base64url'), 'x-signature': 'ab'.repeat(32), 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(wrongPath.statusCode, 401);
    assert.equal((await call({ key: 'xy_unknownkey000' })).statusCode, 401);
  });

  it('a system account cannot use staff or administrator routes', async () => {
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = randomBytes(12).toString('base64url');
    const r = await p.app.inject({ method: 'GET', url: '/api/v1/users', headers: { 'x-app-key': appKey, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': sign(secret, 'GET', '/api/v1/users', '', ts, nonce) } });
    assert.equal(r.statusCode, 403);
  });

  it('an unsigned request naming a real key is refused before anything is decided in its name', async () => {
    const before = (await p.audit.list({ event: 'access.denied', limit: 1, offset: 0 })).total;
    const r = await p.app.inject({ method: 'GET', url: '/api/v1/users', headers: { 'x-app-key': appKey } });
    assert.equal(r.statusCode, 401);
    assert.equal((await p.audit.list({ event: 'access.denied', limit: 1, offset: 0 })).total, before, 'no denial recorded for an unverified claim');
    const signIn = await p.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-app-key': appKey } });
    assert.equal(signIn.statusCode, 401);
  });

  it('a signed body over the limit is refused without reading it all', async () => {
    const big = { blob: 'x'.repeat(1_100_000) };
    const r = await call({ body: big });
    assert.equal(r.statusCode, 413);
  });

  it('a disabled department’s systems are refused until it is enabled again', async () => {
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const department = (await p.signed.list()).find((a) => a.appKey === appKey)?.departmentId as string;
    await p.identity.setDepartmentStatus(department, 'disabled', '机构改革，职责划入市场监管局', actor);
    const refused = await call({});
    assert.equal(refused.statusCode, 401);
    assert.equal((await p.audit.list({ event: 'auth.signed_request', limit: 1, offset: 0 })).rows[0]?.reason, 'department disabled');
    await p.identity.setDepartmentStatus(department, 'active', '撤销停用', actor);
    assert.equal((await call({})).statusCode, 200);
  });

  it('denied signatures are audited', async () => {
    const denied = await p.audit.list({ event: 'auth.signed_request', limit: 50, offset: 0 });
    assert.ok(denied.total >= 5);
    assert.ok(denied.rows.some((r) => r.reason === 'replayed nonce'));
  });
});
