/**
 * The credit office in a real browser (playwright-core driving Debian's chromium): switches review
 * (审核) of an information item on and off under 目录管理 — each time asked to confirm with a reason,
 * told that batches already waiting still go to the reviewer — and sets which department may submit
 * which item in the 报送目录 matrix, where saving first lists every change; on a phone the matrix
 * scrolls sideways inside its card. Departments, users and the first grant are set up through the
 * platform objects. Screenshots go to test-artifacts/. Without chromium the test is skipped, except
 * in CI (REQUIRE_BROWSER=1), where a missing browser fails it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const MARKET = { name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 631) };
const ECOLOGY = { name: '福州市生态环境局', uscc: makeUscc('11', '350100', 632) };

/** antd's dialogs animate: click once one has opened, go on once it has gone (a busy machine can leave a mask stuck otherwise). */

describe(`review per item and the grants matrix in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  /** Two credit office accounts: each test signs in for the first time on its own. */
  const passwords = { review: '', grants: '' };
  const ids = { market: '', ecology: '' };
  const available = browserAvailable;
  const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    ids.market = (await p.identity.createDepartment(MARKET, setup)).id;
    ids.ecology = (await p.identity.createDepartment(ECOLOGY, setup)).id;
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 633) }, setup);
    passwords.review = (await p.identity.createUser({ username: 'wang.wu', displayName: '王五', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    passwords.grants = (await p.identity.createUser({ username: 'zhao.liu', displayName: '赵六', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    await p.collection.setGrants(ids.market, ['CF'], { ...setup, roles: ['creditOffice'] });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('switches review on and off with a confirmation and a reason; a batch already waiting still waits', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'wang.wu', passwords.review);
    await page.getByRole('menuitem', { name: '信息目录与措施清单' }).click();
    const cf = page.getByTestId('review-CF');
    // The default in words; the catalog file only in the tooltip, not in the text.
    await cf.getByText('目录默认：无需审核').waitFor();
    assert.equal(await cf.getByText('目录默认：无需审核').getAttribute('title'), '目录文件：catalog/info-items/CF.yaml');
    const toggle = page.getByRole('switch', { name: '「行政处罚信息」须经审核' });
    assert.equal(await toggle.getAttribute('aria-checked'), 'false');

    // On: asked first, with what it means; a reason is required.
    await toggle.click();
    const ask = page.getByRole('dialog').filter({ hasText: '开启「行政处罚信息」的审核？' });
    await ask.getByText('此后提交的批次须经报送部门的审核员审核通过后才公示；已导入的批次不受影响。').waitFor();
    await settled(page);
    await ask.getByRole('button', { name: '开启审核' }).click();
    await ask.getByText('请填写更改理由（至少2个字）').waitFor();
    await ask.getByLabel('更改理由').fill('处罚信息差错较多，增加审核环节');
    await ask.getByRole('button', { name: '开启审核' }).click();
    await page.getByText('已开启审核（已记入审计日志）').waitFor();
    await ask.waitFor({ state: 'hidden' });
    await settled(page);
    await cf.getByText('信用办设置：王五（wang.wu）').waitFor();
    await cf.getByText('理由：处罚信息差错较多，增加审核环节').waitFor();
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    assert.equal(await p.catalog.reviewRequired('CF', new Date()), true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'catalog-review.png'), fullPage: true });

    // A department's batch now waits for its reviewer.
    const clerk: Actor = { id: 'e2e-clerk', name: 'e2e-clerk', roles: ['submitter'], departmentId: ids.market, ip: null, requestId: null };
    const batch = await p.collection.submitRecords({ actor: clerk, departmentId: ids.market }, 'CF', 'e2e-review-0001', [penaltyRow(MARKET.uscc, 1, { CF_JDRQ: '2026-10-01', CF_YXQ: '2027-10-01' })]);
    assert.equal(batch.review_status, 'pending');

    // Off: the dialog says the waiting batch is not published unseen; 返回 changes nothing.
    await toggle.click();
    const off = page.getByRole('dialog').filter({ hasText: '关闭「行政处罚信息」的审核？' });
    await off.getByText('已在等待审核的1个批次不受影响，仍须审核员审核通过后才公示，或被退回。').waitFor();
    await settled(page);
    await off.getByRole('button', { name: /^返\s*回$/ }).click();
    await off.waitFor({ state: 'hidden' });
    await settled(page);
    assert.equal(await toggle.getAttribute('aria-checked'), 'true', 'nothing changed');
    assert.equal(await p.catalog.reviewRequired('CF', new Date()), true);

    await toggle.click();
    await off.getByText('已在等待审核的1个批次不受影响').waitFor();
    await settled(page);
    await off.getByLabel('更改理由').fill('试行结束，恢复直接公示');
    await off.getByRole('button', { name: '关闭审核' }).click();
    await page.getByText('已关闭审核（已记入审计日志）').waitFor();
    await cf.getByText('理由：试行结束，恢复直接公示').waitFor();
    assert.equal(await toggle.getAttribute('aria-checked'), 'false');
    assert.equal(await p.catalog.reviewRequired('CF', new Date()), false);
    assert.equal((await p.collection.batch(batch.id))?.review_status, 'pending', 'the waiting batch still waits');
    const audited = await sql<{ reason: string }>`select reason from audit_log where event = 'catalog.review.set' order by seq`.execute(p.db);
    assert.deepEqual(audited.rows.map((r) => r.reason), ['处罚信息差错较多，增加审核环节', '试行结束，恢复直接公示']);
    await context.close();
  });

  it('sets grants in the department × item matrix, listing every change before saving, and scrolls sideways on a phone', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'zhao.liu', passwords.grants);
    await page.getByRole('menuitem', { name: '报送目录' }).click();
    const cell = (dept: string, item: string) => page.getByRole('checkbox', { name: `${dept}可报送${item}` });
    const marketCf = cell(MARKET.name, '行政处罚信息（CF）');
    const ecologyXk = cell(ECOLOGY.name, '行政许可信息（XK）');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^=grant-]').length > 0);
    await marketCf.waitFor();
    assert.equal(await marketCf.isChecked(), true, 'the grant the department has');
    assert.equal(await ecologyXk.isChecked(), false);
    assert.equal(await page.getByTestId('grants-save').isDisabled(), true, 'nothing to save yet');

    await ecologyXk.check();
    await marketCf.uncheck();
    await page.getByText('有2处修改尚未保存').waitFor();
    await page.getByTestId('grants-save').click();
    const ask = page.getByRole('dialog').filter({ hasText: '保存报送目录的变更？' });
    const listed = ask.getByTestId('grants-changes');
    await listed.waitFor();
    assert.deepEqual((await listed.getByRole('listitem').allInnerTexts()).sort(), [`${ECOLOGY.name}：开通行政许可信息（XK）`, `${MARKET.name}：取消行政处罚信息（CF）`].sort());
    await ask.getByText('取消后，该部门不能再报送这些信息项；已报送的记录不受影响。').waitFor();
    await settled(page);
    await ask.getByRole('button', { name: /^返\s*回$/ }).click();
    await ask.waitFor({ state: 'hidden' });
    await settled(page);
    assert.deepEqual([await p.collection.grants(ids.market), await p.collection.grants(ids.ecology)], [['CF'], []], 'nothing saved');

    await page.getByTestId('grants-save').click();
    await listed.waitFor();
    await settled(page);
    await ask.getByRole('button', { name: '确认保存' }).click();
    await page.getByText('报送目录已保存（已记入审计日志）').waitFor();
    assert.deepEqual([await p.collection.grants(ids.market), await p.collection.grants(ids.ecology)], [[], ['XK']]);
    assert.equal(await page.getByTestId('grants-save').isDisabled(), true, 'saved: nothing left to save');
    await page.screenshot({ path: path.join(ARTIFACTS, 'grants-matrix.png'), fullPage: true });

    // The department filter narrows the rows.
    await page.getByLabel('部门').click();
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
    await page.getByTitle(ECOLOGY.name).click();
    await page.keyboard.press('Escape');
    await marketCf.waitFor({ state: 'detached' });
    assert.equal(await ecologyXk.isChecked(), true);

    // On a phone: the page keeps its width, the matrix scrolls inside its card, and the last
    // column's cells can be reached and ticked.
    const phone = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${base}/console/#/grants`);
    const last = small.getByRole('checkbox', { name: `${MARKET.name}可报送` }).last();
    await last.waitFor({ state: 'attached' });
    await small.getByTestId('scroll-hint').waitFor();
    const widths = await small.evaluate(() => {
      const scroller = document.querySelector<HTMLElement>('[data-testid=grants-matrix] .ant-table-content, [data-testid=grants-matrix] .ant-table-body')
        ?? document.querySelector<HTMLElement>('.ant-table-content');
      return { page: document.documentElement.scrollWidth, table: scroller?.scrollWidth ?? 0, box: scroller?.clientWidth ?? 0 };
    });
    assert.ok(widths.page <= 375, `the page does not scroll sideways (${widths.page} px)`);
    assert.ok(widths.table > widths.box, `the matrix scrolls inside its card (${widths.table} > ${widths.box})`);
    await last.scrollIntoViewIfNeeded();
    await last.check();
    await small.getByText('有1处修改尚未保存').waitFor();
    const box = await last.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `the last column is on screen once scrolled to (${JSON.stringify(box)})`);
    await small.screenshot({ path: path.join(ARTIFACTS, 'grants-matrix-phone.png'), fullPage: true });
    await phone.close();
    await context.close();
  });
});
