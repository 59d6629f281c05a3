/**
 * Browser flow: an address is paused for an account after five wrong passwords; the security
 * administrator finds it under 安全策略 → 登录锁定 and lifts it with a reason, after a confirmation
 * that names the account and the address. Skipped without chromium, except in CI (REQUIRE_BROWSER=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { makeUscc } from '../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const SETUP = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
const ATTACKER = '203.0.113.9';

describe(`sign-in locks in the console on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';

  before(async () => {
    if (!browserAvailable) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('the security administrator sees a paused address and lifts it with a reason', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const department = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 5511) }, SETUP);
    await p.identity.createUser({ username: 'wang.wu', displayName: '王五', departmentId: department.id, roles: ['submitter'] }, SETUP);
    const sec = await p.identity.createUser({ username: 'an.quan', displayName: '安全员', roles: ['secAdmin'] }, SETUP);
    for (let i = 0; i < 5; i++) {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ATTACKER, payload: { username: 'wang.wu', password: `Guess#${i}abc` } });
      assert.equal(r.statusCode, 401);
    }

    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'an.quan', sec.oneTimePassword);
    await page.getByRole('menuitem', { name: '登录锁定' }).click();
    const row = page.getByRole('row').filter({ hasText: ATTACKER });
    await row.waitFor();
    assert.match(await row.innerText(), /王五（wang\.wu）/);
    assert.ok(await page.getByText('所有陌生地址（逐次延迟）').isVisible(), 'the account delay is listed too');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-login-locks.png'), fullPage: true });

    await row.getByRole('button', { name: '解 除' }).or(row.getByRole('button', { name: '解除' })).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`解除账户“王五（wang.wu）”在“${ATTACKER}”的登录锁定？`).waitFor();
    // A click during the dialog's opening animation can be lost on a busy machine: click once it has opened.
    await settled(page);
    await dialog.getByRole('button', { name: '解 除' }).or(dialog.getByRole('button', { name: '解除' })).click();
    await dialog.getByText('请填写解除理由（至少2个字）').waitFor(); // a reason is required
    await dialog.getByLabel('解除理由').fill('已电话核实为本人输错密码');
    await dialog.getByRole('button', { name: '解 除' }).or(dialog.getByRole('button', { name: '解除' })).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    const event = (await p.audit.list({ event: 'auth.lock_lift', limit: 1, offset: 0 })).rows[0];
    assert.equal(event?.actor_name, 'an.quan');
    assert.equal(event?.reason, '已电话核实为本人输错密码');
    await context.close();
  });
});
