import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import iconv from 'iconv-lite';
import { FileProblem, openCsv, readHead, sniff } from './sources.js';

const opener = (buf: Buffer) => (start = 0, end?: number) => Readable.from([buf.subarray(start, end === undefined ? undefined : end + 1)]);

async function read(buf: Buffer) {
  const open = opener(buf);
  const source = await openCsv(open, await readHead(open));
  const rows: string[][] = [];
  for await (const r of source.rows(2)) rows.push(r.cells);
  return { format: source.format, header: source.header, rows };
}

describe('file sources', () => {
  it('decides the encoding on the first non-ASCII bytes, even far into the file', async () => {
    const ascii = Array.from({ length: 2000 }, (_, i) => `CF-${i},2026-06-15`).join('\r\n');
    const text = `CF_WSH,CF_JDRQ\r\n${ascii}\r\n榕市监罚〔2026〕1号,2026-06-15\r\n`;
    assert.ok(Buffer.byteLength(ascii) > 8192, 'the first non-ASCII byte lies beyond the first read');
    const gbk = await read(iconv.encode(text, 'gbk'));
    assert.equal(gbk.format, 'csv-gb18030');
    assert.deepEqual(gbk.rows.at(-1), ['榕市监罚〔2026〕1号', '2026-06-15']);
    const utf8 = await read(Buffer.from(text, 'utf8'));
    assert.equal(utf8.format, 'csv-utf-8');
    assert.deepEqual(utf8.rows.at(-1), ['榕市监罚〔2026〕1号', '2026-06-15']);
  });

  it('reads UTF-16 with its BOM and tab-separated text', async () => {
    const r = await read(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('行政相对人名称\t处罚决定日期\r\n某公司\t2026-06-15\r\n', 'utf16le')]));
    assert.deepEqual(r, { format: 'csv-utf-16le', header: ['行政相对人名称', '处罚决定日期'], rows: [['某公司', '2026-06-15']] });
  });

  it('says when a file mixes encodings', async () => {
    // UTF-8 for the first 20 KB (that decides), then a row pasted in from a GBK file.
    const mixed = Buffer.concat([Buffer.from(`名称\r\n${'中文\r\n'.repeat(2500)}`, 'utf8'), iconv.encode('中文\r\n', 'gbk')]);
    await assert.rejects(read(mixed), (e: unknown) => e instanceof FileProblem && /编码不一致/.test(e.message));
  });

  it('knows files by their first bytes, not their names', () => {
    assert.equal(sniff(Buffer.from('PK\x03\x04rest', 'latin1')), 'xlsx');
    assert.equal(sniff(Buffer.from('a,b\n')), 'csv');
    assert.throws(() => sniff(Buffer.from('%PDF-1.7')), /PDF/);
    assert.throws(() => sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0])), /旧版Excel/);
    assert.throws(() => sniff(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), /二进制/);
  });
});
