/**
 * An RFC 4180 CSV reader over decoded text chunks, as Excel and department systems write it:
 * quoted fields with doubled quotes, line breaks inside quotes, CRLF, LF or CR line ends. Written
 * for the import's hot path (a general-purpose parser spent more time here than validation did):
 * unquoted fields are cut with indexOf, quoted ones scanned once.
 */
export class CsvError extends Error {
  constructor(
    message: string,
    /** 1-based line where the broken record starts. */
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * `maxFields`: a record with more fields is refused at once (a 2 MB header of 500 000 empty
 * columns must not become 500 000 problems); `maxRecordChars` likewise for one record's length.
 */
export async function* parseCsv(chunks: AsyncIterable<string>, delimiter = ',', maxRecordChars = 1_000_000, maxFields = 1024): AsyncIterable<string[]> {
  const d = delimiter.charCodeAt(0);
  let buf = '';
  let line = 1;
  let done = false;
  const it = chunks[Symbol.asyncIterator]();
  const more = async (): Promise<boolean> => {
    if (done) return false;
    const next = await it.next();
    if (next.done) {
      done = true;
      return false;
    }
    buf += next.value;
    return true;
  };

  let pos = 0;
  for (;;) {
    // Make sure a whole record is in the buffer: read until a line end outside quotes (or EOF).
    let record: string[] | null = null;
    const startLine = line;
    for (;;) {
      const r = readRecord(buf, pos, d, done, maxFields, startLine);
      if (r !== null) {
        record = r.fields;
        pos = r.end;
        line += r.lines;
        break;
      }
      if (buf.length - pos > maxRecordChars) throw new CsvError(`这一行超过${maxRecordChars.toLocaleString('en-US')}个字符：可能是某个带引号的单元格缺少结束引号，使后面的内容都被当作这一格`, startLine);
      // Keep only the unread part, then read on.
      buf = buf.slice(pos);
      pos = 0;
      if (!(await more())) {
        if (buf.length === 0) return;
        const last = readRecord(buf, 0, d, true, maxFields, startLine);
        if (last === null) throw new CsvError('这一行的带引号单元格到文件末尾也没有结束引号：单元格内容中的双引号应写成两个（""）', startLine);
        record = last.fields;
        pos = last.end;
        line += last.lines;
        break;
      }
    }
    yield record;
    if (done && pos >= buf.length) return;
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * One record starting at `pos`, or null when the buffer ends inside it (more text is needed).
 * At EOF (`final`), the buffer's end also ends the record — unless a quote is still open.
 */
function readRecord(buf: string, pos: number, d: number, final: boolean, maxFields: number, line: number): { fields: string[]; end: number; lines: number } | null {
  const fields: string[] = [];
  let i = pos;
  let lines = 0;
  const n = buf.length;
  if (i >= n) return null;
  for (;;) {
    if (fields.length >= maxFields) throw new CsvError(`这一行超过${maxFields}列，远多于任何信息项的字段数：请检查分隔符和表格范围`, line);
    if (i < n && buf.charCodeAt(i) === QUOTE) {
      // Quoted field: up to the closing quote; "" is one quote.
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = buf.indexOf('"', from);
        if (q === -1) return null;
        if (q + 1 >= n && !final) return null; // cannot tell "" from " yet
        value += buf.slice(from, q);
        if (buf.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      for (let k = value.indexOf('\n'); k !== -1; k = value.indexOf('\n', k + 1)) lines++;
      fields.push(value);
      // Whatever follows a closing quote up to the delimiter is kept too (lenient, like Excel).
      let j = i;
      while (j < n) {
        const c = buf.charCodeAt(j);
        if (c === d || c === CR || c === LF) break;
        j++;
      }
      if (j > i) fields[fields.length - 1] += buf.slice(i, j);
      i = j;
    } else {
      let j = i;
      while (j < n) {
        const c = buf.charCodeAt(j);
        if (c === d || c === CR || c === LF) break;
        j++;
      }
      if (j >= n && !final) return null;
      fields.push(buf.slice(i, j));
      i = j;
    }
    if (i >= n) {
      if (!final) return null;
      return { fields, end: i, lines: lines + 1 };
    }
    const c = buf.charCodeAt(i);
    if (c === d) {
      i++;
      if (i >= n && final) {
        fields.push('');
        return { fields, end: i, lines: lines + 1 };
      }
      continue;
    }
    // Line end: CRLF, LF or CR.
    if (c === CR) {
      if (i + 1 >= n && !final) return null;
      i += buf.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i++;
    return { fields, end: i, lines: lines + 1 };
  }
}
