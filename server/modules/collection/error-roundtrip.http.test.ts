/**
 * The error workbook round trip for natural persons (issue #12, point 10): a row refused for another
 * reason comes back with the person masked; the clerk corrects only that reason and uploads the
 * workbook as it is, and the masked cells are filled from the original batch's stored file — never
 * putting the clear values into a downloaded file, a response or the audit.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { pino } from 'pino';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { systemClock } from '../../platform/clock.js';
import { FileVault } from '../../platform/crypto/file-vault.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { CollectionService } from './collection.service.js';

const A_USCC = makeUscc('11', '350100', 701);
const B_USCC = makeUscc('11', '350100', 702);
const NAME = '陈小红';
const GIVEN = '小红';

function csv(rows: Record<string, string>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${columns.join(',')}\r\n${rows.map((r) => columns.map((c) => q(r[c] ?? '')).join(',')).join('\r\n')}\r\n`;
}

/** A natural person's penalty, refused for its impossible decision date; the facts repeat the name. */
function personRow(n: number, id: string, overrides: Record<string, string> = {}): Record<string, string> {
  return penaltyRow(A_USCC, n, {
    CF_XDR_MC: NAME, CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id,
    CF_SY: `经查，当事人${NAME}销售的产品经抽检不合格。`, CF_JDRQ: '2026-02-30', ...overrides,
  });
}

/** Every text part of a workbook, unzipped: what a clerk's disk holds. */
function workbookText(body: Buffer): string {
  return Object.values(unzipSync(new Uint8Array(body))).map((b) => Buffer.from(b).toString('utf8')).join('\n');
}

describe(`the error workbook round trip for natural persons on ${ENGINE}`, () => {
  let p: TestPlatform;
  let a = '';
  let b = '';
  const clerkA = () => as('submitter', 'clerk-a', a);
  const clerkB = () => as('submitter', 'clerk-b', b);
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin', 'creditOffice'], departmentId: null, ip: null, requestId: null };

  const upload = async (body: string | Buffer, headers: Record<string, string>, name: string) => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...headers, 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(name) }, payload: body });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id as string;
  };
  const errorWorkbook = async (batchId: string, headers = clerkA()) => {
    const r = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batchId}/errors.xlsx`, headers });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.rawPayload;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    assert.ok(sheet);
    const header = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
    const col = (label: string) => {
      const i = header.indexOf(label);
      assert.ok(i > 0, `the workbook has a 「${label}」 column`);
      return i;
    };
    return { body, book, sheet, col, save: async () => Buffer.from(await book.xlsx.writeBuffer()) };
  };
  const issues = async (batchId: string, headers = clerkA()) => {
    const r = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches/${batchId}/issues`, headers });
    assert.equal(r.statusCode, 200, r.body);
    return { body: r.body, items: r.json().items as { rowNumber: number; problems: { code: string; message: string }[] }[] };
  };
  const subjectOf = async (documentNumber: string) => {
    const r = await sql<{ id_number_enc: string | null; name_enc: string | null; id_number_masked: string | null; data: Record<string, string> }>`
      select s.id_number_enc, s.name_enc, s.id_number_masked, r.data from record r join subject s on s.id = r.subject_id where r.document_number = ${documentNumber}`.execute(p.db);
    const row = r.rows[0];
    assert.ok(row, `a record ${documentNumber}`);
    return { idNumber: row.id_number_enc ? p.cipher.decrypt(row.id_number_enc) : null, name: row.name_enc ? p.cipher.decrypt(row.name_enc) : null, masked: row.id_number_masked, data: row.data };
  };
  /** A first upload whose person row (row 2) is refused for its date; an organization's row (row 3) goes in. */
  const refusedPerson = async (n: number, id: string) => {
    const first = await p.collection.run(await upload(csv([personRow(n, id), penaltyRow(A_USCC, n + 1)]), clerkA(), `自然人${n}.csv`));
    assert.deepEqual([first.accepted, first.rejected], [1, 1]);
    return first;
  };

  before(async () => {
    p = await startTestPlatform({ env: { UPLOAD_RATE_LIMIT: '1000' } });
    a = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, admin)).id;
    b = (await p.identity.createDepartment({ name: '福州市交通运输局', uscc: B_USCC }, admin)).id;
    await p.collection.setGrants(a, ['CF'], admin);
    await p.collection.setGrants(b, ['CF'], admin);
  });
  after(async () => p.stop());

  it('takes the corrected workbook as it is: masked cells are filled from the original file, and no clear value is in the workbook', async () => {
    const id = makeIdNumber('350102', '19850101', 77);
    const first = await refusedPerson(1000, id);
    const wb = await errorWorkbook(first.id);
    const text = workbookText(wb.body);
    assert.ok(!text.includes(id) && !text.includes(GIVEN), 'neither the ID number nor the given name is anywhere in the downloaded file');
    assert.equal(wb.sheet.getRow(2).getCell(wb.col('证件号码')).value, `350102********${id.slice(-4)}`);
    assert.equal(wb.sheet.getRow(2).getCell(wb.col('行政相对人名称')).value, '陈**');
    const ref = wb.col('来源引用');
    assert.equal(wb.sheet.getColumn(ref).hidden, true, 'the reference sits in a hidden column');
    assert.match(String(wb.sheet.getRow(2).getCell(ref).value), new RegExp(`^v1\\.${first.id}\\.2\\.[0-9a-f]{32}$`));
    assert.match(String(wb.sheet.getRow(2).getCell(wb.col('错误说明')).value), /遮盖的内容不必改动，原样上传时平台按原文件填回/);

    // The clerk corrects only the date, and uploads the workbook as it is.
    wb.sheet.getRow(2).getCell(wb.col('处罚决定日期')).value = '2026-02-28';
    const second = await p.collection.run(await upload(await wb.save(), clerkA(), '自然人-改正.xlsx'));
    assert.deepEqual({ accepted: second.accepted, rejected: second.rejected, created: second.created_records }, { accepted: 1, rejected: 0, created: 1 });
    const s = await subjectOf(penaltyRow(A_USCC, 1000).CF_WSH ?? '');
    assert.deepEqual({ id: s.idNumber, name: s.name, masked: s.masked }, { id, name: NAME, masked: `350102********${id.slice(-4)}` }, 'the person, with the ID number and name of the original file (encrypted)');
    assert.equal(s.data.CF_SY, '经查，当事人陈**销售的产品经抽检不合格。', 'the record keeps the name masked, as any person’s record');
    assert.equal(s.data.CF_JDRQ, '2026-02-28');

    // Audited with the import, in the chunk's row: which batch, how many rows; never a value.
    const audit = await sql<{ details: { maskedCellsFilledFrom?: Record<string, number> } }>`
      select details from audit_log where event = 'collection.chunk' and object_id = ${second.id}`.execute(p.db);
    assert.deepEqual(audit.rows.map((r) => r.details.maskedCellsFilledFrom), [{ [first.id]: 1 }]);
    const all = await sql<{ t: string }>`select string_agg(row_to_json(x)::text, '') as t from audit_log x`.execute(p.db);
    assert.ok(!all.rows[0]?.t.includes(id) && !all.rows[0]?.t.includes(GIVEN), 'no clear value in the audit');
  });

  it('goes round more than once: a row refused again comes back masked, and its workbook fills it in too', async () => {
    const id = makeIdNumber('350102', '19860202', 31);
    const first = await refusedPerson(1100, id);
    // Uploaded again uncorrected: filled, refused for the date again, and masked again.
    const wb1 = await errorWorkbook(first.id);
    const second = await p.collection.run(await upload(await wb1.save(), clerkA(), '未改正.xlsx'));
    assert.deepEqual([second.accepted, second.rejected], [0, 1]);
    const refused = await issues(second.id);
    assert.deepEqual(refused.items[0]?.problems.map((x) => x.code), ['DATE_INVALID'], 'only the date: the masked cells were filled');
    assert.ok(!refused.body.includes(id) && !refused.body.includes(GIVEN));

    const wb2 = await errorWorkbook(second.id);
    assert.ok(!workbookText(wb2.body).includes(id));
    wb2.sheet.getRow(2).getCell(wb2.col('处罚决定日期')).value = '2026-03-01';
    const third = await p.collection.run(await upload(await wb2.save(), clerkA(), '第二次改正.xlsx'));
    assert.deepEqual([third.accepted, third.rejected], [1, 0]);
    const s = await subjectOf(penaltyRow(A_USCC, 1100).CF_WSH ?? '');
    assert.deepEqual([s.idNumber, s.name], [id, NAME], 'filled through the second workbook back to the first file');
  });

  it('takes a cell the clerk changed as typed, and fills only the masked cells left as they were', async () => {
    const id = makeIdNumber('350102', '19870303', 45);
    const corrected = makeIdNumber('350102', '19870303', 46);
    const first = await refusedPerson(1200, id);
    const wb = await errorWorkbook(first.id);
    wb.sheet.getRow(2).getCell(wb.col('处罚决定日期')).value = '2026-02-28';
    wb.sheet.getRow(2).getCell(wb.col('证件号码')).value = corrected;
    const second = await p.collection.run(await upload(await wb.save(), clerkA(), '改了证件号码.xlsx'));
    assert.deepEqual([second.accepted, second.rejected], [1, 0]);
    const s = await subjectOf(penaltyRow(A_USCC, 1200).CF_WSH ?? '');
    assert.deepEqual([s.idNumber, s.name], [corrected, NAME], 'the typed ID number wins; the name comes from the original file');
  });

  it('refuses a tampered reference, a reference without its column value, and one to another department’s batch', async () => {
    const id = makeIdNumber('350102', '19880404', 52);
    const first = await refusedPerson(1300, id);
    const wb = await errorWorkbook(first.id);
    const cell = wb.sheet.getRow(2).getCell(wb.col('来源引用'));
    const signed = String(cell.value);
    // Pointing at another row of the same batch (its organization row): the signature no longer fits.
    wb.sheet.getRow(2).getCell(wb.col('处罚决定日期')).value = '2026-02-28';
    cell.value = signed.replace(/\.2\./, '.3.');
    const tampered = await p.collection.run(await upload(await wb.save(), clerkA(), '改了引用.xlsx'));
    assert.deepEqual([tampered.accepted, tampered.rejected], [0, 1]);
    const t = await issues(tampered.id);
    assert.deepEqual(t.items[0]?.problems.map((x) => x.code).sort(), ['SOURCE_REF_INVALID', 'VALUE_MASKED', 'VALUE_MASKED'], JSON.stringify(t.items));
    assert.match(t.items[0]?.problems.find((x) => x.code === 'SOURCE_REF_INVALID')?.message ?? '', /「来源引用」列中本行的引用不是平台为本行生成的.*不能按原文件填回/);

    // The reference emptied: refused as masked, as without the round trip.
    cell.value = '';
    const emptied = await p.collection.run(await upload(await wb.save(), clerkA(), '清空了引用.xlsx'));
    assert.deepEqual((await issues(emptied.id)).items[0]?.problems.map((x) => x.code), ['VALUE_MASKED', 'VALUE_MASKED']);

    // Department B uploads A's workbook (its own code as the data source, so only the reference is wrong).
    cell.value = signed;
    wb.sheet.getRow(2).getCell(wb.col('数据来源单位统一社会信用代码')).value = B_USCC;
    wb.sheet.getRow(2).getCell(wb.col('数据来源单位')).value = '';
    const other = await p.collection.run(await upload(await wb.save(), clerkB(), '别的部门的错误报告.xlsx'));
    assert.deepEqual([other.accepted, other.rejected], [0, 1]);
    const o = await issues(other.id, clerkB());
    assert.ok(o.items[0]?.problems.some((x) => x.code === 'SOURCE_REF_OTHER_DEPARTMENT' && /本行来自其他部门的错误报告.*只能上传本部门下载的错误报告/.test(x.message)), o.body);
    assert.ok(!o.body.includes(id) && !o.body.includes(GIVEN), 'nothing of A’s person reaches B');
    const stored = await sql<{ t: string }>`select string_agg(row_data::text, '') as t from import_row_issue where batch_id = ${other.id}`.execute(p.db);
    assert.ok(!stored.rows[0]?.t.includes(GIVEN), 'and nothing was filled in');
    const filled = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'collection.chunk' and object_id in (${tampered.id}, ${emptied.id}, ${other.id}) and details ? 'maskedCellsFilledFrom'`.execute(p.db);
    assert.equal(filled.rows[0]?.n, 0, 'no filling audited for any of them');
  });

  it('resumes an interrupted import of a corrected workbook without losing or repeating a row', async () => {
    const ids = [makeIdNumber('350102', '19890505', 11), makeIdNumber('350102', '19890506', 12), makeIdNumber('350102', '19890507', 13)];
    const rows = ids.map((id, i) => personRow(1400 + i, id, { CF_XDR_MC: ['陈小红', '林大伟', '黄美玲'][i] ?? NAME, CF_SY: '经查，当事人销售的产品经抽检不合格。' }));
    const first = await p.collection.run(await upload(csv(rows), clerkA(), '三个人.csv'));
    assert.deepEqual([first.accepted, first.rejected], [0, 3]);
    const wb = await errorWorkbook(first.id);
    for (const r of [2, 3, 4]) wb.sheet.getRow(r).getCell(wb.col('处罚决定日期')).value = '2026-02-28';
    // Accepted without starting its import (the upload route starts it at once).
    const clerk: Actor = { id: 'clerk-a', name: 'clerk-a', roles: ['submitter'], departmentId: a, ip: null, requestId: null };
    const batchId = (await p.collection.acceptFile({ actor: clerk, departmentId: a }, 'CF', '三个人-改正.xlsx', Readable.from([await wb.save()]))).id;

    // A second service over the same database and files, one row per chunk, stopped in its second chunk.
    let chunks = 0;
    const audit = new Proxy(p.audit, {
      get(target, prop) {
        if (prop === 'record') {
          return async (...args: Parameters<AuditLog['record']>) => {
            if (args[1].event === 'collection.chunk' && ++chunks === 2) throw new Error('killed');
            return target.record(...args);
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
      },
    });
    const interrupted = new CollectionService({
      db: p.db, catalog: p.catalog, subjects: p.subjects, records: p.records, audit, clock: systemClock,
      vault: new FileVault(path.join(p.config.dataDir, 'imports'), p.cipher.deriveKey('import files')),
      department: (x) => p.identity.department(x), regionName: p.catalog.regionName, log: pino({ level: 'silent' }),
      maxFileBytes: p.config.importMaxBytes, chunkSize: 1, sourceRefKey: p.cipher.deriveKey('error workbook references'),
    });
    await assert.rejects(interrupted.run(batchId), /killed/);
    const stopped = await p.collection.batch(batchId);
    assert.deepEqual([stopped?.status, stopped?.next_row, stopped?.accepted], ['importing', 3, 1], 'the first row committed, the second not');

    const done = await p.collection.run(batchId);
    assert.deepEqual({ accepted: done.accepted, rejected: done.rejected, created: done.created_records }, { accepted: 3, rejected: 0, created: 3 });
    for (const [i, id] of ids.entries()) {
      const s = await subjectOf(penaltyRow(A_USCC, 1400 + i).CF_WSH ?? '');
      assert.equal(s.idNumber, id, `row ${i + 2}: its own person`);
    }
    const audit2 = await sql<{ details: { maskedCellsFilledFrom?: Record<string, number> } }>`
      select details from audit_log where event = 'collection.chunk' and object_id = ${batchId}`.execute(p.db);
    const counted = audit2.rows.reduce((n, r) => n + (r.details.maskedCellsFilledFrom?.[first.id] ?? 0), 0);
    assert.equal(counted, 3, 'each filled row audited once');
  });

  it('keeps the reference column out of API records', async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: clerkA(), payload: { itemCode: 'CF', idempotencyKey: 'ref-0001', records: [{ ...penaltyRow(A_USCC, 1500), 来源引用: 'v1.x' }] } });
    assert.equal(r.statusCode, 422, r.body);
    assert.match(r.json().error.message, /来源引用/);
  });
});
