/**
 * A damaged workbook is refused whole, naming the damaged part, and never imported with other
 * text than it was saved with (issue #11: 第一百二十四条 became 第一百二劁四条 and was published).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { countRows, FileProblem } from './sources.js';
import { crc32Portable, openXlsx } from './xlsx.js';

const opener = (buf: Buffer) => (start = 0, end?: number) => Readable.from([buf.subarray(start, end === undefined ? undefined : end + 1)]);

/** As the file vault reads: in chunks of 64 KB. */
const chunked = (buf: Buffer) => (start = 0, end?: number) => {
  const range = buf.subarray(start, end === undefined ? undefined : end + 1);
  return Readable.from(Array.from({ length: Math.ceil(range.length / 65_536) }, (_, i) => range.subarray(i * 65_536, (i + 1) * 65_536)));
};

async function rowsOf(buf: Buffer) {
  const source = await openXlsx(opener(buf), buf.length);
  const rows = [];
  for await (const r of source.rows(2)) rows.push(r);
  return { header: source.header, rows };
}

const BASIS = '《中华人民共和国行政处罚法》第一百二十四条';

/** Shared strings with the legal text, numbers and dates inline: what a department exports. */
async function penalties(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('行政处罚');
  sheet.addRow(['行政相对人名称', '处罚依据', '罚款金额(万元)', '处罚决定日期']);
  for (let i = 1; i <= 4; i++) sheet.addRow([`福州测试${i}贸易有限公司`, BASIS, 0.5 * i, new Date(Date.UTC(2026, 5, 10 + i))]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The same parts, every one stored (method 0) rather than deflated. */
const stored = (zip: Buffer) => Buffer.from(zipSync(unzipSync(new Uint8Array(zip)), { level: 0 }));

interface Where {
  /** Central directory record. */
  cd: number;
  local: number;
  data: number;
  size: number;
}

/** Each part's central directory record, local header and data, by name. */
function layout(zip: Buffer): Map<string, Where> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const parts = new Map<string, Where>();
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const n = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    parts.set(zip.toString('utf8', at + 46, at + 46 + n), { cd: at, local, data, size: zip.readUInt32LE(at + 20) });
    at += 46 + n + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return parts;
}

function part(zip: Buffer, name: string): Where {
  const w = layout(zip).get(name);
  assert.ok(w, name);
  return w;
}

/** Flips the bits of `mask` in the byte at `offset` (a copy). */
function flip(zip: Buffer, offset: number, mask: number): Buffer {
  const out = Buffer.from(zip);
  out[offset] = (out[offset] ?? 0) ^ mask;
  return out;
}

/** Offset of `needle` inside a stored part's data. */
function inStored(zip: Buffer, name: string, needle: string): number {
  const w = part(zip, name);
  const at = zip.subarray(w.data, w.data + w.size).indexOf(Buffer.from(needle));
  assert.ok(at >= 0, `${needle} in ${name}`);
  return w.data + at;
}

/**
 * The workbook with one part's text changed but the directory's CRC-32 of the original kept, in
 * the local header and the central directory: a part whose content no longer matches its checksum.
 */
function garbled(zip: Buffer, name: string, from: string, to: string): Buffer {
  const parts = unzipSync(new Uint8Array(zip));
  const original = Buffer.from(parts[name] ?? []);
  const changed = Buffer.from(original.toString('utf8').replace(from, to));
  assert.equal(changed.length, original.length, 'same size, other text');
  assert.ok(!changed.equals(original));
  const out = Buffer.from(zipSync({ ...parts, [name]: new Uint8Array(changed) }));
  const w = part(out, name);
  const crc = crc32Portable(original);
  out.writeUInt32LE(crc, w.local + 14);
  out.writeUInt32LE(crc, w.cd + 16);
  return out;
}

/** The message is Chinese, and carries no underlying library's English (part names aside). */
function chinese(message: string): boolean {
  const words = message.replace(/「[^」]*」/g, '').replace(/XLSX|XML|Excel|CRC-32|MB|XFD|\.xlsx|\.xlsm/g, '');
  return /[\u4e00-\u9fff]/.test(message) && !/[A-Za-z]{2,}/.test(words);
}

const refused = (re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof FileProblem, `a FileProblem, not ${String(e)}`);
  assert.match(e.message, re);
  assert.ok(chinese(e.message), e.message);
  return true;
};

describe('XLSX integrity', () => {
  it('reads the undamaged workbook, deflated and stored, with the legal text as written', async () => {
    const good = await penalties();
    for (const buf of [good, stored(good)]) {
      const { header, rows } = await rowsOf(buf);
      assert.deepEqual(header, ['行政相对人名称', '处罚依据', '罚款金额(万元)', '处罚决定日期']);
      assert.deepEqual(rows[0]?.cells, ['福州测试1贸易有限公司', BASIS, '0.5', '2026-06-11']);
      assert.equal(rows.length, 4);
    }
  });

  it('refuses flipped bits in the shared strings: stored, deflated, and a corrupt deflate stream', async () => {
    const good = await penalties();
    // 十 is E5 8D 81 and 劁 is E5 8A 81: three flipped bits, the garbling the issue reports.
    const flipped = flip(stored(good), inStored(stored(good), 'xl/sharedStrings.xml', '二十四') + 4, 0x07);
    await assert.rejects(rowsOf(flipped), refused(/^工作簿中的部件「xl\/sharedStrings\.xml」内容校验失败（CRC-32不符），文件已损坏或被篡改，整个文件不予导入：请在Excel中重新保存后上传$/));
    await assert.rejects(rowsOf(garbled(good, 'xl/sharedStrings.xml', '二十四', '二劁四')), refused(/「xl\/sharedStrings\.xml」内容校验失败（CRC-32不符）/));
    // Block type 11 does not exist: zlib stops at once ("invalid block type"), said here by kind.
    const data = part(good, 'xl/sharedStrings.xml').data;
    await assert.rejects(rowsOf(flip(good, data, ((good[data] ?? 0) & 0x06) ^ 0x06)), refused(/^工作簿中的部件「xl\/sharedStrings\.xml」的压缩数据已损坏，无法解压，文件已损坏或被篡改/));
    // Bits flipped mid-stream garble the XML too: the part is still read to its end, and its CRC-32 named.
    const middle = data + Math.floor(part(good, 'xl/sharedStrings.xml').size / 2);
    await assert.rejects(rowsOf(flip(flip(good, middle, 0x10), middle + 7, 0x03)), refused(/^工作簿中的部件「xl\/sharedStrings\.xml」(内容校验失败（CRC-32不符）|的压缩数据已损坏)[，（]/));
  });

  it('refuses flipped bits in the sheet found only at its end, in the first pass, before a row is imported', async () => {
    // Enough rows that the sheet streams in many chunks: its first rows are read before its end.
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('行政处罚');
    sheet.addRow(['行政相对人名称', '处罚依据', '罚款金额(万元)']);
    for (let i = 1; i <= 3000; i++) sheet.addRow([`福州测试${i}贸易有限公司`, BASIS, i + 0.5]);
    const good = Buffer.from(await book.xlsx.writeBuffer());
    const plain = stored(good);
    const last = '<v>3000.5</v>';
    for (const damaged of [flip(plain, inStored(plain, 'xl/worksheets/sheet1.xml', last) + 8, 0x02), garbled(good, 'xl/worksheets/sheet1.xml', last, '<v>3000.7</v>')]) {
      const source = await openXlsx(chunked(damaged), damaged.length);
      assert.equal(source.header[1], '处罚依据', 'the header reads: the damage is further on');
      let before = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of source.rows(2)) before++;
        })(),
        refused(/^工作簿中的部件「xl\/worksheets\/sheet1\.xml」内容校验失败（CRC-32不符）/),
      );
      assert.ok(before > 1000, `rows came before the end of the sheet (${before}): only reading to the end finds the damage`);
      // So the first pass (collection.service.ts preflight) reads every row, and refuses the file there.
      await assert.rejects(countRows(source), refused(/「xl\/worksheets\/sheet1\.xml」内容校验失败（CRC-32不符）/));
    }
  });

  it('refuses a local header that disagrees with the central directory', async () => {
    const good = await penalties();
    const shared = part(good, 'xl/sharedStrings.xml');
    const sheet = part(good, 'xl/worksheets/sheet1.xml');
    // xl/sharedStrings.xml → xl/sharedStrinGs.xml in the local header only.
    const name = flip(good, shared.local + 30 + 'xl/sharedStrin'.length, 0x20);
    await assert.rejects(rowsOf(name), refused(/^工作簿中的部件「xl\/sharedStrings\.xml」在本地文件头中的名称与压缩目录中的不一致，/));
    const method = Buffer.from(good);
    method.writeUInt16LE(0, sheet.local + 8);
    await assert.rejects(rowsOf(method), refused(/^工作簿中的部件「xl\/worksheets\/sheet1\.xml」的压缩方式在本地文件头（编号0）与压缩目录（编号8）中不一致/));
    await assert.rejects(rowsOf(flip(good, sheet.local + 14, 0x01)), refused(/「xl\/worksheets\/sheet1\.xml」的校验值或大小在本地文件头与压缩目录中不一致/));
    await assert.rejects(rowsOf(flip(good, sheet.local + 22, 0x01)), refused(/「xl\/worksheets\/sheet1\.xml」的校验值或大小在本地文件头与压缩目录中不一致/));
    await assert.rejects(rowsOf(flip(good, shared.local + 3, 0x01)), refused(/「xl\/sharedStrings\.xml」的本地文件头已损坏（文件头标记不对）/));
  });

  it('refuses a size the directory declares wrongly, either way', async () => {
    const good = await penalties();
    const shared = part(good, 'xl/sharedStrings.xml');
    const declared = good.readUInt32LE(shared.cd + 24);
    for (const [size, re] of [[declared + 1, /的压缩数据已损坏（解压出的内容只有\d+字节，少于压缩目录记载的\d+字节）/], [declared - 1, /的压缩数据已损坏（解压出的内容多于压缩目录记载的\d+字节）/]] as const) {
      const lying = Buffer.from(good);
      lying.writeUInt32LE(size, shared.local + 22);
      lying.writeUInt32LE(size, shared.cd + 24);
      await assert.rejects(rowsOf(lying), refused(new RegExp(`「xl/sharedStrings\\.xml」${re.source}`)));
    }
    const s = stored(good);
    const inS = part(s, 'xl/sharedStrings.xml');
    const uneven = Buffer.from(s);
    uneven.writeUInt32LE(s.readUInt32LE(inS.cd + 24) + 1, inS.cd + 24);
    await assert.rejects(rowsOf(uneven), refused(/「xl\/sharedStrings\.xml」未经压缩，压缩目录记载的压缩前后大小却不同/));
  });

  it('refuses a truncated file as incomplete, and a part whose data runs past the end', async () => {
    const good = await penalties();
    for (const length of [good.length - 1, good.length - 30, Math.floor(good.length / 2), 100]) {
      await assert.rejects(rowsOf(good.subarray(0, length)), refused(/^XLSX文件已损坏或不完整（文件末尾读不出压缩目录，可能在上传或复制时被截断）/));
    }
    const sheet = part(good, 'xl/worksheets/sheet1.xml');
    const past = Buffer.from(good);
    for (const at of [sheet.local + 18, sheet.cd + 20]) past.writeUInt32LE(good.length, at);
    await assert.rejects(rowsOf(past), refused(/^工作簿中的部件「xl\/worksheets\/sheet1\.xml」的数据超出了文件末尾：文件不完整/));
  });

  it('refuses two parts of one name (also differing only in case) and parts that overlap', async () => {
    const good = await penalties();
    const forged = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>伪造</t></is></c></row></sheetData></worksheet>`;
    for (const twin of ['xl/worksheets/sheet1.xml', 'XL/worksheets/sheet1.xml']) {
      const zip = Buffer.from(zipSync({ ...unzipSync(new Uint8Array(good)), 'xl/worksheets/sheet9.xml': strToU8(forged) }));
      const w = part(zip, 'xl/worksheets/sheet9.xml');
      zip.write(twin, w.local + 30);
      zip.write(twin, w.cd + 46);
      await assert.rejects(rowsOf(zip), refused(/^工作簿中有两个名为「(xl|XL)\/worksheets\/sheet1\.xml」的部件，无法确定应读取哪一个/));
    }
    const overlapping = Buffer.from(good);
    overlapping.writeUInt32LE(part(good, 'xl/worksheets/sheet1.xml').local, part(good, 'docProps/app.xml').cd + 42);
    await assert.rejects(rowsOf(overlapping), refused(/「xl\/worksheets\/sheet1\.xml」与其他部件在文件中的位置重叠/));
  });

  it('refuses a part the relationships name but the directory lacks, rather than blanking its strings', async () => {
    const good = await penalties();
    const renamed = Buffer.from(good);
    const w = part(good, 'xl/sharedStrings.xml');
    renamed.write('xl/sharedStrings.xmm', w.cd + 46);
    renamed.write('xl/sharedStrings.xmm', w.local + 30);
    await assert.rejects(rowsOf(renamed), refused(/^工作簿中的部件「xl\/sharedStrings\.xml」在工作簿的关系文件中列出，压缩目录中却没有/));
  });

  it('says what an encrypted part or a damaged directory is, in Chinese', async () => {
    const good = await penalties();
    const sheet = part(good, 'xl/worksheets/sheet1.xml');
    await assert.rejects(rowsOf(flip(good, sheet.cd + 8, 0x01)), refused(/「xl\/worksheets\/sheet1\.xml」已加密/));
    await assert.rejects(rowsOf(flip(good, sheet.cd + 1, 0x01)), refused(/^XLSX文件已损坏或不完整（压缩目录中第\d+个部件的目录项已损坏）/));
  });

  it('keeps a sheet within Excel’s grid: no cell past XFD, no row past 1 048 576', async () => {
    const good = await penalties();
    const sheetWith = (rows: string) =>
      Buffer.from(zipSync({ ...unzipSync(new Uint8Array(good)), 'xl/worksheets/sheet1.xml': strToU8(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>行政相对人名称</t></is></c></row>${rows}</sheetData></worksheet>`) }));
    const last = await rowsOf(sheetWith('<row r="2"><c r="XFD2"><v>1</v></c></row>'));
    assert.equal(last.rows[0]?.cells.length, 16_384, 'XFD is the last column, and allowed');
    await assert.rejects(rowsOf(sheetWith('<row r="2"><c r="XFE2"><v>1</v></c></row>')), refused(/^工作表第2行的单元格「XFE2」在最后一列XFD之后，超出了Excel工作表的范围/));
    await assert.rejects(rowsOf(sheetWith('<row r="2"><c r="ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ2"><v>1</v></c></row>')), refused(/单元格「ZZZZZZZZZZZZZZZZ…（共31字，其余从略）」在最后一列XFD之后/));
    await assert.rejects(rowsOf(sheetWith(`<row r="2">${'<c><v>1</v></c>'.repeat(16_385)}</row>`)), refused(/工作表第2行的单元格多于16 384个/));
    await assert.rejects(rowsOf(sheetWith('<row r="1048577"><c r="A1048577"><v>1</v></c></row>')), refused(/^工作表中有第1048577行，超出了Excel工作表的范围（最多16 384列、1 048 576行）/));
    await assert.rejects(rowsOf(sheetWith('<row r="x"><c><v>1</v></c></row>')), refused(/工作表第1行之后的一行的行号「x」无效/));
    await assert.rejects(rowsOf(sheetWith('<row r="2"><c r="A2" t="s"><v>999</v></c></row>')), refused(/单元格A2引用的共享字符串（编号999）在共享字符串表中不存在/));
    // A "date" past 9999-12-31 stays as written (the row's validation refuses it), rather than throwing.
    const dateStyle = /<c r="D2" s="(\d+)"/.exec(Buffer.from(unzipSync(new Uint8Array(good))['xl/worksheets/sheet1.xml'] ?? []).toString())?.[1];
    assert.ok(dateStyle);
    const far = await rowsOf(sheetWith(`<row r="2"><c r="A2" s="${dateStyle}"><v>46188</v></c><c r="B2" s="${dateStyle}"><v>1e300</v></c></row>`));
    assert.deepEqual(far.rows[0]?.cells, ['2026-06-15', '1e300']);
  });

  it('computes CRC-32 without node:zlib as node:zlib does (Node before 20.15)', () => {
    const data = randomBytes(100_000);
    assert.equal(crc32Portable(Buffer.alloc(0)), 0);
    assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926, 'the standard check value');
    if (typeof (zlib as { crc32?: unknown }).crc32 === 'function') assert.equal(crc32Portable(data), zlib.crc32(data));
    assert.equal(crc32Portable(data.subarray(40_000), crc32Portable(data.subarray(0, 40_000))), crc32Portable(data), 'continued over chunks');
  });

  it('fuzz: random bit flips and truncations are refused, or read as the original — never other text', async () => {
    const deflated = await penalties();
    // The parts the reader reads, where damage must be found rather than merely be harmless.
    const read = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml'];
    const variants = await Promise.all(
      [deflated, stored(deflated)].map(async (buf) => ({ buf, original: await rowsOf(buf), parts: read.map((name) => part(buf, name)) })),
    );
    // Positions spread evenly (fast-check otherwise favours small numbers), reduced to the bytes in range.
    const position = fc.noBias(fc.integer({ min: 0, max: 0x7fffffff }));
    const bits = fc.array(fc.tuple(position, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 });
    const damage = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('anywhere' as const), bits }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('in a part read' as const), part: fc.integer({ min: 0, max: read.length - 1 }), bits }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncated' as const), at: position }) },
    );
    const seen = { refused: 0, intact: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: variants.length - 1 }), damage, async (which, d) => {
        const { buf, original, parts } = variants[which] ?? assert.fail();
        let damaged: Buffer = Buffer.from(buf);
        if (d.kind === 'truncated') damaged = damaged.subarray(0, d.at % buf.length);
        else {
          const w = d.kind === 'anywhere' ? { data: 0, size: buf.length } : (parts[d.part] ?? assert.fail());
          for (const [at, bit] of d.bits) damaged = flip(damaged, w.data + (at % w.size), 1 << bit);
        }
        let got;
        try {
          got = await rowsOf(damaged);
        } catch (e) {
          assert.ok(e instanceof FileProblem, `only a FileProblem, not ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
          assert.ok(chinese(e.message), e.message);
          seen.refused++;
          return;
        }
        assert.deepEqual(got, original, 'what is read is exactly what was saved');
        seen.intact++;
      }),
      { numRuns: 500 },
    );
    // Bits flipped where nothing reads them (the theme, a timestamp) leave the rows as they were; damage to what is read never does.
    assert.ok(seen.refused > 350, `${seen.refused} refused, ${seen.intact} read intact`);
  });
});
