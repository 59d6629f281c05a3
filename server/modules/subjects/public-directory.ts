/**
 * The portal's directory of organizations, in memory: the name index (ranked search) and the
 * organizations by USCC (a profile's header), each with what the public presenter shows.
 *
 * It is fresh within `stalenessMs`: a lookup that finds it older first reads the organizations
 * changed since the last catch-up, in (updated_at, id) order, from the start of the oldest open
 * transaction (SubjectsRepo.changeHorizon), so a change committed late is not missed, also one
 * made by another process (a CLI import). One catch-up runs at a time; the first is the full load.
 *
 * `changed()` makes the next lookup catch up whatever the staleness: the platform calls it on every
 * notification that organizations or records changed (channels `subject_changed` and
 * `record_changed`), heard from every process on the same database, so a change committed anywhere
 * is searchable on the next request after the notification arrives. A lookup never joins a
 * catch-up that started before the last such notification: it waits for one that starts after.
 */
import { NameIndex, type NameQuery } from './name-index.js';
import type { PublicRow, SubjectsRepo } from './subjects.repo.js';

export class PublicDirectory {
  /** The rows as read, indexed as they are: one object per organization, shared with byCode. */
  private readonly names = new NameIndex<PublicRow>();
  private readonly byCode = new Map<string, PublicRow>();
  /** How many organizations each region code has: the search page's region filter. */
  private readonly regionCounts = new Map<string, number>();
  /** Where the next catch-up reads from (database time as text); null until the first load. */
  private since: string | null = null;
  private checkedAt = -Infinity;
  /** Counts `changed()` calls: a catch-up that started before the last one may have missed it. */
  private changes = 0;
  private catchingUp: { from: number; done: Promise<void> } | null = null;

  constructor(
    private readonly repo: SubjectsRepo,
    private readonly stalenessMs: number,
    private readonly page = 50_000,
  ) {}

  /** Organizations whose name contains the text, ranked (name-index.ts), with the full count. */
  async search(q: NameQuery): Promise<{ rows: PublicRow[]; total: number; capped: boolean }> {
    await this.fresh();
    const found = this.names.search(q);
    return { rows: found.items, total: found.total, capped: found.capped };
  }

  /**
   * An organization by USCC. One registered since the last catch-up, or a code nobody has, is read
   * from the database, as is every code until the first load has finished (a profile does not wait
   * for a million names).
   */
  async byUscc(code: string): Promise<PublicRow | undefined> {
    if (this.since === null) {
      void this.fresh().catch(() => {}); // a failed load is retried by the next request
      return this.repo.publicByUscc(code);
    }
    await this.fresh();
    return this.byCode.get(code) ?? this.repo.publicByUscc(code);
  }

  /** Region codes with how many organizations each has, most first. */
  async regions(): Promise<{ code: string; count: number }[]> {
    await this.fresh();
    return [...this.regionCounts].filter(([, n]) => n > 0).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  }

  /** Organizations may have changed (a notification): the next lookup reads what changed first. */
  changed(): void {
    this.changes++;
    this.checkedAt = -Infinity;
  }

  /** Brings the directory up to date when it is older than stalenessMs or told of a change since. */
  fresh(): Promise<void> {
    if (performance.now() - this.checkedAt < this.stalenessMs) return Promise.resolve();
    const from = this.changes;
    if (this.catchingUp?.from === from) return this.catchingUp.done;
    // One catch-up at a time: a new one starts when the one under way (begun before the change) ends.
    const previous = this.catchingUp?.done.catch(() => {}) ?? Promise.resolve();
    const entry: { from: number; done: Promise<void> } = {
      from,
      done: previous
        .then(() => this.catchUp(from))
        .finally(() => {
          if (this.catchingUp === entry) this.catchingUp = null;
        }),
    };
    this.catchingUp = entry;
    return entry.done;
  }

  private readonly strings = new Map<string, string>();
  private intern<T extends string | null>(value: T): T {
    if (value === null) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  private async catchUp(from: number): Promise<void> {
    const started = performance.now();
    const horizon = await this.repo.changeHorizon();
    const byId = new Map<string, PublicRow>(); // the last version of each, should a row be read twice
    for (let after: { at: string; id: string } | null = null; ; ) {
      const rows = await this.repo.organizationsChanged(this.since, after, this.page);
      for (const { at: _, ...r } of rows) {
        // Types, statuses and codes repeat across a million rows: one string each, not one per row.
        const row = { ...r, kind: this.intern(r.kind), org_type: this.intern(r.org_type), status: this.intern(r.status), region_code: this.intern(r.region_code), industry_code: this.intern(r.industry_code) };
        byId.set(row.id, row);
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < this.page) break;
      after = { at: last.at, id: last.id };
    }
    const changed: PublicRow[] = [];
    for (const row of byId.values()) {
      const before = this.names.get(row.id);
      // Read again only because the horizon looks back: the row stays the same object, which is
      // how kept answers built from it (the portal's profiles) know it has not changed.
      if (before && JSON.stringify(before) === JSON.stringify(row)) continue;
      changed.push(row);
      if (before?.uscc && before.uscc !== row.uscc) this.byCode.delete(before.uscc); // a code corrected by the registry
      if (row.uscc) this.byCode.set(row.uscc, row);
      if (before?.region_code) this.regionCounts.set(before.region_code, (this.regionCounts.get(before.region_code) ?? 1) - 1);
      if (row.region_code) this.regionCounts.set(row.region_code, (this.regionCounts.get(row.region_code) ?? 0) + 1);
    }
    if (this.since === null) await this.names.load(changed);
    else this.names.upsert(changed);
    this.since = horizon;
    // Told of a change while reading: the next lookup reads again.
    this.checkedAt = from === this.changes ? started : -Infinity;
  }
}
