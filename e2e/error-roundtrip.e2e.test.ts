/**
 * The error workbook round trip for a natural person in a real browser (issue #12, point 10): a
 * 数据报送员 uploads a file whose person row has an impossible date, downloads the error workbook
 * from the console (the person masked, no clear ID number in it), corrects only the date, uploads
 * the workbook through the console as it is, and sees it accepted — the person stored with the ID
 * number of the original file. Without chromium the test is skipped, except in CI (REQUIRE_BROWSER=1).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import type { Actor } from '../server/modules/audit/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../test/fixtures.js';
import { ARTIFACTS, CHROMIUM, browserAvailable, firstSignIn, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const DEPT_USCC = makeUscc('11', '350100', 651);
const ID = makeIdNumber('350102', '19850101', 77);

/** A person's penalty with an impossible date, and an organization's that goes in. */
function penaltyCsv(): string {
  const rows = [
    penaltyRow(DEPT_USCC, 1, { CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID, CF_JDRQ: '2026-02-30' }),
    penaltyRow(DEPT_USCC, 2),
  ];
  const columns = Object.keys(rows[0] as Record<string, string>);
  return `${columns.join(',')}\r\n${rows.map((r) => columns.map((c) => r[c] ?? '').join(',')).join('\r\n')}\r\n`;
}

describe(`the error workbook round trip in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  let departmentId = '';
  let password = '';

  before(async () => {
    if (!browserAvailable) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform({ authenticate: null, jobs: true });
    const setup: Actor = { id: 'e2e-setup', name: 'e2e-setup', roles: ['sysAdmin', 'creditOffice'], departmentId: null, ip: null, requestId: null };
    departmentId = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT_USCC }, setup)).id;
    password = (await p.identity.createUser({ username: 'chen.qi', displayName: '陈七', departmentId, roles: ['submitter'] }, setup)).oneTimePassword;
    await p.collection.setGrants(departmentId, ['CF'], setup);
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('a 数据报送员 corrects the downloaded error workbook and uploads it as it is', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    await firstSignIn(page, base, 'chen.qi', password);
    await page.getByRole('menuitem', { name: '数据报送' }).click();
    await page.getByText('行政处罚信息（CF）').waitFor();

    await page.getByTestId('upload-input').setInputFiles({ name: '处罚信息.csv', mimeType: 'text/csv', buffer: Buffer.from(penaltyCsv(), 'utf8') });
    await page.getByTestId('upload-submit').click();
    const result = page.getByTestId('upload-result');
    await result.getByTestId('count-accepted').waitFor({ timeout: 30_000 });
    assert.match(await result.getByTestId('count-accepted').innerText(), /接受\s*1/);
    assert.match(await result.getByTestId('count-rejected').innerText(), /拒绝\s*1/);
    assert.match(await result.getByTestId('errors-roundtrip-hint').innerText(), /以\*号遮盖的个人信息不必改动，平台按原文件填回/);
    await result.getByTestId('issue-message').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'error-roundtrip-refused.png'), fullPage: true });

    // The clerk clicks the download button, as in the console.
    const [download] = await Promise.all([page.waitForEvent('download'), result.getByTestId('errors-download').click()]);
    const file = await download.path();
    assert.ok(file, 'the error workbook downloaded');
    const body = await readFile(file);
    const text = Object.values(unzipSync(new Uint8Array(body))).map((b) => Buffer.from(b).toString('utf8')).join('\n');
    assert.ok(!text.includes(ID) && !text.includes('小红'), 'no clear ID number or given name in the downloaded workbook');

    // Only the date is corrected; the masked name and ID number are left as they are.
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    assert.equal(sheet.getRow(2).getCell(header.indexOf('证件号码')).value, `350102********${ID.slice(-4)}`);
    sheet.getRow(2).getCell(header.indexOf('处罚决定日期')).value = '2026-02-28';
    const corrected = Buffer.from(await book.xlsx.writeBuffer());

    await page.getByTestId('upload-input').setInputFiles({ name: '处罚信息-错误报告-已改正.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: corrected });
    await page.getByTestId('upload-submit').click();
    await result.getByText('处罚信息-错误报告-已改正.xlsx').waitFor({ timeout: 30_000 });
    await result.getByTestId('count-accepted').waitFor({ timeout: 30_000 });
    assert.match(await result.getByTestId('count-accepted').innerText(), /接受\s*1/);
    assert.match(await result.getByTestId('count-rejected').innerText(), /拒绝\s*0/);
    await result.getByText('全部行已导入。').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'error-roundtrip.png'), fullPage: true });

    assert.equal(await p.collection.recordCount(departmentId, 'CF'), 2, 'both decisions, none twice');
    const s = await sql<{ id_number_enc: string }>`select s.id_number_enc from record r join subject s on s.id = r.subject_id where r.document_number = ${penaltyRow(DEPT_USCC, 1).CF_WSH ?? ''}`.execute(p.db);
    assert.equal(p.cipher.decrypt(s.rows[0]?.id_number_enc ?? ''), ID, 'the person, with the ID number of the original file');
    await context.close();
  });
});
