import fs from 'node:fs';
import { chromium, type Page, type Browser } from 'playwright-core';
import { stepOf, totpAt } from '../server/modules/identity/index.js';
export const PASSWORD = 'Xinyong#E2e2026';
export const state = JSON.parse(fs.readFileSync('/tmp/walk/state.json', 'utf8'));
const SECRETS = '/tmp/walk/secrets.json';
export const secrets: Record<string, string> = fs.existsSync(SECRETS) ? JSON.parse(fs.readFileSync(SECRETS, 'utf8')) : {};
export const base: string = state.base;
export const W = { desktop: { width: 1366, height: 768 }, phone: { width: 375, height: 812 } };

export async function launch(): Promise<Browser> {
  const dir = fs.mkdtempSync('/tmp/walk/profile-');
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, locale: 'zh-CN', viewport: W.desktop,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  return ctx as unknown as Browser;
}
export async function newPage(ctx: any): Promise<Page> {
  const page: Page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`  [console.${m.type()}] ${m.text().slice(0, 300)}`); });
  page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
  return page;
}

export async function firstSignIn(page: Page, username: string): Promise<void> {
  const otp = state.pw[username];
  await page.goto(`${base}/console/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(otp);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByLabel('当前密码（一次性密码）').fill(otp);
  await page.getByLabel('新密码', { exact: true }).fill(PASSWORD);
  await page.getByLabel('确认新密码').fill(PASSWORD);
  await page.getByRole('button', { name: '修改密码' }).click();
  await page.getByRole('button', { name: '显示二维码' }).click();
  await page.getByAltText('动态验证码二维码').waitFor();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  secrets[username] = secret;
  fs.writeFileSync(SECRETS, JSON.stringify(secrets));
  await page.getByLabel('6位动态验证码').fill(totpAt(secret, stepOf(new Date())));
  await page.getByRole('button', { name: '确认绑定' }).click();
  await page.getByText('请立即抄写并妥善保管恢复码').waitFor();
  await page.getByRole('button', { name: '我已保存，进入系统' }).click();
  await page.getByTestId('current-user').waitFor();
}
export async function signIn(page: Page, username: string): Promise<void> {
  if (!secrets[username]) return firstSignIn(page, username);
  await page.goto(`${base}/console/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByLabel(/动态验证码（/).fill(totpAt(secrets[username], stepOf(new Date())));
  await page.getByRole('button', { name: /验\s*证/ }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Screenshot + layout checks at the current viewport. */
export async function check(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  const vp = page.viewportSize()!;
  const file = `/tmp/walk/${name}-${vp.width}.png`;
  await page.screenshot({ path: file, fullPage: true });
  const r: any = await page.evaluate(fs.readFileSync(new URL('./probe.js', import.meta.url), 'utf8'));
  const hs = r.doc.scrollWidth > r.doc.vw ? `  HSCROLL page scrollWidth=${r.doc.scrollWidth} > ${r.doc.vw}` : '';
  console.log(`== ${file}${hs}`);
  if (r.overCount) console.log(`  overflowing elements (${r.overCount}):\n    ${r.over.join('\n    ')}`);
  if (r.cut.length) console.log(`  clipped text:\n    ${r.cut.join('\n    ')}`);
  if (r.eng.length) console.log(`  latin text: ${JSON.stringify(r.eng)}`);
}
export async function both(page: Page, name: string, before?: () => Promise<void>): Promise<void> {
  for (const vp of [W.desktop, W.phone]) {
    await page.setViewportSize(vp);
    if (before) await before();
    await check(page, name);
  }
  await page.setViewportSize(W.desktop);
}
export async function ctl(path: string): Promise<any> {
  return (await fetch(`http://127.0.0.1:7799${path}`)).json();
}
