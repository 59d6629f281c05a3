/**
 * Reading the first worksheet of an XLSX workbook as rows of text, streamed, with the defences an
 * upload from outside needs: entry count, unpacked size and compression ratio are checked from
 * the zip's directory and again while inflating (a zip bomb stops at the limit, not after it);
 * macro workbooks are refused; a truncated or corrupt file is one clear message.
 *
 * Integrity: a few flipped bits in a part once became garbled characters (第一百二十四条 →
 * 第一百二劁四条) published as new versions of existing records. So every part read is checked
 * against the zip's central directory — its local header (marker, name, compression method, and
 * CRC and sizes when the header carries them), then its CRC-32 and size as it inflates — and two
 * parts of one name, or parts overlapping in the file, are refused as ambiguous. A damaged part
 * refuses the whole file with a message naming it; no message carries a library's English text.
 *
 * Cells become the text a clerk sees: shared and inline strings as written, date-formatted
 * numbers as YYYY-MM-DD (1900 and 1904 date systems), other numbers as stored. A formula cell
 * gives its cached value, and a note that it was a formula. A sheet cannot make the reader
 * allocate beyond Excel's own grid (column XFD, row 1 048 576).
 */
import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { SaxesParser } from 'saxes';
import yauzl from 'yauzl';
import { limitText, revealUnsafe } from '../../../common/text.js';
import { FileProblem, MAX_ROWS, type OpenBytes, type Row, type RowSource } from './sources.js';

export const XLSX_LIMITS = {
  maxEntries: 10_000,
  /** All entries together, unpacked. */
  maxUnpackedBytes: 2 * 1024 ** 3,
  /** Unpacked / packed, for entries over 1 MB unpacked (real sheets compress 5–20×). */
  maxRatio: 200,
  /** Small XML parts read whole (workbook, relationships, styles). */
  maxPartBytes: 20 * 1024 * 1024,
};

/** Excel's last column is XFD. */
const EXCEL_MAX_COLUMNS = 16_384;
/** Excel's last date, 9999-12-31, as a serial: a larger "date" is no date. */
const MAX_DATE_SERIAL = 2_958_465;

class VaultReader extends yauzl.RandomAccessReader {
  constructor(private readonly openBytes: OpenBytes) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.openBytes(start, end - 1);
  }
}

/**
 * CRC-32 as zip computes it, continuing from `value`. node:zlib has it natively from Node 20.15
 * and 22.2; package.json still admits Node 20.12, which gets the table-driven one (slower, same
 * result).
 */
const crc32: (data: Uint8Array, value: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data, value) => zlib.crc32(data, value) : crc32Portable;

let crcTable: Uint32Array | undefined;
export function crc32Portable(data: Uint8Array, value = 0): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let c = ~value >>> 0;
  for (const b of data) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

// Whole-file refusals. Nobody repairs a zip by hand: each names the part and what is wrong with it
// (for the department's IT and the platform's operators), then says what the clerk can do.
const AGAIN = '整个文件不予导入：请在Excel中重新保存后上传';
const damaged = (part: string, what: string) => new FileProblem(`工作簿中的部件「${part}」${what}，文件已损坏或被篡改，${AGAIN}`);
const cutShort = (part: string, what: string) =>
  new FileProblem(`工作簿中的部件「${part}」${what}：文件不完整（可能在上传或复制时被截断）或已损坏，整个文件不予导入：请重新上传完整的文件`);
const encrypted = (where: string) => new FileProblem(`工作簿中${where}已加密，无法读取，整个文件不予导入：请去除密码后在Excel中重新保存再上传`);
const badSheet = (what: string) => new FileProblem(`${what}，文件已损坏或不是Excel保存的工作簿，${AGAIN}`);
const offGrid = (what: string) => badSheet(`${what}，超出了Excel工作表的范围（最多16 384列、1 048 576行）`);

/**
 * yauzl's errors are English sentences: they become Chinese by kind, and their text is dropped.
 * `entry` is the 1-based position in the directory of the entry being read, if any.
 */
function directoryProblem(err: unknown, entry?: number): FileProblem {
  if (err instanceof FileProblem) return err;
  const m = err instanceof Error ? err.message : '';
  const at = entry === undefined ? '' : `第${entry}个部件的`;
  if (/signature not found|truncated/i.test(m)) return new FileProblem('XLSX文件已损坏或不完整（文件末尾读不出压缩目录，可能在上传或复制时被截断），整个文件不予导入：请重新上传完整的文件');
  if (/EOF|overflow/i.test(m)) return new FileProblem(`XLSX文件已损坏或不完整（压缩目录中${at}目录项超出了文件末尾，可能在上传或复制时被截断），整个文件不予导入：请重新上传完整的文件`);
  if (/multi-disk/i.test(m)) return new FileProblem('这是分卷压缩的文件，不是Excel保存的工作簿，整个文件不予导入：请在Excel中重新保存为.xlsx后上传');
  if (/encrypt/i.test(m)) return encrypted(entry === undefined ? '的部件' : `${at}内容`);
  if (/file ?name|path/i.test(m)) return new FileProblem(`工作簿中${at}名称无效（绝对路径、含“..”或非法字符），文件已损坏或被篡改，${AGAIN}`);
  return new FileProblem(`XLSX文件已损坏或不完整（压缩目录${at ? `中${at}目录项` : ''}已损坏），${AGAIN}`);
}

async function readRange(open: OpenBytes, start: number, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const c of open(start, start + length - 1)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** The sizes a local header's Zip64 extra field carries when its own fields say 0xFFFFFFFF. */
function zip64Sizes(extra: Buffer): { uncompressed: number; compressed: number } | undefined {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001 && length >= 16 && i + 4 + length <= extra.length) {
      return { uncompressed: Number(extra.readBigUInt64LE(i + 4)), compressed: Number(extra.readBigUInt64LE(i + 12)) };
    }
    i += 4 + length;
  }
  return undefined;
}

/**
 * A part's inflated bytes pass through: never more than the directory declares (a zip bomb or a
 * corrupt stream stops there), and at the end exactly its size and its CRC-32. With the local
 * header already agreeing with the directory, a size that does not come out right means the data
 * is damaged: it is said so, with the size as the evidence.
 */
function verified(part: string, e: yauzl.Entry): Transform {
  const data = e.compressionMethod === 0 ? '数据' : '压缩数据';
  let n = 0;
  let crc = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n > e.uncompressedSize) return done(damaged(part, `的${data}已损坏（解压出的内容多于压缩目录记载的${e.uncompressedSize}字节）`));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (n !== e.uncompressedSize) return done(damaged(part, `的${data}已损坏（解压出的内容只有${n}字节，少于压缩目录记载的${e.uncompressedSize}字节）`));
      if (crc !== e.crc32) return done(damaged(part, '内容校验失败（CRC-32不符）'));
      done();
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

/** The 0-based column of a cell reference (`B7` → 1); -1 without letters. Stops counting past XFD. */
function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90 || n > EXCEL_MAX_COLUMNS) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** An attribute from the sheet, quoted in a message: a hostile one can be long. */
const quoted = (s: string, max = 16) => limitText(revealUnsafe(s), max);

export async function openXlsx(open: OpenBytes, size: number): Promise<RowSource> {
  let zip: yauzl.ZipFile;
  try {
    // Sizes are checked while inflating (`verified`), where a mismatch is named and said in Chinese.
    zip = await yauzl.fromRandomAccessReaderPromise(new VaultReader(open), size, { lazyEntries: true, autoClose: false, validateEntrySizes: false });
  } catch (err) {
    throw directoryProblem(err);
  }
  if (zip.entryCount > XLSX_LIMITS.maxEntries) throw new FileProblem(`工作簿包含${zip.entryCount}个部件，超过${XLSX_LIMITS.maxEntries}个的上限，不予导入`);
  const entries = new Map<string, yauzl.Entry>();
  // Part names are case-insensitive (OPC): to Excel, names differing only in case are one part.
  const names = new Set<string>();
  let unpacked = 0;
  try {
    for await (const e of zip.eachEntry()) {
      // Names are the zip's own, up to 64 KB each: quoted short.
      const name = quoted(e.fileName, 100);
      const key = e.fileName.toLowerCase();
      // Excel might read one of the two and this reader the other.
      if (names.has(key)) throw new FileProblem(`工作簿中有两个名为「${name}」的部件，无法确定应读取哪一个，文件已损坏或被篡改，${AGAIN}`);
      names.add(key);
      if (e.generalPurposeBitFlag & 0x1) throw encrypted(`的部件「${name}」`);
      if (e.compressionMethod === 0 && e.compressedSize !== e.uncompressedSize) {
        throw damaged(name, `未经压缩，压缩目录记载的压缩前后大小却不同（${e.uncompressedSize}与${e.compressedSize}字节）`);
      }
      entries.set(e.fileName, e);
      unpacked += e.uncompressedSize;
      if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(e.compressedSize, 1) > XLSX_LIMITS.maxRatio) {
        throw new FileProblem(`工作簿中「${name}」的压缩比异常（${Math.round(e.uncompressedSize / Math.max(e.compressedSize, 1))}:1），疑似压缩炸弹，不予导入`);
      }
    }
  } catch (err) {
    throw directoryProblem(err, zip.entriesRead + 1);
  }
  if (unpacked > XLSX_LIMITS.maxUnpackedBytes) throw new FileProblem(`工作簿解压后共${Math.round(unpacked / 1048576)} MB，超过${Math.round(XLSX_LIMITS.maxUnpackedBytes / 1048576)} MB的上限，不予导入`);
  if (entries.has('xl/vbaProject.bin')) throw new FileProblem('这是含宏的工作簿（.xlsm），出于安全原因不予导入：请另存为不含宏的.xlsx');
  if (!entries.has('xl/workbook.xml')) throw new FileProblem('这是压缩文件，但不是Excel工作簿（缺少部件「xl/workbook.xml」）');
  const offsets = [...entries.values()].map((e) => e.relativeOffsetOfLocalHeader).sort((x, y) => x - y);

  /**
   * Where a part's data starts, once its local header agrees with the directory: tools that walk
   * the local headers (streaming unzippers, archive viewers, virus scanners) would otherwise see
   * another workbook than the one imported.
   */
  const dataStart = async (name: string, e: yauzl.Entry): Promise<number> => {
    const at = e.relativeOffsetOfLocalHeader;
    const fixed = await readRange(open, at, 30);
    if (fixed.length < 30) throw cutShort(name, '的本地文件头超出了文件末尾');
    if (fixed.readUInt32LE(0) !== 0x04034b50) throw damaged(name, '的本地文件头已损坏（文件头标记不对）');
    const flags = fixed.readUInt16LE(6);
    const method = fixed.readUInt16LE(8);
    const nameLength = fixed.readUInt16LE(26);
    const extraLength = fixed.readUInt16LE(28);
    const variable = await readRange(open, at + 30, nameLength + extraLength);
    if (variable.length < nameLength + extraLength) throw cutShort(name, '的本地文件头超出了文件末尾');
    if (!variable.subarray(0, nameLength).equals(e.fileNameRaw)) throw damaged(name, '在本地文件头中的名称与压缩目录中的不一致');
    if (method !== e.compressionMethod) throw damaged(name, `的压缩方式在本地文件头（编号${method}）与压缩目录（编号${e.compressionMethod}）中不一致`);
    if (flags & 0x1) throw encrypted(`的部件「${name}」`);
    // With bit 3 the header's CRC and sizes are zeros and follow the data instead: nothing to compare.
    if (!((flags | e.generalPurposeBitFlag) & 0x8)) {
      let compressed = fixed.readUInt32LE(18);
      let uncompressed = fixed.readUInt32LE(22);
      if (compressed === 0xffffffff || uncompressed === 0xffffffff) ({ compressed, uncompressed } = zip64Sizes(variable.subarray(nameLength)) ?? { compressed: -1, uncompressed: -1 });
      if (fixed.readUInt32LE(14) !== e.crc32 || compressed !== e.compressedSize || uncompressed !== e.uncompressedSize) {
        throw damaged(name, '的校验值或大小在本地文件头与压缩目录中不一致');
      }
    }
    if (method !== 0 && method !== 8) throw new FileProblem(`工作簿中的部件「${name}」使用了Excel不使用的压缩方式（编号${method}），无法读取，${AGAIN}`);
    const start = at + 30 + nameLength + extraLength;
    if (start + e.compressedSize > size) throw cutShort(name, '的数据超出了文件末尾');
    // Parts never share bytes: overlapping ones are a zip-bomb construction and, like duplicates, ambiguous.
    const next = offsets.find((o) => o > at) ?? size;
    if (offsets.indexOf(at) !== offsets.lastIndexOf(at) || start + e.compressedSize > next) throw damaged(name, '与其他部件在文件中的位置重叠');
    return start;
  };

  /** A part's content, inflated and verified as it streams (see `verified`). */
  const stream = async (name: string, limit: number): Promise<Readable> => {
    const e = entries.get(name);
    if (!e) throw new FileProblem(`工作簿缺少部件「${name}」，文件可能已损坏`);
    if (e.uncompressedSize > limit) throw new FileProblem(`工作簿中「${name}」解压后有${Math.round(e.uncompressedSize / 1048576)} MB，超过${Math.round(limit / 1048576)} MB的上限，疑似压缩炸弹，不予导入`);
    const start = await dataStart(name, e);
    const raw = e.compressedSize === 0 ? Readable.from([]) : open(start, start + e.compressedSize - 1);
    const out = verified(name, e);
    // A failing read of the stored upload is not the file's fault: passed on as it is.
    raw.on('error', (err) => out.destroy(err));
    out.on('close', () => raw.destroy());
    if (e.compressionMethod === 0) return raw.pipe(out);
    const inflate = zlib.createInflateRaw();
    // zlib's own words ("invalid distance too far back") tell a clerk nothing: the kind is enough.
    inflate.on('error', () => out.destroy(damaged(name, '的压缩数据已损坏，无法解压')));
    out.on('close', () => inflate.destroy());
    return raw.pipe(inflate).pipe(out);
  };
  const text = async (name: string): Promise<string> => {
    const parts: Buffer[] = [];
    for await (const c of await stream(name, XLSX_LIMITS.maxPartBytes)) parts.push(c as Buffer);
    return Buffer.concat(parts).toString('utf8');
  };

  // Which sheet is first, and whether dates count from 1904.
  const workbook = await text('xl/workbook.xml');
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"/.test(workbook);
  const firstSheet = /<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1] ?? /<(?:\w+:)?sheet\b[^>]*\bid="([^"]+)"/.exec(workbook)?.[1];
  const relsPath = 'xl/_rels/workbook.xml.rels';
  // Sheets named by relationship id cannot be found without the relationships (nor can the rest be trusted).
  if (!entries.has(relsPath) && /\br:id="/.test(workbook)) throw damaged(relsPath, '（工作簿各部分之间的关系）缺失');
  const rels = entries.has(relsPath) ? await text(relsPath) : '';
  const relations = [...rels.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)].map((m) => m[1] ?? '').filter((a) => !/\bTargetMode="External"/.test(a));
  const attribute = (a: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(a)?.[1];
  const partOf = (a: string | undefined) => {
    const target = a === undefined ? undefined : attribute(a, 'Target');
    return target === undefined ? undefined : resolvePart(target);
  };
  const sheetPath = partOf(relations.find((a) => attribute(a, 'Id') === firstSheet)) ?? 'xl/worksheets/sheet1.xml';
  if (!entries.has(sheetPath)) throw new FileProblem('工作簿中没有工作表');
  // Shared strings and styles where the workbook's relationships say. One they name that the
  // directory lacks is damage, not an empty table: reading on would blank every shared string, or
  // turn dates into bare numbers.
  const related = (type: string, usual: string): string | undefined => {
    const declared = partOf(relations.find((a) => attribute(a, 'Type')?.endsWith(`/${type}`)));
    if (declared !== undefined && !entries.has(declared)) throw damaged(declared, '在工作簿的关系文件中列出，压缩目录中却没有');
    return declared ?? (entries.has(usual) ? usual : undefined);
  };
  const sharedPath = related('sharedStrings', 'xl/sharedStrings.xml');
  const stylesPath = related('styles', 'xl/styles.xml');

  // Which cell styles are dates.
  const dateStyles = new Set<number>();
  if (stylesPath !== undefined) {
    const styles = await text(stylesPath);
    const custom = new Map([...styles.matchAll(/<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"/g)].map((m) => [Number(m[1]), (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&')]));
    const xfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
    [...xfs.matchAll(/<xf\b([^>]*?)\/?>/g)].forEach((m, i) => {
      const id = Number(/numFmtId="(\d+)"/.exec(m[1] ?? '')?.[1] ?? 0);
      if (BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateFormat(custom.get(id) ?? ''))) dateStyles.add(i);
    });
  }

  // Shared strings, streamed: a workbook of a million rows can have a large table. Read to the
  // end, so its CRC-32 is checked before any row is read.
  const shared: string[] = [];
  if (sharedPath !== undefined) {
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
    for await (const _ of parse(p, await stream(sharedPath, XLSX_LIMITS.maxUnpackedBytes), sharedPath));
  }

  async function* rows(fromRow: number): AsyncIterable<Row> {
    const p = new SaxesParser();
    const ready: Row[] = [];
    let cells: string[] = [];
    let notes: string[] = [];
    let rowNumber = 0;
    let cell: { col: number; type: string; style: number; formula: boolean; value: string } | null = null;
    let capture: 'v' | 't' | 'f' | null = null;
    // A hostile reference (r="ZZZZZ1", r="99999999") must not make `cells` that long: refused at
    // Excel's own limits. Thrown from the parser's handler, it ends the read below.
    p.on('opentag', (t) => {
      const n = t.name.replace(/^\w+:/, '');
      const a = t.attributes as Record<string, string>;
      if (n === 'row') {
        const r = a.r === undefined ? rowNumber + 1 : Number(a.r);
        if (!Number.isInteger(r) || r < 1) throw badSheet(`${rowNumber === 0 ? '工作表的第一行' : `工作表第${rowNumber}行之后的一行`}的行号「${quoted(a.r ?? '')}」无效`);
        if (r > MAX_ROWS) throw offGrid(`工作表中有第${r}行`);
        rowNumber = r;
        cells = [];
        notes = [];
      } else if (n === 'c') {
        const col = a.r === undefined ? cells.length : columnIndex(a.r);
        if (col < 0) throw badSheet(`工作表第${rowNumber}行有一个单元格的位置「${quoted(a.r ?? '')}」无效`);
        if (col >= EXCEL_MAX_COLUMNS) throw offGrid(a.r === undefined ? `工作表第${rowNumber}行的单元格多于16 384个` : `工作表第${rowNumber}行的单元格「${quoted(a.r)}」在最后一列XFD之后`);
        cell = { col, type: a.t ?? 'n', style: Number(a.s ?? 0), formula: false, value: '' };
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
        if (c.type === 's') {
          const string = shared[Number(v)];
          if (string === undefined) throw badSheet(`工作表第${rowNumber}行的单元格${columnName(c.col)}${rowNumber}引用的共享字符串（编号${quoted(v)}）在共享字符串表中不存在`);
          v = string;
        }
        else if (c.type === 'b') v = v === '1' ? 'TRUE' : 'FALSE';
        else if (c.type === 'n' && v !== '' && dateStyles.has(c.style)) {
          // Beyond Excel's dates (or no number at all) the text stays as written, for the row's validation to refuse.
          const serial = Number(v);
          if (serial >= 0 && serial <= MAX_DATE_SERIAL) v = serialToDate(serial, date1904);
        }
        if (c.formula) notes.push(`第${columnName(c.col)}列是公式，已取其计算结果「${v}」`);
        while (cells.length < c.col) cells.push('');
        cells[c.col] = v;
        cell = null;
      } else if (n === 'row') {
        if (rowNumber >= fromRow || rowNumber === 1) ready.push({ rowNumber, cells, ...(notes.length > 0 ? { notes } : {}) });
      }
    });
    // The sheet's CRC-32 can only be checked at its end, after its rows have been yielded. That is
    // safe because an import reads the file twice: `preflight` (collection.service.ts) counts every
    // row first — `countRows` reads the sheet to its end, so a damaged sheet is a FileProblem there
    // and the file is refused before any row is written — and only then does `run` read the same
    // stored bytes again to import them. Any other caller must read to the end before trusting a row.
    for await (const _ of parse(p, await stream(sheetPath, XLSX_LIMITS.maxUnpackedBytes), sheetPath)) {
      while (ready.length > 0) yield ready.shift() as Row;
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

/** A relationship's target, relative to xl/ (where the workbook is) unless absolute, as a part name. */
function resolvePart(target: string): string {
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    // Not percent-encoded after all: the name as written.
  }
  const path: string[] = decoded.startsWith('/') ? [] : ['xl'];
  for (const segment of decoded.split('/')) {
    if (segment === '..') path.pop();
    else if (segment !== '.' && segment !== '') path.push(segment);
  }
  return path.join('/');
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

/**
 * Feeds a part to its parser chunk by chunk, yielding after each. XML that does not parse (or that
 * a handler refuses) stops the parsing, not the reading: when the rest fails its CRC-32, damage is
 * the cause to name, not the XML. A failing read of the stored upload passes as it is.
 */
async function* parse(p: SaxesParser, input: Readable, part: string): AsyncGenerator<void> {
  // A chunk may end inside a multi-byte character.
  const utf8 = new StringDecoder('utf8');
  let problem: unknown;
  for await (const chunk of input) {
    if (problem !== undefined) continue;
    try {
      p.write(utf8.write(chunk as Buffer));
    } catch (err) {
      problem = err;
      continue;
    }
    yield;
  }
  if (problem === undefined) {
    try {
      p.write(utf8.end());
      p.close();
    } catch (err) {
      problem = err;
    }
  }
  if (problem !== undefined) throw problem instanceof FileProblem ? problem : new FileProblem(`工作簿中的部件「${part}」已损坏（XML无法解析），${AGAIN}`);
}
