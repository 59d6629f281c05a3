/** The only code touching subject, subject_identifier and subject_version. */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { PublicSubjectRow } from './subjects.presenter.js';
import type { LegacyScheme, SubjectTables } from './subjects.tables.js';

export type SubjectRow = Omit<Selectable<SubjectTables['subject']>, 'name_tsv'>;
export type NewSubjectRow = Omit<SubjectRow, 'id' | 'status' | 'version' | 'created_at' | 'updated_at'> & {
  status?: SubjectRow['status'];
};

const COLUMNS = [
  'id', 'kind', 'org_type', 'name', 'uscc', 'id_number_enc', 'id_number_index', 'id_number_masked', 'legal_rep_id',
  'region_code', 'industry_code', 'status', 'version', 'created_at', 'updated_at',
] as const;

const PUBLIC_COLUMNS = ['s.id', 's.kind', 's.org_type', 's.name', 's.uscc', 's.region_code', 's.industry_code', 's.status'] as const;
/** What the public presenter shows of a subject, with its legal representative's name. */
export type PublicRow = PublicSubjectRow & { legal_rep_name: string | null };

function publicRows(db: Kysely<SubjectTables>) {
  return db.selectFrom('subject as s').leftJoin('subject as r', 'r.id', 's.legal_rep_id').select(PUBLIC_COLUMNS).select('r.name as legal_rep_name');
}

/** A prepared statement: every profile view runs it. */
const publicByUscc = prepared('subjects_public_by_uscc', (db: Kysely<SubjectTables>, uscc: string) => publicRows(db).where('s.uscc', '=', uscc));

export interface SearchQuery {
  name?: string;
  /** Characters left after name_norm: bigrams need two. */
  nameNormalizedLength: number;
  uscc?: string;
  idNumberIndex?: string;
  kind?: SubjectRow['kind'];
  limit: number;
  offset: number;
}

export class SubjectsRepo {
  constructor(private readonly db: Kysely<SubjectTables>) {}

  /** `trx` is handed out too, so an audit row can join the same transaction. */
  transaction<T>(fn: (repo: SubjectsRepo, trx: Transaction<SubjectTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new SubjectsRepo(trx), trx));
  }

  async insert(row: NewSubjectRow): Promise<SubjectRow> {
    return this.db.insertInto('subject').values(row).returning(COLUMNS).executeTakeFirstOrThrow();
  }

  async update(id: string, expectedVersion: number, patch: Partial<NewSubjectRow>): Promise<SubjectRow | undefined> {
    return this.db
      .updateTable('subject')
      .set({ ...patch, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returning(COLUMNS)
      .executeTakeFirst();
  }

  /** Marks the organizations this person represents as changed (the portal's directory reads them again). */
  async touchRepresented(personId: string): Promise<void> {
    await this.db.updateTable('subject').set({ updated_at: sql<Date>`now()` }).where('legal_rep_id', '=', personId).execute();
  }

  async addVersion(subjectId: string, version: number, data: unknown, changedBy: string): Promise<void> {
    await this.db.insertInto('subject_version').values({ subject_id: subjectId, version, data: JSON.stringify(data), changed_by: changedBy }).execute();
  }

  async versions(subjectId: string): Promise<{ version: number; data: unknown; changed_at: Date; changed_by: string }[]> {
    return this.db
      .selectFrom('subject_version')
      .select(['version', 'data', 'changed_at', 'changed_by'])
      .where('subject_id', '=', subjectId)
      .orderBy('version', 'desc')
      .execute();
  }

  async putIdentifiers(subjectId: string, ids: { scheme: LegacyScheme; value: string }[]): Promise<void> {
    await this.db.deleteFrom('subject_identifier').where('subject_id', '=', subjectId).execute();
    if (ids.length > 0) {
      await this.db.insertInto('subject_identifier').values(ids.map((i) => ({ ...i, subject_id: subjectId }))).execute();
    }
  }

  async identifiers(subjectId: string): Promise<{ scheme: LegacyScheme; value: string }[]> {
    return this.db.selectFrom('subject_identifier').select(['scheme', 'value']).where('subject_id', '=', subjectId).orderBy('scheme').execute();
  }

  async countOrganizations(): Promise<number> {
    return (await this.db.selectFrom('subject').select(sql<number>`count(*)::int`.as('n')).where('kind', '=', 'organization').executeTakeFirstOrThrow()).n;
  }

  async byId(id: string): Promise<SubjectRow | undefined> {
    return this.db.selectFrom('subject').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async byIds(ids: string[]): Promise<SubjectRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('subject').select(COLUMNS).where('id', 'in', ids).execute();
  }

  /** An organization or person by USCC with what the public presenter shows, and its legal representative's name. */
  async publicByUscc(uscc: string): Promise<PublicRow | undefined> {
    return (await publicByUscc(this.db, uscc))[0];
  }

  private publicRows() {
    return publicRows(this.db);
  }

  async byUscc(uscc: string): Promise<SubjectRow | undefined> {
    return this.db.selectFrom('subject').select(COLUMNS).where('uscc', '=', uscc).executeTakeFirst();
  }

  async byIdNumberIndex(index: string): Promise<SubjectRow | undefined> {
    return this.db.selectFrom('subject').select(COLUMNS).where('id_number_index', '=', index).executeTakeFirst();
  }

  async byLegacyIdentifier(scheme: LegacyScheme, value: string): Promise<SubjectRow | undefined> {
    return this.db
      .selectFrom('subject_identifier as i')
      .innerJoin('subject as s', 's.id', 'i.subject_id')
      .select(COLUMNS.map((c) => `s.${c}` as const))
      .where('i.scheme', '=', scheme)
      .where('i.value', '=', value)
      .executeTakeFirst();
  }

  // Set-wise lookups and inserts for collection: one statement per chunk of records, not per row,
  // with the values as one array parameter (a long IN list costs more to plan than to run).

  async byUsccs(usccs: string[]): Promise<Pick<SubjectRow, 'id' | 'uscc' | 'name' | 'legal_rep_id'>[]> {
    if (usccs.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'uscc', 'name', 'legal_rep_id']).where('uscc', '=', sql<string>`any(${usccs}::bpchar[])`).execute();
  }

  async byIdNumberIndexes(indexes: string[]): Promise<Pick<SubjectRow, 'id' | 'id_number_index' | 'name'>[]> {
    if (indexes.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'id_number_index', 'name']).where('id_number_index', '=', sql<string>`any(${indexes}::text[])`).execute();
  }

  /** Organizations without a code are known by their exact name only. */
  async uncodedOrganizationsByName(names: string[]): Promise<Pick<SubjectRow, 'id' | 'name'>[]> {
    if (names.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'name']).where('kind', '=', 'organization').where('uscc', 'is', null).where('name', '=', sql<string>`any(${names}::text[])`).execute();
  }

  /** Ids are chosen by the caller, so each row's id is known without relying on RETURNING order. */
  async insertMany(rows: (NewSubjectRow & { id: string })[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('subject').values(rows).execute();
  }

  async addVersions(rows: { subject_id: string; version: number; data: unknown; changed_by: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('subject_version').values(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) }))).execute();
  }

  /**
   * Links a legal representative where none is recorded yet; an existing link is not overwritten.
   * updated_at moves, so the portal's name index picks up the representative's name.
   */
  async linkLegalRepresentatives(links: { id: string; legalRepId: string }[]): Promise<void> {
    if (links.length === 0) return;
    // One statement for the chunk; the first link named for an organization wins.
    await sql`
      update subject s set legal_rep_id = l.rep, updated_at = now()
      from (select distinct on (id) id, rep from unnest(${links.map((l) => l.id)}::uuid[], ${links.map((l) => l.legalRepId)}::uuid[]) as t(id, rep)) l
      where s.id = l.id and s.legal_rep_id is null`.execute(this.db);
  }

  /**
   * Name search over the stored bigram vector (GIN), confirmed by a substring test on the same
   * normalization, so a bigram hit in the wrong order is never returned. 1-character queries
   * cannot use bigrams and fall back to the substring test alone.
   */
  async search(q: SearchQuery): Promise<{ rows: SubjectRow[]; total: number }> {
    let query = this.db.selectFrom('subject').select(COLUMNS);
    if (q.kind) query = query.where('kind', '=', q.kind);
    if (q.uscc) query = query.where('uscc', '=', q.uscc);
    if (q.idNumberIndex) query = query.where('id_number_index', '=', q.idNumberIndex);
    if (q.name) {
      const name = q.name;
      query = query.where(sql<boolean>`position(name_norm(${name}) in name_norm(name)) > 0`);
      if (q.nameNormalizedLength >= 2) query = query.where(sql<boolean>`name_tsv @@ plainto_tsquery('simple', cjk_bigrams(${name}))`);
    }
    const total = await query
      .clearSelect()
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query.orderBy(sql`length(name)`).orderBy('name').orderBy('id').limit(q.limit).offset(q.offset).execute();
    return { rows, total: total.n };
  }

  /**
   * Organizations changed at or after `since` (all when null), after the keyset position `after`,
   * in (updated_at, id) order: the name index's first load and its catch-ups read this.
   */
  async organizationsChanged(since: string | null, after: { at: string; id: string } | null, limit: number): Promise<(PublicRow & { at: string })[]> {
    // The time as text: a JavaScript Date keeps milliseconds, the column microseconds, and a page
    // boundary inside one millisecond would read rows again (or, with a whole page in one, forever).
    let q = this.publicRows().select(sql<string>`s.updated_at::text`.as('at')).where('s.kind', '=', 'organization');
    if (since) q = q.where('s.updated_at', '>=', sql<Date>`${since}::timestamptz`);
    // A row comparison, so each page starts where the last ended in the (updated_at, id) index.
    if (after) q = q.where(sql<boolean>`(s.updated_at, s.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    return q.orderBy('s.updated_at').orderBy('s.id').limit(limit).execute();
  }

  /**
   * Where the next catch-up reads from: the start of the oldest open transaction in this database
   * (a row not yet committed carries an updated_at at or after it), and at most ten seconds ago.
   * PostgreSQL shows the transactions of other roles only to roles with pg_read_all_stats; the ten
   * seconds cover their short writes (the platform's own role does all of its writes).
   */
  async changeHorizon(): Promise<string> {
    const r = await sql<{ horizon: string }>`
      select least(now() - interval '10 seconds', (
        select min(xact_start) from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' and xact_start is not null and pid <> pg_backend_pid()
      ))::text as horizon`.execute(this.db);
    return (r.rows[0] as { horizon: string }).horizon;
  }
}

export type SubjectsTx = Transaction<SubjectTables>;
