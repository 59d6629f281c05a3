/**
 * Maps a file's header row to the catalog item's field codes. Departments send the Chinese labels,
 * the XK_/CF_ codes, or pre-2019 names (the item's `legacyHeaders`); spacing, full-width
 * characters, required marks (*) and 「（必填）」 are ignored. Problems that make the whole file
 * unusable — unknown, duplicate or prohibited headers, missing required columns — are returned
 * together, so one fix covers them all.
 */
import { prohibitedTerm } from '../../../common/catalog/prohibited-fields.js';
import { toHalfWidth } from '../../../common/identifiers/index.js';
import { findUnsafeCharacter, limitText, revealUnsafe, unsafeReason } from '../../../common/text.js';
import type { InfoItem } from '../catalog/index.js';

/**
 * The error workbook's own columns (row number in the original file, what to fix, and the signed
 * reference to the row's origin that fills its masked cells back in — source-refs.ts): a clerk
 * fixes the rows in that workbook and uploads it as it is, so they are read as ignored columns.
 */
export const REPORT_COLUMNS = { rowNumber: '原文件行号', errors: '错误说明', source: '来源引用' } as const;

/** Where a file's header has the error workbook's 来源引用 column, or -1. */
export function sourceRefColumn(header: readonly string[]): number {
  const wanted = normalizeHeader(REPORT_COLUMNS.source);
  return header.findIndex((h) => normalizeHeader(h) === wanted);
}

export interface HeaderMapping {
  /** Field code per column, or null for an ignored column (a legacy one, or the error workbook's own). */
  columns: (string | null)[];
  problems: string[];
}

export function normalizeHeader(h: string): string {
  return toHalfWidth(h)
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, '')
    .replace(/^\*+|\*+$/g, '')
    .replace(/\((必填|选填|可选)\)$/, '')
    .toUpperCase();
}

/** `file`: a file's header row, which may be an error workbook's (its own columns are then ignored). */
export function mapHeaders(item: InfoItem, header: readonly string[], source: 'file' | 'api' = 'file'): HeaderMapping {
  const byName = new Map<string, string | null>();
  for (const f of item.fields) {
    byName.set(normalizeHeader(f.code), f.code);
    byName.set(normalizeHeader(f.label), f.code);
  }
  for (const [legacy, code] of Object.entries(item.legacyHeaders ?? {})) byName.set(normalizeHeader(legacy), code);
  if (source === 'file') for (const column of Object.values(REPORT_COLUMNS)) byName.set(normalizeHeader(column), null);

  const problems: string[] = [];
  const columns: (string | null)[] = [];
  const seen = new Map<string, number>();
  const multi = new Set(item.fields.filter((f) => f.type === 'multiEnum').map((f) => f.code));
  header.forEach((raw, i) => {
    const col = i + 1;
    const unsafe = findUnsafeCharacter(raw);
    if (unsafe) {
      problems.push(`第${col}列表头「${limitText(revealUnsafe(raw), 60)}」的${unsafeReason(unsafe)}`);
      columns.push(null);
      return;
    }
    const name = normalizeHeader(raw);
    if (name === '') {
      columns.push(null);
      return;
    }
    const code = byName.get(name);
    if (code === undefined) {
      const term = prohibitedTerm(raw, raw);
      const shown = limitText(raw, 60);
      problems.push(term ? `第${col}列表头「${shown}」属于禁止采集的个人信息（${term}），整个文件不予导入，请删除该列` : `第${col}列表头「${shown}」不是「${item.name}」的字段（应为中文名称、字段代码或旧版字段名）`);
      columns.push(null);
      return;
    }
    if (code !== null) {
      const before = seen.get(code);
      // Older templates split one multi-valued field over several columns (CF_CFLB1, CF_CFLB2).
      if (before !== undefined && !multi.has(code)) problems.push(`第${before}列和第${col}列是同一字段「${labelOf(item, code)}」(${code})`);
      seen.set(code, col);
    }
    columns.push(code);
  });
  // The data source may be left out: the platform fills it in from the department registry.
  const missing = item.fields.filter((f) => f.required && !seen.has(f.code) && f.code !== item.sourceField);
  if (missing.length > 0 && problems.length === 0 && seen.size === 0) {
    problems.push(`表头中没有「${item.name}」的任何字段：第一行应为表头（中文名称或字段代码）`);
  } else if (missing.length > 0) {
    problems.push(`缺少必填列：${missing.map((f) => `「${f.label}」(${f.code})`).join('、')}`);
  }
  return { columns, problems };
}

function labelOf(item: InfoItem, code: string): string {
  return item.fields.find((f) => f.code === code)?.label ?? code;
}

/** A row as field code → raw text; columns mapped to one multi-valued field are joined with ';'. */
export function rowToFields(columns: readonly (string | null)[], cells: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  columns.forEach((code, i) => {
    if (code === null) return;
    const v = (cells[i] ?? '').trim();
    if (v === '') return;
    out[code] = out[code] === undefined ? v : `${out[code]};${v}`;
  });
  return out;
}
