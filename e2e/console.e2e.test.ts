/**
 * Browser flow (playwright-core driving Debian's chromium): the bootstrap administrator signs in
 * with a forced password change and TOTP enrolment, creates a department and a submitter, creates
 * the audit administrator, who signs in and sees an intact audit chain. Screenshots go to
 * test-artifacts/. The 工作台 shows each role what waits for it, linked to where it is done, and the
 * account's own recent sign-ins; on a phone the menu opens from the header. Without chromium the
 * test is skipped, except in CI (REQUIRE_BROWSER=1), where a missing browser fails it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const box = async (l: Locator) => {
  const b = await l.boundingBox();
  assert.ok(b, 'the element is laid out');
  return b;
};


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
        await settled(page); // the option list has opened: a click on it while it slides in can be lost
        await page.getByTitle('杭州市市场监督管理局').click();
        await dialog.getByText('杭州市市场监督管理局', { exact: true }).filter({ visible: true }).first().waitFor();
      }
      await dialog.getByLabel('角色').click();
      await settled(page); // the option list has opened: a click on it while it slides in can be lost
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
    // Events in words, the code small below (e2e/audit.e2e.test.ts has the audit viewer's own flows).
    for (const [event, words] of [['department.create', '新增部门'], ['user.create', '新增用户'], ['auth.totp_enrol', '动态验证码绑定'], ['auth.password_change', '修改密码']] as const) {
      const cell = auditor.getByRole('cell').filter({ has: auditor.getByTestId('event-code').getByText(event, { exact: true }) }).first();
      assert.match(await cell.innerText(), new RegExp(`^${words}\\s*${event.replace('.', '\\.')}$`), `${event} is listed as ${words}`);
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

  /**
   * A department whose penalties need review: one batch waits for the reviewer, one came back with
   * the reviewer's reason. Set up through the platform objects; the people sign in in the browser.
   */
  const DEPT_USCC = makeUscc('11', '350500', 801);
  const passwords = { submitter: '', reviewer: '' };
  let queueReady: Promise<void> | undefined;
  const setUpQueues = () =>
    (queueReady ??= (async () => {
      const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
      const departmentId = (await p.identity.createDepartment({ name: '泉州市市场监督管理局', uscc: DEPT_USCC }, setup)).id;
      const submitter = await p.identity.createUser({ username: 'sun.jiu', displayName: '孙九', departmentId, roles: ['submitter'] }, setup);
      const reviewer = await p.identity.createUser({ username: 'zhou.ba', displayName: '周八', departmentId, roles: ['reviewer'] }, setup);
      passwords.submitter = submitter.oneTimePassword;
      passwords.reviewer = reviewer.oneTimePassword;
      await p.collection.setGrants(departmentId, ['CF'], { ...setup, roles: ['creditOffice'] });
      // The catalog's own review default for CF, switched on in memory for this platform.
      const cf = p.catalog.get('infoItem', 'CF');
      assert.ok(cf);
      cf.content.review = true;
      const clerk = { actor: { id: submitter.user.id, name: 'sun.jiu', displayName: '孙九', roles: ['submitter' as const], departmentId, ip: null, requestId: null }, departmentId };
      // Decided on 2026-06-15 and submitted now: both are also late (双公示: 7 working days).
      const waiting = await p.collection.submitRecords(clerk, 'CF', 'queue-1', [penaltyRow(DEPT_USCC, 1)]);
      assert.equal(waiting.review_status, 'pending');
      const returned = await p.collection.submitRecords(clerk, 'CF', 'queue-2', [penaltyRow(DEPT_USCC, 2)]);
      await p.collection.review(returned, 'reject', '处罚依据条款有误，请核对后重报', { id: reviewer.user.id, name: 'zhou.ba', displayName: '周八', roles: ['reviewer'], departmentId, ip: null, requestId: null });
    })());

  it('the 工作台 takes a reviewer to the batch waiting for review (1366 px)', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    await setUpQueues();
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'zhou.ba', passwords.reviewer);

    const queue = page.getByTestId('queue-review');
    const entry = queue.getByTestId('queue-entry');
    await entry.first().waitFor();
    assert.equal(await entry.count(), 1, 'the returned batch waits no more; only the other one');
    assert.match(await entry.innerText(), /行政处罚信息（CF） · 接口报送[\s\S]*孙九（sun\.jiu）提交于/);
    assert.match(await queue.locator('.ant-badge').innerText(), /^1$/);
    // The wide screen keeps the side menu: no menu button.
    assert.equal(await page.getByTestId('menu-button').count(), 0);
    // Own sign-ins: the one just made, from this browser's address.
    const signIns = page.getByTestId('recent-sign-ins');
    await signIns.getByRole('cell', { name: '127.0.0.1' }).first().waitFor();
    assert.match(await signIns.innerText(), /密码验证通过/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-workbench-reviewer.png'), fullPage: true });

    await entry.getByRole('link').click();
    await page.waitForURL(/#\/review$/);
    await page.getByTestId('review-table').getByRole('row').filter({ hasText: '孙九（sun.jiu）' }).waitFor();
    await context.close();
  });

  it('on a phone (375 px): the header, the menu drawer, a submitter’s returned batch and own failed sign-in', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    await setUpQueues();
    // A wrong password for the account, before its owner signs in: the owner will see it.
    const wrong = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sun.jiu', password: 'not-the-password' }) });
    assert.equal(wrong.status, 401);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await firstSignIn(page, base, 'sun.jiu', passwords.submitter);

    // The shell: the title and the menu button in the header, above the content, not over it.
    const title = page.getByTestId('console-title');
    const button = page.getByRole('button', { name: '打开菜单' });
    const content = page.locator('.ant-layout-content');
    await title.waitFor();
    const [t0, b0, c0] = [await box(title), await box(button), await box(content)];
    assert.ok(t0.x >= 0 && t0.x + t0.width <= 375, `the title is on screen (${JSON.stringify(t0)})`);
    assert.equal(await title.innerText(), '信用Xinyong 管理后台');
    assert.ok(b0.y + b0.height <= c0.y, `the menu button (${JSON.stringify(b0)}) ends above the content (${JSON.stringify(c0)})`);
    assert.equal(await page.locator('.ant-layout-sider').count(), 0, 'no side menu squeezing the content');

    // The returned batch with the reviewer's reason, and the department's late records.
    const returned = page.getByTestId('queue-returned').getByTestId('queue-entry');
    await returned.first().waitFor();
    assert.equal(await returned.count(), 1);
    assert.match(await returned.innerText(), /行政处罚信息（CF） · 接口报送[\s\S]*已退回（[^）]+）：处罚依据条款有误，请核对后重报/);
    const overdue = page.getByTestId('queue-overdue').getByTestId('queue-entry');
    await overdue.first().waitFor();
    assert.deepEqual((await overdue.allInnerTexts()).map((e) => e.split('\n')[0]).sort(), ['榕市监罚〔2026〕1号（CF）', '榕市监罚〔2026〕2号（CF）']);

    // Own sign-ins: the stranger's wrong password is there, with its reason; the table says it scrolls.
    const signIns = page.getByTestId('recent-sign-ins');
    await signIns.getByText('密码错误').waitFor();
    assert.match(await signIns.getByRole('row').filter({ hasText: '密码错误' }).innerText(), /127\.0\.0\.1[\s\S]*失败/);
    await signIns.getByTestId('scroll-hint').waitFor();
    assert.match(await signIns.getByTestId('scroll-hint').innerText(), /左右滑动查看更多/);
    const fits = await content.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(fits.scroll <= fits.client, `the content fits the screen (${fits.scroll} > ${fits.client})`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-workbench-375.png'), fullPage: true });

    // The entry leads to the batches, where the returned one is listed.
    await returned.getByRole('link').click();
    await page.waitForURL(/#\/batches$/);
    await page.getByTestId('batch-table').getByRole('row').filter({ hasText: '已退回' }).waitFor();

    // The menu opens over the page, navigates, and closes.
    await button.click();
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('menuitem', { name: '数据报送' }).waitFor();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator(`#${await button.getAttribute('aria-controls')}`).getByRole('menuitem', { name: '数据报送' }).count(), 1, 'the button names the menu it opens');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-menu-375.png') });
    await drawer.getByRole('menuitem', { name: '数据报送' }).click();
    await page.waitForURL(/#\/submit$/);
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: /点击选择文件，或将文件拖到此处/ }).waitFor();
    await context.close();
  });

  /**
   * A table wider than a phone scrolls inside its card and says so above itself (左右滑动查看更多);
   * on a wide screen, where its columns fit, it says nothing. The users list (security
   * administrator) and the batches list (a clerk), turned from 375 px to 1366 px and loaded at 1366 px.
   */
  it('wide tables say they scroll sideways at 375 px and not at 1366 px (users, batches)', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    await setUpQueues();
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const department = await p.identity.department(DEPT_USCC);
    assert.ok(department);
    const security = await p.identity.createUser({ username: 'an.quan', displayName: '安全员', roles: ['secAdmin'] }, setup);
    const clerk = await p.identity.createUser({ username: 'qian.qi', displayName: '钱七', departmentId: department.id, roles: ['submitter'] }, setup);
    const lists = [
      { username: 'an.quan', password: security.oneTimePassword, route: 'users', row: 'qian.qi' },
      { username: 'qian.qi', password: clerk.oneTimePassword, route: 'batches', row: '已退回' },
    ];
    for (const list of lists) {
      const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
      const page = await context.newPage();
      await firstSignIn(page, base, list.username, list.password);
      await page.goto(`${base}/console/#/${list.route}`);
      // The page's one table: its scrolling part, and the cue above it.
      const scroller = page.locator('.ant-table-content');
      const hint = page.getByTestId('scroll-hint');
      const widths = () => scroller.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      await page.getByRole('row').filter({ hasText: list.row }).first().waitFor();

      await hint.waitFor();
      assert.match(await hint.innerText(), /左右滑动查看更多/, list.route);
      const narrow = await widths();
      assert.ok(narrow.scroll > narrow.client, `${list.route}: the table is wider than a phone (${JSON.stringify(narrow)})`);
      const [h, s] = [await box(hint), await box(scroller)];
      assert.ok(h.y + h.height <= s.y && h.x + h.width <= 375, `${list.route}: the cue is on screen, above the table (${JSON.stringify(h)}, ${JSON.stringify(s)})`);
      const content = await page.locator('.ant-layout-content').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      assert.ok(content.scroll <= content.client, `${list.route}: the table scrolls, not the page (${JSON.stringify(content)})`);
      await page.screenshot({ path: path.join(ARTIFACTS, `console-${list.route}-375.png`), fullPage: true });

      // Turned wide, the columns fit and the cue goes; loaded wide, it never comes.
      await page.setViewportSize({ width: 1366, height: 900 });
      await hint.waitFor({ state: 'detached' });
      await page.reload();
      await page.getByRole('row').filter({ hasText: list.row }).first().waitFor();
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const wide = await widths();
      assert.ok(wide.scroll <= wide.client, `${list.route}: the columns fit at 1366 px (${JSON.stringify(wide)})`);
      assert.equal(await hint.count(), 0, `${list.route}: no cue when the table fits`);
      await context.close();
    }
  });
});
