/**
 * The legal-basis registry in force: loaded from catalog/ at start, versioned in the database,
 * served from memory. Also owns the working-day calendar data and the region table.
 *
 * Every process holds its own copy: each change (a process started with newer catalog files, a
 * calendar year, a review setting) notifies `catalog_changed` in its transaction, and every process
 * listening (`catalogEvent`) reloads from the database — the one that made the change before the
 * change returns, the others as soon as the notification arrives. An entry whose version did not
 * change stays the same object (kept portal answers compare items by identity).
 */
import type { Kysely, Transaction } from 'kysely';
import type { ListenEvent } from '../../platform/db/engine.js';
import type { Logger } from 'pino';
import { WorkingCalendar, type DayKind } from '../../platform/calendar/working-calendar.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import { getSetting, putSetting, type SettingsTables } from '../../platform/db/settings.js';
import { AppError } from '../../platform/errors.js';
import { CATALOG_DIR, CatalogInvalidError, readCatalog, type Region } from './catalog.loader.js';
import { CatalogRepo, type EntryRow, type ReviewSettingRow } from './catalog.repo.js';
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

/**
 * Whether an item's records wait for review (审核): the catalog file's `review:` is the default, the
 * credit office's latest setting, when there is one, overrides it.
 */
export interface ItemReview {
  itemCode: string;
  itemName: string;
  /** What a batch submitted now gets. */
  review: boolean;
  /** The catalog file's value and where it comes from. */
  default: { review: boolean; sourceFile: string; version: number };
  /** The credit office's latest setting, if any. */
  setting: { review: boolean; reason: string; by: string; at: Date } | null;
}

/** Who changes a setting, as business records show them (and the audit log names them). */
export interface SettingAuthor {
  id: string;
  name: string;
  display: string;
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
  /** The reload under way, and whether another change was heard while it ran (it then runs again). */
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly reloadedHooks: (() => void)[] = [];

  private constructor(
    db: Kysely<CatalogTables>,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.repo = new CatalogRepo(db);
  }

  /** Loads catalog/ into the database (refusing an invalid catalog) and builds the in-memory views. */
  static async start(db: Kysely<CatalogTables & SettingsTables>, log: Logger, dir = CATALOG_DIR, clock: Clock = systemClock): Promise<CatalogService> {
    const { bundle, problems } = readCatalog(dir);
    if (problems.length > 0) throw new CatalogInvalidError(problems);
    const s = new CatalogService(db, log, clock);
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

  /**
   * For Engine.listen(CATALOG_CHANGES_CHANNEL, …): reloads on every change heard and when the channel
   * is heard again after a loss (changes may have been missed). Reloads run one at a time; changes
   * heard during one make one more.
   */
  readonly catalogEvent = (event: ListenEvent): void => {
    if (event === 'lost') return;
    void this.reload().catch((err: Error) => this.log.error({ err: { message: err.message } }, 'reloading the catalog failed'));
  };

  /** Called after each reload (caches built from the catalog drop what they hold). */
  onReload(hook: () => void): void {
    this.reloadedHooks.push(hook);
  }

  /** Reads the catalog, the calendar and the regions again from the database. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const run = async () => {
      do {
        this.reloadAgain = false;
        await this.refresh();
        // The regions as another process's files had them: replaced only when they differ.
        const regions = await this.repo.regions();
        const same = regions.length === this.regionList.length && regions.every((r) => this.regionNames.get(r.code) === r.name);
        if (regions.length > 0 && !same) {
          this.regionList = regions;
          this.regionNames = new Map(regions.map((r) => [r.code, r.name]));
        }
        for (const hook of this.reloadedHooks) hook();
      } while (this.reloadAgain);
    };
    this.reloading = run().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  private async refresh(): Promise<void> {
    const before = this.current as Current | undefined;
    // An entry of the same version stays the same object: what was built from it stays valid.
    const load = async <T>(kind: CatalogKind) =>
      new Map(
        (await this.repo.current(kind)).map((r) => {
          const kept = (before?.[kind] as Map<string, Versioned<T>> | undefined)?.get(r.code);
          return [r.code, kept && kept.version === r.version ? kept : toVersioned<T>(r)] as const;
        }),
      );
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
    await this.reload();
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

  // ---- review (审核) per information item ---------------------------------------------------

  /**
   * Whether a batch of the item created at `createdAt` waits for review: the credit office's latest
   * setting made by then, else the catalog file's `review:`. Read from the database, so a change made
   * through another process counts too; keyed on the batch's creation, so every chunk of a batch and
   * its end agree even when the setting changes while it imports ("from the next batch on").
   */
  async reviewRequired(itemCode: string, createdAt: Date): Promise<boolean> {
    return (await this.repo.reviewSettingAt(itemCode, createdAt)) ?? this.current.infoItem.get(itemCode)?.content.review === true;
  }

  /** Every information item in force with its review default, the credit office's setting and the result. */
  async reviewSettings(): Promise<ItemReview[]> {
    const settings = new Map((await this.repo.reviewSettings()).map((r) => [r.item_code, r]));
    return this.list('infoItem').map((item) => this.itemReview(item, settings.get(item.content.code)));
  }

  /**
   * The credit office switches review on or off for the item, with a reason; `alongside` writes the
   * audit row in the same transaction. Setting what is already in force is refused (409): the caller
   * saw an older state, someone else changed it meanwhile.
   */
  async setReview(
    itemCode: string,
    review: boolean,
    reason: string,
    by: SettingAuthor,
    alongside: (trx: Transaction<CatalogTables>, change: { previous: boolean; review: boolean; defaultReview: boolean }) => Promise<void>,
  ): Promise<ItemReview> {
    const item = this.current.infoItem.get(itemCode);
    if (!item) throw new AppError('NOT_FOUND', { itemCode }, `信息目录中没有代码为「${itemCode}」的信息项`);
    const row = await this.repo.addReviewSetting(itemCode, async (trx, latest) => {
      const before = this.itemReview(item, latest);
      if (before.review === review) {
        const since = before.setting ? `${before.setting.by}于${chinaTime(before.setting.at)}设置` : `目录文件catalog/${before.default.sourceFile}的默认值`;
        throw new AppError('VERSION_CONFLICT', { itemCode, review }, `「${item.content.name}」(${itemCode})已是${review ? '需审核' : '无需审核'}（${since}），未作更改：页面显示的状态可能已过时，请刷新后查看`);
      }
      await alongside(trx, { previous: before.review, review, defaultReview: before.default.review });
      return { review, reason, set_by: by.id, set_by_name: by.name, set_by_display: by.display, set_at: this.clock.now() };
    });
    return this.itemReview(item, row);
  }

  private itemReview(item: Versioned<InfoItem>, setting: ReviewSettingRow | undefined): ItemReview {
    const defaultReview = item.content.review === true;
    return {
      itemCode: item.content.code,
      itemName: item.content.name,
      review: setting?.review ?? defaultReview,
      default: { review: defaultReview, sourceFile: item.sourceFile, version: item.version },
      setting: setting ? { review: setting.review, reason: setting.reason, by: setting.set_by_display, at: setting.set_at } : null,
    };
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

/** A moment as people in China read it: 2026-12-02 10:05. */
function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
