/**
 * 系统账号 administration over HTTP: 停用 / 启用 with a reason, and 重置密钥 — each audited in its
 * transaction, the secret in no audit row — and what a disabled account or an old secret meets
 * when it signs a request.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.js';
import type { Authenticate } from '../../platform/policy.js';
import { as, ENGINE, startTestPlatform, testAuthenticate, TEST_PRINCIPAL_HEADER, type TestPlatform } from '../../../test/helpers.js';
import { sessionAuthenticate, sign } from './index.js';

const admin = as('sysAdmin', 'admin-1');
const office = as('creditOffice', 'office-1');

describe(`system accounts: disable, enable and a new secret on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T03:00:00Z'));
  let appKey: string;
  let secret: string;

  before(async () => {
    // Staff through the test header; system accounts through real signed requests.
    const real: { auth?: Authenticate } = {};
    const authenticate: Authenticate = async (req) => (req.headers[TEST_PRINCIPAL_HEADER] ? testAuthenticate(req) : (real.auth?.(req) ?? null));
    p = await startTestPlatform({ clock, authenticate });
    real.auth = sessionAuthenticate(p.identity, p.signed);
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
    ({ appKey, secret } = await p.signed.create({ name: '并联审批系统', departmentId: dept.id }, actor));
  });
  after(async () => p.stop());

  const echo = (secretUsed: string) => {
    const body = JSON.stringify({ matter: '食品经营许可' });
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = randomBytes(12).toString('base64url');
    const path = '/api/v1/system/echo';
    return p.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': 'application/json', 'x-app-key': appKey, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': sign(secretUsed, 'POST', path, body, ts, nonce) } });
  };
  const post = (path: string, payload: object, headers = admin) => p.app.inject({ method: 'POST', url: `/api/v1/system-accounts/${appKey}${path}`, headers, payload });
  const lastAudit = async (event: string) => (await p.audit.list({ event, limit: 1, offset: 0 })).rows[0];

  it('disabling needs a reason and the system administrator; the account’s signed requests are then refused, saying so only to the secret’s holder', async () => {
    assert.equal((await echo(secret)).statusCode, 200);
    const noReason = await post('/disable', {});
    assert.equal(noReason.statusCode, 400, noReason.body);
    assert.equal((await post('/disable', { reason: '对接方系统下线' }, office)).statusCode, 403);
    const unknown = await p.app.inject({ method: 'POST', url: '/api/v1/system-accounts/xy_nobody000000/disable', headers: admin, payload: { reason: '对接方系统下线' } });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().error.message, /没有AppKey为「xy_nobody000000」的系统账号/);

    const r = await post('/disable', { reason: '对接方系统下线' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'disabled');
    assert.equal((await p.signed.list()).find((a) => a.appKey === appKey)?.status, 'disabled');
    const audit = await lastAudit('system_account.disable');
    assert.equal(audit?.object_id, appKey);
    assert.equal(audit?.actor_id, 'admin-1');
    assert.equal(audit?.reason, '对接方系统下线');

    const refused = await echo(secret);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'SIGNATURE_INVALID');
    assert.equal(refused.json().error.message, '系统账号「并联审批系统」已被平台停用，签名请求一律拒绝：请联系平台的系统管理员');
    assert.equal((await lastAudit('auth.signed_request'))?.reason, 'system account disabled');
    // Without the secret, a disabled account cannot be told from a wrong signature.
    const guessed = await echo('not-the-secret');
    assert.equal(guessed.statusCode, 401);
    assert.doesNotMatch(guessed.json().error.message, /停用|并联审批系统/);

    const twice = await post('/disable', { reason: '再次停用' });
    assert.equal(twice.statusCode, 422);
    assert.match(twice.json().error.message, /^不能停用系统账号「并联审批系统」：它已是停用状态$/);
  });

  it('enabling lets it sign again (audited); not while its department is disabled', async () => {
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const department = (await p.signed.list()).find((a) => a.appKey === appKey)!.departmentId;
    await p.identity.setDepartmentStatus(department, 'disabled', '机构改革', actor);
    const blocked = await post('/enable', { reason: '对接方系统恢复' });
    assert.equal(blocked.statusCode, 422);
    assert.match(blocked.json().error.message, /不能启用系统账号「并联审批系统」：所属部门「杭州市行政审批局」已停用，请先启用该部门/);
    await p.identity.setDepartmentStatus(department, 'active', '撤销停用', actor);

    const r = await post('/enable', { reason: '对接方系统恢复' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'active');
    assert.equal((await lastAudit('system_account.enable'))?.reason, '对接方系统恢复');
    assert.equal((await echo(secret)).statusCode, 200);
  });

  it('a new secret is returned once, the old one stops at once, and neither is in the audit log', async () => {
    const old = secret;
    assert.equal((await post('/secret', {})).statusCode, 400, 'a reason is required');
    assert.equal((await post('/secret', { reason: '密钥疑似泄露' }, office)).statusCode, 403);
    const r = await post('/secret', { reason: '密钥疑似泄露' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['cache-control'], 'no-store');
    const fresh = r.json().secret as string;
    assert.equal(r.json().appKey, appKey);
    assert.ok(fresh.length >= 40 && fresh !== old);

    const withOld = await echo(old);
    assert.equal(withOld.statusCode, 401, 'the old secret no longer signs');
    assert.equal((await lastAudit('auth.signed_request'))?.reason, 'bad signature');
    const withNew = await echo(fresh);
    assert.equal(withNew.statusCode, 200, withNew.body);
    assert.equal((await p.signed.activeSecrets([appKey])).get(appKey), fresh, 'webhooks are signed with the new one');

    const audit = await lastAudit('system_account.secret_reset');
    assert.equal(audit?.object_id, appKey);
    assert.equal(audit?.reason, '密钥疑似泄露');
    const everything = JSON.stringify((await p.audit.list({ limit: 500, offset: 0 })).rows);
    assert.ok(!everything.includes(fresh) && !everything.includes(old), 'no secret in any audit row');
    secret = fresh;
  });

  it('the list shows the status; the new events have Chinese names', async () => {
    const list = await p.app.inject({ method: 'GET', url: '/api/v1/system-accounts', headers: admin });
    assert.equal(list.statusCode, 200);
    assert.equal((list.json() as { appKey: string; status: string }[]).find((a) => a.appKey === appKey)?.status, 'active');
    const { eventLabel } = await import('../../../common/audit-events.js');
    assert.equal(eventLabel('system_account.disable'), '停用系统账号');
    assert.equal(eventLabel('system_account.enable'), '启用系统账号');
    assert.equal(eventLabel('system_account.secret_reset'), '重置系统账号密钥');
  });
});
