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
import { ARTIFACTS, CHROMIUM, browserAvailable, launchBrowser, settled } from './browser.js';
import { cutPlaceholders, textPastEdge } from './layout.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const DEPT = makeUscc('11', '350100', 6161);
const COMPANY = '福州华为技术有限公司';
const PERSON = '欧阳小明';
const PERSON_ID = makeIdNumber('350102', '19800101', 31);
const COMPANY_USCC = makeUscc('91', '350100', 8001);
/** An organization the registry gave its facts for (成立日期, 注册资本 …). */
const REGISTERED = makeUscc('91', '350100', 8003);
const toFullWidth = (s: string) => [...s].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join('');

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
      penaltyRow(DEPT, 1, { CF_XDR_MC: COMPANY, CF_XDR_SHXYM: COMPANY_USCC, CF_JDRQ: today, CF_NR_FK: '0.5' }),
      penaltyRow(DEPT, 2, { CF_XDR_MC: '华为(深圳)科技有限公司', CF_XDR_SHXYM: makeUscc('91', '440300', 8002), CF_JDRQ: today, CF_NR_FK: '1' }),
      penaltyRow(DEPT, 3, { CF_XDR_MC: PERSON, CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: today, CF_NR_FK: '0.5' }),
    ]);
    assert.equal(batch.accepted, 3);
    await p.subjects.create({
      kind: 'organization', name: '福州登记齐全科技有限公司', uscc: REGISTERED,
      registration: { establishmentDate: '2012-03-08', address: '福州市鼓楼区五四路100号', status: '存续（在营、开业、在册）', registeredCapital: 500, businessScope: '软件开发' },
    }, { ...admin, roles: ['creditOffice'] });
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
    assert.ok(await tab(/行政许可（0）/).isVisible(), 'the permits tab, with its count, in sight');
    // No list tabs until lists exist: an empty one would claim "not listed" without anyone having checked.
    assert.equal(await profile.getByText(/守信红名单|重点关注名单|严重失信主体名单/).count(), 0);
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
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
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
    // 双公示: the keyword box shows what the address says, also after switching to permits.
    await page.goto(`${base}/#/publicity/penalties?q=${encodeURIComponent('华为')}`);
    const keyword = page.getByLabel('行政相对人名称或决定文书号');
    await page.waitForFunction(() => (document.querySelector('input[aria-label="行政相对人名称或决定文书号"]') as HTMLInputElement | null)?.value === '华为');
    await page.getByText('行政许可', { exact: true }).click();
    await page.waitForFunction(() => window.location.hash.startsWith('#/publicity/permits'));
    assert.equal(await keyword.inputValue(), '');
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

  it('a profile’s tab is in the address: a reload, back and forward keep it; registration facts only where held', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const profile = page.getByTestId('profile');
    const selected = async (name: RegExp) => {
      await profile.getByRole('tab', { name, selected: true }).waitFor();
    };
    await page.goto(`${base}/#/subject/${COMPANY_USCC}?tab=penalties`);
    await selected(/行政处罚（1）/);
    await profile.getByTestId('record').getByText('榕市监罚〔2026〕1号').waitFor();
    // Collected from records only: no registration facts are held, none are shown.
    assert.equal(await profile.getByText('成立日期').count(), 0);
    await profile.getByRole('tab', { name: /行政许可（0）/ }).click();
    await page.waitForFunction(() => window.location.hash.endsWith('?tab=permits'));
    await selected(/行政许可（0）/);
    await page.reload();
    await selected(/行政许可（0）/);
    await page.goBack();
    await page.waitForFunction(() => window.location.hash.endsWith('?tab=penalties'));
    await selected(/行政处罚（1）/);
    await page.goForward();
    await selected(/行政许可（0）/);

    await page.goto(`${base}/#/subject/${REGISTERED}`);
    const header = profile.locator('.ant-descriptions').first();
    await header.getByText('2012-03-08').waitFor();
    const facts = await header.innerText();
    for (const fact of [/成立日期\s*2012-03-08/, /登记状态\s*存续（在营、开业、在册）/, /注册资本\s*500万元/, /住所\s*福州市鼓楼区五四路100号/, /经营范围\s*软件开发/]) assert.match(facts, fact);
    await context.close();
  });

  it('a mistyped code says which character is wrong; a whole code opens its organization; results carry markers', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const searchFor = async (text: string) => {
      await page.getByTestId('portal-search').getByRole('searchbox').fill(text);
      await page.getByTestId('portal-search').getByRole('button').click();
    };
    await page.goto(`${base}/`);
    // Typed full-width, as an IME may: the check reads it as the code, and names the 18th character.
    const wrong = `${COMPANY_USCC.slice(0, 17)}${COMPANY_USCC[17] === '0' ? '1' : '0'}`;
    await searchFor(toFullWidth(wrong));
    const notice = page.getByTestId('code-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), new RegExp(`统一社会信用代码「${wrong}」有误[\\s\\S]*第18位校验码应为${COMPANY_USCC[17]}，实际为${wrong[17]}`));
    assert.equal(await page.getByTestId('search-results').count(), 0, 'the check answers, not an empty list');
    await page.screenshot({ path: path.join(ARTIFACTS, 'portal-code-wrong.png'), fullPage: true });

    // A valid code nobody here has: said so, with what the code itself says.
    const unknown = makeUscc('91', '350100', 8099);
    await searchFor(unknown);
    await page.getByText(`统一社会信用代码「${unknown}」校验通过，但本平台暂无该组织的信息`).waitFor();
    assert.match(await page.getByTestId('code-notice').innerText(), /登记管理部门：工商（市场监管）[\s\S]*机构类别：企业[\s\S]*福州市/);

    // The whole code: the organization's profile, in the search's place in the history.
    await searchFor(COMPANY_USCC.toLowerCase());
    await page.getByTestId('profile').getByRole('heading', { name: COMPANY }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/subject/${COMPANY_USCC}`);
    await page.goBack();
    await page.waitForFunction((code) => window.location.hash.includes(code), unknown);

    // Each result's markers count what is public now and open the profile at that tab.
    await page.goto(`${base}/#/search?q=${encodeURIComponent('华为')}`);
    const results = page.getByTestId('search-results');
    await results.waitFor();
    const markers = results.getByTestId('credit-marker');
    assert.deepEqual(await markers.allInnerTexts(), ['行政处罚 1 条', '行政处罚 1 条']);
    await results.getByRole('link', { name: '行政处罚 1 条' }).first().click();
    await page.getByTestId('profile').getByRole('tab', { name: /行政处罚（1）/, selected: true }).waitFor();
    assert.match(new URL(page.url()).hash, /\?tab=penalties$/);
    await context.close();
  });
  it('on a phone in either language: every hint read whole, no code cut at a card’s edge, the code check in the reader’s language', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const CJK = /[\u3400-\u9fff]/;
    const wrong = `${COMPANY_USCC.slice(0, 17)}${COMPANY_USCC[17] === '0' ? '1' : '0'}`;
    for (const lang of ['zh-CN', 'en'] as const) {
      const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: lang, isMobile: true, hasTouch: true });
      if (lang === 'en') await context.addInitScript(() => localStorage.setItem('xy-lang', 'en'));
      const page = await context.newPage();
      const en = lang === 'en';
      // The home page's two boxes: the search and the code check.
      await page.goto(`${base}/`);
      await page.getByLabel(en ? 'Code to check' : '待校验的代码').waitFor();
      assert.deepEqual(await cutPlaceholders(page), [], `${lang}: the home page's hints fit their boxes`);
      // The code check's three kinds stay on one line (English's long names wrapped onto a second).
      const tops = await page.locator('#code-check .ant-radio-button-wrapper').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
      assert.equal(tops.length, 3);
      assert.equal(new Set(tops).size, 1, `${lang}: the code check's kinds on one line (${tops.join(', ')})`);
      // The results: the code may move to the next line, never past the card's edge (it was cut in English).
      await page.goto(`${base}/#/search?q=${encodeURIComponent('华为')}`);
      const results = page.getByTestId('search-results');
      await results.getByRole('link', { name: COMPANY }).waitFor();
      assert.deepEqual(await cutPlaceholders(page), [], `${lang}: the results page's hints fit their boxes`);
      assert.deepEqual(await textPastEdge(results.locator('.ant-card-body')), [], `${lang}: nothing runs past the results card`);
      assert.match(await results.innerText(), new RegExp(COMPANY_USCC));
      await page.screenshot({ path: path.join(ARTIFACTS, `portal-results-375-${lang}.png`), fullPage: true });
      if (en) {
        // The check's words in English: which character is wrong, for a search and for a profile's address.
        await page.goto(`${base}/#/search?q=${wrong}`);
        const notice = page.getByTestId('code-notice');
        await notice.waitFor();
        assert.match(await notice.innerText(), new RegExp(`“${wrong}” is not valid[\\s\\S]*Character 18, the check character, should be ${COMPANY_USCC[17]}, not ${wrong[17]}`));
        assert.doesNotMatch(await notice.innerText(), CJK);
        await page.goto(`${base}/#/subject/${wrong}`);
        await page.getByTestId('code-notice').getByText(`Character 18, the check character, should be ${COMPANY_USCC[17]}, not ${wrong[17]}`).waitFor();
        // A resident ID number: said to be one (masked), not a wrong credit code.
        await page.goto(`${base}/#/search?q=${PERSON_ID}`);
        await page.getByTestId('code-notice').getByText(/is a resident ID number/).waitFor();
        assert.doesNotMatch(await page.getByTestId('code-notice').innerText(), CJK);
        assert.ok(!(await page.getByTestId('code-notice').innerText()).includes(PERSON_ID));
        await page.screenshot({ path: path.join(ARTIFACTS, 'portal-id-number-375-en.png'), fullPage: true });
      } else {
        // Neither in the address (history, bookmarks) nor in an API URL: typed, or from an old link.
        const asked: string[] = [];
        page.on('request', (r) => asked.push(r.url()));
        await page.goto(`${base}/#/search?q=${PERSON_ID}`);
        await page.getByTestId('code-notice').getByText(/是居民身份证号码$/).waitFor();
        assert.doesNotMatch(await page.getByTestId('code-notice').innerText(), /统一社会信用代码「[^」]*」有误/, 'an ID number is not called a wrong credit code');
        await page.waitForFunction((id) => !decodeURIComponent(location.href).includes(id), PERSON_ID);
        await page.getByTestId('portal-search').locator('input').fill(PERSON_ID);
        await page.getByTestId('portal-search').locator('input').press('Enter');
        await page.waitForFunction(() => location.hash.includes('person='));
        await page.getByTestId('code-notice').getByText(/是居民身份证号码$/).waitFor();
        assert.ok(!decodeURIComponent(page.url()).includes(PERSON_ID), 'the number is not in the address');
        assert.deepEqual(asked.filter((u) => u.includes('/api/') && decodeURIComponent(u).includes(PERSON_ID)), [], 'the number is sent to no API');
      }
      await context.close();
    }
  });
});
