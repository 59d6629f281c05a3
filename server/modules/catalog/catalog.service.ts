/**
 * The legal-basis registry in force: loaded from catalog/ at start, versioned in the database,
 * served from memory. Also owns the working-day calendar data and the region table.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { WorkingCalendar, type DayKind } from '../../platform/calendar/working-calendar.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import { getSetting, putSetting, type SettingsTables } from '../../platform/db/settings.js';
import { CATALOG_DIR, CatalogInvalidError, readCatalog, type Region } from './catalog.loader.js';
import { CatalogRepo, type EntryRow } from './catalog.repo.js';
import type { CodeTable, HolidayYear, InfoItem, LegalInstrument, ListType, Measure, PeriodRule, TimeLimit } from './catalog.schema.js';
import type { CatalogKind, CatalogTables } from './catalog.tables.js';

export interface Versioned<T> {
  version: number;
  loadedAt: Date;
  sourceFile: string;
  content: T;
}

interface Current {
  infoItem: Map<string, Versioned<InfoItem>>;
  measure: Map<string, Versioned<Measure>>;
  listType: Map<string, Versioned<ListType>>;
  legalInstrument: Map<string, Versioned<LegalInstrument>>;
  periodRule: Map<string, Versioned<PeriodRule>>;
  timeLimit: Map<string, Versioned<TimeLimit>>;
  codeTable: Map<string, Versioned<CodeTable>>;
}

export interface HolidayYearInfo {
  year: number;
  notice: string;
  noticeDate: string | null;
  verified: boolean;
  source: string;
}

function toVersioned<T>(r: EntryRow): Versioned<T> {
  return { version: r.version, loadedAt: r.loaded_at, sourceFile: r.source_file, content: r.content as T };
}

export class CatalogService {
  private current!: Current;
  private regionNames = new Map<string, string>();
  private regionList: Region[] = [];
  private calendarValue!: WorkingCalendar;
  private yearInfo: HolidayYearInfo[] = [];
  private readonly repo: CatalogRepo;

  private constructor(
    db: Kysely<CatalogTables>,
    private readonly log: Logger,
  ) {
    this.repo = new CatalogRepo(db);
  }

  /** Loads catalog/ into the database (refusing an invalid catalog) and builds the in-memory views. */
  static async start(db: Kysely<CatalogTables & SettingsTables>, log: Logger, dir = CATALOG_DIR): Promise<CatalogService> {
    const { bundle, problems } = readCatalog(dir);
    if (problems.length > 0) throw new CatalogInvalidError(problems);
    const s = new CatalogService(db, log);
    const { added, changed, retired } = await s.repo.sync(bundle);
    if (added + changed + retired > 0) log.info({ added, changed, retired }, 'catalog entries versioned');
    // A year's file is applied when it is new or changed, so a correction made through the API
    // is not undone by a restart; editing the file again makes the file win.
    for (const y of bundle.holidayYears) {
      const hash = sm3Hex(JSON.stringify(y.value));
      const key = `holiday_file_hash:${y.value.year}`;
      if ((await getSetting(db, key)) === hash) continue;
      await s.repo.putHolidayYear(y.value, y.file);
      await putSetting(db, key, hash);
    }
    const regionsHash = sm3Hex(JSON.stringify(bundle.regions));
    if ((await getSetting(db, 'regions_hash')) !== regionsHash) {
      await s.repo.replaceRegions(bundle.regions);
      await putSetting(db, 'regions_hash', regionsHash);
    }
    s.regionList = bundle.regions;
    s.regionNames = new Map(bundle.regions.map((r) => [r.code, r.name]));
    await s.refresh();
    return s;
  }

  private async refresh(): Promise<void> {
    const load = async <T>(kind: CatalogKind) => new Map((await this.repo.current(kind)).map((r) => [r.code, toVersioned<T>(r)]));
    this.current = {
      infoItem: await load<InfoItem>('infoItem'),
      measure: await load<Measure>('measure'),
      listType: await load<ListType>('listType'),
      legalInstrument: await load<LegalInstrument>('legalInstrument'),
      periodRule: await load<PeriodRule>('periodRule'),
      timeLimit: await load<TimeLimit>('timeLimit'),
      codeTable: await load<CodeTable>('codeTable'),
    };
    await this.refreshCalendar();
  }

  private async refreshCalendar(): Promise<void> {
    const years = await this.repo.holidayYears();
    const days = await this.repo.calendarDays();
    this.yearInfo = years.map((y) => ({ year: y.year, notice: y.notice, noticeDate: y.notice_date, verified: y.verified, source: y.source_file }));
    this.calendarValue = new WorkingCalendar(
      new Map<string, DayKind>(days.map((d) => [d.day, d.kind])),
      new Set(years.map((y) => y.year)),
      (year) => this.log.warn({ year }, `no official holiday schedule for ${year}: working days fall back to Mon–Fri`),
    );
  }

  get calendar(): WorkingCalendar {
    return this.calendarValue;
  }

  holidayYears(): HolidayYearInfo[] {
    return this.yearInfo;
  }

  async calendarDays(year: number): Promise<{ day: string; kind: DayKind; holiday: string }[]> {
    return (await this.repo.calendarDays()).filter((d) => d.day.startsWith(`${year}-`));
  }

  /** An administrator adds or corrects a year's schedule without a code change (audited alongside). */
  async putHolidayYear(y: HolidayYear, source: string, alongside?: (trx: Transaction<CatalogTables>) => Promise<void>): Promise<void> {
    await this.repo.putHolidayYear(y, source, alongside);
    await this.refreshCalendar();
  }

  regionName = (code: string): string | undefined => this.regionNames.get(code);

  regions(): Region[] {
    return this.regionList;
  }

  list<K extends keyof Current>(kind: K): Current[K] extends Map<string, infer V> ? V[] : never {
    return [...this.current[kind].values()] as never;
  }

  get<K extends keyof Current>(kind: K, code: string): (Current[K] extends Map<string, infer V> ? V : never) | undefined {
    return this.current[kind].get(code) as never;
  }

  async versions(kind: CatalogKind, code: string): Promise<Versioned<unknown>[]> {
    return (await this.repo.versions(kind, code)).map((r) => toVersioned<unknown>(r));
  }

  /** Invariant 1: a record is accepted only under an item in force on its decision date. */
  infoItemInForce(code: string, decisionDate: string): Versioned<InfoItem> | undefined {
    const item = this.current.infoItem.get(code);
    if (!item) return undefined;
    const { effectiveFrom, effectiveTo } = item.content;
    if (decisionDate < effectiveFrom || (effectiveTo !== undefined && decisionDate > effectiveTo)) return undefined;
    return item;
  }

  /** The publicity-period rule set that governs a decision date (rules are versioned by date). */
  periodRuleFor(item: InfoItem, decisionDate: string): PeriodRule | undefined {
    const codes = item.publicityRule === undefined ? [] : Array.isArray(item.publicityRule) ? item.publicityRule : [item.publicityRule];
    return codes
      .map((c) => this.current.periodRule.get(c)?.content)
      .find(
        (r): r is PeriodRule =>
          r !== undefined &&
          (r.appliesToDecisionsFrom === undefined || decisionDate >= r.appliesToDecisionsFrom) &&
          (r.appliesToDecisionsBefore === undefined || decisionDate < r.appliesToDecisionsBefore),
      );
  }
}
