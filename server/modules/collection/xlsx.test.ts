import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { FileProblem } from './sources.js';
import { openXlsx, serialToDate } from './xlsx.js';

const opener = (buf: Buffer) => (start = 0, end?: number) => Readable.from([buf.subarray(start, end === undefined ? undefined : end + 1)]);

async function rowsOf(buf: Buffer) {
  const source = await openXlsx(opener(buf), buf.length);
  const rows = [];
  for await (const r of source.rows(2)) rows.push(r);
  return { header: source.header, rows };
}

async function workbook(fill: (sheet: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  fill(book.addWorksheet('行政处罚'));
  return Buffer.from(await book.xlsx.writeBuffer());
}

const problem = (re: RegExp) => (e: unknown) => e instanceof FileProblem && re.test(e.message);

describe('XLSX reader', () => {
  it('reads Chinese headers, shared strings, dates as dates, numbers and formulas (value plus a note)', async () => {
    const buf = await workbook((s) => {
      s.addRow(['行政相对人名称', '处罚决定日期', '罚款金额(万元)', '行政处罚决定书文号']);
      s.addRow(['福州某某有限公司', new Date(Date.UTC(2026, 5, 15)), 0.5, '榕市监罚〔2026〕1号']);
      s.addRow(['', '', '', '']);
      s.addRow(['厦门某某有限公司', new Date(Date.UTC(2024, 1, 29)), { formula: '0.2+0.3', result: 0.5 }, '厦市监罚〔2026〕2号']);
    });
    const { header, rows } = await rowsOf(buf);
    assert.deepEqual(header, ['行政相对人名称', '处罚决定日期', '罚款金额(万元)', '行政处罚决定书文号']);
    assert.deepEqual(rows.map((r) => [r.rowNumber, ...r.cells]), [
      [2, '福州某某有限公司', '2026-06-15', '0.5', '榕市监罚〔2026〕1号'],
      [4, '厦门某某有限公司', '2024-02-29', '0.5', '厦市监罚〔2026〕2号'],
    ]);
    assert.match(rows[1]?.notes?.[0] ?? '', /第C列是公式，已取其计算结果「0.5」/);
  });

  it('converts serial dates in both date systems', () => {
    assert.equal(serialToDate(46188, false), '2026-06-15');
    assert.equal(serialToDate(61, false), '1900-03-01');
    assert.equal(serialToDate(0, true), '1904-01-01');
  });

  it('refuses macro workbooks, non-workbook zips, truncated files and zip bombs', async () => {
    const good = await workbook((s) => s.addRow(['行政相对人名称']));
    const parts = unzipSync(new Uint8Array(good));
    await assert.rejects(rowsOf(Buffer.from(zipSync({ ...parts, 'xl/vbaProject.bin': new Uint8Array([1, 2, 3]) }))), problem(/含宏/));
    await assert.rejects(rowsOf(Buffer.from(zipSync({ 'readme.txt': strToU8('hello') }))), problem(/不是Excel工作簿/));
    await assert.rejects(rowsOf(good.subarray(0, Math.floor(good.length / 2))), problem(/损坏或不完整/));
    // 20 MB of one character compresses a thousandfold: refused from the directory, before inflating.
    const bomb = Buffer.from(zipSync({ ...parts, 'xl/worksheets/sheet1.xml': new Uint8Array(20 * 1024 * 1024).fill(60) }, { level: 9 }));
    await assert.rejects(rowsOf(bomb), problem(/压缩比异常|压缩炸弹/));
  });

  it('stops inflating at the declared size when the directory lies', async () => {
    const parts = unzipSync(new Uint8Array(await workbook((s) => s.addRow(['行政相对人名称']))));
    const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${'<row><c t="inlineStr"><is><t>x</t></is></c></row>'.repeat(50_000)}</sheetData></worksheet>`;
    const zip = Buffer.from(zipSync({ ...parts, 'xl/worksheets/sheet1.xml': strToU8(sheet) }));
    // Declare the sheet 1 000 bytes unpacked, in its local header and in the central directory.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    for (const sig of [0x04034b50, 0x02014b50]) {
      for (let i = zip.indexOf(Buffer.from([0x50, 0x4b])); i !== -1; i = zip.indexOf(Buffer.from([0x50, 0x4b]), i + 1)) {
        if (zip.readUInt32LE(i) !== sig) continue;
        const nameAt = sig === 0x04034b50 ? 30 : 46;
        const nameLength = zip.readUInt16LE(i + (sig === 0x04034b50 ? 26 : 28));
        if (zip.subarray(i + nameAt, i + nameAt + nameLength).equals(name)) zip.writeUInt32LE(1000, i + (sig === 0x04034b50 ? 22 : 24));
      }
    }
    await assert.rejects(rowsOf(zip), problem(/^工作簿中的部件「xl\/worksheets\/sheet1\.xml」的压缩数据已损坏（解压出的内容多于压缩目录记载的1000字节）/));
  });
});
