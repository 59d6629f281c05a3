/**
 * Organizations' profiles as sent, stored in the database (migration 0025): the portal's read model
 * of a profile page, so a profile nobody has asked for — on any process — is one read by key.
 *
 * Correct by construction, not by notification: the database raises a profile's generation (and
 * drops its answer) in the transaction of every change it shows — a record's transition or import
 * through the subject's standing, an organization's own row. An answer is stored only for the
 * generation read before the data it was built from, so an answer built while a change committed is
 * never stored, and a withdrawal leaves no stored answer that shows the record. What the database
 * cannot see — the catalog's items and code tables, the department names, the answer's format, and
 * the day (windows start and end by date) — is kept beside the answer and compared when it is read.
 *
 * The only code touching public_profile.
 */
import { sql, type Kysely } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { SentAnswer } from './profile-cache.js';
import type { PortalTables } from './portal.tables.js';

/** A profile to store: built at `generation` (undefined: the organization had no row then). */
export interface ProfileToStore {
  subjectId: string;
  generation: string | undefined;
  answer: SentAnswer;
  basis: string;
  /** The days it holds for: from the day it was built through `validUntil` (null: no end). */
  validFrom: string;
  validUntil: string | null;
}

const storedOf = prepared('portal_stored_profile', (db: Kysely<PortalTables>, subjectId: string, basis: string, today: string) =>
  db
    .selectFrom('public_profile')
    .select(['answer', 'tag'])
    .where('subject_id', '=', subjectId)
    .where('basis', '=', basis)
    .where(sql<boolean>`${today}::date between valid_from and coalesce(valid_until, 'infinity'::date)`),
);

export class PublicProfiles {
  constructor(private readonly db: Kysely<PortalTables>) {}

  /** The stored answer, if it was built from what holds now (`basis`) and holds `today`. */
  async read(subjectId: string, basis: string, today: string): Promise<SentAnswer | undefined> {
    const row = (await storedOf(this.db, subjectId, basis, today))[0];
    return row?.answer != null && row.tag != null ? { json: row.answer, tag: row.tag } : undefined;
  }

  /** Each organization's generation now; one without a row is absent. Read before building. */
  async generations(subjectIds: readonly string[]): Promise<Map<string, string>> {
    if (subjectIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('public_profile')
      .select(['subject_id', sql<string>`generation::text`.as('generation')])
      .where('subject_id', '=', sql<string>`any(${[...subjectIds]}::uuid[])`)
      .execute();
    return new Map(rows.map((r) => [r.subject_id, r.generation]));
  }

  /**
   * Stores the answers whose generation still stands (a change committed since raised it, one under
   * way holds the row: either way that answer is dropped). Returns how many.
   */
  async store(profiles: readonly ProfileToStore[]): Promise<number> {
    const at = new Date();
    const existing = profiles.filter((p) => p.generation !== undefined);
    const fresh = profiles.filter((p) => p.generation === undefined);
    let stored = 0;
    if (existing.length > 0) {
      // A row locked by a change under way is skipped, not waited for: that change drops its answer
      // anyway, and a store never holds up (or deadlocks with) the business transaction.
      const r = await sql`
        with free as (
          select subject_id from public_profile
          where subject_id = any(${existing.map((p) => p.subjectId)}::uuid[])
          order by subject_id for update skip locked
        )
        update public_profile p
        set answer = v.answer, tag = v.tag, basis = v.basis, valid_from = v.valid_from, valid_until = v.valid_until,
            built_generation = v.generation, built_at = ${at}
        from unnest(${existing.map((p) => p.subjectId)}::uuid[], ${existing.map((p) => p.generation)}::bigint[], ${existing.map((p) => p.answer.json)}::text[],
                    ${existing.map((p) => p.answer.tag)}::text[], ${existing.map((p) => p.basis)}::text[], ${existing.map((p) => p.validFrom)}::date[],
                    ${existing.map((p) => p.validUntil)}::date[]) as v(subject_id, generation, answer, tag, basis, valid_from, valid_until)
        where p.subject_id = v.subject_id and p.generation = v.generation and p.subject_id in (select subject_id from free)`.execute(this.db);
      stored += Number(r.numAffectedRows ?? 0);
    }
    if (fresh.length > 0) {
      // No row when it was read: a change since created one (migration 0025), and then this answer is not stored.
      const r = await sql`
        insert into public_profile (subject_id, generation, built_generation, answer, tag, basis, valid_from, valid_until, built_at)
        select v.subject_id, 1, 1, v.answer, v.tag, v.basis, v.valid_from, v.valid_until, ${at}
        from unnest(${fresh.map((p) => p.subjectId)}::uuid[], ${fresh.map((p) => p.answer.json)}::text[], ${fresh.map((p) => p.answer.tag)}::text[],
                    ${fresh.map((p) => p.basis)}::text[], ${fresh.map((p) => p.validFrom)}::date[], ${fresh.map((p) => p.validUntil)}::date[])
             as v(subject_id, answer, tag, basis, valid_from, valid_until)
        on conflict (subject_id) do nothing`.execute(this.db);
      stored += Number(r.numAffectedRows ?? 0);
    }
    return stored;
  }

  /**
   * Organizations after `after` (in id order) whose stored answer is missing or no longer holds —
   * built on another basis, or for days that do not include `today`: what a pass builds next.
   */
  async toBuild(after: string | null, basis: string, today: string, limit: number): Promise<string[]> {
    let q = this.db
      .selectFrom('public_profile')
      .select('subject_id')
      .where(sql<boolean>`(answer is null or basis is distinct from ${basis} or ${today}::date not between valid_from and coalesce(valid_until, 'infinity'::date))`);
    if (after !== null) q = q.where('subject_id', '>', after);
    return (await q.orderBy('subject_id').limit(limit).execute()).map((r) => r.subject_id);
  }

  /** How many organizations have no answer that holds now (the pass's remaining work; tests and the bench). */
  async unbuilt(basis: string, today: string): Promise<number> {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from public_profile
      where answer is null or basis is distinct from ${basis} or ${today}::date not between valid_from and coalesce(valid_until, 'infinity'::date)`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}
