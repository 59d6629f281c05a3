/**
 * Reads and checks the catalog data files. Every problem is reported with its file, its place
 * in the file and a reason in Chinese; nothing is loaded unless the whole catalog is sound,
 * so a bad edit can never put a half-valid catalog into force.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { prohibitedTerm } from '../../../common/catalog/prohibited-fields.js';
import {
  codeTable, holidayYear, infoItem, legalInstrument, listType, measure, periodRule, timeLimit,
  type CodeTable, type HolidayYear, type InfoItem, type LegalInstrument, type ListType, type Measure, type PeriodRule, type TimeLimit,
} from './catalog.schema.js';

export const CATALOG_DIR = path.resolve(import.meta.dirname, '../../../catalog');

export interface CatalogProblem {
  file: string;
  path: string;
  message: string;
}

export interface Region {
  code: string;
  name: string;
  level: 'country' | 'province' | 'city' | 'county';
  parent: string | null;
}

export interface Sourced<T> {
  value: T;
  file: string;
}

export interface CatalogBundle {
  legalInstruments: Sourced<LegalInstrument>[];
  codeTables: Sourced<CodeTable>[];
  infoItems: Sourced<InfoItem>[];
  measures: Sourced<Measure>[];
  listTypes: Sourced<ListType>[];
  periodRules: Sourced<PeriodRule>[];
  timeLimits: Sourced<TimeLimit>[];
  holidayYears: Sourced<HolidayYear>[];
  regions: Region[];
}

export class CatalogInvalidError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`目录校验失败，共${problems.length}处问题：\n${problems.map((p) => `  ${p.file} ${p.path}: ${p.message}`).join('\n')}`);
  }
}

function readYaml(dir: string, rel: string, problems: CatalogProblem[]): unknown {
  try {
    return parse(fs.readFileSync(path.join(dir, rel), 'utf8'));
  } catch (err) {
    problems.push({ file: rel, path: '', message: `无法读取或解析YAML：${(err as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

function parseWith<S extends z.ZodType>(schema: S, data: unknown, file: string, at: string, problems: CatalogProblem[]): z.output<S> | undefined {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  for (const issue of r.error.issues) {
    problems.push({ file, path: [at, ...issue.path.map(String)].filter(Boolean).join('.'), message: issue.message });
  }
  return undefined;
}

function parseList<S extends z.ZodType>(schema: S, dir: string, rel: string, problems: CatalogProblem[]): Sourced<z.output<S>>[] {
  const data = readYaml(dir, rel, problems);
  if (data === undefined) return [];
  if (!Array.isArray(data)) {
    problems.push({ file: rel, path: '', message: '文件内容应为列表' });
    return [];
  }
  const out: Sourced<z.output<S>>[] = [];
  data.forEach((entry, i) => {
    const v = parseWith(schema, entry, rel, `[${i}]`, problems);
    if (v !== undefined) out.push({ value: v, file: rel });
  });
  return out;
}

function listDir(dir: string, sub: string): string[] {
  const full = path.join(dir, sub);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full).filter((f) => f.endsWith('.yaml')).sort().map((f) => `${sub}/${f}`);
}

export function readRegions(dir: string, problems: CatalogProblem[]): Region[] {
  const rel = 'regions.csv';
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, rel), 'utf8');
  } catch (err) {
    problems.push({ file: rel, path: '', message: `无法读取：${(err as Error).message}` });
    return [];
  }
  const regions: Region[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.startsWith('#') || line.trim() === '' || line.startsWith('code,')) return;
    const [code, name, level, parent] = line.split(',');
    if (!code || !/^\d{6}$/.test(code) || !name || !['country', 'province', 'city', 'county'].includes(level ?? '')) {
      problems.push({ file: rel, path: `第${i + 1}行`, message: '应为：6位代码,名称,级别(country/province/city/county),上级代码' });
      return;
    }
    regions.push({ code, name, level: level as Region['level'], parent: parent ? parent : null });
  });
  return regions;
}

function duplicates<T>(items: Sourced<T>[], key: (t: T) => string, what: string, problems: CatalogProblem[]): void {
  const seen = new Set<string>();
  for (const it of items) {
    const k = key(it.value);
    if (seen.has(k)) problems.push({ file: it.file, path: k, message: `${what}代码「${k}」重复` });
    seen.add(k);
  }
}

/** Cross-references: every cited instrument, enumeration, field, rule and list exists. */
function crossCheck(b: CatalogBundle, problems: CatalogProblem[]): void {
  const instruments = new Set(b.legalInstruments.map((i) => i.value.code));
  const tables = new Set(b.codeTables.map((t) => t.value.code));
  const periods = new Set(b.periodRules.map((p) => p.value.code));
  const limits = new Set(b.timeLimits.map((t) => t.value.code));
  const lists = new Set(b.listTypes.map((l) => l.value.code));
  const checkBasis = (file: string, at: string, basis: { instrument: string }[]) =>
    basis.forEach((ref, i) => {
      if (!instruments.has(ref.instrument)) {
        problems.push({ file, path: `${at}.basis[${i}]`, message: `引用的法律依据「${ref.instrument}」不在legal-instruments.yaml中` });
      }
    });

  for (const { value: item, file } of b.infoItems) {
    checkBasis(file, item.code, item.basis);
    const codes = new Set<string>();
    for (const f of item.fields) {
      if (codes.has(f.code)) problems.push({ file, path: `${item.code}.fields.${f.code}`, message: `字段代码「${f.code}」重复` });
      codes.add(f.code);
      const term = prohibitedTerm(f.code, f.label);
      if (term) {
        problems.push({
          file,
          path: `${item.code}.fields.${f.code}`,
          message: `信息项「${item.name}」的字段「${f.label}」(${f.code})属于禁止归集的个人信息（含「${term}」）：不得归集宗教信仰、基因、指纹、血型、疾病和病史等信息`,
        });
      }
      if ((f.type === 'enum' || f.type === 'multiEnum') && (!f.enum || !tables.has(f.enum))) {
        problems.push({ file, path: `${item.code}.fields.${f.code}`, message: `枚举字段须引用code-tables.yaml中存在的代码表，实际为「${f.enum ?? ''}」` });
      }
    }
    const mustExist = (name: string, at: string) => {
      if (!codes.has(name)) problems.push({ file, path: `${item.code}.${at}`, message: `引用的字段「${name}」未在fields中定义` });
    };
    item.naturalKey.forEach((k) => mustExist(k, 'naturalKey'));
    mustExist(item.decisionDateField, 'decisionDateField');
    if (item.providerCodeField !== undefined) mustExist(item.providerCodeField, 'providerCodeField');
    if (item.validUntilField !== undefined) mustExist(item.validUntilField, 'validUntilField');
    if (item.publicityEndField !== undefined) mustExist(item.publicityEndField, 'publicityEndField');
    if (item.inactiveWhen) mustExist(item.inactiveWhen.field, 'inactiveWhen');
    for (const key of ['basisField', 'categoryField', 'sourceField'] as const) {
      const name = item[key];
      if (name !== undefined) mustExist(name, key);
    }
    for (const r of item.severityRules ?? []) {
      mustExist(r.when.field, 'severityRules');
      if (r.maxAmount) mustExist(r.maxAmount.field, 'severityRules');
      if (!item.severities.includes(r.severity)) problems.push({ file, path: `${item.code}.severityRules`, message: `严重程度「${r.severity}」不在该信息项的severities中` });
    }
    Object.values(item.subjectFields).forEach((k) => mustExist(k, 'subjectFields'));
    Object.values(item.legacyHeaders ?? {}).forEach((k) => k !== null && mustExist(k, 'legacyHeaders'));
    for (const r of item.rules ?? []) {
      const at = `rules.${r.code}`;
      if (r.when) mustExist(r.when.field, at);
      r.require?.forEach((k) => mustExist(k, at));
      r.forbid?.forEach((k) => mustExist(k, at));
      if (r.pattern) {
        mustExist(r.pattern.field, at);
        try {
          new RegExp(r.pattern.regex);
        } catch {
          problems.push({ file, path: at, message: `正则表达式无效：${r.pattern.regex}` });
        }
      }
      r.dateOrder?.forEach((k) => mustExist(k, at));
    }
    const rules = item.publicityRule === undefined ? [] : Array.isArray(item.publicityRule) ? item.publicityRule : [item.publicityRule];
    rules.forEach((p) => {
      if (!periods.has(p)) problems.push({ file, path: `${item.code}.publicityRule`, message: `公示期限规则「${p}」不在periods.yaml中` });
    });
    const negative = item.severities.some((s) => s !== 'positive');
    if (negative && rules.length === 0) {
      problems.push({ file, path: `${item.code}.publicityRule`, message: '失信信息项必须指定公示期限规则' });
    }
    item.timeLimits?.forEach((t) => {
      if (!limits.has(t)) problems.push({ file, path: `${item.code}.timeLimits`, message: `时限「${t}」不在time-limits.yaml中` });
    });
    if (item.listType && !lists.has(item.listType)) {
      problems.push({ file, path: `${item.code}.listType`, message: `名单类型「${item.listType}」不在list-types.yaml中` });
    }
    if (item.effectiveTo && item.effectiveTo < item.effectiveFrom) {
      problems.push({ file, path: `${item.code}.effectiveTo`, message: '失效日期不得早于生效日期' });
    }
  }
  for (const { value: m, file } of b.measures) {
    checkBasis(file, m.code, m.basis);
    m.triggers.forEach((t) => {
      if (!lists.has(t)) problems.push({ file, path: `${m.code}.triggers`, message: `触发名单「${t}」不在list-types.yaml中` });
    });
  }
  for (const { value: l, file } of b.listTypes) checkBasis(file, l.code, l.basis);
  for (const { value: p, file } of b.periodRules) checkBasis(file, p.code, p.basis);
  for (const { value: t, file } of b.timeLimits) checkBasis(file, t.code, t.basis);
  // 政策法规 links an amended or repealed instrument to the one that replaced it: that one must exist.
  for (const { value: i, file } of b.legalInstruments) {
    if (i.replacedBy === undefined) continue;
    const at = `${i.code}.replacedBy`;
    if (i.replacedBy === i.code) problems.push({ file, path: at, message: `「${i.code}」的replacedBy不能是它自己` });
    else if (!instruments.has(i.replacedBy)) problems.push({ file, path: at, message: `「${i.code}」的replacedBy「${i.replacedBy}」不在legal-instruments.yaml中` });
    if (i.status !== 'amended' && i.status !== 'repealed') {
      problems.push({ file, path: at, message: `「${i.code}」写了replacedBy（被另一文件取代），status须为amended（已修改）或repealed（已废止），实际${i.status === undefined ? '未填（即现行有效）' : `为${i.status}`}` });
    }
  }

  duplicates(b.legalInstruments, (v) => v.code, '法律依据', problems);
  duplicates(b.codeTables, (v) => v.code, '代码表', problems);
  duplicates(b.infoItems, (v) => v.code, '信息项', problems);
  duplicates(b.measures, (v) => v.code, '措施', problems);
  duplicates(b.listTypes, (v) => v.code, '名单类型', problems);
  duplicates(b.periodRules, (v) => v.code, '公示期限规则', problems);
  duplicates(b.timeLimits, (v) => v.code, '时限', problems);
  duplicates(b.holidayYears, (v) => String(v.year), '节假日年度', problems);

  for (const { value: y, file } of b.holidayYears) {
    for (const p of holidayYearProblems(y)) problems.push({ file, ...p });
  }
  for (const { value: t, file } of b.codeTables) {
    const term = prohibitedTerm(t.code, t.name);
    if (term) problems.push({ file, path: t.code, message: `代码表「${t.name}」属于禁止归集的个人信息（含「${term}」）` });
  }
}

/** Checks of a year's schedule beyond its shape; shared by the loader and the calendar API. */
export function holidayYearProblems(y: HolidayYear): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const inYear = (d: string) => d.startsWith(`${y.year}-`);
  for (const h of y.holidays) {
    const [first, last] = h.off;
    if (!inYear(first) || !inYear(last) || last < first) out.push({ path: h.name, message: `放假日期${first}至${last}须在${y.year}年内且起止有序` });
    h.work?.forEach((d) => {
      if (!inYear(d)) out.push({ path: h.name, message: `调休上班日${d}须在${y.year}年内` });
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) out.push({ path: h.name, message: `调休上班日${d}应为周六或周日` });
    });
  }
  return out;
}

/** Reads, validates and cross-checks the whole catalog directory. */
export function readCatalog(dir = CATALOG_DIR): { bundle: CatalogBundle; problems: CatalogProblem[] } {
  const problems: CatalogProblem[] = [];
  const infoItems: Sourced<InfoItem>[] = [];
  for (const rel of listDir(dir, 'info-items')) {
    const v = parseWith(infoItem, readYaml(dir, rel, problems), rel, '', problems);
    if (v) infoItems.push({ value: v, file: rel });
  }
  const holidayYears: Sourced<HolidayYear>[] = [];
  for (const rel of listDir(dir, 'holidays')) {
    const v = parseWith(holidayYear, readYaml(dir, rel, problems), rel, '', problems);
    if (v) {
      if (path.basename(rel, '.yaml') !== String(v.year)) problems.push({ file: rel, path: 'year', message: `文件名应为${v.year}.yaml` });
      holidayYears.push({ value: v, file: rel });
    }
  }
  const bundle: CatalogBundle = {
    legalInstruments: parseList(legalInstrument, dir, 'legal-instruments.yaml', problems),
    codeTables: parseList(codeTable, dir, 'code-tables.yaml', problems),
    infoItems,
    measures: parseList(measure, dir, 'measures.yaml', problems),
    listTypes: parseList(listType, dir, 'list-types.yaml', problems),
    periodRules: parseList(periodRule, dir, 'periods.yaml', problems),
    timeLimits: parseList(timeLimit, dir, 'time-limits.yaml', problems),
    holidayYears,
    regions: readRegions(dir, problems),
  };
  crossCheck(bundle, problems);
  return { bundle, problems };
}
