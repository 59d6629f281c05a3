/**
 * 信用动态 and 政策法规 in a real browser (playwright-core driving Debian's chromium), at 1366 px and
 * at 375 px: the credit office writes a notice in the console (a body with markup in it), attaches a
 * PDF (a PNG named .pdf is refused in Chinese), publishes it after confirming; the portal lists it,
 * shows its body as text (the markup inert) and downloads the attachment; the credit office withdraws
 * it with a reason and the portal no longer has it. The portal's 政策法规: a level filter, a
 * repealed rule marked 已废止, a search, an instrument's cited articles, a measure resting on it, and
 * the measure's legal basis leading back. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { pdfFile, pngFile } from '../test/notice-files.js';
import { makeUscc } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const BODY = '第一段：<script>window.__xss = 1</script>请各单位按时报送。\n\n第二段：<img src=x onerror="window.__xss = 2">特此通知。';
const ATTACHMENT = '信用修复申请表.pdf';

/** antd puts a space between the two characters of a two-character button label (发 布). */
const twoChars = (label: string) => new RegExp(`^${[...label].join('\\s?')}$`);

describe(`信用动态 and 政策法规 in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let password = '';
  let signedIn: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null, env: { PORTAL_RATE_LIMIT: '100000' } });
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 1201) }, setup);
    password = (await p.identity.createUser({ username: 'zhao.liu', displayName: '赵六', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  async function noWiderThan(page: Page, width: number) {
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width, `the page is ${scroll} px wide on a ${width} px screen`);
  }

  /** Writes, attaches and publishes a notice in the console. */
  async function publish(page: Page, title: string) {
    await page.getByTestId('notice-new').click();
    const editor = page.getByRole('dialog');
    await editor.getByLabel('标题').fill(title);
    await editor.getByLabel('正文').fill(BODY);
    await editor.getByTestId('notice-save').click();
    await page.getByText('草稿已创建，可以添加附件').waitFor();
    // A picture named .pdf is refused, saying what it is.
    await editor.getByTestId('notice-upload').setInputFiles({ name: '海报.pdf', mimeType: 'application/pdf', buffer: pngFile() });
    assert.match(await editor.getByTestId('notice-upload-error').innerText(), /附件「海报\.pdf」的内容是PNG图片，文件名的扩展名却是「\.pdf」/);
    await editor.getByTestId('notice-upload').setInputFiles({ name: ATTACHMENT, mimeType: 'application/pdf', buffer: pdfFile() });
    await editor.getByTestId('notice-attachments').getByText(ATTACHMENT).waitFor();
    // The footer's button (the corner's × is also called 关闭).
    await editor.getByRole('button', { name: '关 闭', exact: true }).click();
    await editor.waitFor({ state: 'hidden' });

    const row = page.getByRole('row').filter({ hasText: title });
    await row.getByRole('button', { name: twoChars('发布') }).click();
    // Publishing asks first: everyone will see it.
    const confirm = page.locator('.ant-popconfirm').filter({ hasText: '发布后，所有人都能在门户看到它和它的附件' });
    await confirm.getByRole('button', { name: twoChars('发布') }).click();
    await row.getByText('已发布').waitFor();
  }

  async function withdraw(page: Page, title: string) {
    const row = page.getByRole('row').filter({ hasText: title });
    await row.getByRole('button', { name: twoChars('撤回') }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: '撤回理由' });
    await dialog.getByLabel('撤回理由').fill('附件版本有误，更正后重发');
    await dialog.getByRole('button', { name: twoChars('撤回') }).click();
    await row.getByText('已撤回').waitFor();
    assert.match(await row.innerText(), /撤回理由：附件版本有误，更正后重发/);
  }

  /** The portal lists the notice, shows its body as text, downloads its attachment. */
  async function read(portal: Page, title: string, shot: string, width: number) {
    await portal.goto(`${base}/#/notices`);
    await portal.getByTestId('notice-list').getByRole('link', { name: title }).click();
    const notice = portal.getByTestId('notice');
    await notice.getByRole('heading', { name: title }).waitFor();
    const paragraphs = notice.getByTestId('notice-body').locator('.ant-typography');
    assert.equal(await paragraphs.count(), 2, 'a blank line starts a paragraph');
    assert.equal(await paragraphs.first().innerText(), '第一段：<script>window.__xss = 1</script>请各单位按时报送。', 'markup is shown as typed');
    assert.equal(await notice.locator('[data-testid="notice-body"] script, [data-testid="notice-body"] img').count(), 0, 'no element made of the body');
    assert.equal(await portal.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'nothing in the body ran');
    const [download] = await Promise.all([portal.waitForEvent('download'), notice.getByTestId('notice-attachments').getByRole('link', { name: ATTACHMENT }).click()]);
    assert.equal(download.suggestedFilename(), ATTACHMENT);
    assert.deepEqual(fs.readFileSync(await download.path()), pdfFile());
    await noWiderThan(portal, width);
    await portal.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });
    return portal.url();
  }

  async function gone(portal: Page, title: string, address: string) {
    await portal.goto(`${base}/#/notices`);
    await portal.getByTestId('notice-list').waitFor();
    assert.equal(await portal.getByRole('link', { name: title }).count(), 0, 'withdrawn: not listed');
    await portal.goto(address);
    await portal.getByText('该公告不存在，或已被撤回').waitFor();
  }

  /** 政策法规: level filter, the repealed rule, a search, an instrument, its measure and back. */
  async function policies(portal: Page, shot: string, width: number) {
    await portal.goto(`${base}/#/policies`);
    const list = portal.getByTestId('policy-list');
    await list.waitFor();
    // A radio button's input is invisible: one taps its label.
    await portal.getByTestId('policies').locator('label').filter({ hasText: /^部门规章（\d+）$/ }).click();
    await portal.waitForURL(/level=departmentalRule/);
    const repealed = list.getByRole('listitem').filter({ hasText: '失信行为纠正后的信用信息修复管理办法（试行）' });
    await repealed.getByText('已废止').waitFor();
    assert.equal(await list.getByRole('listitem').filter({ hasText: '中华人民共和国行政处罚法' }).count(), 0, 'only 部门规章');

    await portal.getByLabel('搜索政策法规').fill('行政处罚法');
    await portal.getByLabel('搜索政策法规').press('Enter');
    await portal.waitForURL(/q=/);
    // The search keeps the level: 行政处罚法 is a law, so the filter goes back to 全部 first.
    await portal.getByTestId('policies').locator('label').filter({ hasText: /^全部（\d+）$/ }).click();
    await list.getByRole('link', { name: '中华人民共和国行政处罚法', exact: true }).click();

    const detail = portal.getByTestId('policy-detail');
    await detail.getByRole('heading', { name: '中华人民共和国行政处罚法' }).waitFor();
    assert.match(await detail.innerText(), /现行有效[\s\S]*已核实/);
    assert.match(await detail.getByTestId('policy-articles').innerText(), /第四十八条[\s\S]*依法公示失信信息（P-21）[\s\S]*第五十一条/);
    await noWiderThan(portal, width);
    await portal.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });

    await detail.getByTestId('policy-cited-by').getByRole('link', { name: '依法公示失信信息（P-21）' }).click();
    const entry = portal.getByTestId('policy-entry');
    await entry.getByRole('heading', { name: '依法公示失信信息' }).waitFor();
    assert.match(await entry.innerText(), /失信惩戒措施/);
    assert.match(await entry.getByTestId('entry-basis').innerText(), /《中华人民共和国行政处罚法》 第四十八条/);
    await entry.getByTestId('entry-basis').getByRole('link', { name: '《中华人民共和国行政处罚法》' }).click();
    await portal.getByTestId('policy-detail').getByRole('heading', { name: '中华人民共和国行政处罚法' }).waitFor();
  }

  it('at 1366 px: publish with an attachment, read it on the portal, withdraw it; 政策法规 list → detail → measure', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    await firstSignIn(page, base, 'zhao.liu', password);
    signedIn = await context.storageState();
    await page.getByRole('menuitem', { name: '信用动态' }).click();
    await page.getByTestId('notice-table').waitFor();
    const title = '关于开展诚信宣传月活动的通知';
    await publish(page, title);
    await page.screenshot({ path: path.join(ARTIFACTS, 'notices-console-1366.png'), fullPage: true });

    const portal = await context.newPage();
    const address = await read(portal, title, 'notices-portal-1366.png', 1366);
    await withdraw(page, title);
    await gone(portal, title, address);
    await policies(portal, 'policies-1366.png', 1366);
    await context.close();
  });

  it('at 375 px: the same on a phone', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    assert.ok(signedIn, 'the first test signed in');
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', acceptDownloads: true, isMobile: true, hasTouch: true, storageState: signedIn });
    const page = await context.newPage();
    await page.goto(`${base}/console/`);
    await page.getByRole('button', { name: '打开菜单' }).click();
    await page.getByRole('menuitem', { name: '信用动态' }).click();
    await page.getByTestId('notice-table').waitFor();
    const title = '信用修复办理指南（手机端测试）';
    await publish(page, title);
    await page.screenshot({ path: path.join(ARTIFACTS, 'notices-console-375.png'), fullPage: true });

    const portal = await context.newPage();
    const address = await read(portal, title, 'notices-portal-375.png', 375);
    await withdraw(page, title);
    await gone(portal, title, address);
    await policies(portal, 'policies-375.png', 375);
    await context.close();
  });
});
