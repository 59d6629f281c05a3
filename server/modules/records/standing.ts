/**
 * A subject's standing: the per-subject read model (issue #13 §2, migrations 0022, 0027). What the
 * public may see of a subject on some day — its records in publicity, each with its window — is kept
 * in one row per subject by the record table's statement triggers, in the transaction of every write,
 * so a page of search markers for subjects never asked for before is one read by key, and a profile
 * two (the standing, then the records it names by primary key).
 *
 * The day is applied here, by the visibility rule's code form (publiclyVisible): the row holds every
 * record in publicity, and a window that ends tonight needs no write to take it out of the answers
 * tomorrow. A subject with more records than the row holds (`overflow`) is answered from the record
 * table by the caller, with the rule's SQL form; the two forms are tested to agree.
 */
import { sql, type Kysely } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { PublicRecordRow } from './records.repo.js';
import type { RecordTables } from './records.tables.js';
import { publiclyVisible } from './records.workflow.js';

/**
 * A record as the standing holds it (migration 0027): what decides whether the public sees it on a
 * day, and its order. Its content is read by primary key when an answer is built.
 */
export type StandingRecord = Pick<PublicRecordRow, 'id' | 'item_code' | 'decision_date' | 'publicity_start' | 'publicity_end' | 'disputed'>;

export interface Standing {
  subjectId: string;
  /** Newest decision first; empty when `overflow`. */
  records: StandingRecord[];
  /** More records than a row holds: ask the record table (RecordsRepo's live queries). */
  overflow: boolean;
  /** Records in force with 异议处理中. */
  disputed: number;
}

const standingOf = prepared('records_standing_of', (db: Kysely<RecordTables>, subjectIds: string[]) =>
  db.selectFrom('subject_standing').select(['subject_id', 'records', 'overflow', 'disputed']).where('subject_id', '=', sql<string>`any(${subjectIds}::uuid[])`),
);

/** The standings of these subjects; a subject without one has never had a record. */
export async function readStandings(db: Kysely<RecordTables>, subjectIds: readonly string[]): Promise<Map<string, Standing>> {
  const out = new Map<string, Standing>();
  if (subjectIds.length === 0) return out;
  for (const r of await standingOf(db, [...subjectIds])) {
    out.set(r.subject_id, { subjectId: r.subject_id, records: r.records as StandingRecord[], overflow: r.overflow, disputed: r.disputed });
  }
  return out;
}

/** The standing's records the public may see today, of these items (the visibility rule's code form). */
export function publicToday(s: Standing, today: string, itemCodes: readonly string[]): StandingRecord[] {
  const items = new Set(itemCodes);
  return s.records.filter((r) =>
    publiclyVisible('in_publicity', {
      publishable: true, review: false, subjectMinor: false, // held only when in publicity and not a minor's
      itemCode: r.item_code, publicItems: items, publicityStart: r.publicity_start, publicityEnd: r.publicity_end, today,
    }),
  );
}

/**
 * The last day the public sees the same records of this standing as today (publicToday): the day
 * before the first window among them ends after today or another begins; null when no window will
 * (long-term publicity, or nothing in publicity). What a kept answer built today holds through.
 */
export function unchangedThrough(s: Standing, today: string, itemCodes: readonly string[]): string | null {
  const items = new Set(itemCodes);
  let through: string | null = null;
  const earlier = (day: string) => {
    if (through === null || day < through) through = day;
  };
  for (const r of s.records) {
    if (!items.has(r.item_code)) continue;
    const start = r.publicity_start;
    const end = r.publicity_end;
    if (start !== null && start > today) earlier(dayBefore(start));
    else if (end !== null && end >= today) earlier(end);
  }
  return through;
}

function dayBefore(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
