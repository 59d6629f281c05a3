/**
 * Reading uploaded files as rows of text cells, streamed so memory stays bounded whatever the
 * size. CSV arrives as UTF-8 (with or without BOM), UTF-16 or GB18030/GBK (what Excel and many
 * department systems export); XLSX is read by xlsx.ts. Everything that makes a whole file unusable
 * is a FileProblem with one clear Chinese sentence.
 */
import { Readable, Transform } from 'node:stream';
import { CsvError, parseCsv } from './csv.js';

/** Excel's own row limit: a bigger file is not a department export. */
export const MAX_ROWS = 1_048_576;

export class FileProblem extends Error {}

export interface Row {
  /** As the clerk sees it in Excel: the header is row 1. */
  rowNumber: number;
  cells: string[];
  /** What the reader noticed about the row (a formula cell), kept as warnings. */
  notes?: string[];
}

export interface RowSource {
  format: string;
  header: string[];
  /** Data rows from `fromRow` on; blank rows are skipped but counted. */
  rows(fromRow: number): AsyncIterable<Row>;
}

export type FileKind = 'csv' | 'xlsx';

/** Opens the file's plaintext from a byte offset (the file vault decrypts it as it streams). */
export type OpenBytes = (start?: number, end?: number) => Readable;

export async function readHead(open: OpenBytes, bytes = 8192): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of open(0, bytes - 1)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Looks at the first bytes: the name's extension is not trusted. */
export function sniff(b: Buffer): FileKind {
  if (b.length === 0) throw new FileProblem('文件是空的（0字节）');
  if (b.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'xlsx';
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') throw new FileProblem('这是PDF文件，不是CSV或XLSX：请上传由模板填写的Excel或CSV文件');
  if (b.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) throw new FileProblem('这是旧版Excel（.xls）或加密的工作簿：请在Excel中另存为.xlsx或CSV（UTF-8）后上传');
  const utf16 = (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
  // A stray NUL in one cell is that cell's problem (the row says where); more control bytes than
  // that are a binary file, or UTF-16 without its byte-order mark.
  if (!utf16 && binaryBytes(b) > Math.max(1, b.length / 100)) {
    throw new FileProblem(b[1] === 0 || b[0] === 0 ? '文件看起来是没有字节顺序标记（BOM）的UTF-16文本，无法可靠识别：请在Excel中另存为“CSV UTF-8（逗号分隔）”或.xlsx后上传' : '文件不是文本格式的CSV，也不是XLSX工作簿（开头含大量二进制内容）：请上传由模板填写的Excel或CSV文件');
  }
  return 'csv';
}

/** Bytes no text file has: C0 controls other than tab, line breaks, form feed and escape. */
function binaryBytes(b: Buffer): number {
  let n = 0;
  for (const x of b) if (x < 0x09 || (x > 0x0d && x < 0x20 && x !== 0x1b)) n++;
  return n;
}

/** Excel's last column is XFD (16 384); no catalog item has more than a few dozen fields. */
export const MAX_COLUMNS = 1024;

/** BOMs decide; otherwise valid UTF-8 is UTF-8, and anything else is read as GB18030 (a superset of GBK and GB2312). */
export function detectEncoding(head: Buffer): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

function decoder(encoding: string): Transform {
  const d = new TextDecoder(encoding, { fatal: true });
  let offset = 0;
  return new Transform({
    decodeStrings: true,
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        const text = d.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, text);
      } catch {
        done(new FileProblem(`文件编码不一致：按${encoding === 'gb18030' ? 'GB18030/GBK' : encoding.toUpperCase()}读取时，约第${offset + 1}字节之后出现无法识别的字符；请整体另存为UTF-8后上传`));
      }
    },
    flush(done) {
      try {
        done(null, d.decode());
      } catch {
        done(new FileProblem('文件末尾有不完整的字符（文件可能被截断）'));
      }
    },
  });
}

const blank = (cells: string[]) => cells.every((c) => c.trim() === '');

/**
 * The encoding is decided by the first non-ASCII bytes: a GBK file whose first rows happen to be
 * ASCII (field-code headers, numbers) must not be taken for UTF-8. Reads on, up to 4 MB, to find them.
 */
async function sampleForEncoding(open: OpenBytes, head: Buffer): Promise<Buffer> {
  if (head.some((b) => b >= 0x80)) return head;
  for await (const chunk of open(head.length, 4 * 1024 * 1024 - 1)) {
    const c = chunk as Buffer;
    const at = c.findIndex((b) => b >= 0x80);
    // From the first non-ASCII byte on, enough for a decision (a partial character at the end is fine).
    if (at !== -1) return c.subarray(at, at + 4096);
  }
  return head;
}

export async function openCsv(open: OpenBytes, head: Buffer): Promise<RowSource> {
  const bomOf = detectEncoding(head);
  const { encoding, bom } = bomOf.bom > 0 ? bomOf : { ...detectEncoding(await sampleForEncoding(open, head)), bom: 0 };
  const firstLine = new TextDecoder(encoding).decode(head.subarray(bom)).split(/\r?\n/)[0] ?? '';
  // Tab-separated exports (.txt from some systems) are read too.
  const tabs = firstLine.match(/\t/g)?.length ?? 0;
  const commas = firstLine.match(/,/g)?.length ?? 0;
  // Excel in some locales saves "CSV" with semicolons; read as commas it would be one column of
  // everything. Semicolons also separate values inside a cell (处罚类别), so they are not guessed at.
  if (commas === 0 && tabs === 0 && (firstLine.match(/;/g)?.length ?? 0) >= 2) {
    throw new FileProblem('分隔符应为逗号：第1行（表头）是用分号“;”分隔的。请在Excel中另存为“CSV UTF-8（逗号分隔）(*.csv)”或.xlsx后上传');
  }
  const delimiter = tabs > commas ? '\t' : ',';
  const records = (): AsyncIterable<string[]> => {
    const input = open(bom);
    const decoded = input.pipe(decoder(encoding));
    input.on('error', (err) => decoded.destroy(err));
    return parseCsv(decoded as AsyncIterable<string>, delimiter, 1_000_000, MAX_COLUMNS);
  };
  const header = await (async () => {
    for await (const r of records()) return r;
    return [];
  })().catch(csvProblem);
  if (header.length === 0 || blank(header)) throw new FileProblem('第1行（表头）是空的：第一行应为字段名称');
  return {
    format: `csv-${encoding}`,
    header,
    async *rows(fromRow: number) {
      let rowNumber = 0;
      try {
        for await (const cells of records()) {
          rowNumber++;
          if (rowNumber === 1 || rowNumber < fromRow || blank(cells)) continue;
          yield { rowNumber, cells };
        }
      } catch (err) {
        csvProblem(err);
      }
    },
  };
}

function csvProblem(err: unknown): never {
  if (err instanceof FileProblem) throw err;
  if (err instanceof CsvError) throw new FileProblem(`CSV格式错误，在第${err.line}行：${err.message}。整个文件未导入，请修正后重新上传`);
  throw err;
}

/** A first pass over the whole file: every whole-file problem is found before anything is imported. */
export async function countRows(source: RowSource): Promise<number> {
  let n = 0;
  for await (const _ of source.rows(2)) {
    n++;
    if (n > MAX_ROWS) throw new FileProblem(`数据行超过${MAX_ROWS.toLocaleString('en-US')}行（Excel的上限），请拆分为多个文件`);
  }
  if (n === 0) throw new FileProblem('文件只有表头，没有数据行');
  return n;
}
