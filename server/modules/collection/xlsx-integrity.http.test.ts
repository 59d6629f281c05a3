/**
 * Issue #11: a workbook with a few flipped bits in its shared strings was imported, and its
 * garbled text (第一百二十四条 → 第一百二劁四条) became new published versions of existing records.
 * Now the upload is refused whole, naming the damaged part, and the records stay as they were.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import type { Actor } from '../audit/index.js';

const USCC = makeUscc('11', '350100', 611);
const BASIS = '《中华人民共和国行政处罚法》第一百二十四条';
const ROWS = [1, 2, 3].map((n) => penaltyRow(USCC, 600 + n, { CF_YJ: BASIS }));

/** A department's export: field codes as the header, shared strings, the date as a date and the amount as a number. */
async function workbook(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('行政处罚');
  const columns = Object.keys(ROWS[0] ?? {});
  sheet.addRow(columns);
  for (const r of ROWS) sheet.addRow(columns.map((c) => (c === 'CF_JDRQ' ? new Date(Date.UTC(2026, 5, 15)) : c === 'CF_NR_FK' ? 0.5 : r[c] ?? '')));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Where a part's data lies, by its central directory record. */
function dataOf(zip: Buffer, name: string): { start: number; size: number } {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const n = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + n) === name) {
      const local = zip.readUInt32LE(at + 42);
      return { start: local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28), size: zip.readUInt32LE(at + 20) };
    }
    at += 46 + n + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`no ${name}`);
}

function flipped(zip: Buffer, offsets: [number, number][]): Buffer {
  const out = Buffer.from(zip);
  for (const [at, mask] of offsets) out[at] = (out[at] ?? 0) ^ mask;
  return out;
}

describe(`collection: a damaged workbook on ${ENGINE}`, () => {
  let p: TestPlatform;
  let department = '';
  const clerk = () => as('submitter', 'clerk-a', department);
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const upload = (body: Buffer, name: string) =>
    p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...clerk(), 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) }, payload: body });
  const records = async () =>
    (await sql<{ document_number: string; version: number; basis: string }>`select document_number, version, data->>'CF_YJ' as basis from record where department_id = ${department} order by document_number`.execute(p.db)).rows;
  const history = async () => (await sql<{ n: number }>`select count(*)::int as n from record_version`.execute(p.db)).rows[0]?.n;

  before(async () => {
    p = await startTestPlatform();
    department = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: USCC }, admin)).id;
    await p.collection.setGrants(department, ['CF'], admin);
  });
  after(async () => p.stop());

  it('refuses the workbook it imported once a few bits of its shared strings flip: 422 naming the part, the records as they were', async () => {
    const deflated = await workbook();
    // The same parts stored rather than deflated: a flipped bit there is a changed character, as in the issue.
    const stored = Buffer.from(zipSync(unzipSync(new Uint8Array(deflated)), { level: 0 }));
    for (const [good, name] of [[deflated, '处罚信息.xlsx'], [stored, '处罚信息（另存）.xlsx']] as const) {
      const accepted = await upload(good, name);
      assert.equal(accepted.statusCode, 202, accepted.body);
      const batch = await p.collection.run(accepted.json().id);
      assert.deepEqual({ accepted: batch.accepted, rejected: batch.rejected }, { accepted: 3, rejected: 0 }, name);
    }
    const imported = await records();
    assert.deepEqual(imported.map((r) => [r.version, r.basis]), ROWS.map(() => [1, BASIS]), 'imported once, the second file unchanged');
    const versionsBefore = await history();

    const shared = dataOf(stored, 'xl/sharedStrings.xml');
    const ten = stored.subarray(shared.start, shared.start + shared.size).indexOf(Buffer.from('二十四条')) + shared.start + 4;
    const inDeflated = dataOf(deflated, 'xl/sharedStrings.xml');
    const middle = inDeflated.start + Math.floor(inDeflated.size / 2);
    const damaged: [Buffer, string][] = [
      // 十 (E5 8D 81) → 劁 (E5 8A 81): three bits.
      [flipped(stored, [[ten, 0x07]]), '处罚信息（另存）.xlsx'],
      [flipped(deflated, [[middle, 0x04], [middle + 3, 0x81]]), '处罚信息.xlsx'],
    ];
    for (const [body, name] of damaged) {
      const r = await upload(body, name);
      assert.equal(r.statusCode, 422, r.body);
      const error = r.json().error as { code: string; message: string };
      assert.equal(error.code, 'IMPORT_FILE_INVALID');
      assert.match(error.message, new RegExp(`^「${name.replace(/[()（）.]/g, '\\$&')}」不能导入：工作簿中的部件「xl/sharedStrings\\.xml」(内容校验失败（CRC-32不符）|的压缩数据已损坏[，（][^，]*)，文件已损坏或被篡改，整个文件不予导入`));
    }
    assert.deepEqual(await records(), imported, 'same versions, same text');
    assert.equal(await history(), versionsBefore, 'no version was replaced');
    const garbled = await sql<{ n: number }>`select count(*)::int as n from record where data::text like ${'%劁%'}`.execute(p.db);
    assert.equal(garbled.rows[0]?.n, 0);
    const list = await p.app.inject({ method: 'GET', url: '/api/v1/collection/batches?pageSize=100', headers: clerk() });
    const failed = (list.json().items as { status: string; failure: string | null }[]).filter((b) => b.status === 'failed');
    assert.equal(failed.length, 2, 'each refused attempt is listed');
    for (const b of failed) assert.match(b.failure ?? '', /「xl\/sharedStrings\.xml」/);
  });
});
