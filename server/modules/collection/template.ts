/**
 * The downloadable XLSX template of a catalog item: the header row (Chinese labels, * for required),
 * a 【说明】 row describing each field, a 【示例】 row, and drop-down lists for code-table fields. The
 * importer skips the two marked rows, so a clerk can fill the template below them and upload it as is.
 */
import ExcelJS from 'exceljs';
import type { CatalogField, CodeTable, InfoItem } from '../catalog/index.js';

/** A first cell starting like this marks a template's description or example row (skipped on import). */
export const TEMPLATE_ROW_MARK = /^【(说明|示例)】/;

const TYPE_TEXT: Record<CatalogField['type'], string> = {
  text: '文本',
  date: '日期，如2026-06-15',
  dateOrLongTerm: '日期，长期有效填“长期”',
  decimal: '数字',
  enum: '从下拉列表选择',
  multiEnum: '可填多个，用分号分隔',
  uscc: '18位统一社会信用代码',
  idNumber: '证件号码',
};

const EXAMPLE_BY_TYPE: Partial<Record<CatalogField['type'], string>> = {
  date: '2026-06-15',
  dateOrLongTerm: '2027-06-14',
  decimal: '0.5',
  uscc: '91350100M000100Y43',
};

/**
 * Required in the file: the data source (数据来源单位) is required in the record, but the platform
 * fills it in from the department registry, so a clerk may leave it empty.
 */
function requiredInFile(item: InfoItem, f: CatalogField): boolean {
  return f.required === true && f.code !== item.sourceField;
}

function describe(item: InfoItem, f: CatalogField, table: CodeTable | undefined): string {
  if (f.code === item.sourceField) return `${f.code}｜可留空：由平台按报送部门登记的名称填写；填写时须与登记名称一致`;
  // 选填 unless a rule asks for it: then the rule says when (处罚类别含罚款时，罚款金额必填).
  const when = (item.rules ?? []).filter((r) => r.require?.includes(f.code)).map((r) => r.message);
  const parts = [f.code, f.required ? '必填' : when.length > 0 ? `条件必填：${when.join('；')}` : '选填', f.unit ? `${TYPE_TEXT[f.type]}（${f.unit}）` : TYPE_TEXT[f.type]];
  if (table) parts.push(`可选：${table.values.map((v) => (v.label && v.label !== v.value ? `${v.value}（${v.label}）` : v.value)).join('、')}${table.allowOther ? '、其他-（说明）' : ''}`);
  if (f.maxLength) parts.push(`不超过${f.maxLength}字`);
  if (f.note) parts.push(f.note);
  return parts.join('｜');
}

/**
 * The 【示例】 row: a record the item's own rules accept (its data source code aside, which is the
 * department's; its data source name left empty, which the platform fills in). Required fields take an example of their type (a code table's first value, a date,
 * or their label), and so does a field a rule requires under the example's values (法人 → 法定代表人).
 */
export function exampleRow(item: InfoItem, codeTables: (code: string) => CodeTable | undefined): Record<string, string> {
  const sample = (f: CatalogField) =>
    f.type === 'enum' || f.type === 'multiEnum' ? ((f.enum ? codeTables(f.enum) : undefined)?.values[0]?.value ?? '') : (EXAMPLE_BY_TYPE[f.type] ?? f.label);
  const row: Record<string, string> = {};
  for (const f of item.fields) if (requiredInFile(item, f)) row[f.code] = sample(f);
  for (const r of item.rules ?? []) {
    const v = r.when ? (row[r.when.field] ?? '') : '';
    const applies = !r.when || (r.when.in?.includes(v) ?? false) || (r.when.includes?.some((x) => v.split(';').includes(x)) ?? false);
    if (!applies) continue;
    for (const code of r.require ?? []) {
      const f = item.fields.find((x) => x.code === code);
      if (f && !row[code]) row[code] = sample(f);
    }
  }
  return row;
}

export async function itemTemplate(item: InfoItem, codeTables: (code: string) => CodeTable | undefined): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '信用Xinyong';
  const sheet = book.addWorksheet(item.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = item.fields.map((f) => ({ header: `${requiredInFile(item, f) ? '*' : ''}${f.label}`, key: f.code, width: Math.min(Math.max(f.label.length * 2 + 4, 14), 40) }));
  const head = sheet.getRow(1);
  head.font = { bold: true };
  item.fields.forEach((f, i) => {
    if (requiredInFile(item, f)) head.getCell(i + 1).font = { bold: true, color: { argb: 'FFC0392B' } };
  });
  const notes = sheet.addRow(item.fields.map((f, i) => `${i === 0 ? '【说明】' : ''}${describe(item, f, f.enum ? codeTables(f.enum) : undefined)}`));
  notes.font = { color: { argb: 'FF666666' }, size: 9 };
  notes.alignment = { wrapText: true, vertical: 'top' };
  const example = exampleRow(item, codeTables);
  sheet.addRow(item.fields.map((f, i) => `${i === 0 ? '【示例】' : ''}${example[f.code] ?? ''}`)).font = { italic: true, color: { argb: 'FF999999' } };
  // Drop-down lists where one value is chosen (a list formula holds at most 255 characters).
  item.fields.forEach((f, i) => {
    const table = f.type === 'enum' && f.enum ? codeTables(f.enum) : undefined;
    const list = table?.values.map((v) => v.value).join(',');
    if (!table || !list || list.length > 250) return;
    const col = sheet.getColumn(i + 1).letter;
    for (let r = 4; r <= 2000; r++) {
      sheet.getCell(`${col}${r}`).dataValidation = {
        type: 'list',
        allowBlank: !f.required,
        formulae: [`"${list}"`],
        showErrorMessage: !table.allowOther,
        errorTitle: f.label,
        error: `请从列表中选择：${list}`,
      };
    }
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
