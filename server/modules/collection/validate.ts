/**
 * Row-level validation of a catalogued record: each row on its own, against the item's field
 * schema (required, types, code tables, lengths, dates, 万元 decimals), the identifiers (USCC,
 * resident ID), the item's cross-field `rules`, and the platform's own: a decision date not in the
 * future and within the item's effective period, the data source being the submitting department.
 * The rules are catalog data; this file only knows how to evaluate them.
 *
 * Every problem names the field (Chinese label and code), the value — masked when personal — and
 * the reason in Chinese. Personal values leave this module only inside `subject` (for encryption)
 * and masked in `data`: a natural person's name (the party's, or a 个体工商户's operator's) is
 * masked in its field and wherever the row's text repeats it (ADR 0002), in accepted and in
 * rejected rows alike.
 */
import { dateParts, whyNotADate } from '../../../common/dates.js';
import { maskIdNumber, normalizeCode, toHalfWidth, validateIdNumber, validateUscc, type RegionLookup } from '../../../common/identifiers/index.js';
import { maskPersonName } from '../../../common/masking.js';
import type { RowProblem } from '../../../common/collection-api.js';
import { findUnsafeCharacter, limitText, normalizeFreeText, normalizeName, revealUnsafe, unsafeReason } from '../../../common/text.js';
import { isFreeText, type CatalogField, type CodeTable, type InfoItem } from '../catalog/index.js';
import { maskPartyNames, type Party } from '../records/index.js';

export type { RowProblem } from '../../../common/collection-api.js';

export type SubjectRef =
  | {
      kind: 'organization';
      name: string;
      uscc: string | null;
      individualBusiness: boolean;
      legalRepresentative: { name: string; idType: string | null; idNumber: string | null } | null;
    }
  | { kind: 'person'; name: string; idType: string; idNumber: string; minorAtDecision: boolean };

export interface ValidRecord {
  /** The record's identity within (department, item): the natural key's values. */
  key: string;
  decisionDate: string;
  /** Normalized values by field code; personal fields masked. */
  data: Record<string, string | string[]>;
  subject: SubjectRef;
  warnings: RowProblem[];
}

export type RowResult = { ok: true; record: ValidRecord } | { ok: false; problems: RowProblem[]; masked: Record<string, string> };

export interface ValidationContext {
  item: InfoItem;
  codeTables: (code: string) => CodeTable | undefined;
  regionName: RegionLookup;
  /** Today in China (YYYY-MM-DD): decision dates after it are refused. */
  today: string;
  /** The submitting department's USCC: the data source of every row. */
  departmentUscc: string;
  /**
   * The submitting department's name as registered on the platform: the only name the item's
   * source field (数据来源单位) may carry. Left empty in a row, it is filled in from here.
   */
  departmentName?: string;
}

/** The longest value a problem quotes, and a rejected row keeps per field (no field allows more). */
const QUOTED_MAX = 200;
const KEPT_MAX = 10_000;

const RESIDENT_ID = '身份证';
const LONG_TERM = '长期';
const PERSON = '自然人';
const INDIVIDUAL_BUSINESS = '个体工商户';

/** 2024-01-05, 2024/1/5, 2024.1.5, 20240105, 2024年1月5日, with an optional time; full-width digits too. */
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDate(raw: string): string | null {
  // The common case, already ISO: checked without building a Date (hot in collection).
  const iso = ISO_DATE.exec(raw);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const ok = y >= 1949 && m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && !leap ? 28 : (DAYS[m - 1] ?? 0));
    return ok ? raw : null;
  }
  const s = toHalfWidth(raw).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || y < 1949) return null;
  return date.toISOString().slice(0, 10);
}

/** A real date before 1949 (parseDate refuses those): said as such, not as a misspelt date. */
function dateTooEarly(raw: string): string | null {
  const y = dateParts(toHalfWidth(raw))?.[0];
  return y !== undefined && y < 1949 ? `${y}年早于1949年，请核对年份` : null;
}

function isLongTerm(raw: string): boolean {
  const s = toHalfWidth(raw).trim();
  return s === LONG_TERM || s === '长期有效' || s === '永久' || /^(9999|2099)-12-31$/.test(parseDate(s) ?? '');
}

/** 万元 amounts: digits with an optional fraction; thousands separators and a 万元 suffix accepted. */
export function parseDecimal(raw: string, scale: number | undefined): { value: string } | { error: string } {
  const s = toHalfWidth(raw).trim().replace(/[,\s]/g, '').replace(/万元$/, '');
  if (/元$/.test(s)) return { error: '金额单位应为万元：请只填数字（如0.5表示5000元）' };
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { error: '应为数字（单位万元，如12.5）' };
  const [int = '0', frac = ''] = s.replace(/^-/, '').split('.');
  if (scale !== undefined && frac.length > scale) return { error: `小数位数不能超过${scale}位` };
  const canonical = `${s.startsWith('-') ? '-' : ''}${int.replace(/^0+(?=\d)/, '')}${frac.replace(/0+$/, '') ? `.${frac.replace(/0+$/, '')}` : ''}`;
  return { value: canonical };
}

/**
 * A problem with one field's value, the value as error reports show it (masked if personal).
 * Top-level rather than a closure per row: a million rows would make a million closures.
 */
/** The field checks' reasons by code, as the quality report names them (a new code needs its name here). */
export const FIELD_PROBLEMS = {
  REQUIRED: '必填项缺失',
  VALUE_MASKED: '填写了遮盖后的值',
  TOO_LONG: '超过长度上限',
  DATE_INVALID: '日期无效',
  DECIMAL_INVALID: '金额格式错误',
  DECIMAL_RANGE: '金额超出范围',
  ENUM_INVALID: '不在代码表中',
  USCC_INVALID: '统一社会信用代码无效',
  ID_INVALID: '证件号码无效',
  DATE_IN_FUTURE: '日期晚于今天',
  ITEM_NOT_IN_FORCE: '不在信息项有效期内',
  PROVIDER_MISMATCH: '数据来源单位与报送部门不符',
  UNSAFE_CHARACTER: '含有控制字符或不可见字符',
  SOURCE_MISMATCH: '数据来源单位名称与部门登记名称不符',
} as const;

/** A value as a report quotes it: invisible characters shown as ⟦U+202E⟧, at most QUOTED_MAX characters. */
function quoted(v: string): string {
  return limitText(revealUnsafe(v, true), QUOTED_MAX);
}

function fail(problems: RowProblem[], isPerson: boolean, f: CatalogField, v: string | null, code: keyof typeof FIELD_PROBLEMS, reason: string): void {
  problems.push({ field: f.code, label: f.label, value: v === null ? null : quoted(maskFor(f, v, isPerson)), code, message: `「${f.label}」(${f.code})${reason}` });
}

/** Whether error reports show this field masked (so a '*' in it is a mask, not data). */
function masks(field: CatalogField, isPerson: boolean): boolean {
  return field.masking === 'idNumber' || field.personal === true || field.masking === 'personName' || field.masking === 'hidden' || (field.masking === 'personNameIfPerson' && isPerson);
}

/**
 * A value still carrying the masks of an error workbook. A name is judged by its shape too (张*,
 * 欧阳**, 福*********): the row may have been masked as a person's and corrected to an organization.
 */
function carriesMask(field: CatalogField, value: string, isPerson: boolean): boolean {
  if (!value.includes('*')) return false;
  return masks(field, isPerson) || (field.masking === 'personNameIfPerson' && NAME_MASK.test(value));
}

/** A name as maskPersonName leaves it: one or two characters, then only '*'. */
const NAME_MASK = /^[^*]{1,2}\*+$/u;

function maskFor(field: CatalogField, value: string, isPerson: boolean): string {
  if (field.masking === 'idNumber' || field.personal) {
    const n = normalizeCode(value);
    return /^\d{17}[\dX]$/.test(n) ? maskIdNumber(n) : n.length <= 2 ? '*'.repeat(n.length) : `${n[0]}${'*'.repeat(n.length - 2)}${n.at(-1)}`;
  }
  if (field.masking === 'personName' || (field.masking === 'personNameIfPerson' && isPerson)) return maskPersonName(value);
  if (field.masking === 'hidden') return '***';
  return value;
}

/** Builds the validator for one item; reuse it for every row of a batch. */
export function rowValidator(ctx: ValidationContext): (raw: Readonly<Record<string, string>>) => RowResult {
  const { item } = ctx;
  const fields = new Map(item.fields.map((f) => [f.code, f]));
  const lookup = new Map<string, Map<string, string>>();
  for (const f of item.fields) {
    if (!f.enum || lookup.has(f.enum)) continue;
    const table = ctx.codeTables(f.enum);
    const m = new Map<string, string>();
    for (const v of table?.values ?? []) {
      m.set(normalizeEnum(v.value), v.value);
      if (v.label) m.set(normalizeEnum(v.label), v.value);
      for (const a of v.aliases ?? []) m.set(normalizeEnum(a), v.value);
    }
    lookup.set(f.enum, m);
  }
  const separators = new Map(item.fields.filter((f) => f.type === 'multiEnum').map((f) => [f.code, new RegExp(`[${escapeClass(f.separator ?? ';；,，、')}]`)]));
  const patterns = new Map((item.rules ?? []).flatMap((r) => (r.pattern ? [[r.code, new RegExp(r.pattern.regex)] as const] : [])));
  const sf = item.subjectFields;
  // A file repeats the department's code on every row and the same companies many times.
  const usccChecked = new Map<string, ReturnType<typeof validateUscc>>();
  const uscc = (value: string) => {
    let r = usccChecked.get(value);
    if (r === undefined) {
      if (usccChecked.size >= 10_000) usccChecked.clear();
      r = validateUscc(value, ctx.regionName);
      usccChecked.set(value, r);
    }
    return r;
  };
  const repIdField = sf.legalRepresentative ? item.fields.find((f) => f.type === 'idNumber' && f.code !== sf.idNumber && f.code.includes('FR')) : undefined;
  const partyFlag = (raw: Readonly<Record<string, string>>): Party => {
    const cat = sf.category ? raw[sf.category] : undefined;
    const canonical = cat === undefined ? undefined : lookup.get(fields.get(sf.category ?? '')?.enum ?? '')?.get(normalizeEnum(cat));
    return canonical === PERSON ? 'person' : canonical === INDIVIDUAL_BUSINESS ? 'individualBusiness' : 'organization';
  };

  const naturalKey = new Set(item.naturalKey);
  const freeText = new Set(item.fields.filter(isFreeText).map((f) => f.code));
  const sourceField = item.sourceField ? fields.get(item.sourceField) : undefined;
  const registeredName = ctx.departmentName !== undefined ? normalizeName(ctx.departmentName) : undefined;

  return (submitted) => {
    // The data source is the submitting department (谁产生、谁报送): an empty one is filled in.
    const raw = sourceField && registeredName !== undefined && !submitted[sourceField.code]?.trim() ? { ...submitted, [sourceField.code]: registeredName } : submitted;
    const problems: RowProblem[] = [];
    const warnings: RowProblem[] = [];
    const data: Record<string, string | string[]> = {};
    const clear: Record<string, string> = {};
    const party = partyFlag(raw);
    const isPerson = party === 'person';

    for (const f of item.fields) {
      const v = raw[f.code];
      if (v === undefined || v.trim() === '') {
        if (f.required) fail(problems, isPerson, f, null, 'REQUIRED', '为必填项');
        continue;
      }
      const value = v.trim();
      // NUL, right-to-left overrides, zero-width spaces: refused in every field, said where they are.
      // Line breaks and tabs are fine (Alt+Enter in Excel); outside free text they become a space.
      const unsafe = findUnsafeCharacter(value, true);
      if (unsafe) {
        fail(problems, isPerson, f, value, 'UNSAFE_CHARACTER', `的${unsafeReason(unsafe)}`);
        continue;
      }
      // A row corrected in the error workbook still carries the masks of its personal values (a
      // 个体工商户's operator is masked there too).
      if (carriesMask(f, value, isPerson) || (party === 'individualBusiness' && f.code === sf.legalRepresentative && NAME_MASK.test(value))) {
        fail(problems, isPerson, f, value, 'VALUE_MASKED', '是遮盖后的值（错误报告中的个人信息以*号遮盖），请填写完整的原始信息');
        continue;
      }
      switch (f.type) {
        case 'text': {
          // Names and short texts: NFKC (Kangxi radicals, compatibility ideographs, full-width
          // letters become ordinary characters), one line; free text: NFC only.
          // A document number is the record's identity: kept as typed (but for NFC), or a record stored
          // with 〔２０２６〕１号 would get a twin when submitted again.
          const text = naturalKey.has(f.code) ? value.normalize('NFC') : freeText.has(f.code) ? normalizeFreeText(value) : normalizeName(value);
          // UTF-16 length ≥ code points: only a long value needs counting.
          const n = f.maxLength !== undefined && text.length > f.maxLength ? [...text].length : 0;
          if (f.maxLength !== undefined && n > f.maxLength) fail(problems, isPerson, f, value, 'TOO_LONG', `长度${n}个字符，超过上限${f.maxLength}`);
          else data[f.code] = text;
          break;
        }
        case 'date':
        case 'dateOrLongTerm': {
          if (f.type === 'dateOrLongTerm' && isLongTerm(value)) data[f.code] = LONG_TERM;
          else {
            const d = parseDate(value);
            // Written as a date but impossible (2026-02-30): say which part; otherwise how to write one.
            if (d === null) fail(problems, isPerson, f, value, 'DATE_INVALID', `「${quoted(value)}」不是有效日期（${whyNotADate(toHalfWidth(value)) ?? dateTooEarly(value) ?? `应为YYYY-MM-DD${f.type === 'dateOrLongTerm' ? '，长期有效填“长期”' : ''}`}）`);
            else data[f.code] = d;
          }
          break;
        }
        case 'decimal': {
          const r = parseDecimal(value, f.scale);
          if ('error' in r) fail(problems, isPerson, f, value, 'DECIMAL_INVALID', `「${quoted(value)}」${r.error}`);
          else if (f.min !== undefined && Number(r.value) < f.min) fail(problems, isPerson, f, value, 'DECIMAL_RANGE', `不能小于${f.min}`);
          else data[f.code] = r.value;
          break;
        }
        case 'enum': {
          const c = canonicalEnum(ctx, lookup, f, value);
          if (c === null) fail(problems, isPerson, f, value, 'ENUM_INVALID', `「${quoted(value)}」不在代码表「${ctx.codeTables(f.enum ?? '')?.name ?? f.enum}」中，可选：${allowed(ctx, f)}`);
          else data[f.code] = c;
          break;
        }
        case 'multiEnum': {
          const parts = value.split(separators.get(f.code) ?? /;/).map((x) => x.trim()).filter(Boolean);
          const out: string[] = [];
          for (const part of parts) {
            const c = canonicalEnum(ctx, lookup, f, part);
            if (c === null) fail(problems, isPerson, f, part, 'ENUM_INVALID', `中的「${quoted(part)}」不在代码表「${ctx.codeTables(f.enum ?? '')?.name ?? f.enum}」中，可选：${allowed(ctx, f)}`);
            else if (!out.includes(c)) out.push(c);
          }
          if (out.length > 0 && out.length === parts.length) data[f.code] = out;
          else if (parts.length === 0 && f.required) fail(problems, isPerson, f, null, 'REQUIRED', '为必填项');
          break;
        }
        case 'uscc': {
          const r = uscc(value);
          if (!r.valid) fail(problems, isPerson, f, value, 'USCC_INVALID', `「${quoted(value)}」不是有效的统一社会信用代码：${r.errors.map((e) => e.message).join('；')}`);
          else {
            data[f.code] = r.normalized;
            for (const w of r.warnings) warnings.push({ field: f.code, label: f.label, value: r.normalized, code: w.code, message: `「${f.label}」(${f.code})${w.message}` });
          }
          break;
        }
        case 'idNumber': {
          // The document type sits in the paired *_ZJLX field; only a resident ID has a checksum.
          const typeField = f.code.replace(/ZJHM$/, 'ZJLX');
          const typeRaw = raw[typeField];
          const type = typeRaw ? (canonicalEnum(ctx, lookup, fields.get(typeField) ?? f, typeRaw) ?? typeRaw) : RESIDENT_ID;
          if (type === RESIDENT_ID) {
            const r = validateIdNumber(value, { regionName: ctx.regionName, today: ctx.today });
            if (!r.valid) fail(problems, isPerson, f, value, 'ID_INVALID', `不是有效的居民身份证号码：${r.errors.map((e) => e.message).join('；')}`);
            else {
              clear[f.code] = r.normalized;
              data[f.code] = maskIdNumber(r.normalized);
            }
          } else {
            const n = normalizeCode(value);
            if (n.length < 5 || n.length > 30) fail(problems, isPerson, f, value, 'ID_INVALID', `长度应为5–30个字符`);
            else {
              clear[f.code] = n;
              data[f.code] = maskFor(f, n, isPerson);
            }
          }
          break;
        }
      }
    }

    applyRules(item, raw, data, problems, fields, patterns);

    const decisionField = fields.get(item.decisionDateField);
    const decisionDate = data[item.decisionDateField];
    if (decisionField && typeof decisionDate === 'string') {
      if (decisionDate > ctx.today) fail(problems, isPerson, decisionField, decisionDate, 'DATE_IN_FUTURE', `「${decisionDate}」晚于今天（${ctx.today}），不能是将来的日期`);
      if (decisionDate < item.effectiveFrom || (item.effectiveTo !== undefined && decisionDate > item.effectiveTo)) {
        fail(problems, isPerson, decisionField, decisionDate, 'ITEM_NOT_IN_FORCE', `「${decisionDate}」不在信息项「${item.name}」的有效期内（${item.effectiveFrom}起${item.effectiveTo ? `至${item.effectiveTo}` : ''}）`);
      }
    }
    if (item.providerCodeField) {
      const pf = fields.get(item.providerCodeField);
      const pv = data[item.providerCodeField];
      if (pf && typeof pv === 'string' && pv !== ctx.departmentUscc) {
        fail(problems, isPerson, pf, pv, 'PROVIDER_MISMATCH', `「${pv}」与报送部门的统一社会信用代码${ctx.departmentUscc}不一致：谁产生、谁报送`);
      }
    }

    if (sourceField && registeredName !== undefined) {
      const given = data[sourceField.code];
      if (typeof given === 'string' && given !== registeredName) {
        fail(problems, isPerson, sourceField, given, 'SOURCE_MISMATCH', `「${quoted(given)}」与报送部门在平台登记的名称「${registeredName}」不一致：数据来源以部门登记为准，请填写登记名称，或留空由平台填写`);
      }
    }

    if (problems.length > 0) {
      // A problem quotes its field's value: where that is text repeating the person's name, masked too.
      const named = namedPerson(item, raw, party);
      if (named) {
        for (const p of problems) {
          if (p.value) p.value = maskNames(p.value, named.names);
          p.message = maskNames(p.message, named.names);
        }
      }
      return { ok: false, problems, masked: maskRow(item, raw, party) };
    }

    const name = String(data[sf.name ?? ''] ?? '');
    const category = sf.category ? String(data[sf.category] ?? '') : '';
    let subject: SubjectRef;
    if (category === PERSON || (category === '' && sf.idNumber && clear[sf.idNumber])) {
      const idNumber = clear[sf.idNumber ?? ''] ?? '';
      const idType = String(data[sf.idType ?? ''] ?? RESIDENT_ID);
      subject = { kind: 'person', name, idType, idNumber, minorAtDecision: idType === RESIDENT_ID && isMinor(idNumber, String(decisionDate)) };
    } else {
      const repName = sf.legalRepresentative ? data[sf.legalRepresentative] : undefined;
      const repId = repIdField ? clear[repIdField.code] : undefined;
      const repType = repIdField ? data[repIdField.code.replace(/ZJHM$/, 'ZJLX')] : undefined;
      subject = {
        kind: 'organization',
        name,
        uscc: typeof data[sf.uscc ?? ''] === 'string' ? (data[sf.uscc ?? ''] as string) : null,
        individualBusiness: category === INDIVIDUAL_BUSINESS,
        legalRepresentative: typeof repName === 'string' ? { name: repName, idType: typeof repType === 'string' ? repType : repId ? RESIDENT_ID : null, idNumber: repId ?? null } : null,
      };
    }
    let key = '';
    for (const [i, k] of item.naturalKey.entries()) key += `${i > 0 ? '|' : ''}${String(data[k] ?? '')}`;
    // The subject keeps the name in clear, to be encrypted with the person; the record keeps it masked.
    if (subject.kind === 'person') maskPartyNames(item, data, 'person', name);
    else if (subject.individualBusiness && subject.legalRepresentative) maskPartyNames(item, data, 'individualBusiness', subject.legalRepresentative.name);
    return { ok: true, record: { key, decisionDate: String(decisionDate), data, subject, warnings } };
  };
}

// Plain loops and top-level helpers: this runs for every rule of every row.
function applyRules(item: InfoItem, raw: Readonly<Record<string, string>>, data: Record<string, string | string[]>, problems: RowProblem[], fields: Map<string, CatalogField>, patterns: Map<string, RegExp>): void {
  for (const r of item.rules ?? []) {
    if (r.when) {
      const v = data[r.when.field];
      if (v === undefined) continue;
      if (r.when.in && !anyIn(v, r.when.in)) continue;
      if (r.when.includes && !anyIn(v, r.when.includes)) continue;
    }
    if (r.require) {
      for (const c of r.require) {
        if (present(raw, c)) continue;
        ruleProblem(problems, fields, r, c, null);
        break;
      }
    }
    if (r.forbid) for (const c of r.forbid) if (present(raw, c)) ruleProblem(problems, fields, r, c, raw[c] ?? null);
    if (r.pattern) {
      const v = data[r.pattern.field];
      if (typeof v === 'string' && !(patterns.get(r.code) ?? new RegExp(r.pattern.regex)).test(v)) ruleProblem(problems, fields, r, r.pattern.field, v);
    }
    if (r.dateOrder) {
      const a = data[r.dateOrder[0]];
      const b = data[r.dateOrder[1]];
      if (typeof a === 'string' && typeof b === 'string' && a !== LONG_TERM && b !== LONG_TERM && b < a) ruleProblem(problems, fields, r, r.dateOrder[1], b);
    }
  }
}

function present(raw: Readonly<Record<string, string>>, code: string): boolean {
  const v = raw[code];
  return v !== undefined && v.trim() !== '';
}

function anyIn(v: string | string[], list: readonly string[]): boolean {
  if (!Array.isArray(v)) return list.includes(v);
  for (const x of v) if (list.includes(x)) return true;
  return false;
}

function ruleProblem(problems: RowProblem[], fields: Map<string, CatalogField>, r: { code: string; message: string }, code: string, value: string | null): void {
  const f = fields.get(code);
  problems.push({ field: code, label: f?.label ?? code, value: f && value !== null ? maskFor(f, value, false) : value, code: r.code, message: r.message });
}

function isMinor(idNumber: string, decisionDate: string): boolean {
  const birth = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  const eighteenth = `${String(Number(birth.slice(0, 4)) + 18)}${birth.slice(4)}`;
  return decisionDate < eighteenth;
}

function normalizeEnum(v: string): string {
  return toHalfWidth(v).replace(/\s+/g, '');
}

function canonicalEnum(ctx: ValidationContext, lookup: Map<string, Map<string, string>>, f: CatalogField, value: string): string | null {
  const hit = lookup.get(f.enum ?? '')?.get(normalizeEnum(value));
  if (hit !== undefined) return hit;
  // 「其他-说明」 where the table allows free text.
  const other = /^其他[-－—:：(（](.+?)[)）]?$/.exec(toHalfWidth(value.trim()));
  if (other && ctx.codeTables(f.enum ?? '')?.allowOther) return `其他-${other[1]?.trim()}`;
  return null;
}

function allowed(ctx: ValidationContext, f: CatalogField): string {
  const t = ctx.codeTables(f.enum ?? '');
  return `${(t?.values ?? []).map((v) => v.value).join('、')}${t?.allowOther ? '、其他-（说明）' : ''}`;
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}

/**
 * The row as submitted, personal values masked: what the error report shows and what is kept of
 * a rejected row. Invisible characters are shown (⟦U+200B⟧) so the clerk finds them and the row
 * can be stored at all (a NUL cannot); a value longer than any field allows is cut.
 */
export function maskRow(item: InfoItem, raw: Readonly<Record<string, string>>, party: Party): Record<string, string> {
  const out: Record<string, string> = {};
  const isPerson = party === 'person';
  const named = namedPerson(item, raw, party);
  for (const f of item.fields) {
    const v = raw[f.code];
    if (v === undefined || v === '') continue;
    let value = maskFor(f, v, isPerson);
    if (named && f.code === named.field) value = maskPersonName(v.trim());
    // A 个体工商户's registered name stays as registered, as it does in records.
    else if (named && !(party === 'individualBusiness' && f.code === item.subjectFields.name)) value = maskNames(value, named.names);
    const shown = revealUnsafe(value, true);
    out[f.code] = limitText(shown, KEPT_MAX);
  }
  return out;
}

/**
 * The natural person a row names — the party, or a 个体工商户's operator — by the field holding the
 * name and the forms it may be repeated in (as typed, as stored); undefined for an organization or
 * a name of one character (its own mask).
 */
function namedPerson(item: InfoItem, raw: Readonly<Record<string, string>>, party: Party): { field: string; names: string[] } | undefined {
  const field = party === 'person' ? item.subjectFields.name : party === 'individualBusiness' ? item.subjectFields.legalRepresentative : undefined;
  const typed = field ? raw[field]?.trim() : undefined;
  if (!field || !typed || [...typed].length < 2) return undefined;
  const stored = findUnsafeCharacter(typed) ? typed : normalizeName(typed);
  return { field, names: stored === typed ? [typed] : [typed, stored] };
}

function maskNames(text: string, names: readonly string[]): string {
  let out = text;
  for (const n of names) if (out.includes(n)) out = out.split(n).join(maskPersonName(n));
  return out;
}
