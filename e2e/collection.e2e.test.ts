/**
 * Collection (归集) in a real browser (playwright-core driving Debian's chromium): a department's
 * submitter signs in with a forced password change and TOTP enrolment, is refused a PDF dropped on
 * the drop zone, chooses from the keyboard and uploads a CSV of three
 * penalty rows of which one is invalid, sees 接受 2 / 拒绝 1 with the rejected row's reason, corrects
 * the row in the downloaded error workbook and drags that workbook in (接受 1, no duplicate), is
 * refused an oversized file before it is sent, and finds the batch under 报送批次 and its own 归集质量 (also on a phone-sized screen); the credit
 * office sees the department's grant under 报送目录 and the month's 归集质量 (numbers, rejection
 * reason, overdue records, the gap; also on a phone). The department, users and grant are set up
 * through the platform objects. Screenshots go to test-artifacts/. Without chromium the test is skipped,
 * except in CI (REQUIRE_BROWSER=1), where a missing browser fails it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Browser, Locator } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser, settled } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

// The department's own code: every row's data source (CF_SJLYDM) must be the submitting department.
const DEPT_USCC = makeUscc('11', '350100', 601);
const DEPT_NAME = '福州市市场监督管理局';

/** Field-code headers (the import takes codes or Chinese labels); the second row has an impossible date. */
function penaltyCsv(): string {
  const rows = [penaltyRow(DEPT_USCC, 1), penaltyRow(DEPT_USCC, 2, { CF_JDRQ: '2026-02-30' }), penaltyRow(DEPT_USCC, 3)];
  const columns = Object.keys(rows[0] as Record<string, string>);
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${columns.join(',')}\r\n${rows.map((r) => columns.map((c) => q(r[c] ?? '')).join(',')).join('\r\n')}\r\n`;
}

/** Drops a file on an element as a browser does when one is dragged from the desktop. */
async function dropFile(target: Locator, name: string, type: string, content: Buffer): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(({ name, type, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type }));
    return transfer;
  }, { name, type, base64: content.toString('base64') });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

describe(`collection console in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let departmentId = '';
  const passwords = { submitter: '', creditOffice: '' };
  const available = browserAvailable;

  before(async () => {
    if (!available) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    // A 1 MB upload limit, so the console's own size check can be tried with a small file.
    p = await startTestPlatform({ authenticate: null, jobs: true, env: { IMPORT_MAX_MB: '1' } });
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    departmentId = (await p.identity.createDepartment({ name: DEPT_NAME, uscc: DEPT_USCC }, setup)).id;
    passwords.submitter = (await p.identity.createUser({ username: 'li.si', displayName: '李四', departmentId, roles: ['submitter'] }, setup)).oneTimePassword;
    // Business roles belong to a department; the credit office is one too.
    const office = await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: makeUscc('11', '350100', 602) }, setup);
    passwords.creditOffice = (await p.identity.createUser({ username: 'wang.wu', displayName: '王五', departmentId: office.id, roles: ['creditOffice'] }, setup)).oneTimePassword;
    await p.collection.setGrants(departmentId, ['CF'], { ...setup, roles: ['creditOffice'] });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = p.app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('a submitter uploads a CSV, sees 2 rows accepted and 1 rejected with its reason, and finds the batch', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'li.si', passwords.submitter);

    await page.getByRole('menuitem', { name: '数据报送' }).click();
    // The department's only granted item is chosen already, shown by name and code.
    await page.getByText('行政处罚信息（CF）').waitFor();
    // The drop zone: a file the importer cannot read, dropped on it, is refused by name before anything is sent.
    const dropZone = page.getByRole('button', { name: /点击选择文件，或将文件拖到此处/ });
    await dropFile(dropZone, '说明.pdf', 'application/pdf', Buffer.from('%PDF-1.4'));
    assert.match(await page.getByTestId('upload-error').innerText(), /文件类型不支持[\s\S]*「说明\.pdf」不是 XLSX 工作簿或 CSV 文件/);
    assert.equal(await page.getByTestId('upload-submit').isDisabled(), true, 'nothing chosen, nothing to send');
    // From the keyboard: Enter on the drop zone opens the file dialog; the chosen file is shown by name.
    // Focus and key press as one action on the drop zone as it is then, so a re-render in between
    // (the refusal above arriving) cannot leave the key to the page.
    const chooser = page.waitForEvent('filechooser');
    await dropZone.press('Enter');
    await (await chooser).setFiles({ name: '处罚信息.csv', mimeType: 'text/csv', buffer: Buffer.from(penaltyCsv(), 'utf8') });
    await page.locator('.ant-upload-list').getByText('处罚信息.csv').waitFor();
    await page.getByTestId('upload-submit').click();

    const result = page.getByTestId('upload-result');
    // The counts appear once the background import has finished (the page polls the batch).
    await result.getByTestId('count-accepted').waitFor({ timeout: 30_000 });
    assert.match(await result.getByTestId('count-accepted').innerText(), /接受\s*2/);
    assert.match(await result.getByTestId('count-rejected').innerText(), /拒绝\s*1/);
    assert.match(await result.getByTestId('count-created').innerText(), /新增\s*2/);
    const reason = result.getByTestId('issue-message');
    await reason.waitFor();
    assert.match(await reason.innerText(), /「处罚决定日期」\(CF_JDRQ\)「2026-02-30」不是有效日期/);
    assert.ok(await result.getByRole('cell', { name: '3', exact: true }).isVisible(), 'the rejected row is row 3 (the header is row 1)');
    assert.ok(await result.getByRole('cell', { name: '处罚决定日期（CF_JDRQ）' }).isVisible(), 'the field by label and code');
    // The error workbook downloads with the session cookie.
    const href = await result.getByTestId('errors-download').getAttribute('href');
    assert.match(href ?? '', /^\/api\/v1\/collection\/batches\/[0-9a-f-]{36}\/errors\.xlsx$/);
    const workbook = await page.request.get(`${base}${href}`);
    assert.equal(workbook.status(), 200);
    assert.match(workbook.headers()['content-type'] ?? '', /spreadsheetml/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'collection-submit.png'), fullPage: true });

    // The clerk corrects the date in the error workbook and uploads that workbook as it is.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await workbook.body()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    sheet.getRow(2).getCell(header.indexOf('处罚决定日期')).value = '2026-02-28';
    const corrected = Buffer.from(await book.xlsx.writeBuffer());
    // Dragged onto the drop zone this time: it replaces the file chosen before.
    await dropFile(dropZone, '处罚信息-改正.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', corrected);
    await page.locator('.ant-upload-list').getByText('处罚信息-改正.xlsx').waitFor();
    assert.equal(await page.locator('.ant-upload-list').getByText('处罚信息.csv').count(), 0, 'one file at a time');
    await page.getByTestId('upload-submit').click();
    await result.getByText('处罚信息-改正.xlsx').waitFor({ timeout: 30_000 });
    await result.getByTestId('count-accepted').waitFor({ timeout: 30_000 });
    assert.match(await result.getByTestId('count-accepted').innerText(), /接受\s*1/);
    assert.match(await result.getByTestId('count-rejected').innerText(), /拒绝\s*0/);
    assert.match(await result.getByTestId('count-created').innerText(), /新增\s*1/);
    assert.equal(await p.collection.recordCount(departmentId, 'CF'), 3, 'all three decisions, none twice');

    // A whole-file problem is refused at once (422) with the server's reason, shown prominently.
    await page.getByTestId('upload-input').setInputFiles({ name: '表头有误.csv', mimeType: 'text/csv', buffer: Buffer.from('行政相对人名称,不存在的列\r\n某公司,x\r\n', 'utf8') });
    await page.getByTestId('upload-submit').click();
    const refused = page.getByTestId('upload-error');
    await refused.waitFor();
    assert.match(await refused.innerText(), /文件不能导入[\s\S]*「表头有误\.csv」不能导入/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'collection-submit-refused.png'), fullPage: true });

    // Over the size limit: refused by the page before anything is sent, with sizes in MB.
    const big = `${Object.keys(penaltyRow(DEPT_USCC, 1)).join(',')}\r\n${'x,'.repeat(700_000)}\r\n`;
    await page.getByTestId('upload-input').setInputFiles({ name: '太大了.csv', mimeType: 'text/csv', buffer: Buffer.from(big, 'utf8') });
    await page.getByTestId('upload-submit').click();
    await page.getByText('超过1 MB的上限').waitFor();
    assert.match(await refused.innerText(), /文件过大[\s\S]*文件大小1\.3 MB，超过1 MB的上限，请拆分后上传/);

    await page.getByRole('menuitem', { name: '报送批次' }).click();
    const table = page.getByTestId('batch-table');
    const row = table.getByRole('row').filter({ hasText: '处罚信息.csv' });
    await row.waitFor();
    assert.match(await row.innerText(), /已导入[\s\S]*2 \/ 1[\s\S]*无需审核[\s\S]*李四（li\.si）/, 'the submitter by display and account name');
    assert.equal(await table.getByRole('row').filter({ hasText: '太大了.csv' }).count(), 0, 'the oversized file was never sent');
    assert.match(await table.getByRole('row').filter({ hasText: '表头有误.csv' }).innerText(), /未导入/, 'the refused attempt is listed too');
    await row.click();
    const detail = page.getByTestId('batch-detail');
    await detail.waitFor();
    await detail.getByRole('tab', { name: '被拒绝的行（1）' }).waitFor();
    await detail.getByTestId('issue-message').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'collection-batches.png'), fullPage: true });

    // The records the batch wrote: each with its state, its versions, and 撤销 for a revoked decision.
    await detail.getByRole('tab', { name: '写入的记录' }).click();
    const records = detail.getByTestId('batch-records');
    await records.getByRole('row').filter({ hasText: '公示中' }).first().waitFor();
    assert.equal(await records.locator('tbody tr.ant-table-row').count(), 2);
    const first = records.locator('tbody tr.ant-table-row').first();
    const doc = (await first.locator('td').first().innerText()).trim();
    await first.getByRole('button', { name: '详情' }).click();
    const recordDetail = page.getByTestId('record-detail');
    await recordDetail.getByText('第1版').waitFor();
    await page.keyboard.press('Escape');
    await first.getByRole('button', { name: '撤销' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: `撤销记录：${doc}` });
    await dialog.getByLabel('撤销理由').fill('行政复议决定撤销原处罚决定');
    await dialog.getByRole('button', { name: /^撤\s*销$/ }).click(); // antd spaces two-character labels
    await records.getByRole('row').filter({ hasText: doc }).filter({ hasText: '已撤销' }).waitFor();
    const revoked = await sql<{ state: string }>`select state from record where document_number = ${doc}`.execute(p.db);
    assert.equal(revoked.rows[0]?.state, 'withdrawn', 'withdrawn in the database, not only on the page');

    // The same session on a phone: the table scrolls inside its card, the page does not.
    const phone = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${base}/console/#/batches`);
    await small.getByTestId('batch-table').getByRole('row').filter({ hasText: '处罚信息.csv' }).waitFor();
    const content = await small.locator('.ant-layout-content').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(content.scroll <= content.client, `the content fits the screen (${content.scroll} > ${content.client})`);
    await small.screenshot({ path: path.join(ARTIFACTS, 'collection-batches-375.png'), fullPage: true });
    // A written record's versions on the phone: each field with 原值 and 新值 under it, the new value on screen.
    await small.getByTestId('batch-table').getByRole('row').filter({ hasText: '处罚信息.csv' }).click();
    const smallDetail = small.getByTestId('batch-detail');
    await smallDetail.getByRole('tab', { name: '写入的记录' }).click();
    await smallDetail.getByTestId('batch-records').locator('tbody tr.ant-table-row').first().getByRole('button', { name: '详情' }).click();
    const smallChange = small.getByTestId('record-detail').getByTestId('version-change').first();
    await smallChange.waitFor();
    assert.match(await smallChange.innerText(), /原值：—\s*新值：\S/);
    const newValue = await smallChange.locator('div').last().boundingBox();
    assert.ok(newValue && newValue.x >= 0 && newValue.x + newValue.width <= 375, `新值 is on screen at 375 px (${JSON.stringify(newValue)})`);
    await small.screenshot({ path: path.join(ARTIFACTS, 'collection-record-versions-375.png'), fullPage: true });
    // The department's own 归集质量: no department filter (the server keeps it to the department).
    await small.goto(`${base}/console/#/quality`);
    await small.getByTestId('quality-table').getByRole('row').filter({ hasText: DEPT_NAME }).waitFor();
    assert.equal(await small.getByLabel('信息项', { exact: true }).count(), 1);
    assert.equal(await small.getByLabel('部门', { exact: true }).count(), 0, 'no department filter for a department');
    await phone.close();
    await context.close();
  });

  it('the credit office sees which items a department may submit, and the collection quality of the month', async (t) => {
    if (!available) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await firstSignIn(page, base, 'wang.wu', passwords.creditOffice);
    await page.getByRole('menuitem', { name: '报送目录' }).click();
    // The grants matrix: a row per department, a checkbox per item.
    const cell = (code: string, name: string) => page.getByRole('checkbox', { name: `${DEPT_NAME}可报送${name}（${code}）` });
    await cell('CF', '行政处罚信息').waitFor();
    assert.equal(await cell('CF', '行政处罚信息').isChecked(), true);
    assert.equal(await page.getByTestId('grants-save').isDisabled(), true, 'nothing to save yet');
    // A click during the dialog's opening animation can leave antd's modal mask stuck on a busy
    // machine (the leave animation never ends): click once it has opened, go on once it has gone.
    // Grant 行政许可 too, through the page; the change is listed for confirmation first.
    await cell('XK', '行政许可信息').check();
    await page.getByTestId('grants-save').click();
    const confirm = page.getByRole('dialog').filter({ hasText: '保存报送目录的变更？' });
    await confirm.getByText(`${DEPT_NAME}：开通行政许可信息（XK）`).waitFor();
    await settled(page);
    await confirm.getByRole('button', { name: '确认保存' }).click();
    await page.getByText('报送目录已保存（已记入审计日志）').waitFor();
    assert.deepEqual((await p.collection.grants(departmentId)).sort(), ['CF', 'XK']);
    await settled(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'collection-grants.png'), fullPage: true });
    // Taking an item away is asked once more, by name; going back changes nothing.
    await cell('XK', '行政许可信息').uncheck();
    await page.getByTestId('grants-save').click();
    const ask = page.getByRole('dialog').filter({ hasText: '保存报送目录的变更？' });
    await ask.getByText(`${DEPT_NAME}：取消行政许可信息（XK）`).waitFor();
    await ask.getByText('取消后，该部门不能再报送这些信息项').waitFor();
    await settled(page);
    await ask.getByRole('button', { name: /^返\s*回$/ }).click();
    await ask.waitFor({ state: 'hidden' });
    await settled(page);
    assert.deepEqual((await p.collection.grants(departmentId)).sort(), ['CF', 'XK'], 'nothing saved');
    await cell('XK', '行政许可信息').check();

    // 归集质量 of this month (the default): the department's row, the rejection reason, the records
    // submitted long after their decision (2026-06-15), and XK, granted above but not submitted.
    await page.getByRole('menuitem', { name: '归集质量' }).click();
    const row = page.getByTestId('quality-table').getByRole('row').filter({ hasText: DEPT_NAME });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    // 部门, 信息项, 批次 (the refused file is no imported batch), 报送行数, 接受, 拒绝, 接受率, 按时, 超期
    // Two imported batches: the CSV (2 of 3 rows) and the corrected error workbook (1 row).
    assert.deepEqual(cells.slice(0, 9).map((c) => c.trim()), [DEPT_NAME, '行政处罚信息（CF）', '2', '4', '3', '1', '75%', '0', '3']);
    assert.match(await page.getByTestId('quality-accepted').innerText(), /接受\s*3/);
    assert.match(await page.getByTestId('quality-rejected').innerText(), /拒绝\s*1/);
    const reason = page.getByTestId('quality-reasons').getByRole('row').filter({ hasText: DEPT_NAME });
    assert.match(await reason.innerText(), /日期无效（处罚决定日期）\s+1/);
    // The charts are images with a text summary.
    const rowsChart = await page.getByTestId('chart-rows').getAttribute('aria-label');
    assert.match(rowsChart ?? '', new RegExp(`${DEPT_NAME}接受3行、拒绝1行`));
    assert.match((await page.getByTestId('chart-reasons').getAttribute('aria-label')) ?? '', /日期无效（处罚决定日期）1行/);
    assert.ok(await page.locator('[data-testid=chart-rows] canvas').count() > 0, 'the chart is drawn');
    await page.getByText('超期记录（超过7个工作日）').waitFor();
    const overdue = page.getByTestId('quality-overdue');
    assert.match(await overdue.getByRole('row').filter({ hasText: '榕市监罚〔2026〕1号' }).innerText(), /2026-06-15/);
    assert.ok(await page.getByTestId('quality-gaps').getByRole('cell', { name: '行政许可信息（XK）' }).isVisible(), 'XK is granted but not submitted');
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    assert.equal(await page.getByTestId('quality-export').getAttribute('href'), `/api/v1/collection/quality.xlsx?month=${month}`);
    const workbook = await page.request.get(`${base}/api/v1/collection/quality.xlsx?month=${month}`);
    assert.equal(workbook.status(), 200);
    assert.match(workbook.headers()['content-type'] ?? '', /spreadsheetml/);
    await page.getByText('报送目录已保存（已记入审计日志）').waitFor({ state: 'hidden' });
    await page.screenshot({ path: path.join(ARTIFACTS, 'collection-quality.png'), fullPage: true });

    // A month without submissions says so, without charts.
    const picker = page.getByLabel('月份');
    await picker.click();
    await picker.fill(`${Number(month.slice(0, 4)) - 1}${month.slice(4)}`);
    await picker.press('Enter');
    await page.getByTestId('quality-empty').waitFor();
    assert.equal(await page.getByTestId('chart-rows').count(), 0);

    // On a phone: the header keeps the user's name whole, and the page fits the screen.
    const phone = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${base}/console/#/quality`);
    await small.getByTestId('quality-table').getByRole('row').filter({ hasText: DEPT_NAME }).waitFor();
    await small.getByTestId('chart-rows').locator('canvas').waitFor();
    const user = await small.getByTestId('current-user').boundingBox();
    assert.ok(user && user.x >= 0 && user.x + user.width <= 375, `the user's name is on screen (${JSON.stringify(user)})`);
    const header = await small.locator('.ant-layout-header').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(header.scroll <= header.client, `the header fits the screen (${header.scroll} > ${header.client})`);
    assert.ok(await small.getByRole('button', { name: '退 出' }).or(small.getByRole('button', { name: '退出' })).isVisible());
    const content = await small.locator('.ant-layout-content').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    assert.ok(content.scroll <= content.client, `the content fits the screen (${content.scroll} > ${content.client})`);
    await small.screenshot({ path: path.join(ARTIFACTS, 'collection-quality-375.png'), fullPage: true });
    await phone.close();
    await context.close();
  });
});
