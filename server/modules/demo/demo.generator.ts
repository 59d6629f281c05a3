/**
 * Synthetic demo and benchmark data: valid USCCs and ID numbers, plausible names, regions and
 * industries, permits (XK) and penalties (CF) over the three years before `until`, each department
 * deciding those of its own field with varied penalty categories (fields.ts). Deterministic for a
 * given seed and `until`. Loaded with COPY in batches; prints rows/s.
 */
import { idCheckCharacter, maskIdNumber, orgCodeCheckCharacter, usccCheckCharacter } from '../../../common/identifiers/index.js';
import { maskPersonName } from '../../../common/masking.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { addCalendarDays } from '../../platform/calendar/working-calendar.js';
import { copyRecords, type BulkRecord, type CopyCsv } from '../records/index.js';
import { copySubjects, type BulkRegistration, type BulkSubject } from '../subjects/index.js';
import type { Region } from '../catalog/index.js';
import { fieldOf, type DemoViolation, type DepartmentField } from './fields.js';
import { COMPANY_FORMS, DEPARTMENTS, GIVEN, INDUSTRY_WORDS, SHOP_FORMS, SURNAMES, TRADE_NAMES } from './names.js';
import { Random } from './random.js';

export interface DemoOptions {
  subjects: number;
  records: number;
  seed: number;
  /** Last decision date (YYYY-MM-DD); records spread over the three years before it. */
  until: string;
  /** The demo city's GB/T 2260 code (its counties host most subjects). */
  cityCode?: string;
  batchSize?: number;
  /** COPY batches in flight at once (default 2). */
  parallel?: number;
  onProgress?: (msg: string) => void;
  /**
   * Severity, state and publicity window of a record, as collection computes them
   * (CollectionService.publicationFor), so demo records look exactly like collected ones.
   */
  publication: (itemCode: 'XK' | 'CF', data: Readonly<Record<string, string | string[]>>, decisionDate: string, person: boolean) => Publication;
  /**
   * Natural persons with known names, ID numbers and phones, each given a penalty (the phone in
   * its free-text note): tests crawl every public page and answer for any of them in the clear.
   */
  canaries?: readonly Canary[];
  /**
   * The departments the records come from, registered by the caller (demoDepartments gives their
   * names and codes), so 双公示 can be filtered by them; without them records name a department
   * that is not registered.
   */
  departments?: readonly DemoDepartment[];
}

export interface DemoDepartment {
  id?: string;
  name: string;
  uscc: string;
}

/** The demo city's departments: names and codes, the same for the same seed. */
export function demoDepartments(regions: readonly Region[], seed: number, cityCode = '330100'): DemoDepartment[] {
  const r = new Random(seed + 1);
  const cityName = regions.find((x) => x.code === cityCode)?.name ?? '杭州市';
  return DEPARTMENTS.map((d) => ({ name: `${cityName}${d}`, uscc: usccFor(r, '11', cityCode) }));
}

export type Publication = Pick<BulkRecord, 'severity' | 'state' | 'publishable' | 'publicityStart' | 'publicityEnd' | 'publicityRule'>;

export interface Canary {
  name: string;
  idNumber: string;
  phone: string;
}

export interface DemoStats {
  persons: number;
  organizations: number;
  records: number;
  subjectsPerSecond: number;
  recordsPerSecond: number;
  seconds: number;
}

// GB 11714 allows digits and letters; keep to letters also valid in a USCC (no I, O, Z, S, V).
const ORG_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function usccFor(r: Random, prefix: string, region: string): string {
  for (;;) {
    const body = Array.from({ length: 8 }, () => r.pick([...ORG_CODE_CHARS])).join('');
    const orgCheck = orgCodeCheckCharacter(body) as string;
    const first17 = `${prefix}${region}${body}${orgCheck}`;
    const check = usccCheckCharacter(first17);
    if (check) return first17 + check; // orgCheck 'X' and digits are in the charset; loop is a guard
  }
}

function idNumberFor(r: Random, region: string, until: string): string {
  const year = 1950 + r.int(Number(until.slice(0, 4)) - 1950 - 18);
  const start = Date.UTC(year, 0, 1);
  const birth = new Date(start + r.int(365) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const seq = String(r.int(1000)).padStart(3, '0');
  const first17 = `${region}${birth}${seq}`;
  return first17 + (idCheckCharacter(first17) as string);
}

const STREETS = ['人民', '解放', '建设', '中山', '文化', '学院', '新华', '和平', '光明', '长江'];

/**
 * An organization's registration facts as a registry gives them — 成立日期, 住所, 登记状态,
 * 注册资本 (万元), 经营范围 — or none (one in ten: not every registry shares them). A 个体工商户
 * has no 注册资本. Drawn from a stream of their own, so the rest of a seed's demo is unchanged.
 */
function registrationFor(r: Random, until: string, place: string, individual: boolean, words: readonly string[]): BulkRegistration | undefined {
  if (r.chance(0.1)) return undefined;
  const established = addCalendarDays(until, -(400 + r.int(365 * 25)));
  return {
    establishmentDate: established,
    address: `${place}${r.pick(STREETS)}路${1 + r.int(500)}号${r.chance(0.4) ? `${1 + r.int(30)}楼` : ''}`,
    status: r.chance(0.95) ? '存续（在营、开业、在册）' : r.pick(['吊销，未注销', '注销']),
    ...(individual ? {} : { registeredCapital: String(r.pick([10, 50, 100, 200, 500, 1000, 3000, 5000]) * (r.chance(0.1) ? 10 : 1)) }),
    businessScope: `${words.slice(0, 1 + r.int(words.length)).join('、')}相关的研发、销售及技术服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）`,
  };
}

/** Categories that make a penalty serious (catalog CF severityRules): its 处罚有效期 is three years. */
const SERIOUS = new Set(['吊销许可证件', '责令关闭', '限制从业', '行政拘留']);

/** 万元 with four decimals, as departments report it, from whole yuan. */
const wan = (yuan: number) => (yuan / 10_000).toFixed(4);

/**
 * 处罚内容 in the words of a decision, and the amounts only where a category has one: 罚款 its fine
 * (CF_NR_FK), 没收 what was confiscated (CF_NR_WFFF), 暂扣 or 吊销 the licence concerned (CF_NR_ZKDX).
 */
function penaltyContent(r: Random, v: DemoViolation, field: DepartmentField): Record<string, string> {
  const out: Record<string, string> = {};
  const licence = r.pick(field.permits).certificate;
  const parts = v.categories.map((c) => {
    switch (c) {
      case '罚款': {
        const [min, max] = v.fine ?? [0.1, 1];
        const yuan = Math.max(100, Math.round(((min + r.next() * (max - min)) * 10_000) / 100) * 100);
        out.CF_NR_FK = wan(yuan);
        return `罚款人民币${yuan}元`;
      }
      case '没收违法所得':
      case '没收非法财物': {
        const yuan = 100 * (1 + r.int(2000));
        out.CF_NR_WFFF = wan(Number(out.CF_NR_WFFF ?? 0) * 10_000 + yuan);
        return c === '没收违法所得' ? `没收违法所得人民币${yuan}元` : `没收非法财物（折合人民币${yuan}元）`;
      }
      case '暂扣许可证件': {
        out.CF_NR_ZKDX = licence;
        return `暂扣${licence}${1 + r.int(6)}个月`;
      }
      case '吊销许可证件': {
        out.CF_NR_ZKDX = licence;
        return `吊销${licence}`;
      }
      case '责令停产停业':
        return `责令停产停业${r.pick([7, 15, 30])}日`;
      case '限制开展生产经营活动':
        return `限制开展生产经营活动${1 + r.int(3)}个月`;
      case '降低资质等级':
        return '降低资质等级一级';
      default:
        return c; // 警告, 通报批评, 责令关闭 say what they are
    }
  });
  out.CF_NR = parts.join('；');
  return out;
}

function personName(r: Random): string {
  return r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.7) ? r.pick(GIVEN) : '');
}

/**
 * Keeps up to `max` COPY batches in flight so generation overlaps loading and, on PostgreSQL,
 * two backends load in parallel (PGlite serializes them on its single connection anyway).
 */
class InFlight {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly max: number) {}

  async add(task: Promise<void>): Promise<void> {
    const tracked = task.catch((err: unknown) => void (this.failure ??= err)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    if (this.pending.size >= this.max) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}

export async function generateDemo(copy: CopyCsv, cipher: FieldCipher, regions: Region[], o: DemoOptions): Promise<DemoStats> {
  const r = new Random(o.seed);
  const batch = o.batchSize ?? 5000;
  const progress = o.onProgress ?? (() => {});
  const cityCode = o.cityCode ?? '330100';
  const city = regions.find((x) => x.code === cityCode);
  const cityName = city?.name ?? '杭州市';
  const local = regions.filter((x) => x.parent === cityCode && x.level === 'county').map((x) => x.code);
  const counties = regions.filter((x) => x.level === 'county').map((x) => x.code);
  const regionFor = () => (local.length > 0 && r.chance(0.85) ? r.pick(local) : r.pick(counties));
  const cityShort = cityName.replace(/市$/, '');
  const regionNames = new Map(regions.map((x) => [x.code, x.name]));

  const departments = o.departments ?? demoDepartments(regions, o.seed, cityCode);
  const started = Date.now();

  // Persons first: organizations reference them as legal representatives.
  const personCount = Math.max(1, Math.ceil(o.subjects * 0.35));
  const orgCount = Math.max(0, o.subjects - personCount);
  const persons: { id: string; name: string; idNumber: string }[] = [];
  const seenIds = new Set<string>();
  let buffer: BulkSubject[] = [];
  const flush = async () => {
    if (buffer.length > 0) await copySubjects(copy, cipher, buffer);
    buffer = [];
  };
  const canaries = (o.canaries ?? []).map((c) => ({ id: r.uuid(), name: c.name, idNumber: c.idNumber, phone: c.phone }));
  for (const c of canaries) {
    seenIds.add(c.idNumber);
    buffer.push({ id: c.id, kind: 'person', orgType: null, name: c.name, uscc: null, idNumber: c.idNumber, legalRepId: null, regionCode: c.idNumber.slice(0, 6), industryCode: null });
  }
  while (persons.length < personCount) {
    const region = regionFor();
    const idNumber = idNumberFor(r, region, o.until);
    if (seenIds.has(idNumber)) continue;
    seenIds.add(idNumber);
    const p = { id: r.uuid(), name: personName(r), idNumber };
    persons.push(p);
    buffer.push({ id: p.id, kind: 'person', orgType: null, name: p.name, uscc: null, idNumber, legalRepId: null, regionCode: region, industryCode: null });
    if (buffer.length >= batch) await flush();
  }
  await flush();
  progress(`persons: ${persons.length}`);

  const orgs: { id: string; name: string; uscc: string; rep: (typeof persons)[number]; individual: boolean }[] = [];
  const seenCodes = new Set<string>();
  const seenNames = new Set<string>();
  const industries = Object.keys(INDUSTRY_WORDS);
  const facts = new Random(o.seed + 7);
  while (orgs.length < orgCount) {
    const region = regionFor();
    const roll = r.next();
    const individual = roll < 0.15;
    const prefix = individual ? '92' : roll < 0.93 ? '91' : roll < 0.97 ? '12' : '52';
    const uscc = usccFor(r, prefix, region);
    const industry = r.pick(industries);
    const place = r.chance(0.6) ? cityShort : (regionNames.get(region) ?? cityShort).replace(/(区|县|市)$/, '');
    const makeName = () => {
      const trade = r.pick(TRADE_NAMES) + (r.chance(0.5) ? r.pick(TRADE_NAMES).slice(0, 1) : '');
      if (individual) return `${place}${trade}${r.pick(SHOP_FORMS)}`;
      if (prefix === '12') return `${place}${trade}${r.pick(['检验检测中心', '技术服务中心', '培训中心'])}`;
      if (prefix === '52') return `${place}${trade}${r.pick(['职业培训学校', '养老服务中心', '社会工作服务社'])}`;
      return `${place}${trade}${r.pick(INDUSTRY_WORDS[industry] as string[])}${r.pick(COMPANY_FORMS)}`;
    };
    // A registry does not repeat a name; at benchmark scale the word lists run out, so number it.
    let name = makeName();
    for (let tries = 0; seenNames.has(name) && tries < 5; tries++) name = makeName();
    if (seenNames.has(name)) name = `${name}（${orgs.length + 1}）`;
    if (seenCodes.has(uscc)) continue;
    seenCodes.add(uscc);
    seenNames.add(name);
    const rep = r.pick(persons);
    const orgType = prefix === '92' ? 'individualBusiness' : prefix === '91' ? 'enterprise' : prefix === '12' ? 'publicInstitution' : 'socialOrganization';
    const org = { id: r.uuid(), name, uscc, rep, individual };
    orgs.push(org);
    const registration = registrationFor(facts, o.until, `${local.includes(region) ? cityName : ''}${regionNames.get(region) ?? ''}`, individual, INDUSTRY_WORDS[industry] ?? []);
    buffer.push({ id: org.id, kind: 'organization', orgType, name, uscc, idNumber: null, legalRepId: rep.id, legalRepName: rep.name, regionCode: region, industryCode: industry, ...(registration ? { registration } : {}) });
    if (buffer.length >= batch) await flush();
  }
  await flush();
  const subjectsDone = Date.now();
  progress(`organizations: ${orgs.length}`);

  const docSeq = new Map<string, number>();
  const docNumber = (abbr: string, kind: string, date: string) => {
    const key = `${abbr}${kind}${date.slice(0, 4)}`;
    const n = (docSeq.get(key) ?? 0) + 1;
    docSeq.set(key, n);
    return `${abbr}${kind}〔${date.slice(0, 4)}〕${n}号`;
  };
  let records: BulkRecord[] = [];
  let written = 0;
  const loads = new InFlight(o.parallel ?? 2);
  // Each department with its field (fields.ts) and what of it may concern a natural person.
  const plans = departments.map((dept, i) => {
    const field = fieldOf(dept.name, i);
    return { dept, field, abbr: `${cityShort.slice(0, 1)}${field.abbr}`, personPermits: field.permits.filter((x) => x.person), personViolations: field.violations.filter((x) => x.person) };
  });
  for (let i = 0; i < o.records; i++) {
    const { dept, field, abbr, personPermits, personViolations } = r.pick(plans);
    const decisionDate = addCalendarDays(o.until, -r.int(365 * 3));
    const permit = r.chance(0.6);
    // A natural person only where the department's field has decisions about persons.
    const forPersons = permit ? personPermits : personViolations;
    const toPerson = r.chance(0.12) && forPersons.length > 0;
    const org = toPerson ? undefined : r.pick(orgs);
    const person = toPerson || !org ? r.pick(persons) : undefined;
    const subjectId = (org?.id ?? person?.id) as string;
    const category = person ? '自然人' : org?.individual ? '个体工商户' : '法人及非法人组织';
    // As collection stores them (ADR 0002): a natural person's name masked, and a 个体工商户's
    // operator; a company's legal representative as published.
    const party = (org?.name ?? maskPersonName((person as { name: string }).name));
    const representative = org ? (org.individual ? maskPersonName(org.rep.name) : org.rep.name) : undefined;
    if (permit) {
      const p = r.pick(person && forPersons.length > 0 ? personPermits : field.permits);
      const wsh = docNumber(abbr, '许', decisionDate);
      const until = p.years === 0 ? '长期' : addCalendarDays(decisionDate, 365 * p.years - 1);
      const data: Record<string, string> = {
          XK_XDR_MC: party, XK_XDR_LB: category,
          // Records keep ID numbers masked, as collection stores them; the clear number is the subject's (encrypted).
          ...(org ? { XK_XDR_SHXYM: org.uscc, XK_FRDB: representative as string } : { XK_XDR_ZJLX: '身份证', XK_XDR_ZJHM: maskIdNumber((person as { idNumber: string }).idNumber) }),
          XK_XKWS: `${p.name}决定书`, XK_WSH: wsh, XK_XKLB: p.category, XK_XKZS: p.certificate, XK_XKBH: wsh.replace(/[〔〕号]/g, ''),
          XK_NR: `准予${p.name}，核发${p.certificate}`, XK_JDRQ: decisionDate, XK_YXQZ: decisionDate, XK_YXQZI: until, XK_XKJG: dept.name, XK_XKJGDM: dept.uscc,
          XK_ZT: '1', XK_LYDW: dept.name, XK_LYDWDM: dept.uscc,
      };
      records.push({ itemCode: 'XK', itemVersion: 1, subjectId, providerUscc: dept.uscc, departmentId: dept.id ?? null, documentNumber: wsh, decisionDate, data, ...o.publication('XK', data, decisionDate, !!person) });
    } else {
      const v = r.pick(person ? personViolations : field.violations);
      const wsh = docNumber(abbr, '罚', decisionDate);
      const data: Record<string, string | string[]> = {
          CF_XDR_MC: party, CF_XDR_LB: category,
          ...(org ? { CF_XDR_SHXYM: org.uscc, CF_FRDB: representative as string } : { CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: maskIdNumber((person as { idNumber: string }).idNumber) }),
          CF_WSH: wsh, CF_WFXW: v.type, CF_SY: `经查，当事人存在${v.type}的违法行为，事实清楚，证据确凿。`, CF_YJ: v.basis, CF_CFLB: [...v.categories],
          ...penaltyContent(r, v, field),
          CF_JDRQ: decisionDate, CF_YXQ: addCalendarDays(decisionDate, v.categories.some((c) => SERIOUS.has(c)) ? 365 * 3 : 365),
          CF_CFJG: dept.name, CF_CFJGDM: dept.uscc, CF_SJLY: dept.name, CF_SJLYDM: dept.uscc,
      };
      records.push({ itemCode: 'CF', itemVersion: 1, subjectId, providerUscc: dept.uscc, departmentId: dept.id ?? null, documentNumber: wsh, decisionDate, data, ...o.publication('CF', data, decisionDate, !!person) });
    }
    if (records.length >= batch) {
      await loads.add(copyRecords(copy, records));
      written += records.length;
      records = [];
      if (written % (batch * 20) === 0) progress(`records: ${written}`);
    }
  }
  // Each canary: a recent fine, published; the ID number and phone sit in the free text, where a
  // careless presenter would show them (the name there is masked, as collection stores it).
  // Unlicensed trading is the market regulator's case (any department, should none be one).
  const market = plans.find((x) => x.field.department === '市场监督管理局')?.dept;
  for (const [i, c] of canaries.entries()) {
    const dept = market ?? (departments[i % departments.length] as (typeof departments)[number]);
    const decisionDate = addCalendarDays(o.until, -10 - i);
    const wsh = docNumber(`${cityShort.slice(0, 1)}测`, '罚', decisionDate);
    const masked = maskPersonName(c.name);
    const data: Record<string, string | string[]> = {
      CF_XDR_MC: masked, CF_XDR_LB: '自然人', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: maskIdNumber(c.idNumber), CF_WSH: wsh, CF_WFXW: '无证经营',
      CF_SY: `当事人${masked}（身份证号码${c.idNumber}，联系电话${c.phone}）无证经营，经调查属实。`, CF_YJ: '《无证无照经营查处办法》第十三条', CF_CFLB: ['罚款'],
      CF_NR: '罚款人民币5000元', CF_NR_FK: '0.5000', CF_JDRQ: decisionDate, CF_YXQ: addCalendarDays(decisionDate, 365), CF_CFJG: dept.name, CF_CFJGDM: dept.uscc,
      CF_SJLY: dept.name, CF_SJLYDM: dept.uscc, BZ: `联系电话${c.phone}`,
    };
    records.push({ itemCode: 'CF', itemVersion: 1, subjectId: c.id, providerUscc: dept.uscc, departmentId: dept.id ?? null, documentNumber: wsh, decisionDate, data, ...o.publication('CF', data, decisionDate, true) });
  }
  if (records.length > 0) await loads.add(copyRecords(copy, records));
  await loads.drain();
  const done = Date.now();
  const secs = (ms: number) => Math.max(ms, 1) / 1000;
  return {
    persons: persons.length,
    organizations: orgs.length,
    records: o.records,
    subjectsPerSecond: Math.round((persons.length + orgs.length) / secs(subjectsDone - started)),
    recordsPerSecond: Math.round(o.records / secs(done - subjectsDone)),
    seconds: secs(done - started),
  };
}
