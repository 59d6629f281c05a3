/**
 * The error workbook a clerk downloads after an import: each rejected row as it was submitted
 * (personal values masked), its row number in the original file, and one column saying what to fix.
 * Streamed, so a file with many rejected rows does not sit in memory.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { InfoItem } from '../catalog/index.js';
import { REPORT_COLUMNS } from './headers.js';
import type { RowProblem } from './validate.js';

export interface RejectedRow {
  rowNumber: number;
  problems: RowProblem[];
  row: Record<string, string> | null;
}

/** A row refused only because its decision came earlier in the same file (that earlier row was imported). */
export function isRepeatOnly(r: RejectedRow): boolean {
  return r.problems.length > 0 && r.problems.every((p) => p.code === 'DUPLICATE_IN_BATCH');
}

/**
 * Rows to correct go on the first sheet — the one an upload reads, so the corrected workbook can go
 * back as it is. Repeats of a decision already imported go on a second sheet: uploaded again they
 * would replace the row that was imported. `rows` is read twice (once per sheet), so nothing is
 * held in memory.
 *
 * `sourceRef` (a file batch's rows) gives each row to correct its signed reference to its origin,
 * in a hidden last column (来源引用): uploaded again, the masked cells left as they are are filled
 * from the original file (source-refs.ts). The repeats carry none: nothing of theirs is filled.
 */
export async function writeErrorReport(out: Writable, item: InfoItem, rows: () => AsyncIterable<RejectedRow>, sourceRef?: (rowNumber: number) => string): Promise<number> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const columns = [
    { header: REPORT_COLUMNS.rowNumber, key: '_row', width: 10 },
    { header: REPORT_COLUMNS.errors, key: '_errors', width: 60 },
    ...item.fields.map((f) => ({ header: f.label, key: f.code, width: Math.min(Math.max(f.label.length * 2 + 2, 12), 40) })),
  ];
  // Personal values come back masked (the report must not carry them whole): say so on the row —
  // left as they are, they are filled in again from the original file; changed, they must be whole.
  const personal = item.fields.filter((f) => f.personal === true || (f.masking !== undefined && f.masking !== 'none')).map((f) => f.code);
  const note = sourceRef
    ? '注：本行的个人信息以*号遮盖。遮盖的内容不必改动，原样上传时平台按原文件填回；如要更正这些信息，请填写完整的原始信息'
    : '注：本行的个人信息已以*号遮盖，改正时请填写完整的原始信息';
  const maskedNote = (row: Record<string, string> | null) => (personal.some((c) => row?.[c]?.includes('*')) ? [note] : []);
  let n = 0;
  for (const [name, wanted] of [['错误报告', (r: RejectedRow) => !isRepeatOnly(r)], ['重复的行（勿重新上传）', isRepeatOnly]] as const) {
    const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
    const refs = sourceRef && wanted !== isRepeatOnly ? sourceRef : undefined;
    sheet.columns = refs ? [...columns, { header: REPORT_COLUMNS.source, key: '_ref', width: 12, hidden: true }] : columns;
    const head = sheet.getRow(1);
    head.font = { bold: true };
    head.getCell(2).font = { bold: true, color: { argb: 'FFC0392B' } };
    head.commit();
    for await (const r of rows()) {
      if (!wanted(r)) continue;
      // The value after the reason, unless the reason already quotes it (「…」, as the checks write it).
      const reasons = r.problems.map((p) => p.message + (p.value && !p.message.includes(`「${p.value}」`) ? `（值：${p.value}）` : ''));
      const values: Record<string, string | number> = { _row: r.rowNumber, _errors: [...reasons, ...maskedNote(r.row)].join('\n') };
      for (const [code, v] of Object.entries(r.row ?? {})) values[code] = v;
      if (refs) values._ref = refs(r.rowNumber);
      const row = sheet.addRow(values);
      row.getCell(2).font = { color: { argb: 'FFC0392B' } };
      row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
      row.commit();
      n++;
    }
    sheet.commit();
  }
  await book.commit();
  return n;
}
