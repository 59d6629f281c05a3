/**
 * Browser flow: the audit administrator's two views. 审计日志 names events in words (the code
 * small beside) and finds them by words; 查询登记 — reached from the menu after 审计日志, or loaded
 * fresh at #/queries — shows only the registered queries with their purpose, never the audit
 * stream; at 1366 px 查询目的 stays on screen when a search found many subjects. In English the
 * search hints fit in their boxes. Skipped without chromium, except in CI (REQUIRE_BROWSER=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser } from './browser.js';
import { cutPlaceholders } from './layout.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const SETUP: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
const DEPT_USCC = makeUscc('11', '350100', 941);
const SIGN_IN_EVENTS = ['auth.login', 'auth.logout', 'auth.lockout', 'auth.lock_lift'];

describe(`the audit viewer in a real browser on ${ENGINE}`, () => {
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

  /** The event codes of the table's rows, once the list at `api` has answered and is drawn. */
  const codesShown = async (page: Page) => page.getByTestId('event-code').allInnerTexts();
  const rowsOf = (page: Page) => page.locator('.ant-table-tbody tr.ant-table-row');

  it('查询登记 shows the registered queries with their purpose, whichever way it is reached; 审计日志 speaks in words', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const departmentId = (await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: DEPT_USCC }, SETUP)).id;
    await p.collection.setGrants(departmentId, ['CF'], SETUP);
    await p.collection.submitRecords({ actor: { ...SETUP, id: 'clerk', roles: ['submitter'], departmentId }, departmentId }, 'CF', 'audit-e2e-1', [penaltyRow(DEPT_USCC, 1)]);
    const officer: Actor = { id: 'xin.yong', name: 'xin.yong', roles: ['creditOffice'], departmentId, ip: '198.51.100.7', requestId: null };
    const found = await p.subjects.search({ q: '福州测试1贸易', limit: 20, offset: 0 }, { actor: officer, purpose: 'authorizedQuery', authorizationRef: 'SQ-2026-0007' });
    await p.subjects.read(found.items[0]?.id ?? '', { actor: officer, purpose: 'creditCheck' });
    const auditor = await p.identity.createUser({ username: 'shen.ji', displayName: '审计员', roles: ['auditAdmin'] }, SETUP);
    // A mistyped password first: a second sign-in event.
    assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'shen.ji', password: 'Mistyped#1abc' } })).statusCode, 401);

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const auditRequests: string[] = [];
    page.on('request', (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/v1/audit/')) auditRequests.push(`${url.pathname}?${url.searchParams}`);
    });
    await firstSignIn(page, base, 'shen.ji', auditor.oneTimePassword);

    // 审计日志 first: the whole stream, events in words with the code beside.
    let answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit/events'));
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await answered;
    const login = rowsOf(page).filter({ has: page.getByTestId('event-code').getByText('auth.login', { exact: true }) }).first();
    await login.waitFor();
    assert.match(await login.innerText(), /登录\s*auth\.login/, 'the word, then the code');
    assert.ok((await codesShown(page)).includes('auth.totp_enrol'));
    assert.ok(await rowsOf(page).filter({ hasText: '动态验证码绑定' }).first().isVisible());

    // Then 查询登记 from the menu: only the registered queries, with their purposes.
    const expectQueries = async () => {
      await rowsOf(page).filter({ hasText: '经主体授权的查询' }).waitFor();
      assert.deepEqual(await codesShown(page), ['query.subject.get', 'query.subject.search']);
      const rows = await rowsOf(page).allInnerTexts();
      assert.match(rows[0] ?? '', /查看主体[\s\S]*福州测试1贸易有限公司[\s\S]*信用核查（应查必查）[\s\S]*1/);
      assert.match(rows[1] ?? '', /xin\.yong（信用办）[\s\S]*福州市发展和改革委员会[\s\S]*检索主体[\s\S]*福州测试1贸易有限公司[\s\S]*经主体授权的查询[\s\S]*SQ-2026-0007/);
      assert.ok(!(await page.getByText('查阅审计日志').isVisible()), 'no audit.read row');
    };
    auditRequests.length = 0;
    answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit/queries'));
    await page.getByRole('menuitem', { name: '查询登记' }).click();
    await answered;
    await expectQueries();
    assert.ok(auditRequests.every((u) => u.startsWith('/api/v1/audit/queries?')), `the view asks only for the registered queries: ${auditRequests.join(', ')}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queries.png'), fullPage: true });

    // A fresh load of #/queries: the very first request is for the registered queries.
    auditRequests.length = 0;
    await page.goto(`${base}/console/#/queries`);
    await page.reload();
    await expectQueries();
    assert.ok(auditRequests.length > 0 && auditRequests.every((u) => u.startsWith('/api/v1/audit/queries?')), auditRequests.join(', '));

    // Back to 审计日志: searching 登录 keeps the sign-in events only.
    answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit/events'));
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await answered;
    await rowsOf(page).first().waitFor();
    assert.ok((await codesShown(page)).some((c) => c.startsWith('audit.')), 'the stream shows the audit administrator’s reads');
    answered = page.waitForResponse((r) => r.url().includes('/api/v1/audit/events') && r.url().includes(`q=${encodeURIComponent('登录')}`));
    const search = page.getByPlaceholder('事件，如 登录');
    await search.fill('登录');
    await search.press('Enter');
    const answer = await (await answered).json() as { total: number };
    await page.waitForFunction((n) => document.querySelectorAll('.ant-table-tbody tr.ant-table-row').length === n, Math.min(answer.total, 20));
    const codes = await codesShown(page);
    assert.ok(answer.total >= 2 && codes.every((c) => SIGN_IN_EVENTS.includes(c)), codes.join(', '));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit-search.png'), fullPage: true });

    // On a phone the register scrolls sideways inside its card, and says so.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/console/#/queries`);
    await expectQueries();
    await page.getByTestId('scroll-hint').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page itself does not scroll sideways (${width} px)`);
    // 审计日志 on a phone: its title readable (the filters go under it), each event one stacked row, all on screen.
    await page.goto(`${base}/console/#/audit`);
    const stacked = page.getByTestId('audit-event-stacked');
    await stacked.first().waitFor();
    const title = await page.locator('.ant-card-head-title').filter({ hasText: '审计日志' }).boundingBox();
    assert.ok(title && title.width >= 56, `the title 审计日志 is readable (${title?.width} px wide)`);
    const first = await stacked.first().boundingBox();
    assert.ok(first && first.x >= 0 && first.x + first.width <= 375, `the stacked event is on screen (${first && first.x}–${first && first.x + first.width} px)`);
    assert.match(await stacked.first().innerText(), /#\d+[\s\S]*\d{4}-\d{2}-\d{2}[\s\S]*(成功|失败|拒绝)[\s\S]*[a-z_]+\.[a-z_.]+/);
    assert.equal(await page.getByTestId('scroll-hint').count(), 0, 'nothing off-screen to scroll to');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-audit-phone.png'), fullPage: true });
    await page.goto(`${base}/console/#/queries`);

    // A search that found many subjects: at 1366 px the register still fits its card, 查询目的 on screen.
    await p.collection.submitRecords({ actor: { ...SETUP, id: 'clerk', roles: ['submitter'], departmentId }, departmentId }, 'CF', 'audit-e2e-2', [2, 3, 4, 5, 6].map((n) => penaltyRow(DEPT_USCC, n)));
    await p.subjects.search({ q: '福州测试', limit: 20, offset: 0 }, { actor: officer, purpose: 'authorizedQuery', authorizationRef: 'SQ-2026-0008' });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.reload();
    await rowsOf(page).filter({ hasText: 'SQ-2026-0008' }).waitFor();
    const header = await page.getByRole('columnheader', { name: '查询目的' }).boundingBox();
    const card = await page.locator('.ant-card-body').first().boundingBox();
    assert.ok(header && card && header.x + header.width <= card.x + card.width, `查询目的 is on screen at 1366 px (ends at ${header && header.x + header.width} px, the card at ${card && card.x + card.width} px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-queries-many.png'), fullPage: true });

    // In English, the search boxes' hints fit inside them (at 1366 px and on a phone).
    await page.getByText('English', { exact: true }).click();
    for (const [width, route] of [[1366, 'audit'], [1366, 'queries'], [375, 'audit']] as const) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${base}/console/#/${route}`);
      await page.getByRole('searchbox').or(page.locator('.ant-input-search input')).first().waitFor();
      assert.deepEqual(await cutPlaceholders(page), [], `${route} at ${width} px: a hint cut off inside its box`);
    }
    await context.close();
  });
});
