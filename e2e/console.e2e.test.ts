/**
 * Browser flow (playwright-core driving Debian's chromium): the bootstrap administrator signs in
 * with a forced password change and TOTP enrolment, creates a department and a submitter, creates
 * the audit administrator, who signs in and sees an intact audit chain. Screenshots go to
 * test-artifacts/. Without chromium the test is skipped, except in CI (REQUIRE_BROWSER=1), where a
 * missing browser fails it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';


describe(`console in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = p.app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('signs in with TOTP, creates a department user, and the audit administrator sees an intact chain', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    assert.ok(p.bootstrap);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'admin', p.bootstrap.password);

    await page.goto(`${base}/console/#/departments`);
    await page.getByRole('button', { name: '新增部门' }).click();
    await page.getByLabel('部门名称').fill('杭州市市场监督管理局');
    await page.getByLabel('统一社会信用代码').fill('91350100M000100Y43');
    await page.getByRole('button', { name: '保 存' }).or(page.getByRole('button', { name: '保存' })).click();
    await page.getByRole('cell', { name: '杭州市市场监督管理局' }).waitFor();

    await page.goto(`${base}/console/#/users`);
    const createUser = async (username: string, name: string, role: string, department: boolean): Promise<string> => {
      await page.getByRole('button', { name: '新增用户' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('用户名').fill(username);
      await dialog.getByLabel('姓名').fill(name);
      // Each choice is confirmed in the dialog before going on: under load a click on an option
      // still opening can be lost, and the form would then be refused for an empty field.
      if (department) {
        await dialog.getByLabel('部门').click();
        await page.getByTitle('杭州市市场监督管理局').click();
        await dialog.getByText('杭州市市场监督管理局', { exact: true }).filter({ visible: true }).first().waitFor();
      }
      await dialog.getByLabel('角色').click();
      await page.getByTitle(role).click();
      await dialog.getByText(role, { exact: true }).filter({ visible: true }).first().waitFor(); // the list itself is outside the dialog
      // Closes the role list by clicking the dialog's title, not with Escape, which would close the
      // dialog itself if the list had already closed.
      await dialog.locator('.ant-modal-title').click();
      await dialog.getByRole('button', { name: '保 存' }).or(dialog.getByRole('button', { name: '保存' })).click();
      await dialog.waitFor({ state: 'hidden' });
      const otp = page.getByTestId('one-time-password');
      await otp.waitFor();
      const text = (await otp.innerText()).trim();
      return text;
    };
    const submitterPassword = await createUser('zhang.san', '张三', '数据报送员', true);
    assert.ok(submitterPassword.length >= 12);
    await page.getByRole('cell', { name: 'zhang.san' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-users.png'), fullPage: true });
    await page.getByRole('alert').getByRole('button', { name: 'Close' }).or(page.locator('.ant-alert-close-icon')).first().click();
    const auditorPassword = await createUser('shen.ji', '审计员', '审计管理员', false);
    await context.close();

    const auditorContext = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const auditor = await auditorContext.newPage();
    await firstSignIn(auditor, base, 'shen.ji', auditorPassword);
    await auditor.goto(`${base}/console/#/audit`);
    await auditor.getByRole('button', { name: '校验哈希链' }).click();
    const verdict = auditor.getByTestId('audit-verification');
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /哈希链完整/);
    for (const event of ['department.create', 'user.create', 'auth.totp_enrol', 'auth.password_change']) {
      assert.ok(await auditor.getByRole('cell', { name: event, exact: true }).first().isVisible(), `${event} is listed`);
    }
    await auditor.screenshot({ path: path.join(ARTIFACTS, 'console-audit.png'), fullPage: true });
    await auditorContext.close();
  });

  it('the portal validates a code on a phone-sized screen', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('待校验的代码').fill('９１３５０１００Ｍ０００１００Ｙ４４');
    await page.getByRole('button', { name: '校验' }).or(page.getByRole('button', { name: '校 验' })).click();
    await page.getByText('第18位校验码应为3，实际为4').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-code-check.png'), fullPage: true });
    // English is available: the switch reloads the page in English.
    await page.getByText('English').click();
    await page.getByText('Code check').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await context.close();
  });
});
