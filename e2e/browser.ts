/**
 * What the browser tests share: Debian's chromium driven by playwright-core, the artifacts folder,
 * and the first sign-in of a new account (password → forced change → TOTP enrolment → recovery
 * codes → console). Without chromium the tests skip, except in CI (REQUIRE_BROWSER=1), where a
 * missing browser fails them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { stepOf, totpAt } from '../server/modules/identity/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../test-artifacts');
export const PASSWORD = 'Xinyong#E2e2026';
export const browserAvailable = fs.existsSync(CHROMIUM);

/** null when chromium is missing outside CI (the caller skips); throws in CI. */
export async function launchBrowser(): Promise<Browser | null> {
  if (!browserAvailable) {
    if (process.env.REQUIRE_BROWSER === '1') throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get install chromium fonts-wqy-microhei)`);
    return null;
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Password → forced change → TOTP enrolment → recovery codes → console. */
export async function firstSignIn(page: Page, base: string, username: string, oneTimePassword: string): Promise<void> {
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

/**
 * Resolves once no antd overlay motion is running (a dialog, popconfirm, drawer or dropdown opening
 * or closing: `ant-zoom-*`, `ant-zoom-big-*`, `ant-fade-*`, `ant-slide-*`, `ant-move-*`, a drawer's panel and mask, with
 * `-appear`, `-enter` or `-leave`). A click during an opening animation can be lost. Only overlay
 * motions count: a button's loading icon may keep its leave class, invisible, for good.
 */
export function settled(page: Page): Promise<unknown> {
  return page.waitForFunction(() =>
    ![...document.querySelectorAll('[class*="-appear"], [class*="-enter"], [class*="-leave"]')].some(
      (el) =>
        [...el.classList].some((c) => /^ant-(zoom|zoom-big|zoom-big-fast|zoom-up|fade|slide-up|slide-down|move-up|move-down|move-left|move-right|drawer-panel-motion-(left|right|top|bottom)|drawer-mask-motion)-(appear|enter|leave)$/.test(c)) &&
        // A popup closed earlier may keep its last motion class while hidden: it is in nobody's way.
        el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== 'hidden',
    ),
  );
}
