/**
 * A generator of malformed uploads, as a hostile or careless sender makes them: damaged and
 * truncated workbooks, binary files, wrong encodings and separators, broken quotes, absurd headers,
 * control and invisible characters in cells and names, wrong content types. Every case is built
 * from the same valid rows (`baseRows`), so an upload that is accepted can only write those rows
 * again: a damaged file that changes a record is caught by comparing the records before and after.
 * Deterministic for a seed.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { zipSync, unzipSync, strToU8 } from 'fflate';
import { penaltyRow } from './fixtures.js';

export interface MalformedUpload {
  /** The kind of damage (for the summary). */
  kind: string;
  body: Buffer;
  contentType: string;
  /** As sent in x-file-name (already percent-encoded where it should be). */
  fileName: string;
}

const LABELS: Record<string, string> = {
  CF_XDR_MC: '行政相对人名称', CF_XDR_LB: '行政相对人类别', CF_XDR_SHXYM: '行政相对人代码_1（统一社会信用代码）', CF_FRDB: '法定代表人',
  CF_WSH: '行政处罚决定书文号', CF_WFXW: '违法行为类型', CF_SY: '违法事实', CF_YJ: '处罚依据', CF_CFLB: '处罚类别', CF_NR: '处罚内容',
  CF_NR_FK: '罚款金额（万元）', CF_JDRQ: '处罚决定日期', CF_YXQ: '处罚有效期', CF_CFJG: '处罚机关', CF_CFJGDM: '处罚机关统一社会信用代码',
  CF_SJLY: '数据来源单位', CF_SJLYDM: '数据来源单位统一社会信用代码',
};
const COLUMNS = Object.keys(LABELS);
/** The header of the base file: the template's Chinese labels. */
export const HEADER = COLUMNS.map((c) => LABELS[c] ?? c);

/** The valid rows every case starts from: `n` penalties of the department `provider` named `providerName`. */
export function baseRows(provider: string, providerName: string, n = 12): string[][] {
  return Array.from({ length: n }, (_, i) =>
    COLUMNS.map((c) => penaltyRow(provider, i + 1, { CF_SJLY: providerName, CF_CFJG: providerName, CF_YJ: `《中华人民共和国行政处罚法》第一百二十四条（第${i + 1}项）` })[c] ?? ''),
  );
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export function csvText(header: string[], rows: string[][], sep = ','): string {
  return `${[header, ...rows].map((r) => r.map(quote).join(sep)).join('\r\n')}\r\n`;
}

export async function xlsxOf(header: string[], rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('行政处罚');
  sheet.addRow(header);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const name = (s: string) => encodeURIComponent(s);
/** Characters a cell or a name must not carry (common/text.ts). */
const UNSAFE = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\u202d', '\u2066', '\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad', '\ufffe', '\ud800'];

/**
 * At least `count` malformed uploads (each category a share), built from the valid `rows`.
 */
export async function malformedCorpus(rows: string[][], count: number, seed: number): Promise<MalformedUpload[]> {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const csv = Buffer.from(csvText(HEADER, rows));
  const xlsx = await xlsxOf(HEADER, rows);
  const out: MalformedUpload[] = [];
  const add = (kind: string, body: Uint8Array | string, contentType = CSV, fileName = name('处罚信息.csv')) => out.push({ kind, body: typeof body === 'string' ? Buffer.from(body) : Buffer.from(body), contentType, fileName });
  const share = (n: number) => Math.max(1, Math.round((count * n) / 100));

  // -- damaged workbooks: flipped bits anywhere, truncations, garbage over a range, a renamed part
  for (let i = 0; i < share(22); i++) {
    const b = Buffer.from(xlsx);
    for (let k = 1 + int(8); k > 0; k--) {
      const at = int(b.length);
      b[at] = (b[at] ?? 0) ^ (1 << int(8));
    }
    add('xlsx: flipped bits', b, XLSX, name('处罚信息.xlsx'));
  }
  for (let i = 0; i < share(8); i++) add('xlsx: truncated', xlsx.subarray(0, 1 + int(xlsx.length - 2)), XLSX, name('处罚信息.xlsx'));
  for (let i = 0; i < share(5); i++) {
    const b = Buffer.from(xlsx);
    const at = int(b.length - 64);
    for (let k = 0; k < 1 + int(64); k++) b[at + k] = int(256);
    add('xlsx: overwritten range', b, XLSX, name('处罚信息.xlsx'));
  }
  const parts = unzipSync(xlsx);
  const shared = parts['xl/sharedStrings.xml'];
  if (shared) {
    // A valid zip whose shared strings changed: the archive is sound, the text is different. Such a
    // file is a new submission (its rows are validated like any other), so it is not generated
    // here; instead, the classic tampering: the text changed but the CRC left as it was.
    for (let i = 0; i < share(4); i++) {
      const text = new TextDecoder().decode(shared);
      const garbled = text.replace('第一百二十四条', '第一百二劁四条');
      const stored = zipSync({ ...parts, 'xl/sharedStrings.xml': [strToU8(garbled), { level: 0 }] });
      // Put the original part's CRC back into both headers: what a few flipped bits do to a stored part.
      add('xlsx: stored part altered, CRC kept', withCrcOf(stored, 'xl/sharedStrings.xml', crcOfPart(xlsx, 'xl/sharedStrings.xml')), XLSX, name('处罚信息.xlsx'));
    }
  }
  for (let i = 0; i < share(3); i++) add('xlsx: local header name differs', renameLocalHeader(xlsx, 'xl/sharedStrings.xml', 'xl/sharedStrings.xmX'), XLSX, name('处罚信息.xlsx'));
  for (let i = 0; i < share(2); i++) add('xlsm: macro workbook', zipSync({ ...parts, 'xl/vbaProject.bin': new Uint8Array([1, 2, 3]) }), XLSX, name('处罚信息.xlsm'));
  for (let i = 0; i < share(2); i++) add('zip: not a workbook', zipSync({ 'readme.txt': strToU8('不是工作簿') }), XLSX, name('处罚信息.xlsx'));
  const bomb = zipSync({ ...parts, 'xl/worksheets/sheet1.xml': [new Uint8Array(64 * 1024 * 1024), { level: 9 }] });
  for (let i = 0; i < share(2); i++) add('zip: bomb', bomb, XLSX, name('处罚信息.xlsx'));

  // -- not a CSV at all
  for (let i = 0; i < share(3); i++) add('binary: random bytes', Buffer.from(Array.from({ length: 64 + int(4096) }, () => int(256))));
  for (let i = 0; i < share(1); i++) add('binary: PDF', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 256 }, () => int(256)))]));
  for (let i = 0; i < share(1); i++) add('binary: old .xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
  for (let i = 0; i < share(1); i++) add('binary: UTF-16 without BOM', iconv.encode(csv.toString('utf8'), 'utf-16le'));
  add('empty file', '');
  add('only a BOM', '\ufeff');
  add('header only', `${HEADER.join(',')}\r\n`);
  add('blank lines only', '\r\n\r\n\r\n');

  // -- wrong separators, encodings, quotes
  for (let i = 0; i < share(3); i++) add('csv: semicolons', csvText(HEADER, rows, ';'));
  for (let i = 0; i < share(4); i++) {
    const good = csv.toString('utf8').split('\r\n');
    const at = 1 + int(rows.length);
    good[at] = iconv.encode(good[at] ?? '', 'gbk').toString('latin1');
    add('csv: GBK line inside UTF-8', Buffer.from(good.join('\r\n'), 'latin1'));
  }
  for (let i = 0; i < share(4); i++) {
    const text = csv.toString('utf8');
    const at = text.indexOf('\r\n', int(text.length - 10));
    add('csv: unbalanced quote', `${text.slice(0, Math.max(at, 0))},"unclosed${text.slice(Math.max(at, 0))}`);
  }
  for (let i = 0; i < share(2); i++) add('csv: one line of 1.2 million characters', `${HEADER.join(',')}\r\n"${'罚'.repeat(1_200_000)}`);

  // -- absurd or wrong headers
  for (let i = 0; i < share(2); i++) add('header: 500 000 extra columns', `${HEADER.join(',')}${','.repeat(500_000)}\r\n${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
  for (let i = 0; i < share(2); i++) add('header: 3 000 unknown columns', csvText([...HEADER, ...Array.from({ length: 3000 }, (_, k) => `未知列${k}`)], rows));
  for (let i = 0; i < share(3); i++) add('header: unknown names', csvText(HEADER.map((h) => (rnd() < 0.3 ? `${h}X` : h)), rows));
  for (let i = 0; i < share(2); i++) add('header: a required column missing', csvText(HEADER.filter((_, k) => k !== 4), rows.map((r) => r.filter((_, k) => k !== 4))));
  for (let i = 0; i < share(2); i++) add('header: duplicate column', csvText([...HEADER, HEADER[4] ?? ''], rows.map((r) => [...r, r[4] ?? ''])));
  for (let i = 0; i < share(2); i++) add('header: prohibited personal data', csvText([...HEADER, pick(['宗教信仰', '血型', '指纹', '病史'])], rows.map((r) => [...r, '无'])));
  for (let i = 0; i < share(3); i++) add('header: control or invisible character', csvText(HEADER.map((h, k) => (k === int(HEADER.length) ? `${h}${pick(UNSAFE)}` : h)), rows));

  // -- cells: control and invisible characters, absurd lengths, too many columns (row problems)
  for (let i = 0; i < share(12); i++) {
    const copy = rows.map((r) => [...r]);
    const r = int(copy.length);
    const c = int(HEADER.length);
    const cell = copy[r]?.[c] ?? '';
    const at = int(cell.length + 1);
    (copy[r] as string[])[c] = `${cell.slice(0, at)}${pick(UNSAFE)}${cell.slice(at)}`;
    add('cell: control or invisible character', csvText(HEADER, copy));
  }
  for (let i = 0; i < share(3); i++) {
    const copy = rows.map((r) => [...r]);
    (copy[int(copy.length)] as string[])[6] = '违'.repeat(200_000);
    add('cell: 200 000 characters', csvText(HEADER, copy));
  }
  for (let i = 0; i < share(2); i++) add('row: 2 000 columns', `${csvText(HEADER, rows)}${rows[0]?.join(',')}${',x'.repeat(2000)}\r\n`);
  for (let i = 0; i < share(3); i++) {
    const copy = rows.map((r) => [...r]);
    (copy[int(copy.length)] as string[])[11] = pick(['2026-02-30', '2026-13-45', '0000-00-00', '99999-01-01', '2026-06-15\u0000']);
    add('cell: impossible date', csvText(HEADER, copy));
  }
  for (let i = 0; i < share(3); i++) {
    const copy = rows.map((r) => [...r]);
    (copy[int(copy.length)] as string[])[15] = pick(['<img src=x onerror=alert(1)>', '厦门市市场监督管理局', '国家税务总局', '福州市市场监督管理局\u202e局理管']);
    add('cell: another data source name', csvText(HEADER, copy));
  }

  // -- the request itself
  for (let i = 0; i < share(2); i++) add('request: sent as JSON', JSON.stringify({ rows }), 'application/json');
  for (let i = 0; i < share(1); i++) add('request: multipart form', `--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n${csv.toString('utf8')}\r\n--x--\r\n`, 'multipart/form-data; boundary=x');
  for (let i = 0; i < share(2); i++) add('request: file name with a control or invisible character', csv, CSV, name(`处罚${pick(UNSAFE.filter((c) => c !== '\ud800'))}信息.csv`));
  add('request: file name not percent-encoded', csv, CSV, '%E5%A4%84%ZZ.csv');

  // Top up with more damaged workbooks until the count is reached.
  while (out.length < count) {
    const b = Buffer.from(xlsx);
    const at = int(b.length);
    b[at] = (b[at] ?? 0) ^ (1 << int(8));
    add('xlsx: flipped bit', b, XLSX, name('处罚信息.xlsx'));
  }
  return out;
}

/** The central directory's CRC-32 of a part (what a reader checks the inflated bytes against). */
function crcOfPart(zip: Buffer, part: string): number {
  const cd = centralEntry(zip, part);
  return zip.readUInt32LE(cd + 16);
}

/** Offset of `part`'s central directory header. */
function centralEntry(zip: Buffer, part: string): number {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  const entries = zip.readUInt16LE(eocd + 10);
  for (let i = 0; i < entries; i++) {
    const nameLen = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    if (zip.subarray(at + 46, at + 46 + nameLen).toString('utf8') === part) return at;
    at += 46 + nameLen + extra + comment;
  }
  throw new Error(`no ${part}`);
}

/** The zip with `part`'s CRC-32 set to `crc` in its central and local headers. */
function withCrcOf(zip: Uint8Array, part: string, crc: number): Buffer {
  const b = Buffer.from(zip);
  const cd = centralEntry(b, part);
  b.writeUInt32LE(crc, cd + 16);
  const local = b.readUInt32LE(cd + 42);
  b.writeUInt32LE(crc, local + 14);
  return b;
}

/** The zip with `part`'s local header naming `other` (same length) while the directory still says `part`. */
function renameLocalHeader(zip: Buffer, part: string, other: string): Buffer {
  const b = Buffer.from(zip);
  const cd = centralEntry(b, part);
  const local = b.readUInt32LE(cd + 42);
  b.write(other, local + 30, 'utf8');
  return b;
}
