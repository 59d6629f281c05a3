/**
 * The error workbook a clerk downloads after an import: each rejected row as it was submitted
 * (personal values masked), its row number in the original file, and one column saying what to fix.
 * Streamed, so a file with many rejected rows does not sit in memory.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { InfoItem } from '../catalog/index.js';
import type { RowProblem } from './validate.js';

export interface RejectedRow {
  rowNumber: number;
  problems: RowProblem[];
  row: Record<string, string> | null;
}

export async function writeErrorReport(out: Writable, item: InfoItem, rows: AsyncIterable<RejectedRow>): Promise<number> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = book.addWorksheet('错误报告', { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
  sheet.columns = [
    { header: '原文件行号', key: '_row', width: 10 },
    { header: '错误说明', key: '_errors', width: 60 },
    ...item.fields.map((f) => ({ header: f.label, key: f.code, width: Math.min(Math.max(f.label.length * 2 + 2, 12), 40) })),
  ];
  const head = sheet.getRow(1);
  head.font = { bold: true };
  head.getCell(2).font = { bold: true, color: { argb: 'FFC0392B' } };
  head.commit();
  let n = 0;
  for await (const r of rows) {
    const values: Record<string, string | number> = { _row: r.rowNumber, _errors: r.problems.map((p) => p.message + (p.value ? `（值：${p.value}）` : '')).join('\n') };
    for (const [code, v] of Object.entries(r.row ?? {})) values[code] = v;
    const row = sheet.addRow(values);
    row.getCell(2).font = { color: { argb: 'FFC0392B' } };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
    n++;
  }
  sheet.commit();
  await book.commit();
  return n;
}
