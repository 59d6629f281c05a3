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
  if (!utf16 && b.includes(0)) throw new FileProblem('文件不是文本格式的CSV，也不是XLSX工作簿（含二进制内容）');
  return 'csv';
}

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
  const delimiter = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
  const records = (): AsyncIterable<string[]> => {
    const input = open(bom);
    const decoded = input.pipe(decoder(encoding));
    input.on('error', (err) => decoded.destroy(err));
    return parseCsv(decoded as AsyncIterable<string>, delimiter);
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
  if (err instanceof CsvError) throw new FileProblem(`CSV格式错误（第${err.line}行起）：${err.message}`);
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
