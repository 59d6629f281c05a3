/**
 * The public portal in a real browser (playwright-core driving Debian's chromium): a citizen types
 * two characters of a company's name, finds it, opens its credit profile and its 行政处罚 tab with
 * the legal basis and the publicity end date — at desktop width, at 375 px, and by keyboard only.
 * The 双公示 page shows a natural person's penalty masked, never the full name or ID number. The
 * records come in through collection. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const DEPT = makeUscc('11', '350100', 6161);
const COMPANY = '福州华为技术有限公司';
const PERSON = '欧阳小明';
const PERSON_ID = makeIdNumber('350102', '19800101', 31);

describe(`public portal in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform();
    const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
    await p.collection.setGrants(dept.id, ['CF'], admin);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const batch = await p.collection.submitRecords({ actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id }, 'CF', 'portal-e2e', [
      penaltyRow(DEPT, 1, { CF_XDR_MC: COMPANY, CF_XDR_SHXYM: makeUscc('91', '350100', 8001), CF_JDRQ: today, CF_NR_FK: '0.5' }),
      penaltyRow(DEPT, 2, { CF_XDR_MC: '华为(深圳)科技有限公司', CF_XDR_SHXYM: makeUscc('91', '440300', 8002), CF_JDRQ: today, CF_NR_FK: '1' }),
      penaltyRow(DEPT, 3, { CF_XDR_MC: PERSON, CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: today, CF_NR_FK: '0.5' }),
    ]);
    assert.equal(batch.accepted, 3);
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  /**
   * From the results to the profile's penalty tab: the record with its basis and end of publicity.
   * On a phone the tabs are buttons that wrap (a radio group), every count in sight.
   */
  async function profileFlow(page: Page, shot: string, phone = false) {
    const results = page.getByTestId('search-results');
    await results.waitFor();
    assert.match(await results.innerText(), /共找到2个主体/);
    await results.getByRole('link', { name: COMPANY }).click();
    const profile = page.getByTestId('profile');
    // A radio button's input is invisible: a citizen taps its label.
    const tab = (name: RegExp) => (phone ? profile.locator('label').filter({ hasText: name }) : profile.getByRole('tab', { name }));
    await profile.getByRole('heading', { name: COMPANY }).waitFor();
    await tab(/行政处罚（1）/).click();
    const record = profile.getByTestId('record');
    await record.waitFor();
    const text = await record.innerText();
    assert.match(text, /榕市监罚〔2026〕1号/);
    assert.match(text, /依据[\s\S]*《中华人民共和国产品质量法》第四十九条/);
    assert.match(text, /公示截止日期[\s\S]*\d{4}-\d{2}-\d{2}/);
    assert.match(text, /数据来源[\s\S]*福州市市场监督管理局/);
    for (const name of [/行政许可（0）/, /守信红名单（0）/, /重点关注名单（0）/, /严重失信主体名单（0）/]) {
      assert.ok(await tab(name).isVisible(), `${String(name)} in sight`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });
  }

  it('search → profile → penalty tab at desktop width', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    // The headline figures, with the chart's numbers in its label.
    const figures = page.getByTestId('portal-figures');
    await figures.getByText('公示中的行政处罚').waitFor();
    assert.match((await page.getByTestId('chart-departments').getAttribute('aria-label')) ?? '', /福州市市场监督管理局许可0条、处罚3条/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-home.png'), fullPage: true });
    await page.getByTestId('portal-search').getByRole('searchbox').fill('华为');
    await page.getByTestId('portal-search').getByRole('button').click();
    await profileFlow(page, 'portal-profile.png');
    await context.close();
  });

  it('the same on a phone, 375 px wide, without sideways scrolling', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/#/search?q=${encodeURIComponent('华为')}`);
    await profileFlow(page, 'portal-profile-375.png', true);
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(width.scroll <= width.client, `the page fits the screen (${width.scroll} > ${width.client})`);
    await context.close();
  });

  it('a keyboard-only search: type, Enter, Tab to the result, Enter', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    // The search box has the focus when the home page opens (typing before the page has rendered
    // would go nowhere, so the test waits for that focus, then uses only the keyboard).
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === '信用信息查询');
    await page.keyboard.type('华为');
    await page.keyboard.press('Enter');
    await page.getByTestId('search-results').getByRole('link').first().waitFor();
    let focused = '';
    for (let i = 0; i < 30 && focused !== COMPANY; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    assert.equal(focused, COMPANY, 'the result link is reachable by Tab');
    await page.keyboard.press('Enter');
    await page.getByTestId('profile').getByRole('heading', { name: COMPANY }).waitFor();
    await context.close();
  });

  it('双公示 shows a natural person’s penalty masked, never the name or ID number', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/#/publicity/penalties`);
    const table = page.getByTestId('publicity-table');
    await table.getByRole('cell', { name: '欧阳**' }).waitFor();
    const html = await page.content();
    for (const leak of [PERSON, '小明', PERSON_ID, PERSON_ID.slice(6, 14)]) assert.ok(!html.includes(leak), `${leak} must not appear`);
    // The department filter: chosen from the list, kept in the address and in the export.
    await page.getByLabel('数据来源部门').click();
    await page.getByTitle('福州市市场监督管理局').click();
    await page.waitForFunction(() => window.location.hash.includes('department='));
    await table.getByRole('cell', { name: '欧阳**' }).waitFor();
    assert.match((await page.getByTestId('publicity-export').getAttribute('href')) ?? '', /penalties\.csv\?department=[0-9a-f-]{36}/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-publicity.png'), fullPage: true });
    await context.close();
  });
  it('filters follow the address; one character asks for two; an empty query clears the results', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const searches: string[] = [];
    page.on('request', (r) => r.url().includes('/api/public/v1/subjects?') && searches.push(r.url()));
    const found = async () => {
      await page.goto(`${base}/#/search?q=${encodeURIComponent('华为')}`);
      await page.getByTestId('search-results').waitFor();
    };
    await found();
    await page.goto(`${base}/#/search`);
    // An empty query shows no results, not the last ones (fails by timing out).
    await page.waitForFunction(() => !document.querySelector('[data-testid="search-results"]'), undefined, { timeout: 5000 });
    await found();
    const before = searches.length;
    await page.goto(`${base}/#/search?q=${encodeURIComponent('华')}`);
    await page.getByText('请至少输入两个字').waitFor();
    assert.equal(await page.getByTestId('search-results').count(), 0, 'the last results are gone');
    assert.equal(searches.length, before, 'no request for one character');
    // 双公示: the category box shows what the address says, also after switching to permits.
    await page.goto(`${base}/#/publicity/penalties?category=${encodeURIComponent('罚款')}`);
    const category = page.getByLabel('类别');
    await page.waitForFunction(() => (document.querySelector('input[aria-label="类别"]') as HTMLInputElement | null)?.value === '罚款');
    await page.getByText('行政许可', { exact: true }).click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/publicity/permits'));
    assert.equal(await category.inputValue(), '');
    await context.close();
  });

  it('双公示 on a phone: short cards, every filter usable, no sideways scrolling', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/#/publicity/penalties`);
    const list = page.getByTestId('publicity-list');
    await list.getByText('欧阳**').waitFor();
    assert.equal(await page.getByTestId('publicity-table').count(), 0, 'cards, not a table');
    assert.match(await list.innerText(), /华为\(深圳\)科技有限公司[\s\S]*决定日期：\d{4}-\d{2}-\d{2}/);
    await page.getByLabel('决定日期自').waitFor();
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(width.scroll <= width.client, `the page fits the screen (${width.scroll} > ${width.client})`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-publicity-375.png'), fullPage: true });
    await context.close();
  });
});
