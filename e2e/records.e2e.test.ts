/**
 * The credit office's records browser (信息记录) in a real browser: the credit office signs in, is
 * asked the purpose of its queries before anything is shown, finds two departments' records, finds
 * a natural person's record by the full name (shown masked until the full name is asked for, a
 * registered read), opens a record with two versions, and
 * withdraws it with a reason; the searches and the opened record are registered under the purpose,
 * the withdrawal audited with the reason; the page also fits a phone-sized screen. Departments, users and
 * records are set up through the platform objects. Screenshots go to test-artifacts/. Without
 * chromium the test is skipped, except in CI (REQUIRE_BROWSER=1), where a missing browser fails it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const A_USCC = makeUscc('11', '350100', 801);
const B_USCC = makeUscc('11', '350100', 802);

/** No antd opening or closing animation is running (a click during one can be lost). */

describe(`records browser in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let password = '';
  let permitPassword = '';
  let deptA = '';
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const a = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, setup);
    const b = await p.identity.createDepartment({ name: '福州市生态环境局', uscc: B_USCC }, setup);
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 803) }, setup);
    password = (await p.identity.createUser({ username: 'xin.yong', displayName: '信用办', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    permitPassword = (await p.identity.createUser({ username: 'xin.yong2', displayName: '信用办二', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    deptA = a.id;
    await p.collection.setGrants(a.id, ['CF', 'XK'], setup);
    await p.collection.setGrants(b.id, ['CF'], setup);
    const clerk = (departmentId: string) => ({ actor: { ...setup, id: `clerk-${departmentId}`, roles: ['submitter'], departmentId }, departmentId });
    await p.collection.submitRecords(clerk(a.id), 'CF', 'e2e-records-a', [
      penaltyRow(A_USCC, 1),
      penaltyRow(A_USCC, 2, { CF_JDRQ: '2026-06-16' }),
      penaltyRow(A_USCC, 3, { CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: makeIdNumber('350102', '19850312', 21), CF_JDRQ: '2026-06-17' }),
    ]);
    const b1 = (o: Record<string, string> = {}) => penaltyRow(B_USCC, 9, { CF_WSH: '榕环罚〔2026〕9号', CF_CFJG: '福州市生态环境局', CF_JDRQ: '2026-06-20', ...o });
    await p.collection.submitRecords(clerk(b.id), 'CF', 'e2e-records-b1', [b1()]);
    await p.collection.submitRecords(clerk(b.id), 'CF', 'e2e-records-b2', [b1({ CF_NR_FK: '0.8' })]);
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = p.app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('the credit office states a purpose, finds records of every department, opens one with its versions and withdraws it', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'xin.yong', password);

    await page.getByRole('menuitem', { name: '信息记录' }).click();
    // Nothing is read before a purpose is stated.
    const ask = page.getByRole('dialog', { name: '说明查询目的' });
    await ask.waitFor();
    assert.equal(await page.getByTestId('records-table').getByRole('row').filter({ hasText: '榕' }).count(), 0, 'no records before the purpose');
    await settled(page);
    await ask.getByLabel('查询目的').click();
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
    await page.getByTitle('数据质量核对').click();
    await ask.getByText('数据质量核对', { exact: true }).filter({ visible: true }).first().waitFor();
    await ask.getByRole('button', { name: '确 定' }).or(ask.getByRole('button', { name: '确定' })).click();
    await ask.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('records-purpose-current').innerText(), '数据质量核对');

    const table = page.getByTestId('records-table');
    await table.getByText('榕环罚〔2026〕9号').waitFor();
    await page.getByText('共4条').waitFor();
    assert.ok(await table.getByText('福州市生态环境局').isVisible(), 'the other department’s record with its department');
    assert.ok(await table.getByText('福州市市场监督管理局').first().isVisible());
    await page.screenshot({ path: path.join(ARTIFACTS, 'records-list.png'), fullPage: true });

    // A natural person by the full name: found, and shown masked.
    await page.getByLabel('主体').fill('陈小红');
    await page.getByRole('button', { name: '查 询' }).or(page.getByRole('button', { name: '查询' })).click();
    await page.getByText('共1条').waitFor();
    assert.ok(await table.getByText('陈**').isVisible());
    assert.equal(await page.getByText('陈小红', { exact: true }).count(), 0, 'the full name is not shown');
    // Unless asked for: the subjects module's registered read, under the same purpose.
    await table.getByRole('button', { name: '榕市监罚〔2026〕3号' }).click();
    const subject = page.getByTestId('record-subject');
    await subject.waitFor();
    assert.equal(await subject.innerText(), '陈**');
    await settled(page);
    await page.getByRole('button', { name: '显示完整姓名（登记查询）' }).click();
    await subject.getByText('陈小红').waitFor();
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('record-detail').waitFor({ state: 'hidden' });
    // A mistyped code is told what is wrong with it.
    await page.getByLabel('主体').fill(`${A_USCC.slice(0, 17)}${A_USCC.endsWith('1') ? '2' : '1'}`);
    await page.getByRole('button', { name: '查 询' }).or(page.getByRole('button', { name: '查询' })).click();
    assert.match(await page.getByTestId('records-error').innerText(), /既不是有效的统一社会信用代码（第18位校验码应为/);
    // A refused search shows no rows: the previous search's row is not this search's answer.
    await table.getByRole('button', { name: '榕市监罚〔2026〕3号' }).waitFor({ state: 'detached' });
    assert.equal(await table.getByText('榕').count(), 0, 'no rows under a refused search');
    await page.getByRole('button', { name: '重 置' }).or(page.getByRole('button', { name: '重置' })).click();
    await page.getByText('共4条').waitFor();

    // The record in two versions: its current content and what the second version changed.
    await table.getByRole('button', { name: '榕环罚〔2026〕9号' }).click();
    const detail = page.getByTestId('record-detail');
    await detail.waitFor();
    assert.equal(await detail.getByTestId('record-version').count(), 2);
    assert.match(await detail.getByTestId('record-version').first().innerText(), /第2版[\s\S]*罚款金额\(万元\)[\s\S]*0\.5[\s\S]*0\.8/);
    assert.match(await detail.getByTestId('record-fields').innerText(), /罚款金额\(万元\)\s*0\.8/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'records-detail.png'), fullPage: true });

    // 撤销 with a reason: asked in a dialog, the button disabled until a reason is given.
    await page.getByTestId('record-withdraw').click();
    const confirm = page.getByRole('dialog', { name: /撤销记录：榕环罚〔2026〕9号/ });
    await confirm.waitFor();
    await settled(page);
    assert.ok(await confirm.getByRole('button', { name: '撤 销' }).or(confirm.getByRole('button', { name: '撤销' })).isDisabled());
    await confirm.getByLabel('撤销理由').fill('报送有误：该决定已被行政复议撤销');
    await confirm.getByRole('button', { name: '撤 销' }).or(confirm.getByRole('button', { name: '撤销' })).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.equal(await detail.getByTestId('record-withdrawn-reason').innerText(), '报送有误：该决定已被行政复议撤销');
    assert.ok(await detail.getByText('已撤销').isVisible());
    assert.equal(await page.getByTestId('record-withdraw').count(), 0, 'nothing left to withdraw');
    // Its publicity ended with the withdrawal, on the day of the withdrawal event.
    const withdrawnOn = (await sql<{ on: string }>`select (e.at at time zone 'Asia/Shanghai')::date::text as on from record_event e join record r on r.id = e.record_id
      where r.document_number = '榕环罚〔2026〕9号' and e.to_state = 'withdrawn'`.execute(p.db)).rows[0]?.on;
    assert.match(await detail.getByTestId('record-publicity').innerText(), new RegExp(`~ \\d{4}-\\d{2}-\\d{2}（已于${withdrawnOn}撤销）$`));
    await page.screenshot({ path: path.join(ARTIFACTS, 'records-withdrawn.png'), fullPage: true });

    const record = await sql<{ id: string; state: string }>`select id, state from record where document_number = '榕环罚〔2026〕9号'`.execute(p.db);
    assert.deepEqual([record.rows[0]?.state], ['withdrawn']);
    const audit = await sql<{ event: string; purpose: string | null; reason: string | null; object_id: string | null }>`
      select a.event, a.purpose, a.reason, a.object_id from audit_log a join app_user u on u.id::text = a.actor_id
      where u.username = 'xin.yong' and a.event in ('query.record.search', 'query.record.get', 'query.subject.get', 'record.withdraw') order by a.seq`.execute(p.db);
    const events = audit.rows.map((r) => r.event);
    assert.ok(events.filter((e) => e === 'query.record.search').length >= 3, 'each search registered');
    assert.ok(audit.rows.filter((r) => r.event.startsWith('query.')).every((r) => r.purpose === 'dataQuality'), 'under the stated purpose');
    assert.ok(audit.rows.some((r) => r.event === 'query.record.get' && r.object_id === record.rows[0]?.id), 'the opened record registered');
    assert.equal(audit.rows.filter((r) => r.event === 'query.subject.get').length, 1, 'the full name read registered');
    assert.deepEqual(audit.rows.filter((r) => r.event === 'record.withdraw').map((r) => [r.reason, r.object_id]), [['报送有误：该决定已被行政复议撤销', record.rows[0]?.id]]);

    // On a phone the filters wrap and the table scrolls within the page, which itself does not.
    await page.locator('.ant-drawer-close').click();
    await page.setViewportSize({ width: 375, height: 812 });
    await table.getByText('榕环罚〔2026〕9号').waitFor();
    assert.ok(await page.getByLabel('主体').isVisible());
    await page.screenshot({ path: path.join(ARTIFACTS, 'records-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);

    // The versions on a phone: each field with its old and new value under it, the new one on screen.
    await table.getByRole('button', { name: '榕环罚〔2026〕9号' }).click();
    await detail.waitFor();
    await settled(page);
    const change = detail.getByTestId('record-version').first().getByTestId('version-change');
    assert.match(await change.innerText(), /罚款金额\(万元\)\s*原值：0\.5\s*新值：0\.8/);
    const after = await change.getByText('0.8').boundingBox();
    assert.ok(after && after.x >= 0 && after.x + after.width <= 375, `新值 is on screen at 375 px (${after && after.x}–${after && after.x + after.width} px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'records-versions-phone.png'), fullPage: true });
    await context.close();
  });

  it('shows a permit’s 当前状态 by its label, not its code', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    await p.collection.submitRecords({ actor: { id: 'clerk-permit', name: 'clerk-permit', roles: ['submitter'], departmentId: deptA, ip: null, requestId: null }, departmentId: deptA }, 'XK', 'e2e-records-xk', [{
      XK_XDR_MC: '福州许可1餐饮有限公司', XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: makeUscc('91', '350100', 20_001), XK_FRDB: '王五',
      XK_XKWS: '食品经营许可决定书', XK_WSH: '榕食许〔2026〕1号', XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-05-01',
      XK_YXQZ: '2026-05-01', XK_YXQZI: '2031-04-30', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: A_USCC, XK_ZT: '1',
      XK_LYDW: '福州市市场监督管理局', XK_LYDWDM: A_USCC,
    }]);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'xin.yong2', permitPassword);
    await page.getByRole('menuitem', { name: '信息记录' }).click();
    const ask = page.getByRole('dialog', { name: '说明查询目的' });
    await ask.waitFor();
    await settled(page);
    await ask.getByLabel('查询目的').click();
    await settled(page); // the option list has opened: a click on it while it slides in can be lost
    await page.getByTitle('数据质量核对').click();
    await ask.getByRole('button', { name: '确 定' }).or(ask.getByRole('button', { name: '确定' })).click();
    await ask.waitFor({ state: 'hidden' });
    await page.getByTestId('records-table').getByRole('button', { name: '榕食许〔2026〕1号' }).click();
    const fields = page.getByTestId('record-fields');
    await fields.waitFor();
    const state = fields.locator('tr').filter({ hasText: '当前状态' });
    assert.equal((await state.locator('td').innerText()).trim(), '有效');
    await context.close();
  });
});
