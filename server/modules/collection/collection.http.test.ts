import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';

const A_USCC = makeUscc('11', '350100', 501);
const B_USCC = makeUscc('11', '350100', 502);
const LABELS: Record<string, string> = {
  CF_XDR_MC: '行政相对人名称', CF_XDR_LB: '行政相对人类别', CF_XDR_SHXYM: '行政相对人代码_1（统一社会信用代码）', CF_FRDB: '法定代表人',
  CF_XDR_ZJLX: '证件类型', CF_XDR_ZJHM: '证件号码', CF_WSH: '行政处罚决定书文号', CF_WFXW: '违法行为类型', CF_SY: '违法事实', CF_YJ: '处罚依据',
  CF_CFLB: '处罚类别', CF_NR: '处罚内容', CF_NR_FK: '罚款金额（万元）', CF_JDRQ: '处罚决定日期', CF_YXQ: '处罚有效期', CF_CFJG: '处罚机关',
  CF_CFJGDM: '处罚机关统一社会信用代码', CF_SJLY: '数据来源单位', CF_SJLYDM: '数据来源单位统一社会信用代码',
};
const COLUMNS = Object.keys(LABELS);

function csv(rows: Record<string, string>[], header: 'labels' | 'codes' = 'labels'): string {
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const head = COLUMNS.map((c) => (header === 'labels' ? LABELS[c] ?? c : c)).join(',');
  return `${head}\r\n${rows.map((r) => COLUMNS.map((c) => q(r[c] ?? '')).join(',')).join('\r\n')}\r\n`;
}

describe(`collection: files and API batches on ${ENGINE}`, () => {
  let p: TestPlatform;
  let a = '';
  let b = '';
  const officer = as('creditOffice');
  const clerkA = () => as('submitter', 'clerk-a', a);
  const clerkB = () => as('submitter', 'clerk-b', b);
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const person = makeIdNumber('110105', '19800101', 12);

  const rows = () => [
    penaltyRow(A_USCC, 1),
    penaltyRow(A_USCC, 2, { CF_NR_FK: '' }), // 罚款 without its amount
    penaltyRow(A_USCC, 3, { CF_XDR_MC: '张小明', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: person }),
    penaltyRow(A_USCC, 4, { CF_JDRQ: '2026-02-30' }),
    penaltyRow(A_USCC, 5, { CF_CFLB: '警告', CF_NR_FK: '' }),
  ];
  const upload = (body: string | Buffer, headers: Record<string, string>, item = 'CF', name = '处罚信息.csv') =>
    p.app.inject({ method: 'POST', url: `/api/v1/collection/files?item=${item}`, headers: { ...headers, 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(name) }, payload: body });
  const importFile = async (body: string | Buffer, name?: string) => {
    const r = await upload(body, clerkA(), 'CF', name);
    assert.equal(r.statusCode, 202, r.body);
    return p.collection.run(r.json().id);
  };
  const count = () => p.collection.recordCount(a, 'CF');

  before(async () => {
    // This suite uploads more files in a minute than one clerk may (the limit has its own test).
    p = await startTestPlatform({ env: { UPLOAD_RATE_LIMIT: '1000' } });
    a = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, admin)).id;
    b = (await p.identity.createDepartment({ name: '福州市交通运输局', uscc: B_USCC }, admin)).id;
  });
  after(async () => p.stop());

  it('a department submits only the items the credit office granted it', async () => {
    const refused = await upload(csv(rows()), clerkA());
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'IMPORT_ITEM_NOT_ALLOWED');
    assert.match(refused.json().error.message, /福州市市场监督管理局.*未获准报送.*行政处罚信息/);
    const grant = await p.app.inject({ method: 'PUT', url: `/api/v1/collection/grants/${a}`, headers: officer, payload: { itemCodes: ['CF', 'XK'] } });
    assert.equal(grant.statusCode, 200, grant.body);
    assert.deepEqual(grant.json().itemCodes, ['CF', 'XK']);
    const bad = await p.app.inject({ method: 'PUT', url: `/api/v1/collection/grants/${a}`, headers: officer, payload: { itemCodes: ['NOPE'] } });
    assert.equal(bad.statusCode, 400);
    const asClerk = await p.app.inject({ method: 'PUT', url: `/api/v1/collection/grants/${a}`, headers: clerkA(), payload: { itemCodes: ['CF'] } });
    assert.equal(asClerk.statusCode, 403);
    const own = await p.app.inject({ method: 'GET', url: `/api/v1/collection/grants/${a}`, headers: clerkA() });
    assert.deepEqual(own.json(), { departmentId: a, itemCodes: ['CF', 'XK'], maxFileBytes: 500 * 1048576 }, 'the department sees its items and the upload limit');
    // The credit office's matrix reads every department's grants in one answer; a department may not.
    const all = await p.app.inject({ method: 'GET', url: '/api/v1/collection/grants', headers: officer });
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(all.json().items.filter((g: { departmentId: string }) => g.departmentId === a), [{ departmentId: a, itemCodes: ['CF', 'XK'] }]);
    assert.equal((await p.app.inject({ method: 'GET', url: '/api/v1/collection/grants', headers: clerkA() })).statusCode, 403);
  });

  it('imports the valid rows of a file with Chinese headers and keeps each rejected row with its reasons', async () => {
    const batch = await importFile(csv(rows()));
    assert.deepEqual(
      { status: batch.status, total: batch.rows_total, accepted: batch.accepted, rejected: batch.rejected, created: batch.created_records },
      { status: 'imported', total: 5, accepted: 3, rejected: 2, created: 3 },
    );
    assert.equal(await count(), 3);
    const issues = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}/issues`, headers: clerkA() });
    assert.equal(issues.statusCode, 200);
    const items = issues.json().items as { rowNumber: number; problems: { field: string; label: string; code: string; message: string }[] }[];
    assert.deepEqual(items.map((i) => [i.rowNumber, i.problems[0]?.code, i.problems[0]?.field]), [[3, 'FINE_AMOUNT', 'CF_NR_FK'], [5, 'DATE_INVALID', 'CF_JDRQ']]);
    assert.match(items[1]?.problems[0]?.message ?? '', /「处罚决定日期」\(CF_JDRQ\)「2026-02-30」不是有效日期/);
    const report = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}/errors.xlsx`, headers: clerkA() });
    assert.equal(report.statusCode, 200);
    assert.match(String(report.headers['content-disposition']), /filename\*=UTF-8''/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.equal(sheet?.getRow(1).getCell(2).value, '错误说明');
    assert.deepEqual([sheet?.getRow(2).getCell(1).value, sheet?.getRow(3).getCell(1).value], [3, 5], 'original row numbers');
    assert.match(String(sheet?.getRow(2).getCell(2).value), /罚款金额必填/);
    assert.equal(sheet?.getRow(2).getCell(3).value, '福州测试2贸易有限公司', 'the original row follows');
    const subject = await sql<{ n: number }>`select count(*)::int as n from subject where uscc = ${penaltyRow(A_USCC, 1).CF_XDR_SHXYM ?? ''}`.execute(p.db);
    assert.equal(subject.rows[0]?.n, 1, 'the organization became a subject');
  });

  it('re-submitting creates new versions, never duplicates', async () => {
    const fixed = rows().map((r, i) => (i === 1 ? { ...r, CF_NR_FK: '1.5' } : i === 3 ? { ...r, CF_JDRQ: '2026-02-28' } : r));
    fixed[0] = { ...fixed[0], CF_NR_FK: '0.8' } as Record<string, string>; // a corrected amount
    const again = await importFile(csv(fixed, 'codes'), '处罚信息（修正）.csv');
    assert.deepEqual(
      { accepted: again.accepted, rejected: again.rejected, created: again.created_records, updated: again.updated_records, unchanged: again.unchanged_records },
      { accepted: 5, rejected: 0, created: 2, updated: 1, unchanged: 2 },
    );
    assert.equal(await count(), 5);
    const rec = await sql<{ id: string; version: number; data: { CF_NR_FK: string } }>`select id, version, data from record where document_number = ${'榕市监罚〔2026〕1号'}`.execute(p.db);
    assert.equal(rec.rows[0]?.version, 2);
    assert.equal(rec.rows[0]?.data.CF_NR_FK, '0.8');
    const history = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${rec.rows[0]?.id ?? ''}`, headers: clerkA() });
    assert.equal(history.statusCode, 200, history.body);
    assert.deepEqual(history.json().versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.deepEqual(history.json().versions[0].changes, [{ field: 'CF_NR_FK', label: '罚款金额(万元)', before: '0.5', after: '0.8' }], 'the difference between versions');
    const [v2, v1] = history.json().versions as { batchId: string }[];
    assert.equal(v2?.batchId, again.id, 'the current version came with the corrected file');
    assert.notEqual(v1?.batchId, again.id, 'the replaced version keeps the batch it came with');
    const asB = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${rec.rows[0]?.id ?? ''}`, headers: clerkB() });
    assert.equal(asB.statusCode, 403);

    const same = await importFile(csv(fixed, 'codes'), '再传一次.csv');
    assert.deepEqual({ unchanged: same.unchanged_records, created: same.created_records, updated: same.updated_records }, { unchanged: 5, created: 0, updated: 0 });
    assert.equal(await count(), 5);
    const kept = await sql<{ n: number }>`select count(*)::int as n from record_version where record_id = ${rec.rows[0]?.id ?? ''}`.execute(p.db);
    assert.equal(kept.rows[0]?.n, 1, 'history holds the one replaced version, not the unchanged re-submission');
    // The history trigger itself: writing the same content is no new version.
    await sql`update record set data = data, subject_id = subject_id where id = ${rec.rows[0]?.id ?? ''}`.execute(p.db);
    const still = await sql<{ n: number }>`select count(*)::int as n from record_version where record_id = ${rec.rows[0]?.id ?? ''}`.execute(p.db);
    assert.equal(still.rows[0]?.n, 1);
  });

  it('reads GB18030 and UTF-8 with BOM alike', async () => {
    const text = csv([penaltyRow(A_USCC, 20), penaltyRow(A_USCC, 21)]);
    const gbk = await importFile(iconv.encode(text, 'gb18030'), 'gbk.csv');
    assert.deepEqual({ format: gbk.file_format, accepted: gbk.accepted, rejected: gbk.rejected }, { format: 'csv-gb18030', accepted: 2, rejected: 0 });
    const bom = await importFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv([penaltyRow(A_USCC, 22)]))]), 'bom.csv');
    assert.deepEqual({ format: bom.file_format, accepted: bom.accepted }, { format: 'csv-utf-8', accepted: 1 });
    const names = await sql<{ name: string }>`select name from subject where uscc = ${penaltyRow(A_USCC, 20).CF_XDR_SHXYM ?? ''}`.execute(p.db);
    assert.equal(names.rows[0]?.name, '福州测试20贸易有限公司', 'GB18030 decoded into the right characters');
  });

  it('imports XLSX workbooks with Chinese-label or field-code headers, dates as dates', async () => {
    for (const [header, n] of [['labels', 60], ['codes', 61]] as const) {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('行政处罚');
      sheet.addRow(COLUMNS.map((c) => (header === 'labels' ? LABELS[c] ?? c : c)));
      const row = penaltyRow(A_USCC, n);
      sheet.addRow(COLUMNS.map((c) => (c === 'CF_JDRQ' ? new Date(Date.UTC(2026, 5, 15)) : c === 'CF_NR_FK' ? 0.5 : row[c] ?? '')));
      sheet.addRow(COLUMNS.map((c) => (c === 'CF_WSH' ? `榕市监罚〔2026〕${n}-1号` : c === 'CF_NR_FK' ? '' : row[c] ?? '')));
      const done = await importFile(Buffer.from(await book.xlsx.writeBuffer()), `处罚信息-${header}.xlsx`);
      assert.deepEqual({ format: done.file_format, accepted: done.accepted, rejected: done.rejected }, { format: 'xlsx', accepted: 1, rejected: 1 }, header);
    }
    const rec = await sql<{ d: string }>`select decision_date::text as d from record where document_number = ${'榕市监罚〔2026〕60号'}`.execute(p.db);
    assert.equal(rec.rows[0]?.d, '2026-06-15');
  });

  it('offers an XLSX template per item that imports as is once filled below its marked rows', async () => {
    const t = await p.app.inject({ method: 'GET', url: '/api/v1/collection/templates/CF', headers: clerkA() });
    assert.equal(t.statusCode, 200);
    assert.match(decodeURIComponent(String(t.headers['content-disposition'])), /行政处罚信息（CF）报送模板\.xlsx/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(t.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.ok(sheet);
    assert.equal(sheet.getRow(1).getCell(1).value, '*行政相对人名称');
    assert.match(String(sheet.getRow(2).getCell(1).value), /^【说明】CF_XDR_MC｜必填/);
    assert.match(String(sheet.getRow(2).getCell(2).value), /可选：法人及非法人组织、自然人、个体工商户/);
    assert.match(String(sheet.getRow(3).getCell(1).value), /^【示例】/);
    assert.equal(sheet.getCell('B4').dataValidation?.type, 'list', 'a drop-down for 行政相对人类别');
    const codes = (sheet.getRow(1).values as unknown[]).slice(1).map((_, i) => (book.worksheets[0]?.getRow(2).getCell(i + 1).value as string).replace('【说明】', '').split('｜')[0] ?? '');
    for (const [r, n] of [[4, 70], [5, 71]] as const) {
      const row = penaltyRow(A_USCC, n);
      codes.forEach((code, i) => (sheet.getRow(r).getCell(i + 1).value = row[code] ?? null));
    }
    const done = await importFile(Buffer.from(await book.xlsx.writeBuffer()), '模板.xlsx');
    assert.deepEqual({ accepted: done.accepted, rejected: done.rejected, rows: done.rows_total }, { accepted: 2, rejected: 0, rows: 2 }, 'the 【说明】 and 【示例】 rows are skipped');
  });

  it('refuses whole-file problems with one clear message and leaves nothing behind', async () => {
    const before = await count();
    const cases: [string | Buffer, RegExp][] = [
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /PDF文件/],
      ['', /空的|请求体/],
      [csv([]), /只有表头/],
      [`${csv([penaltyRow(A_USCC, 30)]).replace('处罚内容', '处罚颜色')}`, /第12列表头「处罚颜色」/],
      [`宗教信仰,${csv([penaltyRow(A_USCC, 31)]).replace('\r\n', ',\r\n')}`, /禁止采集/],
      [`${csv([penaltyRow(A_USCC, 32)])}"unclosed,quote\r\n`, /CSV格式错误|引号/],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), /XLSX文件已损坏或不完整/],
    ];
    for (const [body, message] of cases) {
      const r = await upload(body, clerkA());
      assert.ok([400, 415, 422].includes(r.statusCode), `${message}: ${r.statusCode} ${r.body}`);
      assert.match(r.json().error.message, message, r.body);
    }
    assert.equal(await count(), before, 'no record from a refused file');
    const list = await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches?pageSize=100', headers: clerkA() });
    assert.ok(list.json().items.some((i: { status: string; failure: string }) => i.status === 'failed' && /PDF/.test(i.failure)), 'the refused attempt is listed with its reason');
  });

  it('takes back the error workbook with its rows corrected, as the clerk downloaded it', async () => {
    // Two rows to correct, and a repeat of 903 with another amount (the first 903 is imported).
    const bad = [penaltyRow(A_USCC, 901, { CF_NR_FK: '' }), penaltyRow(A_USCC, 902, { CF_JDRQ: '2026-02-30' }), penaltyRow(A_USCC, 903), penaltyRow(A_USCC, 903, { CF_NR_FK: '9' })];
    const first = await importFile(csv(bad), '第二批.csv');
    assert.deepEqual([first.accepted, first.rejected], [1, 3]);
    const report = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${first.id}/errors.xlsx`, headers: clerkA() });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const [sheet, repeats] = book.worksheets;
    assert.ok(sheet && repeats);
    assert.equal(sheet.rowCount, 3, 'the header and the two rows to correct');
    assert.equal(repeats.name, '重复的行（勿重新上传）');
    assert.deepEqual([repeats.rowCount, repeats.getRow(2).getCell(1).value], [2, 5], 'the repeat is kept apart, by its row number');
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    // The clerk types the missing amount and the right date into the workbook and uploads it as it is.
    sheet.getRow(2).getCell(header.indexOf('罚款金额(万元)')).value = '0.3';
    sheet.getRow(3).getCell(header.indexOf('处罚决定日期')).value = '2026-02-28';
    const fixed = Buffer.from(await book.xlsx.writeBuffer());
    const before = await count();
    const again = await upload(fixed, clerkA(), 'CF', '错误报告-已改正.xlsx');
    assert.equal(again.statusCode, 202, again.body);
    const second = await p.collection.run(again.json().id);
    assert.deepEqual({ accepted: second.accepted, rejected: second.rejected, created: second.created_records }, { accepted: 2, rejected: 0, created: 2 });
    assert.equal(await count(), before + 2, 'the corrected rows are in, nothing twice');
    const kept = await sql<{ version: number; fine: string }>`select version, data->>'CF_NR_FK' as fine from record where document_number = ${'榕市监罚〔2026〕903号'}`.execute(p.db);
    assert.deepEqual(kept.rows[0], { version: 1, fine: '0.5' }, 'the repeat did not replace the imported row');
  });

  it('says on a row of the error workbook that its personal values come back masked, and quotes each value once', async () => {
    const id = makeIdNumber('350102', '19850101', 77);
    const personRow = penaltyRow(A_USCC, 950, { CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id, CF_JDRQ: '2026-02-30' });
    // And a valid row of the same person twice: the second is kept apart as a repeat, masked as well.
    const twice = { ...personRow, CF_WSH: '榕市监罚〔2026〕952号', CF_JDRQ: '2026-03-02' };
    const batch = await importFile(csv([personRow, penaltyRow(A_USCC, 951, { CF_JDRQ: '2026-02-31' }), twice, twice]), '自然人.csv');
    assert.deepEqual([batch.accepted, batch.rejected], [1, 3]);
    const report = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}/errors.xlsx`, headers: clerkA() });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const person = String(sheet?.getRow(2).getCell(2).value);
    assert.match(person, /「2026-02-30」不是有效日期/);
    assert.doesNotMatch(person, /值：2026-02-30/, 'the reason quotes the value already');
    assert.match(person, /本行的个人信息以\*号遮盖。遮盖的内容不必改动，原样上传时平台按原文件填回；如要更正这些信息，请填写完整的原始信息/);
    assert.doesNotMatch(String(sheet?.getRow(3).getCell(2).value), /个人信息/, 'an organization’s row has nothing masked');
    const repeats = book.worksheets[1];
    assert.equal(repeats?.rowCount, 2, 'the repeat, on its own sheet');
    for (const s of [sheet, repeats]) {
      const text = JSON.stringify(s?.getSheetValues());
      assert.ok(!text.includes(id) && !text.includes('小红'), `${s?.name}: the person’s ID number and given name are not in the workbook`);
    }
    const issues = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batch.id}/issues`, headers: clerkA() });
    assert.ok(!issues.body.includes('小红') && !issues.body.includes(id), 'nor in the rejected rows the console lists');
    // The imported record's history (the console's 详情) shows the person masked too.
    const rec = (await sql<{ id: string }>`select id from record where document_number = ${'榕市监罚〔2026〕952号'}`.execute(p.db)).rows[0];
    const history = await p.app.inject({ method: 'GET', url: `/api/v1/collection/records/${rec?.id}`, headers: clerkA() });
    assert.equal(history.statusCode, 200, history.body);
    assert.equal(history.json().versions[0].changes.find((c: { field: string }) => c.field === 'CF_XDR_MC')?.after, '陈**');
    assert.ok(!history.body.includes('小红') && !history.body.includes(id), 'the history shows the person masked');
  });

  it('answers 413 before reading a body over the size limit', async () => {
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/v1/collection/files?item=CF',
      headers: { ...clerkA(), 'content-type': 'text/csv', 'content-length': String(600 * 1024 * 1024) },
      payload: 'x',
    });
    assert.equal(r.statusCode, 413);
    assert.match(r.json().error.message, /500 MB/);
  });

  it('takes API batches idempotently', async () => {
    const records = [penaltyRow(A_USCC, 40), penaltyRow(A_USCC, 41, { CF_XDR_LB: '未知' })];
    const post = (key: string, recs: Record<string, string>[]) =>
      p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: clerkA(), payload: { itemCode: 'CF', idempotencyKey: key, records: recs } });
    const first = await post('batch-0001', records);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual({ accepted: first.json().batch.accepted, rejected: first.json().batch.rejected }, { accepted: 1, rejected: 1 });
    assert.equal(first.json().rejected[0].rowNumber, 2);
    assert.equal(first.json().rejected[0].problems[0].code, 'ENUM_INVALID');
    const retry = await post('batch-0001', records);
    assert.equal(retry.json().batch.id, first.json().batch.id, 'a retry returns the first result');
    const conflict = await post('batch-0001', [penaltyRow(A_USCC, 42)]);
    assert.equal(conflict.statusCode, 409);
    const unknown = await post('batch-0002', [{ ...penaltyRow(A_USCC, 43), 颜色: '红' }]);
    assert.equal(unknown.statusCode, 422);
  });

  it('department B cannot see or submit as department A', async () => {
    const list = await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches', headers: clerkA() });
    const id = list.json().items[0].id as string;
    const asB = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${id}`, headers: clerkB() });
    assert.equal(asB.statusCode, 403);
    const issuesB = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${id}/issues`, headers: clerkB() });
    assert.equal(issuesB.statusCode, 403);
    const listB = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches?departmentId=${a}`, headers: clerkB() });
    assert.equal(listB.json().total, 0, 'the department filter cannot widen a department’s view');
    const grantsB = await p.app.inject({ method: 'GET', url: `/api/v1/collection/grants/${a}`, headers: clerkB() });
    assert.equal(grantsB.statusCode, 403);
    const asOfficer = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${id}`, headers: officer });
    assert.equal(asOfficer.statusCode, 200);
    // B's own rows naming A as their data source are refused row by row.
    await p.app.inject({ method: 'PUT', url: `/api/v1/collection/grants/${b}`, headers: officer, payload: { itemCodes: ['CF'] } });
    const spoof = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: clerkB(), payload: { itemCode: 'CF', idempotencyKey: 'spoof-0001', records: [penaltyRow(A_USCC, 50)] } });
    assert.equal(spoof.json().batch.accepted, 0);
    assert.equal(spoof.json().rejected[0].problems.find((x: { code: string }) => x.code === 'PROVIDER_MISMATCH')?.field, 'CF_SJLYDM');
    const denied = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'access.denied' and object_type = 'importBatch'`.execute(p.db);
    assert.ok((denied.rows[0]?.n ?? 0) >= 2, 'the refusals are audited');
  });

  it('links a known organization to the legal representative a later record names', async () => {
    const rep = makeIdNumber('350102', '19700303', 21);
    const uscc = penaltyRow(A_USCC, 2).CF_XDR_SHXYM ?? '';
    const before = await sql<{ legal_rep_id: string | null }>`select legal_rep_id from subject where uscc = ${uscc}`.execute(p.db);
    assert.equal(before.rows[0]?.legal_rep_id, null);
    await importFile(csv([penaltyRow(A_USCC, 80, { CF_XDR_MC: '福州测试2贸易有限公司', CF_XDR_SHXYM: uscc, CF_FR_ZJLX: '身份证', CF_FR_ZJHM: rep })]).replace(/\r\n/, ',法定代表人证件类型,法定代表人证件号码\r\n').replace(/\r\n$/, `,身份证,${rep}\r\n`), '法人.csv');
    const after = await sql<{ legal_rep_id: string | null; masked: string | null }>`select s.legal_rep_id, r.id_number_masked as masked from subject s left join subject r on r.id = s.legal_rep_id where s.uscc = ${uscc}`.execute(p.db);
    assert.ok(after.rows[0]?.legal_rep_id, 'linked');
    assert.equal(after.rows[0]?.masked, `350102********${rep.slice(-4)}`);
  });

  it('keeps a conflicting name for a known code as a data-quality warning', async () => {
    const renamed = await importFile(csv([penaltyRow(A_USCC, 1, { CF_XDR_MC: '福州测试1贸易股份有限公司', CF_NR_FK: '0.8' })]), '改名.csv');
    assert.equal(renamed.warnings, 1);
    const w = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${renamed.id}/issues?kind=warning`, headers: clerkA() });
    assert.match(w.json().items[0].problems[0].message, /已登记为「福州测试1贸易有限公司」.*名称不一致/);
  });
});
