/**
 * Browser flow (playwright-core driving Debian's chromium): the bootstrap administrator signs in
 * with a forced password change and TOTP enrolment, creates a department and a submitter, creates
 * the audit administrator, who signs in and sees an intact audit chain. Screenshots go to
 * test-artifacts/. Without chromium the test is skipped, except in CI (REQUIRE_BROWSER=1), where a
 * missing browser fails it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stepOf, totpAt } from '../server/modules/identity/index.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts');
const PASSWORD = 'Xinyong#E2e2026';

describe(`console in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  const available = fs.existsSync(CHROMIUM);

  before(async () => {
    if (!available) {
      if (process.env.REQUIRE_BROWSER === '1') throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium fonts-wqy-microhei)`);
      return;
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    p = await startTestPlatform({ authenticate: null });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = p.app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  /** Password → forced change → TOTP enrolment → recovery codes → console. */
  async function firstSignIn(page: Page, username: string, oneTimePassword: string): Promise<void> {
    await page.goto(`${base}/console/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(oneTimePassword);
    await page.getByRole('button', { name: '登 录' }).or(page.getByRole('button', { name: '登录' })).click();
    await page.getByLabel('当前密码（一次性密码）').fill(oneTimePassword);
    await page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认新密码').fill(PASSWORD);
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByRole('button', { name: '显示二维码' }).click();
    await page.getByAltText('动态验证码二维码').waitFor();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    await page.getByLabel('6位动态验证码').fill(totpAt(secret, stepOf(new Date())));
    await page.getByRole('button', { name: '确认绑定' }).click();
    await page.getByText('请立即抄写并妥善保管恢复码').waitFor();
    await page.getByRole('button', { name: '我已保存，进入系统' }).click();
    await page.getByTestId('current-user').waitFor();
  }

  it('signs in with TOTP, creates a department user, and the audit administrator sees an intact chain', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    assert.ok(p.bootstrap);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, 'admin', p.bootstrap.password);

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
      if (department) {
        await dialog.getByLabel('部门').click();
        await page.getByTitle('杭州市市场监督管理局').click();
      }
      await dialog.getByLabel('角色').click();
      await page.getByTitle(role).click();
      await dialog.getByLabel('角色').press('Escape');
      await dialog.getByRole('button', { name: '保 存' }).or(dialog.getByRole('button', { name: '保存' })).click();
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
    await firstSignIn(auditor, 'shen.ji', auditorPassword);
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
