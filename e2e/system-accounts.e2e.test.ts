/**
 * 系统账号 in a real browser: the system administrator finds the page in the menu, creates a system
 * account for an approval system and sees its secret once — with a copy button and the warning that
 * it is not shown again, in no URL and no browser storage, gone after a reload — while the account
 * stays listed (name, department, AppKey, status, created). On a phone (375 px) the page does not
 * scroll sideways. The credit office has no such menu entry (the page says 无权访问) and finds the
 * new account in 数据订阅 → 新建订阅. The administrator disables and enables it again and gives it a
 * new secret, each confirmed in a dialog naming it. Skipped without chromium, except in CI (REQUIRE_BROWSER=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { makeUscc } from '../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const SETUP = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
const DEPARTMENT = '福州市住房和城乡建设局';
const ACCOUNT = '福州市公共资源交易中心审批系统';

/** antd puts a space between the two characters of a two-character button label. */
const button = (scope: Page | Locator, label: string) => scope.getByRole('button', { name: label }).or(scope.getByRole('button', { name: [...label].join(' ') }));

describe(`系统账号 in the console on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let officePassword = '';

  before(async () => {
    if (!browserAvailable) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
    const department = await p.identity.createDepartment({ name: DEPARTMENT, uscc: makeUscc('11', '350100', 1402) }, SETUP);
    officePassword = (await p.identity.createUser({ username: 'xin.yong', displayName: '信用办', departmentId: department.id, roles: ['creditOffice'] }, SETUP)).oneTimePassword;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('the system administrator creates an account and sees its secret once; the credit office can subscribe it', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    assert.ok(p.bootstrap);
    const admin = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await admin.newPage();
    await firstSignIn(page, base, 'admin', p.bootstrap.password);

    await page.getByRole('menuitem', { name: '系统账号' }).click();
    await page.waitForURL(/#\/system-accounts$/);
    await button(page, '新增系统账号').click();
    const dialog = page.getByRole('dialog', { name: '新增系统账号' });
    await dialog.waitFor();
    await settled(page);
    await dialog.getByLabel('名称').fill(ACCOUNT);
    await dialog.getByLabel('部门').click();
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
    await page.getByTitle(DEPARTMENT).click();
    await button(dialog, '保存').click();
    await dialog.waitFor({ state: 'hidden' });

    // The secret, once: with the warning and a copy button; it is the one the platform verifies against.
    const shown = page.getByTestId('system-account-secret');
    await shown.waitFor();
    assert.match(await shown.innerText(), /密钥只显示这一次，关闭后无法再查看/);
    const secret = (await page.getByTestId('one-time-secret').innerText()).trim();
    const [account] = await p.signed.list();
    assert.ok(account);
    assert.equal(account.name, ACCOUNT);
    assert.equal((await p.signed.activeSecrets([account.appKey])).get(account.appKey), secret, 'the secret shown is the account’s');
    assert.equal(await shown.locator('.ant-typography-copy').count(), 2, 'AppKey and secret each have a copy button');
    assert.ok(!page.url().includes(secret), 'the secret is not in the URL');
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    assert.ok(!stored.includes(secret), 'the secret is not in the browser’s storage');
    const row = page.getByRole('row').filter({ hasText: account.appKey });
    assert.match(await row.innerText(), new RegExp(`${ACCOUNT}[\\s\\S]*${DEPARTMENT}[\\s\\S]*正常[\\s\\S]*\\d{4}-\\d{2}-\\d{2}`));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-system-accounts.png'), fullPage: true });

    // On a phone, with the secret on screen: nothing pushes the page past the screen's edge.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 375);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-system-accounts-375.png'), fullPage: true });

    // Gone once the page is left: never shown again.
    await page.reload();
    await row.waitFor();
    assert.equal(await page.getByTestId('one-time-secret').count(), 0, 'the secret is not shown again');

    // 停用: confirmed in a dialog naming the account, with a reason; audited; its signed requests refused.
    await page.setViewportSize({ width: 1280, height: 900 });
    await button(row, '停用').click();
    const disabling = page.getByRole('dialog', { name: `停用系统账号「${ACCOUNT}」？` });
    await disabling.waitFor();
    await settled(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-system-account-disable.png') });
    assert.match(await disabling.innerText(), new RegExp(`${account.appKey}[\\s\\S]*签名请求随即被拒绝`));
    await disabling.getByLabel('理由').fill('对接方系统迁移');
    await button(disabling, '停用').click();
    await disabling.waitFor({ state: 'hidden' });
    await page.getByTestId('system-account-result').filter({ hasText: `已停用系统账号「${ACCOUNT}」` }).waitFor();
    await row.filter({ hasText: '停用' }).getByRole('button', { name: /启\s?用/ }).waitFor();
    assert.equal((await p.signed.list())[0]?.status, 'disabled');
    assert.equal((await p.audit.list({ event: 'system_account.disable', limit: 1, offset: 0 })).rows[0]?.reason, '对接方系统迁移');
    await button(row, '启用').click();
    const enabling = page.getByRole('dialog', { name: `启用系统账号「${ACCOUNT}」？` });
    await enabling.waitFor();
    await settled(page);
    await enabling.getByLabel('理由').fill('迁移完成');
    await button(enabling, '启用').click();
    await enabling.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: /停\s?用/ }).waitFor();
    assert.equal((await p.signed.list())[0]?.status, 'active');

    // 重置密钥: confirmed naming the account; the new secret shown once, the old one gone.
    await button(row, '重置密钥').click();
    const renewing = page.getByRole('dialog', { name: `重置系统账号「${ACCOUNT}」的密钥？` });
    await renewing.waitFor();
    await settled(page);
    await renewing.getByLabel('理由').fill('密钥疑似泄露');
    await button(renewing, '重置密钥').click();
    await renewing.waitFor({ state: 'hidden' });
    const renewed = page.getByTestId('system-account-secret');
    await renewed.waitFor();
    assert.match(await renewed.innerText(), /密钥已重置，原密钥已失效。新密钥只显示这一次/);
    const newSecret = (await page.getByTestId('one-time-secret').innerText()).trim();
    assert.notEqual(newSecret, secret);
    assert.equal((await p.signed.activeSecrets([account.appKey])).get(account.appKey), newSecret, 'the secret shown is the account’s new one');
    const storedAfter = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    assert.ok(!storedAfter.includes(newSecret) && !page.url().includes(newSecret), 'nor in storage or the URL');
    await admin.close();

    // The credit office: no such page, and the new account in 新建订阅.
    const office = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const officePage = await office.newPage();
    await firstSignIn(officePage, base, 'xin.yong', officePassword);
    assert.equal(await officePage.getByRole('menuitem', { name: '系统账号' }).count(), 0, 'no 系统账号 entry for the credit office');
    await officePage.getByRole('menuitem', { name: '数据订阅' }).click();
    await officePage.getByRole('button', { name: '新建订阅' }).click();
    const subscribe = officePage.getByRole('dialog', { name: '新建订阅' });
    await subscribe.waitFor();
    await settled(officePage);
    await subscribe.getByLabel('系统账号').click();
    await officePage.getByTitle(`${ACCOUNT} · ${account.appKey}`).waitFor();
    await officePage.goto(`${base}/console/#/system-accounts`);
    await officePage.getByText('无权访问').waitFor();
    await office.close();
  });
});
