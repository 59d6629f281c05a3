/** The only code touching subject, subject_identifier and subject_version. */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { PublicSubjectRow } from './subjects.presenter.js';
import type { LegacyScheme, SubjectTables } from './subjects.tables.js';

export type SubjectRow = Omit<Selectable<SubjectTables['subject']>, 'name_tsv'>;
/** An organization's registration facts (migration 0016): only the registry's data sets them. */
export const REGISTRATION_COLUMNS = ['established_on', 'address', 'registration_status', 'registered_capital', 'business_scope'] as const;
export type RegistrationColumns = Pick<SubjectRow, (typeof REGISTRATION_COLUMNS)[number]>;
export type NewSubjectRow = Omit<SubjectRow, 'id' | 'status' | 'version' | 'created_at' | 'updated_at' | keyof RegistrationColumns> & {
  status?: SubjectRow['status'];
} & Partial<RegistrationColumns>;

const COLUMNS = [
  'id', 'kind', 'org_type', 'name', 'name_enc', 'name_index', 'uscc', 'id_number_enc', 'id_number_index', 'id_number_masked', 'legal_rep_id',
  'legal_rep_name', 'region_code', 'industry_code', 'status', ...REGISTRATION_COLUMNS, 'version', 'created_at', 'updated_at',
] as const;

// The representative's name is the organization's own column (as published, a 个体工商户's operator
// masked): the portal never reads the person's row, let alone decrypts it, to show an organization.
// The registration facts are not held in memory (an 经营范围 is hundreds of characters, a million
// of them hundreds of MB): a profile reads them; `version` tells a kept profile they changed.
const PUBLIC_COLUMNS = ['s.id', 's.kind', 's.org_type', 's.name', 's.uscc', 's.region_code', 's.industry_code', 's.status', 's.legal_rep_name', 's.version'] as const;
/** What the public presenter shows of a subject, with its legal representative's name. */
export type PublicRow = PublicSubjectRow & { legal_rep_name: string | null; version: number };

function publicRows(db: Kysely<SubjectTables>) {
  return db.selectFrom('subject as s').select(PUBLIC_COLUMNS);
}

/**
 * Notified in the transaction of every write of organizations here (as `record_changed` is by every
 * write of records): each process's portal directory reads what changed before its next lookup.
 */
export const SUBJECT_CHANGES_CHANNEL = 'subject_changed';

/** Serializes the batches of the upgrade that protects names written before migration 0012. */
const NAME_UPGRADE_LOCK = 73790;

/** A prepared statement: every profile view runs it. */
const publicByUscc = prepared('subjects_public_by_uscc', (db: Kysely<SubjectTables>, uscc: string) => publicRows(db).where('s.uscc', '=', uscc));
/** An organization's registration facts: every profile built (not one sent as kept) reads them. */
const registrationOf = prepared('subjects_registration_of', (db: Kysely<SubjectTables>, id: string) =>
  db.selectFrom('subject').select(REGISTRATION_COLUMNS).where('id', '=', id).where('kind', '=', 'organization'));

export interface SearchQuery {
  /** Organizations whose name contains it. */
  name?: string;
  /** Characters left after name_norm: bigrams need two. */
  nameNormalizedLength: number;
  /** Natural persons with exactly this name (its blind index): a partial name finds nobody. */
  personNameIndex?: string;
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

  /** Tells every process, when the caller's transaction commits, that subjects changed (one notification per transaction). */
  private async changed(): Promise<void> {
    await sql`select pg_notify(${SUBJECT_CHANGES_CHANNEL}, '')`.execute(this.db);
  }

  async insert(row: NewSubjectRow): Promise<SubjectRow> {
    await this.changed();
    return this.db.insertInto('subject').values(row).returning(COLUMNS).executeTakeFirstOrThrow();
  }

  async update(id: string, expectedVersion: number, patch: Partial<NewSubjectRow>): Promise<SubjectRow | undefined> {
    await this.changed();
    return this.db
      .updateTable('subject')
      .set({ ...patch, version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returning(COLUMNS)
      .executeTakeFirst();
  }

  /**
   * A representative's name corrected: the organizations they represent publish the new one (a
   * 个体工商户's masked), and are marked changed so the portal's directory reads them again.
   */
  async renameRepresented(personId: string, clearName: string, maskedName: string): Promise<void> {
    await this.changed();
    await this.db
      .updateTable('subject')
      .set({ legal_rep_name: sql<string>`case when org_type = 'individualBusiness' then ${maskedName} else ${clearName} end`, updated_at: sql<Date>`now()` })
      .where('legal_rep_id', '=', personId)
      .execute();
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

  /** Organizations by id with what the public presenter shows and their registration facts. */
  async publicWithRegistration(ids: string[]): Promise<(PublicRow & RegistrationColumns)[]> {
    if (ids.length === 0) return [];
    return this.publicRows()
      .select(REGISTRATION_COLUMNS.map((c) => `s.${c}` as const))
      .where('s.id', '=', sql<string>`any(${ids}::uuid[])`)
      .where('s.kind', '=', 'organization')
      .execute();
  }

  private publicRows() {
    return publicRows(this.db);
  }

  /** An organization's registration facts; undefined for a person or an unknown id. */
  async registration(id: string): Promise<RegistrationColumns | undefined> {
    return (await registrationOf(this.db, id))[0];
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

  async byUsccs(usccs: string[]): Promise<Pick<SubjectRow, 'id' | 'uscc' | 'name' | 'org_type' | 'legal_rep_id'>[]> {
    if (usccs.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'uscc', 'name', 'org_type', 'legal_rep_id']).where('uscc', '=', sql<string>`any(${usccs}::bpchar[])`).execute();
  }

  /** Persons by ID number (blind index), with their masked name and name index (to compare names without decrypting). */
  async byIdNumberIndexes(indexes: string[]): Promise<Pick<SubjectRow, 'id' | 'id_number_index' | 'name' | 'name_index'>[]> {
    if (indexes.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'id_number_index', 'name', 'name_index']).where('id_number_index', '=', sql<string>`any(${indexes}::text[])`).execute();
  }

  /** Organizations without a code are known by their exact name only. */
  async uncodedOrganizationsByName(names: string[]): Promise<Pick<SubjectRow, 'id' | 'name' | 'org_type'>[]> {
    if (names.length === 0) return [];
    return this.db.selectFrom('subject').select(['id', 'name', 'org_type']).where('kind', '=', 'organization').where('uscc', 'is', null).where('name', '=', sql<string>`any(${names}::text[])`).execute();
  }

  /** Ids are chosen by the caller, so each row's id is known without relying on RETURNING order. */
  async insertMany(rows: (NewSubjectRow & { id: string })[]): Promise<void> {
    if (rows.length === 0) return;
    await this.changed();
    await this.db.insertInto('subject').values(rows).execute();
  }

  async addVersions(rows: { subject_id: string; version: number; data: unknown; changed_by: string }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('subject_version').values(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) }))).execute();
  }

  /**
   * Links a legal representative where none is recorded yet; an existing link is not overwritten.
   * `publicName` is the representative's name as the organization publishes it (publicRepresentativeName).
   * updated_at moves, so the portal's name index picks up the representative's name.
   */
  async linkLegalRepresentatives(links: { id: string; legalRepId: string; publicName: string }[]): Promise<void> {
    if (links.length === 0) return;
    // One statement for the chunk; the first link named for an organization wins.
    await sql`
      update subject s set legal_rep_id = l.rep, legal_rep_name = l.name, updated_at = now()
      from (select distinct on (id) id, rep, name from unnest(${links.map((l) => l.id)}::uuid[], ${links.map((l) => l.legalRepId)}::uuid[], ${links.map((l) => l.publicName)}::text[]) with ordinality as t(id, rep, name, n) order by id, n) l
      where s.id = l.id and s.legal_rep_id is null`.execute(this.db);
  }

  /**
   * Representatives named without an ID number (departments often give only the name, and a person
   * is registered by ID): kept as the organization's published name where no representative is
   * linked, so the portal's list and profile show one name. The last one named in the chunk wins;
   * a linked representative is never overwritten. updated_at moves only for a changed name.
   */
  async nameUnlinkedRepresentatives(names: { id: string; publicName: string }[]): Promise<void> {
    if (names.length === 0) return;
    await sql`
      update subject s set legal_rep_name = l.name, updated_at = now()
      from (select distinct on (id) id, name from unnest(${names.map((l) => l.id)}::uuid[], ${names.map((l) => l.publicName)}::text[]) with ordinality as t(id, name, n) order by id, n desc) l
      where s.id = l.id and s.kind = 'organization' and s.legal_rep_id is null and s.legal_rep_name is distinct from l.name`.execute(this.db);
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
      // An organization by part of its name; a person only by the exact name (a person's `name` is
      // masked, and 「张」 must not list every 张*).
      const org = sql<boolean>`kind = 'organization' and position(name_norm(${name}) in name_norm(name)) > 0${
        q.nameNormalizedLength >= 2 ? sql` and name_tsv @@ plainto_tsquery('simple', cjk_bigrams(${name}))` : sql``
      }`;
      query = query.where(q.personNameIndex ? sql<boolean>`((${org}) or (kind = 'person' and name_index = ${q.personNameIndex}))` : org);
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

// ---- the upgrade of databases written before migration 0012 (person-names-upgrade) ----------

export interface PersonToProtect {
  id: string;
  name: string;
}

export interface RepresentedToName {
  id: string;
  org_type: SubjectRow['org_type'];
  rep_name: string;
  rep_name_enc: string | null;
}

export interface VersionToMask {
  subject_id: string;
  version: number;
  data: unknown;
  kind: SubjectRow['kind'];
  org_type: SubjectRow['org_type'];
}

/**
 * Every batch of the upgrade runs in a transaction holding one advisory lock, so two processes
 * starting at once take turns, and each batch reads what the other has already converted.
 */
export class SubjectNamesUpgradeRepo {
  constructor(private readonly db: Kysely<SubjectTables>) {}

  batch<T>(fn: (repo: SubjectNamesUpgradeRepo) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${NAME_UPGRADE_LOCK})`.execute(trx);
      return fn(new SubjectNamesUpgradeRepo(trx));
    });
  }

  /** Organizations with a linked representative but no published name yet, after `after` in id order. */
  async representedWithoutName(after: string | null, limit: number): Promise<RepresentedToName[]> {
    let q = this.db
      .selectFrom('subject as o')
      .innerJoin('subject as p', 'p.id', 'o.legal_rep_id')
      .select(['o.id', 'o.org_type', 'p.name as rep_name', 'p.name_enc as rep_name_enc'])
      .where('o.kind', '=', 'organization')
      .where('o.legal_rep_name', 'is', null);
    if (after) q = q.where('o.id', '>', after);
    return q.orderBy('o.id').limit(limit).execute();
  }

  async setRepresentativeNames(rows: { id: string; name: string }[]): Promise<void> {
    if (rows.length === 0) return;
    // updated_at moves: another process's portal directory reads the organization again.
    await sql`
      update subject s set legal_rep_name = t.name, updated_at = now()
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.name)}::text[]) as t(id, name)
      where s.id = t.id and s.legal_rep_name is null`.execute(this.db);
  }

  /** Persons whose name is still in clear (never encrypted), after `after` in id order. */
  async personsInClear(after: string | null, limit: number): Promise<PersonToProtect[]> {
    let q = this.db.selectFrom('subject').select(['id', 'name']).where('kind', '=', 'person').where('name_enc', 'is', null);
    if (after) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }

  async protectPersons(rows: { id: string; name: string; name_enc: string; name_index: string }[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await sql`
      update subject s set name = t.name, name_enc = t.enc, name_index = t.idx
      from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.name_enc)}::text[], ${rows.map((r) => r.name_index)}::text[]) as t(id, name, enc, idx)
      where s.id = t.id and s.name_enc is null`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  /**
   * Snapshots that may hold a name in clear: a person's (its `name`), a 个体工商户's (its operator,
   * `legalRepresentative.name`); a masked value has a '*'. After `after` in key order, so a name of
   * one character (its own mask) is passed over rather than read again.
   */
  async versionsToMask(after: { subjectId: string; version: number } | null, limit: number): Promise<VersionToMask[]> {
    const r = await sql<VersionToMask>`
      select v.subject_id, v.version, v.data, s.kind, s.org_type
      from subject_version v join subject s on s.id = v.subject_id
      where ((s.kind = 'person' and position('*' in coalesce(v.data ->> 'name', '*')) = 0)
          or (s.org_type = 'individualBusiness' and position('*' in coalesce(v.data -> 'legalRepresentative' ->> 'name', '*')) = 0))
        ${after ? sql`and (v.subject_id, v.version) > (${after.subjectId}::uuid, ${after.version}::int)` : sql``}
      order by v.subject_id, v.version
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  async setVersionData(rows: { subject_id: string; version: number; data: unknown }[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      update subject_version v set data = t.data::jsonb
      from unnest(${rows.map((r) => r.subject_id)}::uuid[], ${rows.map((r) => r.version)}::int[], ${rows.map((r) => JSON.stringify(r.data))}::text[]) as t(id, version, data)
      where v.subject_id = t.id and v.version = t.version`.execute(this.db);
  }
}

export type SubjectsTx = Transaction<SubjectTables>;
