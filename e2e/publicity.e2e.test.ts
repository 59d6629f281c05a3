/**
 * 双公示 in a real browser, at 1366 px and at 375 px: a citizen types part of a company's name (or a
 * 决定文书号) into the 关键字 box, narrows by category, opens a record's own page from its number —
 * every public field of the standard, the source department, the end of publicity — and goes back
 * to the same list with the same filters. A natural person's record shows masked, never the name,
 * ID number or phone; a withdrawn record's page says in Chinese why it is not there. The records
 * come in through collection. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import type { Actor } from '../server/modules/audit/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, launchBrowser, settled } from './browser.js';
import { brokenDates, cutPlaceholders, textPastEdge } from './layout.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const DEPT = makeUscc('11', '350100', 6262);
const COMPANY = '福州华为技术有限公司';
const PERSON = '欧阳小明';
const PERSON_ID = makeIdNumber('350102', '19800101', 71);
const PHONE = '13912345678';
const LEAKS = [PERSON, '小明', PERSON_ID, PERSON_ID.slice(6, 14), PHONE];

describe(`双公示 in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let withdrawnId = '';
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
    const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证' };
    const batch = await p.collection.submitRecords({ actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id }, 'CF', 'publicity-e2e', [
      penaltyRow(DEPT, 1, { CF_XDR_MC: COMPANY, CF_XDR_SHXYM: makeUscc('91', '350100', 8101), CF_JDRQ: today }),
      penaltyRow(DEPT, 2, { CF_XDR_MC: '华为（深圳）科技有限公司', CF_XDR_SHXYM: makeUscc('91', '440300', 8102), CF_JDRQ: today, CF_CFLB: '罚款;没收违法所得', CF_NR_WFFF: '1.2', CF_NR: '罚款五千元，没收违法所得一万二千元' }),
      penaltyRow(DEPT, 3, { CF_XDR_MC: '福州恒达贸易有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 8103), CF_JDRQ: today }),
      penaltyRow(DEPT, 4, { ...person, CF_XDR_MC: PERSON, CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: today, CF_SY: `当事人${PERSON}（身份证号码${PERSON_ID}，电话${PHONE}）无证经营。` }),
      penaltyRow(DEPT, 5, { CF_XDR_MC: '福州华为物流有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 8105), CF_JDRQ: today }),
    ]);
    assert.equal(batch.accepted, 5, JSON.stringify(await p.collection.issues(batch.id, 'rejected', 10, 0)));
    withdrawnId = (await sql<{ id: string }>`select id from record where document_number = ${'榕市监罚〔2026〕5号'}`.execute(p.db)).rows[0]?.id ?? '';
    await p.collection.withdraw(withdrawnId, '复议撤销', { ...admin, roles: ['submitter'] }, dept.id);
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  const fits = async (page: Page) => {
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(width.scroll <= width.client, `the page fits the screen (${width.scroll} > ${width.client})`);
  };

  /** The record's page: every public field of the standard, the source, the end of publicity, and the way back. */
  async function recordPage(page: Page, shot: string) {
    const record = page.getByTestId('publicity-record');
    await record.waitFor();
    await page.getByRole('heading', { name: '行政处罚公示详情' }).waitFor();
    const text = await record.innerText();
    for (const label of ['行政相对人名称', '行政处罚决定书文号', '违法事实', '处罚依据', '处罚类别', '罚款金额(万元)', '处罚决定日期', '处罚机关', '数据来源单位', '备注', '公示截止日期']) {
      assert.ok(text.includes(label), `${label} on the page`);
    }
    assert.match(text, /数据来源单位\s+福州市市场监督管理局/);
    assert.match(text, /公示截止日期\s+\d{4}-\d{2}-\d{2}/);
    assert.match(text, /暂扣或吊销证照名称及编号\s+—/, 'a field left empty shows —');
    await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });
  }

  it('at 1366 px: name search, category, a record’s page and back to the same list', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/#/publicity/penalties`);
    const table = page.getByTestId('publicity-table');
    await table.getByRole('cell', { name: '欧阳**' }).waitFor();
    // Two characters of a name, brackets as typed: 华为's penalties only (the withdrawn one is gone).
    await page.getByLabel('行政相对人名称或决定文书号').fill('华为');
    await page.getByLabel('行政相对人名称或决定文书号').press('Enter');
    await page.waitForFunction(() => window.location.hash.includes(`q=${encodeURIComponent('华为')}`));
    await table.getByRole('cell', { name: '华为（深圳）科技有限公司' }).waitFor();
    await page.getByText('共2条').waitFor();
    assert.ok(!(await table.innerText()).includes('恒达'));
    // The category, chosen from the catalog's code table: only the one with confiscation.
    await page.getByLabel('类别').click();
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
    await page.getByTitle('没收违法所得').click();
    await page.waitForFunction(() => window.location.hash.includes('category='));
    await page.getByText('共1条').waitFor();
    await page.goto(`${base}/#/publicity/penalties?q=${encodeURIComponent('华为')}`);
    await page.getByText('共2条').waitFor();
    // The record's number opens its page; the export keeps the keyword too.
    assert.match((await page.getByTestId('publicity-export').getAttribute('href')) ?? '', /penalties\.csv\?q=%E5%8D%8E%E4%B8%BA/);
    await table.getByRole('link', { name: '榕市监罚〔2026〕1号' }).click();
    await recordPage(page, 'publicity-record.png');
    const text = await page.getByTestId('publicity-record').innerText();
    assert.match(text, new RegExp(`行政相对人名称\\s+${COMPANY}`));
    assert.ok((await page.getByTestId('publicity-record').getByRole('link', { name: COMPANY }).getAttribute('href'))?.startsWith('#/subject/'), 'the company links to its profile');
    // Back: the same list, with its keyword.
    await page.getByTestId('record-back').click();
    await page.waitForFunction(() => /^#\/publicity\/penalties\?q=/.test(window.location.hash));
    await page.getByText('共2条').waitFor();
    assert.equal(await page.getByLabel('行政相对人名称或决定文书号').inputValue(), '华为');
    await context.close();
  });

  it('at 1366 px: a person’s record found by its number in other brackets, masked; a withdrawn one explained', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/#/publicity/penalties?q=${encodeURIComponent('榕市监罚(2026)4号')}`);
    const table = page.getByTestId('publicity-table');
    await table.getByRole('cell', { name: '欧阳**' }).waitFor();
    await table.getByRole('link', { name: '榕市监罚〔2026〕4号' }).click();
    const record = page.getByTestId('publicity-record');
    await record.waitFor();
    assert.match(await record.innerText(), /行政相对人名称\s+欧阳\*\*/);
    assert.equal(await record.getByRole('link', { name: '欧阳**' }).count(), 0, 'a person has no profile to link to');
    const html = await page.content();
    for (const leak of LEAKS) assert.ok(!html.includes(leak), `${leak} must not appear`);
    // Nobody gets the name by searching for it.
    await page.goto(`${base}/#/publicity/penalties?q=${encodeURIComponent(PERSON)}`);
    await table.locator('.ant-empty-description', { hasText: '暂无数据' }).waitFor();
    await page.goto(`${base}/#/publicity/penalties/${withdrawnId}?q=${encodeURIComponent('华为')}`);
    await page.getByText('未找到这条行政处罚公示信息：它可能已过公示期、已被撤销或不予公示，请返回公示列表查看').waitFor();
    assert.equal(await page.getByTestId('record-back').getAttribute('href'), `#/publicity/penalties?q=${encodeURIComponent('华为')}`);
    await context.close();
  });

  it('at 375 px: keyword, a card’s number opens the record, which fits the screen, and back', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/#/publicity/penalties`);
    const list = page.getByTestId('publicity-list');
    await list.getByText('欧阳**').waitFor();
    await page.getByLabel('行政相对人名称或决定文书号').fill('华为（深圳）');
    await page.getByLabel('行政相对人名称或决定文书号').press('Enter');
    await list.getByText('华为（深圳）科技有限公司').waitFor();
    await page.getByText('共1条').waitFor();
    await fits(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'publicity-search-375.png'), fullPage: true });
    await list.getByRole('link', { name: '榕市监罚〔2026〕2号' }).click();
    await recordPage(page, 'publicity-record-375.png');
    assert.match(await page.getByTestId('publicity-record').innerText(), /处罚类别\s+罚款、没收违法所得/);
    await fits(page);
    await page.getByTestId('record-back').click();
    await list.getByText('华为（深圳）科技有限公司').waitFor();
    assert.equal(await page.getByLabel('行政相对人名称或决定文书号').inputValue(), '华为（深圳）');
    await context.close();
  });
  it('at 375 px in either language: each filter as wide as the card with its hint whole, dates unbroken, one character answered without a request', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    for (const lang of ['zh-CN', 'en'] as const) {
      const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: lang, isMobile: true, hasTouch: true });
      if (lang === 'en') await context.addInitScript(() => localStorage.setItem('xy-lang', 'en'));
      const page = await context.newPage();
      const en = lang === 'en';
      const lists: string[] = [];
      page.on('request', (r) => /\/api\/public\/v1\/publicity\/penalties\?/.test(r.url()) && lists.push(r.url()));
      await page.goto(`${base}/#/publicity/penalties`);
      const list = page.getByTestId('publicity-list');
      await list.getByText('欧阳**').waitFor();
      // The keyword box says both what it finds (a name, or a decision number): its hint is not cut.
      assert.deepEqual(await cutPlaceholders(page), [], `${lang}: the filters' hints fit their boxes`);
      const keyword = page.getByLabel(en ? 'Party name or decision document no.' : '行政相对人名称或决定文书号');
      const widths = await keyword.evaluate((input) => {
        const control = input.closest('.ant-input-search') ?? input;
        const body = input.closest('.ant-card-body') ?? document.body;
        const s = getComputedStyle(body);
        return { control: control.getBoundingClientRect().width, room: body.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) };
      });
      assert.ok(widths.control >= widths.room - 1, `${lang}: the keyword box takes the card's width (${widths.control} of ${widths.room} px)`);
      // A date is never broken over two lines (「2027-」 / 「12-01」).
      assert.deepEqual(await brokenDates(list), [], `${lang}: dates broken over two lines`);
      assert.deepEqual(await textPastEdge(page.locator('.ant-card-body').nth(1)), [], `${lang}: nothing runs past the list's card`);
      await page.screenshot({ path: path.join(ARTIFACTS, `publicity-filters-375-${lang}.png`), fullPage: true });
      // One character: answered here, in a sentence, with no request and no empty list under it.
      const before = lists.length;
      await keyword.fill('华');
      await keyword.press('Enter');
      await page.getByTestId('publicity-keyword-short').waitFor();
      assert.match(await page.getByTestId('publicity-keyword-short').innerText(), en ? /at least two characters/ : /请至少输入两个字/);
      assert.doesNotMatch(await page.locator('.xy-content').innerText(), /请求参数不符合要求|does not match the schema/);
      assert.equal(await list.count(), 0, `${lang}: no list for one character`);
      assert.equal(lists.length, before, `${lang}: no request for one character`);
      await context.close();
    }
  });
});
