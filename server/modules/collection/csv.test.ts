import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { CsvError, parseCsv } from './csv.js';

async function read(text: string, chunk = 3, delimiter = ','): Promise<string[][]> {
  async function* pieces() {
    for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk);
  }
  const out: string[][] = [];
  for await (const r of parseCsv(pieces(), delimiter)) out.push(r);
  return out;
}

describe('CSV reader', () => {
  it('reads quoted fields, doubled quotes, line breaks in quotes and every line ending, whatever the chunking', async () => {
    const text = 'a,b,c\r\n"x, y","he said ""hi""",\n"multi\nline",2,3\r4,,"6"\n';
    const expected = [['a', 'b', 'c'], ['x, y', 'he said "hi"', ''], ['multi\nline', '2', '3'], ['4', '', '6']];
    for (const chunk of [1, 2, 3, 5, 7, 64]) assert.deepEqual(await read(text, chunk), expected, `chunk ${chunk}`);
  });

  it('takes a last line without its line end, blank lines as one empty field, and tabs', async () => {
    assert.deepEqual(await read('a,b\n\n1,2'), [['a', 'b'], [''], ['1', '2']]);
    assert.deepEqual(await read('a\tb\n1\t"2\t3"\n', 4, '\t'), [['a', 'b'], ['1', '2\t3']]);
  });

  it('agrees with a general-purpose parser on generated data', async () => {
    const cell = (i: number) => (i % 7 === 0 ? `"q""${i}\n,x"` : i % 5 === 0 ? '' : `v${i}中文`);
    const text = Array.from({ length: 300 }, (_, r) => Array.from({ length: 6 }, (_, c) => cell(r * 6 + c)).join(',')).join('\r\n');
    assert.deepEqual(await read(text, 13), parse(text, { relax_column_count: true }) as string[][]);
  });

  it('names the line where an unclosed quote starts', async () => {
    await assert.rejects(read('a,b\n1,2\n"open,3\n4,5\n'), (e: unknown) => e instanceof CsvError && e.line === 3 && /没有结束引号/.test(e.message));
  });
});
