/**
 * What a walk of the console in every role left (issue #13), in a real browser:
 * - a record's versions (报送批次 → a batch → 写入的记录 → 详情) name when each was received, who
 *   submitted it for which department and from which batch (a link that opens that batch), and show
 *   an enumeration's 原值 / 新值 by its code table's label (有效 → 无效), not its code (1 → 2);
 * - a batch whose record a later batch updated says so, instead of listing fewer records than it
 *   created without a word;
 * - a withdrawn record's 公示期 reads 已撤销 and the day, not the period it no longer has;
 * - the credit office's 工作台 shows failed background jobs and failed deliveries with links to
 *   their pages; a clerk's, who cannot open them, shows neither;
 * - 查询登记's title stays on one line at 375 px, and 审计日志 shows a transition's states in words.
 * Set up through the platform objects; screenshots in test-artifacts/. Without chromium the test is
 * skipped, except in CI (REQUIRE_BROWSER=1).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeUscc } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const A_USCC = makeUscc('11', '350100', 841);

function permitRow(n: number, state: string): Record<string, string> {
  return {
    XK_XDR_MC: `福州许可${n}餐饮有限公司`, XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: makeUscc('91', '350100', 20_800 + n), XK_FRDB: '王五',
    XK_XKWS: '食品经营许可决定书', XK_WSH: `榕食许〔2026〕8${n}号`, XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-05-01',
    XK_YXQZ: '2026-05-01', XK_YXQZI: '2031-04-30', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: A_USCC, XK_ZT: state, XK_LYDW: '', XK_LYDWDM: A_USCC,
  };
}

describe(`the console walk's leftovers in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  const passwords: Record<string, string> = {};
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null });
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const a = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, setup);
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 842) }, setup);
    const clerk = await p.identity.createUser({ username: 'tian.bao', displayName: '填报员', departmentId: a.id, roles: ['submitter'] }, setup);
    passwords.clerk = clerk.oneTimePassword;
    passwords.office = (await p.identity.createUser({ username: 'xin.yong', displayName: '信用办', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    passwords.auditor = (await p.identity.createUser({ username: 'shen.ji', displayName: '审计员', roles: ['auditAdmin'] }, setup)).oneTimePassword;
    await p.collection.setGrants(a.id, ['XK'], setup);
    const submitter = (key: string, rows: Record<string, string>[]) =>
      p.collection.submitRecords({ actor: { ...setup, id: clerk.user.id, name: 'tian.bao', displayName: '填报员', roles: ['submitter'], departmentId: a.id }, departmentId: a.id }, 'XK', key, rows);
    // The first batch creates two permits; the second sets one of them to 无效 (a new version).
    await submitter('e2e-walk-1', [permitRow(1, '1'), permitRow(2, '1')]);
    await submitter('e2e-walk-2', [permitRow(1, '2')]);
    // A background job that stopped after its last attempt, for the credit office's 工作台, with the
    // raw English a failed connection leaves.
    await sql`insert into job (kind, payload, status, due_at, attempts, max_attempts, last_error, created_at, updated_at)
      values ('publicity.end', '{}'::jsonb, 'failed', now(), 5, 5, 'connect ECONNREFUSED 127.0.0.1:5432', now(), now())`.execute(p.db);
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('a record’s versions say when, who, which department and which batch, with labels; a withdrawn record shows the day; a batch says where its updated records went', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'tian.bao', passwords.clerk ?? '');
    // The clerk's 工作台 has neither card: 后台任务 and 投递失败 do not open for a clerk.
    await page.getByTestId('queue-returned').waitFor();
    assert.equal(await page.getByTestId('queue-jobs').count(), 0);
    assert.equal(await page.getByTestId('queue-dead-letters').count(), 0);

    await page.getByRole('menuitem', { name: '报送批次' }).click();
    const rows = page.getByTestId('batch-table').locator('tbody tr.ant-table-row');
    await rows.nth(1).waitFor();
    // Newest first: the second batch, which updated permit 1.
    await rows.first().getByRole('button', { name: '详情' }).click();
    await settled(page);
    const detail = page.getByTestId('batch-detail');
    await detail.getByRole('tab', { name: '写入的记录' }).click();
    await settled(page);
    await detail.getByTestId('batch-records').getByRole('row').filter({ hasText: '榕食许〔2026〕81号' }).getByRole('button', { name: '详情' }).click();
    await settled(page);
    const record = page.getByTestId('record-detail');
    await record.getByText('第2版').waitFor();
    // Version 2 (newest first) changed 当前状态 only: by its labels, not 1 → 2.
    assert.match(await record.getByRole('row').filter({ hasText: '当前状态' }).first().innerText(), /^\s*当前状态\s+有效\s+无效\s*$/);
    // 无效 is not published (不公示): no publicity window to show for it.
    assert.equal(await record.getByTestId('record-publicity').innerText(), '不公示');
    const sources = record.getByTestId('version-source');
    assert.equal(await sources.count(), 2);
    assert.match(await sources.first().innerText(), /接收于\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}；提交人：填报员（tian\.bao）（福州市市场监督管理局）；报送批次：本批次/);
    assert.match(await sources.nth(1).innerText(), /提交人：填报员（tian\.bao）（福州市市场监督管理局）；报送批次：接口报送/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-walk-versions-1366.png') });

    // The first version's batch opens from its link: the first batch, which says where permit 1 went.
    await sources.nth(1).getByTestId('version-batch').click();
    await page.getByTestId('record-detail').waitFor({ state: 'hidden' });
    await settled(page);
    await detail.getByRole('tab', { name: '写入的记录' }).click();
    await settled(page);
    const note = detail.getByTestId('batch-records-note');
    await note.getByText('另有1条').waitFor();
    assert.match(await note.innerText(), /本批次新增2条、更新0条记录；列出当前版本来自本批次的1条。另有1条已被后续批次更新/);
    assert.match(page.url(), /#\/batches\?batch=/);

    // Permit 2, withdrawn: its 公示期 is over, and says since when.
    const permit2 = detail.getByTestId('batch-records').getByRole('row').filter({ hasText: '榕食许〔2026〕82号' });
    await permit2.getByRole('button', { name: '撤销' }).click();
    await settled(page);
    await page.getByRole('dialog', { name: /撤销记录/ }).getByLabel('撤销理由').fill('许可决定被依法撤销');
    await page.getByRole('dialog', { name: /撤销记录/ }).getByRole('button', { name: /撤\s*销/ }).click();
    await settled(page);
    await permit2.getByText('已撤销').waitFor();
    await permit2.getByRole('button', { name: '详情' }).click();
    await settled(page);
    const today = (await sql<{ d: string }>`select (at at time zone 'Asia/Shanghai')::date::text as d from record_event where to_state = 'withdrawn'`.execute(p.db)).rows[0]?.d ?? '';
    assert.equal(await page.getByTestId('record-detail').getByTestId('record-publicity').innerText(), `已撤销（${today}）`);
    await context.close();
  });

  it('the credit office’s 工作台 counts failed jobs and failed deliveries, each linked to its page', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'xin.yong', passwords.office ?? '');
    const jobs = page.getByTestId('queue-jobs');
    await jobs.getByTestId('queue-entry').waitFor();
    // The error in a Chinese sentence; the raw text only in the tooltip.
    assert.match(await jobs.innerText(), /失败的后台任务\s*1[\s\S]*公示期届满下线[\s\S]*尝试5次；连接被拒绝：对方的服务可能未启动/);
    assert.doesNotMatch(await jobs.innerText(), /ECONNREFUSED/);
    assert.equal(await jobs.getByTestId('failure').getAttribute('title'), '技术信息：connect ECONNREFUSED 127.0.0.1:5432');
    const deliveries = page.getByTestId('queue-dead-letters');
    await deliveries.getByText('没有投递失败的推送').waitFor();
    await deliveries.getByRole('link', { name: '查看投递失败' }).click();
    await page.getByRole('menuitem', { name: '投递失败' }).and(page.locator('.ant-menu-item-selected')).waitFor();
    await page.goBack();
    await page.getByTestId('queue-jobs').getByRole('link', { name: '查看后台任务' }).click();
    await page.getByRole('menuitem', { name: '后台任务' }).and(page.locator('.ant-menu-item-selected')).waitFor();
    await context.close();
  });

  it('查询登记 keeps its title on one line at 375 px; 审计日志 shows a transition’s states in words', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'shen.ji', passwords.auditor ?? '');
    await page.goto(`${base}/console/#/queries`);
    const title = page.getByTestId('queries-card').locator('.ant-card-head-title');
    await title.getByText('查询登记').waitFor();
    await settled(page);
    const box = await title.evaluate((el) => ({ height: el.getBoundingClientRect().height, width: el.getBoundingClientRect().width, scroll: el.scrollWidth, lineHeight: parseFloat(getComputedStyle(el).lineHeight) || 24 }));
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-walk-queries-375.png') });
    assert.ok(box.height < box.lineHeight * 1.5, `one line: ${JSON.stringify(box)}`);
    assert.ok(box.scroll <= box.width + 1 && box.width >= 60, `not cut: ${JSON.stringify(box)}`);
    // The filters are still there, under the title.
    await page.getByTestId('queries-card').getByLabel('按事件查找').waitFor();

    // 审计日志: the withdrawal's states in words (公示中 → 已撤销), not as codes.
    await page.goto(`${base}/console/#/audit`);
    const withdrawal = page.locator('tr.ant-table-row').filter({ hasText: '撤销记录' }).first();
    await withdrawal.locator('.ant-table-row-expand-icon').click();
    const change = page.getByTestId('audit-change').first();
    await change.waitFor();
    assert.match(await change.innerText(), /原值：公示中：1\s*新值：已撤销：1/);
    await context.close();
  });
});
