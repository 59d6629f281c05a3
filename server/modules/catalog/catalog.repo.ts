/** The only code touching catalog_entry, calendar_*, region and info_item_review. */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { addCalendarDays } from '../../platform/calendar/working-calendar.js';
import { canonical } from '../../platform/canonical-json.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import type { CatalogBundle, Region } from './catalog.loader.js';
import type { HolidayYear } from './catalog.schema.js';
import type { CatalogKind, CatalogTables } from './catalog.tables.js';

/**
 * Notified in the transaction of every change here — a new entry version, a calendar year, a review
 * setting, the regions — so every process on the database reloads what it holds (CatalogService.reload).
 */
export const CATALOG_CHANGES_CHANNEL = 'catalog_changed';

/** Tells every process, when `db`'s transaction commits, that the catalog changed. */
async function notifyChanged(db: Kysely<CatalogTables>): Promise<void> {
  await sql`select pg_notify(${CATALOG_CHANGES_CHANNEL}, '')`.execute(db);
}

/** Two-key advisory lock space for review settings (the second key: the item). */
const REVIEW_SETTING_LOCK = 73800;

/** One review setting as kept (info_item_review without its row number). */
export type ReviewSettingRow = Omit<Selectable<CatalogTables['info_item_review']>, 'id'>;
const REVIEW_SETTING_COLUMNS = ['item_code', 'review', 'reason', 'set_by', 'set_by_name', 'set_by_display', 'set_at'] as const;

export interface EntryRow {
  kind: CatalogKind;
  code: string;
  version: number;
  content: unknown;
  source_file: string;
  loaded_at: Date;
  superseded_at: Date | null;
}

export class CatalogRepo {
  constructor(private readonly db: Kysely<CatalogTables>) {}

  /**
   * Brings the database in line with the files: a changed entry gets a new version and the old
   * one is superseded (kept: records decided under it still point to it). Returns what changed.
   */
  async sync(bundle: CatalogBundle): Promise<{ added: number; changed: number; retired: number }> {
    const entries: { kind: CatalogKind; code: string; content: unknown; file: string }[] = [
      ...bundle.legalInstruments.map((e) => ({ kind: 'legalInstrument' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.codeTables.map((e) => ({ kind: 'codeTable' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.infoItems.map((e) => ({ kind: 'infoItem' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.measures.map((e) => ({ kind: 'measure' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.listTypes.map((e) => ({ kind: 'listType' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.periodRules.map((e) => ({ kind: 'periodRule' as const, code: e.value.code, content: e.value, file: e.file })),
      ...bundle.timeLimits.map((e) => ({ kind: 'timeLimit' as const, code: e.value.code, content: e.value, file: e.file })),
    ];
    return this.db.transaction().execute(async (trx) => {
      // Two instances starting together must not both write version n+1.
      await sql`select pg_advisory_xact_lock(73787)`.execute(trx);
      const current = await trx
        .selectFrom('catalog_entry')
        .select(['kind', 'code', 'version', 'content_hash'])
        .where('superseded_at', 'is', null)
        .execute();
      const byKey = new Map(current.map((r) => [`${r.kind}/${r.code}`, r]));
      // A retired entry that comes back continues its version numbers.
      const latest = await trx.selectFrom('catalog_entry').select(['kind', 'code', sql<number>`max(version)`.as('v')]).groupBy(['kind', 'code']).execute();
      const lastVersion = new Map(latest.map((r) => [`${r.kind}/${r.code}`, r.v]));
      let added = 0;
      let changed = 0;
      for (const e of entries) {
        // Canonical (sorted keys): re-ordering keys in a file is not a new version.
        const json = canonical(e.content);
        const hash = sm3Hex(json);
        const prev = byKey.get(`${e.kind}/${e.code}`);
        if (prev && prev.content_hash === hash) continue;
        if (prev) {
          await supersede(trx, e.kind, e.code, prev.version);
          changed++;
        } else {
          added++;
        }
        await trx
          .insertInto('catalog_entry')
          .values({ kind: e.kind, code: e.code, version: (lastVersion.get(`${e.kind}/${e.code}`) ?? 0) + 1, content: json, content_hash: hash, source_file: e.file, superseded_at: null })
          .execute();
      }
      // An entry whose file entry was removed is no longer in force; its versions stay.
      const present = new Set(entries.map((e) => `${e.kind}/${e.code}`));
      let retired = 0;
      for (const r of current) {
        if (present.has(`${r.kind}/${r.code}`)) continue;
        await supersede(trx, r.kind, r.code, r.version);
        retired++;
      }
      if (added + changed + retired > 0) await notifyChanged(trx);
      return { added, changed, retired };
    });
  }

  async current(kind: CatalogKind): Promise<EntryRow[]> {
    return (await this.db
      .selectFrom('catalog_entry')
      .select(['kind', 'code', 'version', 'content', 'source_file', 'loaded_at', 'superseded_at'])
      .where('kind', '=', kind)
      .where('superseded_at', 'is', null)
      .orderBy('code')
      .execute()) as EntryRow[];
  }

  async versions(kind: CatalogKind, code: string): Promise<EntryRow[]> {
    return (await this.db
      .selectFrom('catalog_entry')
      .select(['kind', 'code', 'version', 'content', 'source_file', 'loaded_at', 'superseded_at'])
      .where('kind', '=', kind)
      .where('code', '=', code)
      .orderBy('version', 'desc')
      .execute()) as EntryRow[];
  }

  /** Replaces a year's schedule (the notice for a year can be corrected); `alongside` joins the transaction (audit). */
  async putHolidayYear(y: HolidayYear, sourceFile: string, alongside?: (trx: Transaction<CatalogTables>) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await alongside?.(trx);
      await notifyChanged(trx);
      await trx.deleteFrom('calendar_day').where('year', '=', y.year).execute();
      await trx.deleteFrom('calendar_year').where('year', '=', y.year).execute();
      await trx
        .insertInto('calendar_year')
        .values({ year: y.year, notice: y.notice, notice_date: y.noticeDate ?? null, verified: y.verified, source_file: sourceFile })
        .execute();
      const days = new Map<string, { kind: 'off' | 'work'; holiday: string }>();
      for (const h of y.holidays) {
        for (let d = h.off[0]; d <= h.off[1]; d = nextDay(d)) days.set(d, { kind: 'off', holiday: h.name });
        for (const w of h.work ?? []) days.set(w, { kind: 'work', holiday: h.name });
      }
      if (days.size > 0) {
        await trx
          .insertInto('calendar_day')
          .values([...days].map(([day, v]) => ({ day, year: y.year, kind: v.kind, holiday: v.holiday })))
          .execute();
      }
    });
  }

  async holidayYears(): Promise<{ year: number; notice: string; notice_date: string | null; verified: boolean; source_file: string }[]> {
    return this.db.selectFrom('calendar_year').select(['year', 'notice', 'notice_date', 'verified', 'source_file']).orderBy('year').execute();
  }

  async calendarDays(): Promise<{ day: string; kind: 'off' | 'work'; holiday: string }[]> {
    return this.db.selectFrom('calendar_day').select(['day', 'kind', 'holiday']).orderBy('day').execute();
  }

  /** Each item's latest review setting by the credit office (items never set have none). */
  async reviewSettings(): Promise<ReviewSettingRow[]> {
    return this.db
      .selectFrom('info_item_review')
      .distinctOn('item_code')
      .select(REVIEW_SETTING_COLUMNS)
      .orderBy('item_code')
      .orderBy('set_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** The item's setting in force at `at`: the latest made by then. */
  async reviewSettingAt(itemCode: string, at: Date): Promise<boolean | undefined> {
    const r = await this.db
      .selectFrom('info_item_review')
      .select('review')
      .where('item_code', '=', itemCode)
      .where('set_at', '<=', at)
      .orderBy('set_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.review;
  }

  /**
   * Adds a setting after `decide` has seen the item's latest one, both under a lock so two officers
   * switching the same item at once decide in turn; `decide` throws to refuse (nothing is written) and
   * joins the transaction (the audit row).
   */
  async addReviewSetting(
    itemCode: string,
    decide: (trx: Transaction<CatalogTables>, latest: ReviewSettingRow | undefined) => Promise<Omit<ReviewSettingRow, 'item_code'>>,
  ): Promise<ReviewSettingRow> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${REVIEW_SETTING_LOCK}, hashtext(${itemCode}))`.execute(trx);
      const latest = await trx
        .selectFrom('info_item_review')
        .select(REVIEW_SETTING_COLUMNS)
        .where('item_code', '=', itemCode)
        .orderBy('set_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      const row = { ...(await decide(trx, latest)), item_code: itemCode };
      await trx.insertInto('info_item_review').values(row).execute();
      await notifyChanged(trx);
      return row;
    });
  }

  async regions(): Promise<Region[]> {
    return (await this.db.selectFrom('region').select(['code', 'name', 'level', 'parent']).orderBy('code').execute()) as Region[];
  }

  async replaceRegions(regions: Region[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await notifyChanged(trx);
      await trx.deleteFrom('region').execute();
      for (let i = 0; i < regions.length; i += 1000) {
        await trx.insertInto('region').values(regions.slice(i, i + 1000)).execute();
      }
    });
  }
}

async function supersede(db: Kysely<CatalogTables>, kind: CatalogKind, code: string, version: number): Promise<void> {
  await db
    .updateTable('catalog_entry')
    .set({ superseded_at: sql<Date>`now()` })
    .where('kind', '=', kind)
    .where('code', '=', code)
    .where('version', '=', version)
    .execute();
}

function nextDay(d: string): string {
  return addCalendarDays(d, 1);
}
