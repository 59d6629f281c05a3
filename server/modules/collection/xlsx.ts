/**
 * Reading the first worksheet of an XLSX workbook as rows of text, streamed, with the defences an
 * upload from outside needs: entry count, unpacked size and compression ratio are checked from
 * the zip's directory and again while inflating (a zip bomb stops at the limit, not after it);
 * macro workbooks are refused; a truncated or corrupt file is one clear message.
 *
 * Cells become the text a clerk sees: shared and inline strings as written, date-formatted
 * numbers as YYYY-MM-DD (1900 and 1904 date systems), other numbers as stored. A formula cell
 * gives its cached value, and a note that it was a formula.
 */
import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { FileProblem, type OpenBytes, type Row, type RowSource } from './sources.js';

export const XLSX_LIMITS = {
  maxEntries: 10_000,
  /** All entries together, unpacked. */
  maxUnpackedBytes: 2 * 1024 ** 3,
  /** Unpacked / packed, for entries over 1 MB unpacked (real sheets compress 5–20×). */
  maxRatio: 200,
  /** Small XML parts read whole (workbook, relationships, styles). */
  maxPartBytes: 20 * 1024 * 1024,
};

class VaultReader extends yauzl.RandomAccessReader {
  constructor(private readonly openBytes: OpenBytes) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.openBytes(start, end - 1);
  }
}

/** Counts bytes while inflating; stops the stream past `limit`. */
function limited(limit: number, what: string): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > limit) return done(new FileProblem(`工作簿中「${what}」解压后超过${Math.round(limit / 1048576)} MB，疑似压缩炸弹，不予导入`));
      done(null, chunk);
    },
  });
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A number format shows a date when it has y/m/d outside quotes, brackets and escapes. */
function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[yd]/i.test(bare) || /m/i.test(bare.replace(/h+[^a-z]*m+|m+[^a-z]*s+/gi, ''));
}

/** Excel serial → YYYY-MM-DD. The 1900 system counts a 29 Feb 1900 that never was. */
export function serialToDate(serial: number, date1904: boolean): string {
  const days = Math.floor(serial);
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 31);
  const offset = date1904 ? days : days > 59 ? days - 1 : days;
  return new Date(epoch + offset * 86_400_000).toISOString().slice(0, 10);
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

export async function openXlsx(open: OpenBytes, size: number): Promise<RowSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new VaultReader(open), size, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
  } catch {
    throw new FileProblem('XLSX文件已损坏或不完整（读不出压缩目录）：请在Excel中重新保存后上传');
  }
  if (zip.entryCount > XLSX_LIMITS.maxEntries) throw new FileProblem(`工作簿包含${zip.entryCount}个部件，超过${XLSX_LIMITS.maxEntries}个的上限，不予导入`);
  const entries = new Map<string, yauzl.Entry>();
  let unpacked = 0;
  try {
    for await (const e of zip.eachEntry()) {
      entries.set(e.fileName, e);
      unpacked += e.uncompressedSize;
      if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(e.compressedSize, 1) > XLSX_LIMITS.maxRatio) {
        throw new FileProblem(`工作簿中「${e.fileName}」的压缩比异常（${Math.round(e.uncompressedSize / Math.max(e.compressedSize, 1))}:1），疑似压缩炸弹，不予导入`);
      }
    }
  } catch (err) {
    if (err instanceof FileProblem) throw err;
    throw new FileProblem('XLSX文件已损坏或不完整：请在Excel中重新保存后上传');
  }
  if (unpacked > XLSX_LIMITS.maxUnpackedBytes) throw new FileProblem(`工作簿解压后共${Math.round(unpacked / 1048576)} MB，超过${Math.round(XLSX_LIMITS.maxUnpackedBytes / 1048576)} MB的上限，不予导入`);
  if (entries.has('xl/vbaProject.bin')) throw new FileProblem('这是含宏的工作簿（.xlsm），出于安全原因不予导入：请另存为不含宏的.xlsx');
  if (!entries.has('xl/workbook.xml')) throw new FileProblem('这是压缩文件，但不是Excel工作簿（缺少xl/workbook.xml）');

  const stream = async (name: string, limit: number): Promise<Readable> => {
    const e = entries.get(name);
    if (!e) throw new FileProblem(`工作簿缺少部件「${name}」，文件可能已损坏`);
    try {
      const raw = await zip.openReadStreamPromise(e);
      const out = limited(limit, name);
      // A size that differs from the directory's (yauzl checks while inflating) ends the read.
      raw.on('error', (err) => out.destroy(new FileProblem(`工作簿中「${name}」解压后的大小与目录不符（${err.message}），文件已损坏或被篡改，不予导入`)));
      return raw.pipe(out);
    } catch {
      throw new FileProblem(`工作簿中「${name}」无法解压，文件可能已损坏`);
    }
  };
  const text = async (name: string): Promise<string> => {
    const parts: Buffer[] = [];
    try {
      for await (const c of await stream(name, XLSX_LIMITS.maxPartBytes)) parts.push(c as Buffer);
    } catch (err) {
      throw err instanceof FileProblem ? err : new FileProblem(`工作簿中「${name}」无法解压，文件可能已损坏或被截断`);
    }
    return Buffer.concat(parts).toString('utf8');
  };

  // Which sheet is first, and whether dates count from 1904.
  const workbook = await text('xl/workbook.xml');
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(workbook);
  const firstSheet = /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1] ?? /<(?:\w+:)?sheet\b[^>]*\bid="([^"]+)"/.exec(workbook)?.[1];
  const rels = entries.has('xl/_rels/workbook.xml.rels') ? await text('xl/_rels/workbook.xml.rels') : '';
  const target = [...rels.matchAll(/<Relationship\b([^>]*)>/g)].map((m) => m[1] ?? '').find((a) => a.includes(`Id="${firstSheet}"`))?.match(/Target="([^"]+)"/)?.[1];
  const sheetPath = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`) : 'xl/worksheets/sheet1.xml';
  if (!entries.has(sheetPath)) throw new FileProblem('工作簿中没有工作表');

  // Which cell styles are dates.
  const dateStyles = new Set<number>();
  if (entries.has('xl/styles.xml')) {
    const styles = await text('xl/styles.xml');
    const custom = new Map([...styles.matchAll(/<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"/g)].map((m) => [Number(m[1]), (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&')]));
    const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
    [...xfs.matchAll(/<xf\b([^>]*?)\/?>/g)].forEach((m, i) => {
      const id = Number(/numFmtId="(\d+)"/.exec(m[1] ?? '')?.[1] ?? 0);
      if (BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateFormat(custom.get(id) ?? ''))) dateStyles.add(i);
    });
  }

  // Shared strings, streamed: a workbook of a million rows can have a large table.
  const shared: string[] = [];
  if (entries.has('xl/sharedStrings.xml')) {
    const p = new SaxesParser();
    let current: string | null = null;
    let inText = false;
    let phonetic = 0;
    p.on('opentag', (t) => {
      const n = t.name.replace(/^\w+:/, '');
      if (n === 'si') current = '';
      else if (n === 'rPh') phonetic++;
      else if (n === 't' && phonetic === 0) inText = true;
    });
    p.on('closetag', (t) => {
      const n = t.name.replace(/^\w+:/, '');
      if (n === 'si') {
        shared.push(current ?? '');
        current = null;
      } else if (n === 'rPh') phonetic--;
      else if (n === 't') inText = false;
    });
    p.on('text', (s) => {
      if (inText && current !== null) current += s;
    });
    await feed(p, await stream('xl/sharedStrings.xml', XLSX_LIMITS.maxUnpackedBytes), 'xl/sharedStrings.xml');
  }

  async function* rows(fromRow: number): AsyncIterable<Row> {
    const p = new SaxesParser();
    const ready: Row[] = [];
    let cells: string[] = [];
    let notes: string[] = [];
    let rowNumber = 0;
    let cell: { col: number; type: string; style: number; formula: boolean; value: string } | null = null;
    let capture: 'v' | 't' | 'f' | null = null;
    p.on('opentag', (t) => {
      const n = t.name.replace(/^\w+:/, '');
      const a = t.attributes as Record<string, string>;
      if (n === 'row') {
        rowNumber = a.r ? Number(a.r) : rowNumber + 1;
        cells = [];
        notes = [];
      } else if (n === 'c') {
        cell = { col: a.r ? columnIndex(a.r) : cells.length, type: a.t ?? 'n', style: Number(a.s ?? 0), formula: false, value: '' };
      } else if (cell && (n === 'v' || n === 't' || n === 'f')) {
        capture = n;
        if (n === 'f') cell.formula = true;
      }
    });
    p.on('text', (s) => {
      if (cell && (capture === 'v' || capture === 't')) cell.value += s;
    });
    p.on('closetag', (t) => {
      const n = t.name.replace(/^\w+:/, '');
      if (n === 'v' || n === 't' || n === 'f') capture = null;
      else if (n === 'c' && cell) {
        const c = cell;
        let v = c.value;
        if (c.type === 's') v = shared[Number(v)] ?? '';
        else if (c.type === 'b') v = v === '1' ? 'TRUE' : 'FALSE';
        else if (c.type === 'n' && v !== '' && dateStyles.has(c.style)) v = serialToDate(Number(v), date1904);
        if (c.formula) notes.push(`第${columnName(c.col)}列是公式，已取其计算结果「${v}」`);
        while (cells.length < c.col) cells.push('');
        cells[c.col] = v;
        cell = null;
      } else if (n === 'row') {
        if (rowNumber >= fromRow || rowNumber === 1) ready.push({ rowNumber, cells, ...(notes.length > 0 ? { notes } : {}) });
      }
    });
    const sheet = await stream(sheetPath, XLSX_LIMITS.maxUnpackedBytes);
    // A chunk may end inside a multi-byte character.
    const utf8 = new StringDecoder('utf8');
    try {
      for await (const chunk of sheet) {
        p.write(utf8.write(chunk as Buffer));
        while (ready.length > 0) yield ready.shift() as Row;
      }
      p.write(utf8.end());
      p.close();
    } catch (err) {
      throw err instanceof FileProblem ? err : new FileProblem('工作表内容不完整或已损坏（XML无法解析）：请在Excel中重新保存后上传');
    }
    while (ready.length > 0) yield ready.shift() as Row;
  }

  // The header is the first row of the sheet.
  let header: string[] = [];
  for await (const r of rows(1)) {
    header = r.rowNumber === 1 ? r.cells : [];
    break;
  }
  if (header.every((h) => h.trim() === '')) throw new FileProblem('第1行（表头）是空的：第一行应为字段名称');
  return {
    format: 'xlsx',
    header,
    async *rows(fromRow: number) {
      for await (const r of rows(fromRow)) {
        if (r.rowNumber < Math.max(fromRow, 2) || r.cells.every((c) => c.trim() === '')) continue;
        yield r;
      }
    },
  };
}

function columnName(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

async function feed(p: SaxesParser, input: Readable, name: string): Promise<void> {
  const utf8 = new StringDecoder('utf8');
  try {
    for await (const chunk of input) p.write(utf8.write(chunk as Buffer));
    p.write(utf8.end());
    p.close();
  } catch (err) {
    throw err instanceof FileProblem ? err : new FileProblem(`工作簿中「${name}」已损坏（XML无法解析）`);
  }
}
