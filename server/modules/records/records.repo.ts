/** The only code touching the record and record_version tables. */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { RecordStateName } from '../../../common/records-api.js';
import { prepared } from '../../platform/db/prepared.js';
import type { RecordTables } from './records.tables.js';
import { REVISABLE_STATES, SUBJECT_STATES, type Audience } from './records.workflow.js';
import { publicToday as standingPublicToday, readStandings, unchangedThrough as standingUnchangedThrough } from './standing.js';

export type CopyCsv = (table: string, columns: string[], csv: string) => Promise<void>;

export interface BulkRecord {
  itemCode: string;
  itemVersion: number;
  subjectId: string;
  providerUscc: string;
  /** The registered department that submitted it (null: none registered, as in a benchmark). */
  departmentId?: string | null;
  documentNumber: string;
  decisionDate: string;
  data: Record<string, unknown>;
  /** As collection computes it (CollectionService.publicationFor), so bulk and collected records agree. */
  severity: 'positive' | 'minor' | 'general' | 'serious';
  /** As the machine routes a record published at once (records.workflow.ts, routeOf). */
  state: 'in_publicity' | 'not_public' | 'publicity_ended';
  publishable: boolean;
  publicityStart: string;
  publicityEnd: string | null;
  publicityRule: string | null;
}

export interface QualityFilter {
  from: Date;
  to: Date;
  departmentId?: string | undefined;
  itemCode?: string | undefined;
}

/** A record as collection submits it: identity (item, provider, document number) plus content. */
export interface RecordSubmission {
  itemCode: string;
  itemVersion: number;
  providerUscc: string;
  departmentId: string;
  documentNumber: string;
  decisionDate: string;
  subjectId: string;
  subjectMinor: boolean;
  data: Record<string, unknown>;
  batchId: string;
  severity: 'positive' | 'minor' | 'general' | 'serious';
  /** Where the machine routed it (records.workflow.ts, routeOf); the upsert writes it. */
  state: RecordStateName;
  publishable: boolean;
  publicityStart: string;
  publicityEnd: string | null;
  publicityRule: string | null;
}

/** What the portal reads of a record; the public presenter decides what of it is shown. */
export interface PublicRecordRow {
  id: string;
  item_code: string;
  subject_id: string;
  department_id: string | null;
  document_number: string;
  decision_date: string;
  data: Record<string, unknown>;
  severity: 'positive' | 'minor' | 'general' | 'serious' | null;
  publicity_start: string | null;
  publicity_end: string | null;
  /** 异议处理中: shown with its mark. */
  disputed: boolean;
}

const PUBLIC_COLUMNS = ['id', 'item_code', 'subject_id', 'department_id', 'document_number', 'decision_date', 'data', 'severity', 'publicity_start', 'publicity_end', 'disputed'] as const;

export type { Audience } from './records.workflow.js';

/**
 * THE visibility rule, as SQL over `record`: what this audience may see of a record today
 * (issue #13 §2). Every read of records goes through it — the public ones (profile, search markers,
 * 双公示 lists and pages, figures), the console's (the credit office's browser, a department's
 * batches and record histories), what the subject and a credit check will read — so what
 * withdrawn, repaired and disputed mean to each audience is said once:
 * - public, and a system account checking credit: in publicity (a withdrawn or repaired record
 *   never is), inside its window (the nightly end of publicity may not have run yet), not a
 *   minor's, of an item the catalog discloses to it (`items`); disputed shown with its mark.
 * - the subject itself: its own records in force, publicity ended included, and repaired ones
 *   (marked 已修复); never withdrawn ones (SUBJECT_STATES says why).
 * - the providing department: every record it provided, in any state.
 * - the credit office: every record.
 * The same rule in code is `visibleTo` (records.workflow.ts); visibility.test.ts holds both to a
 * table of every state × mark × window × audience.
 */
export function visibleNow(audience: Audience, today: string): Expression<SqlBool> {
  switch (audience.kind) {
    case 'public':
    case 'system':
      // `items` may be a prepared statement's placeholder: passed on as one parameter, never copied.
      return sql<SqlBool>`(state = 'in_publicity' and not subject_minor and (publicity_start is null or publicity_start <= ${today}::date) and (publicity_end is null or publicity_end >= ${today}::date) and item_code = any(${audience.items}::text[]))`;
    case 'subject':
      return sql<SqlBool>`(subject_id = ${audience.subjectId}::uuid and state in (${sql.join(SUBJECT_STATES.map((x) => sql.lit(x)))}))`;
    case 'department':
      return sql<SqlBool>`(department_id = ${audience.departmentId}::uuid)`;
    case 'creditOffice':
      return sql<SqlBool>`true`;
  }
}

/** Public today, of these items (visibleNow). */
function publicToday(db: Kysely<RecordTables>, today: string, itemCodes: string[]) {
  return db.selectFrom('record').where(visibleNow({ kind: 'public', items: itemCodes }, today));
}

/** A subject's public records, the newest `perItem` of each item, each row with its item's full count. */
const publicOfSubject = prepared('records_public_of_subject', (db: Kysely<RecordTables>, subjectId: string, today: string, itemCodes: string[], perItem: number) =>
  db
    .selectFrom(
      publicToday(db, today, itemCodes)
        .select(PUBLIC_COLUMNS)
        .select([
          sql<number>`(count(*) over (partition by item_code))::int`.as('item_total'),
          sql<number>`row_number() over (partition by item_code order by decision_date desc, id)`.as('item_rank'),
        ])
        .where('subject_id', '=', subjectId)
        .as('r'),
    )
    .select([...PUBLIC_COLUMNS, 'item_total'])
    .where('item_rank', '<=', perItem)
    .orderBy('decision_date', 'desc')
    .orderBy('id'),
);

/** These records, if the public may see them today (a standing's records, read for their content). */
const publicByIds = prepared('records_public_by_ids', (db: Kysely<RecordTables>, ids: string[], today: string, itemCodes: string[]) =>
  publicToday(db, today, itemCodes).select(PUBLIC_COLUMNS).where('id', '=', sql<string>`any(${ids}::uuid[])`),
);

/** How many records each of these subjects has public today, per item: the portal's search markers. */
const publicCountsOf = prepared('records_public_counts_of', (db: Kysely<RecordTables>, subjectIds: string[], today: string, itemCodes: string[]) =>
  publicToday(db, today, itemCodes)
    .select(['subject_id', 'item_code', sql<number>`count(*)::int`.as('n')])
    .where('subject_id', '=', sql<string>`any(${subjectIds}::uuid[])`)
    .groupBy(['subject_id', 'item_code']),
);

export interface PublicListQuery {
  itemCode: string;
  today: string;
  departmentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** A value of the item's category field (multi-valued: contained in it). */
  category?: string | undefined;
  categoryField?: string | undefined;
  /**
   * 关键字: records of these subjects (organizations whose name matched) or whose 决定文书号 begins
   * with one of these prefixes (the typed number in each bracket style). Either list may be empty.
   */
  match?: { subjectIds: readonly string[]; documentPrefixes: readonly string[] } | undefined;
  limit: number;
  offset: number;
}

/** The records browser's query (records.service.ts): what its audience sees, filtered. */
export interface BrowseQuery {
  /** Whose eyes (visibleNow): the credit office's browser sees every department's records. */
  audience: Audience;
  today: string;
  /** The subjects a subject filter found; an empty list finds nothing. */
  subjectIds?: readonly string[] | undefined;
  /** 决定文书号 in full or its beginning. */
  documentNumber?: string | undefined;
  itemCode?: string | undefined;
  departmentId?: string | undefined;
  state?: RecordStateName | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
  /** The total is counted up to this many. */
  countUpTo: number;
}

const BROWSE_COLUMNS = [
  'id', 'item_code', 'subject_id', 'department_id', 'document_number', 'decision_date', 'state', 'disputed', 'severity', 'publicity_start', 'publicity_end', 'version',
] as const;

export type BrowseRow = Awaited<ReturnType<RecordsRepo['browse']>>['rows'][number];

/** Why a withdrawn record was withdrawn: its last withdrawal's reason (record_event). */
const withdrawnReason = sql<string | null>`(select e.reason from record_event e where e.record_id = record.id and e.to_state = 'withdrawn' order by e.id desc limit 1)`.as('withdrawn_reason');
/** When it was withdrawn (the day, China time): its last withdrawal event; publicity ended then. */
const withdrawnOn = sql<string | null>`(select (e.at at time zone 'Asia/Shanghai')::date::text from record_event e where e.record_id = record.id and e.to_state = 'withdrawn' order by e.id desc limit 1)`.as('withdrawn_on');

export function csvField(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

export class RecordsRepo {
  constructor(private readonly db: Kysely<RecordTables>) {}

  async countByItem(): Promise<{ item_code: string; n: number }[]> {
    return this.db.selectFrom('record').select(['item_code', sql<number>`count(*)::int`.as('n')]).groupBy('item_code').orderBy('item_code').execute();
  }

  /**
   * The records already held under these document numbers (one item, one provider), locked until
   * the chunk commits: where each stands decides whether a new version may come (records.service.ts).
   */
  async lockExisting(itemCode: string, providerUscc: string, documentNumbers: readonly string[]) {
    if (documentNumbers.length === 0) return [];
    return this.db
      .selectFrom('record')
      .select(['id', 'document_number', 'state', 'disputed', 'subject_id', 'item_code', 'publishable', 'publicity_start', 'publicity_end', 'subject_minor'])
      .where('item_code', '=', itemCode)
      .where('provider_uscc', '=', providerUscc)
      .where('document_number', '=', sql<string>`any(${[...documentNumbers]}::text[])`)
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /**
   * Inserts new records and gives changed ones a new version — one statement, the chunk as one
   * JSON document, so a chunk of thousands costs one round trip. The replaced version goes to
   * history by the table's trigger (migration 0006). A record submitted again unchanged is left
   * alone (idempotent re-submission), unless the reviewer returned it: then it is a new version
   * that is routed again. The state written is the one the machine routed each row to
   * (records.service.ts `intake` records the transitions); a record in a state with no way to a new
   * version (withdrawn, repaired) is never touched, whatever is sent.
   */
  async submit(rows: readonly RecordSubmission[], at: Date): Promise<{ id: string; document_number: string; subject_id: string; version: number; state: RecordStateName }[]> {
    if (rows.length === 0) return [];
    // One JSON document for the whole chunk: parsed once by the database, no per-value escaping.
    const doc = JSON.stringify(
      rows.map((x) => ({
        i: x.itemCode, v: x.itemVersion, s: x.subjectId, p: x.providerUscc, d: x.departmentId, n: x.documentNumber, t: x.decisionDate, j: x.data, b: x.batchId, m: x.subjectMinor,
        sv: x.severity, st: x.state, ok: x.publishable, ps: x.publicityStart, pe: x.publicityEnd, pr: x.publicityRule,
      })),
    );
    const r = await sql<{ id: string; document_number: string; subject_id: string; version: number; state: RecordStateName }>`
      insert into record (item_code, item_version, subject_id, provider_uscc, department_id, document_number, decision_date, data, batch_id, subject_minor,
                          severity, state, publishable, publicity_start, publicity_end, publicity_rule, created_at, updated_at)
      select x->>'i', (x->>'v')::int, (x->>'s')::uuid, x->>'p', (x->>'d')::uuid, x->>'n', (x->>'t')::date, x->'j', (x->>'b')::uuid, (x->>'m')::boolean,
             x->>'sv', x->>'st', (x->>'ok')::boolean, (x->>'ps')::date, (x->>'pe')::date, x->>'pr', ${at}::timestamptz, ${at}::timestamptz
      from jsonb_array_elements(${doc}::jsonb) x
      on conflict (item_code, provider_uscc, document_number) do update set
        item_version = excluded.item_version, subject_id = excluded.subject_id, department_id = excluded.department_id,
        decision_date = excluded.decision_date, data = excluded.data, batch_id = excluded.batch_id,
        subject_minor = excluded.subject_minor, version = record.version + 1, updated_at = excluded.updated_at,
        severity = excluded.severity, publishable = excluded.publishable, publicity_start = excluded.publicity_start,
        publicity_end = excluded.publicity_end, publicity_rule = excluded.publicity_rule, state = excluded.state
      -- Unchanged is left alone, except a record the reviewer returned: sent again, it is routed again.
      -- Withdrawn and repaired records are never written here (the machine has no way back for them).
      where record.state = any(${[...REVISABLE_STATES]}::text[])
        and ((record.data, record.subject_id) is distinct from (excluded.data, excluded.subject_id) or record.state = 'returned')
      returning id, document_number, subject_id, version, state`.execute(this.db);
    return r.rows;
  }

  /** Which of these document numbers this batch has already written (a repeat within one file). */
  async writtenByBatch(batchId: string, itemCode: string, providerUscc: string, documentNumbers: string[]): Promise<Set<string>> {
    if (documentNumbers.length === 0) return new Set();
    const r = await sql<{ n: string }>`
      select r.document_number as n
      from unnest(${documentNumbers}::text[]) as d(n)
      join record r on r.item_code = ${itemCode} and r.provider_uscc = ${providerUscc}::bpchar and r.document_number = d.n
      where r.batch_id = ${batchId}`.execute(this.db);
    return new Set(r.rows.map((x) => x.n));
  }

  /** Every document number a batch has written so far (to resume its repeat check after a restart). */
  async documentNumbersOfBatch(batchId: string): Promise<string[]> {
    return (await this.db.selectFrom('record').select('document_number').where('batch_id', '=', batchId).execute()).map((r) => r.document_number);
  }

  // ---- the lifecycle's selections (the transitions themselves are lifecycle.ts's) -----------

  /** A batch's records in a state (a review approves or returns those waiting). */
  async idsOfBatchInState(batchId: string, state: RecordStateName): Promise<string[]> {
    return (await this.db.selectFrom('record').select('id').where('batch_id', '=', batchId).where('state', '=', state).execute()).map((r) => r.id);
  }

  /** Records in publicity whose last day is before `today` (record_publicity_end). */
  async publicityOver(today: string): Promise<string[]> {
    return (await this.db.selectFrom('record').select('id').where('state', '=', 'in_publicity').where('publicity_end', '<', today).execute()).map((r) => r.id);
  }

  /** A record's transitions, oldest first. */
  async events(recordId: string) {
    return this.db
      .selectFrom('record_event')
      .select(['event', 'from_state', 'to_state', 'actor_name', 'reason', 'reference', 'at'])
      .where('record_id', '=', recordId)
      .orderBy('id')
      .execute();
  }

  /** The records whose current version a batch wrote that this audience sees, by document number, with their total. */
  async ofBatch(batchId: string, audience: Audience, today: string, limit: number, offset: number) {
    const q = this.db.selectFrom('record').where('batch_id', '=', batchId).where(visibleNow(audience, today));
    const [rows, total] = await Promise.all([
      q.select(['id', 'subject_id', 'document_number', 'decision_date', 'state', 'disputed', 'publicity_end', 'version']).orderBy('document_number').limit(limit).offset(offset).execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: total.n };
  }

  /** A record and whether this audience may see it (`visible`): the caller tells "not yours" from "none". */
  async byId(id: string, audience: Audience, today: string) {
    return this.db
      .selectFrom('record')
      .select(['id', 'item_code', 'department_id', 'subject_id', 'document_number', 'decision_date', 'state', 'disputed', 'severity', 'publicity_start', 'publicity_end', 'version'])
      .select([withdrawnReason, withdrawnOn])
      .select(sql<boolean>`${visibleNow(audience, today)}`.as('visible'))
      .where('id', '=', id)
      .executeTakeFirst();
  }

  // ---- quality (per department, item and month; dates in China time) --------------------------

  /** First submissions grouped by (department, item, decision date, submission date). */
  // Quality counts what departments submitted through collection (a batch): records loaded in bulk
  // (the demo, a migration of old data) were never submitted and have no timeliness.
  async submissionDays(q: QualityFilter): Promise<{ department_id: string; item_code: string; decision_date: string; submitted: string; n: number }[]> {
    const r = await sql<{ department_id: string; item_code: string; decision_date: string; submitted: string; n: number }>`
      select department_id, item_code, decision_date::text as decision_date, (created_at at time zone 'Asia/Shanghai')::date::text as submitted, count(*)::int as n
      from record
      where department_id is not null and batch_id is not null and created_at >= ${q.from} and created_at < ${q.to}
        ${q.departmentId ? sql`and department_id = ${q.departmentId}` : sql``}
        ${q.itemCode ? sql`and item_code = ${q.itemCode}` : sql``}
      group by 1, 2, 3, 4`.execute(this.db);
    return r.rows;
  }

  /** Records submitted more than `calendarDays` after their decision (candidates for overdue; the caller counts working days). */
  async lateCandidates(q: QualityFilter, calendarDays: number, limit: number) {
    const r = await sql<{ id: string; department_id: string; item_code: string; document_number: string; decision_date: string; submitted: string }>`
      select id, department_id, item_code, document_number, decision_date::text as decision_date, (created_at at time zone 'Asia/Shanghai')::date::text as submitted
      from record
      where department_id is not null and batch_id is not null and created_at >= ${q.from} and created_at < ${q.to}
        and (created_at at time zone 'Asia/Shanghai')::date - decision_date > ${calendarDays}
        ${q.departmentId ? sql`and department_id = ${q.departmentId}` : sql``}
        ${q.itemCode ? sql`and item_code = ${q.itemCode}` : sql``}
      order by created_at desc
      limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Per department and item: records, and how many carry each of `fields`. */
  async fieldPresence(q: QualityFilter, itemCode: string, fields: string[]): Promise<{ department_id: string; total: number; present: Record<string, number> }[]> {
    if (fields.length === 0) return [];
    const counts = sql.join(fields.map((f, i) => sql`count(*) filter (where data ? ${f})::int as ${sql.ref(`f${i}`)}`));
    const r = await sql<Record<string, number> & { department_id: string; total: number }>`
      select department_id, count(*)::int as total, ${counts}
      from record
      where item_code = ${itemCode} and department_id is not null and batch_id is not null and created_at >= ${q.from} and created_at < ${q.to}
        ${q.departmentId ? sql`and department_id = ${q.departmentId}` : sql``}
      group by department_id`.execute(this.db);
    return r.rows.map((row) => ({ department_id: row.department_id, total: row.total, present: Object.fromEntries(fields.map((f, i) => [f, Number(row[`f${i}`] ?? 0)])) }));
  }

  /** Every version of a record, newest first: the current one (the record row) and those it replaced. */
  async versions(recordId: string) {
    return this.db
      .selectFrom('record')
      .select(['version', 'subject_id', 'data', 'batch_id', 'updated_at as changed_at'])
      .where('id', '=', recordId)
      .unionAll(this.db.selectFrom('record_version').select(['version', 'subject_id', 'data', 'batch_id', 'changed_at']).where('record_id', '=', recordId))
      .orderBy('version', 'desc')
      .execute();
  }

  /**
   * How many records this batch wrote a version of that a later batch has since replaced (the
   * replaced version is history now, so the record is listed under the later batch): why a
   * batch's 新增 + 更新 can exceed the records listed under it.
   */
  async replacedSinceBatch(batchId: string, audience: Audience, today: string): Promise<number> {
    const r = await this.db
      .selectFrom('record')
      .select(sql<number>`count(*)::int`.as('n'))
      .where((eb) => eb.exists(eb.selectFrom('record_version as v').select('v.version').whereRef('v.record_id', '=', 'record.id').where('v.batch_id', '=', batchId)))
      .where((eb) => eb.or([eb('record.batch_id', 'is', null), eb('record.batch_id', '!=', batchId)]))
      .where(visibleNow(audience, today))
      .executeTakeFirstOrThrow();
    return r.n;
  }

  // ---- public (the portal) ----------------------------------------------------------------------

  /**
   * Records the public may see today: published, within their publicity window (the hourly job
   * may not have ended yesterday's yet), not a minor's, not revoked, and of a publicly disclosed item.
   */
  private publicToday(today: string, itemCodes: readonly string[]) {
    return publicToday(this.db, today, [...itemCodes]);
  }

  /**
   * Headline figures of one item's public records: how many are public today, how many of those
   * became public since `since`, and per providing department (by its code: the portal names it from
   * the department registry, never from the text a file carried).
   */
  async publicFigures(today: string, itemCode: string, since: string) {
    const base = this.publicToday(today, [itemCode]);
    const totals = await base
      .select([sql<number>`count(*)::int`.as('n'), sql<number>`(count(*) filter (where publicity_start >= ${since}))::int`.as('recent')])
      .executeTakeFirstOrThrow();
    const byProvider = await base
      .select(['provider_uscc', sql<number>`count(*)::int`.as('n')])
      .groupBy('provider_uscc')
      .orderBy(sql`count(*)`, 'desc')
      .limit(20)
      .execute();
    return { total: totals.n, recent: totals.recent, byProvider: byProvider.map((r) => ({ uscc: r.provider_uscc, n: r.n })) };
  }

  /**
   * A subject's public records, newest decision first: at most `perItem` of each item, each with
   * how many the item has in all: from its standing (one read by key), or from the records when it
   * holds too many.
   */
  async publicOfSubject(subjectId: string, today: string, itemCodes: readonly string[], perItem: number): Promise<(PublicRecordRow & { item_total: number })[]> {
    return (await this.publicOfSubjects([subjectId], today, itemCodes, perItem)).get(subjectId)?.rows ?? [];
  }

  /**
   * publicOfSubject for many subjects in one read of their standings, each with the last day its
   * answer holds (`through`: the day before a window in it ends or another begins; null when none
   * does). A subject whose standing overflows is read from the records, and has no `through`
   * (undefined: not worked out, so not to be kept by date).
   */
  async publicOfSubjects(subjectIds: readonly string[], today: string, itemCodes: readonly string[], perItem: number): Promise<Map<string, { rows: (PublicRecordRow & { item_total: number })[]; through: string | null | undefined }>> {
    const out = new Map<string, { rows: (PublicRecordRow & { item_total: number })[]; through: string | null | undefined }>();
    // The subjects' standings (standing.ts) say which records to show, by key; one that holds too
    // many asks the records. The records shown are then read by primary key, for their content —
    // through the same rule, so one withdrawn since the standing was read is left out.
    const standings = await readStandings(this.db, subjectIds);
    const chosen = new Map<string, { id: string; item_total: number }[]>();
    for (const id of subjectIds) {
      const standing = standings.get(id);
      if (!standing) {
        out.set(id, { rows: [], through: null });
      } else if (standing.overflow) {
        out.set(id, { rows: (await publicOfSubject(this.db, id, today, [...itemCodes], perItem)) as (PublicRecordRow & { item_total: number })[], through: undefined });
      } else {
        const visible = standingPublicToday(standing, today, itemCodes);
        const totals = new Map<string, number>();
        for (const r of visible) totals.set(r.item_code, (totals.get(r.item_code) ?? 0) + 1);
        const shown = new Map<string, number>();
        chosen.set(id, visible.flatMap((r) => {
          const n = (shown.get(r.item_code) ?? 0) + 1;
          shown.set(r.item_code, n);
          return n <= perItem ? [{ id: r.id, item_total: totals.get(r.item_code) ?? 0 }] : [];
        }));
        out.set(id, { rows: [], through: standingUnchangedThrough(standing, today, itemCodes) });
      }
    }
    const ids = [...chosen.values()].flatMap((xs) => xs.map((x) => x.id));
    const content = ids.length === 0 ? new Map<string, PublicRecordRow>() : new Map((await publicByIds(this.db, ids, today, [...itemCodes])).map((r) => [r.id, r as PublicRecordRow]));
    for (const [subjectId, xs] of chosen) {
      const entry = out.get(subjectId);
      if (!entry) continue;
      entry.rows = xs.flatMap((x) => {
        const r = content.get(x.id);
        return r ? [{ ...r, item_total: x.item_total }] : [];
      });
    }
    return out;
  }

  /** publicOfSubject from the record table itself, always: what the standing is tested against. */
  async publicOfSubjectFromRecords(subjectId: string, today: string, itemCodes: readonly string[], perItem: number): Promise<(PublicRecordRow & { item_total: number })[]> {
    return (await publicOfSubject(this.db, subjectId, today, [...itemCodes], perItem)) as (PublicRecordRow & { item_total: number })[];
  }

  /**
   * How many public records (the same rule as publicOfSubject) each subject has per item: one
   * grouped statement for a page of search results, by the subject index (a prepared statement).
   */
  async publicCounts(subjectIds: readonly string[], today: string, itemCodes: readonly string[]): Promise<{ subject_id: string; item_code: string; n: number }[]> {
    if (subjectIds.length === 0) return [];
    const standings = await readStandings(this.db, subjectIds);
    const out: { subject_id: string; item_code: string; n: number }[] = [];
    const overflowing: string[] = [];
    for (const s of standings.values()) {
      if (s.overflow) {
        overflowing.push(s.subjectId);
        continue;
      }
      const counts = new Map<string, number>();
      for (const r of standingPublicToday(s, today, itemCodes)) counts.set(r.item_code, (counts.get(r.item_code) ?? 0) + 1);
      for (const [item_code, n] of counts) out.push({ subject_id: s.subjectId, item_code, n });
    }
    if (overflowing.length > 0) out.push(...(await publicCountsOf(this.db, overflowing, today, [...itemCodes])));
    return out;
  }

  /** 双公示 browsing: one item's public records, filtered, newest decision first, with the total. */
  async publicList(q: PublicListQuery): Promise<{ rows: PublicRecordRow[]; total: number }> {
    let query = this.publicToday(q.today, [q.itemCode]);
    if (q.departmentId) query = query.where('department_id', '=', q.departmentId);
    if (q.from) query = query.where('decision_date', '>=', q.from);
    if (q.to) query = query.where('decision_date', '<=', q.to);
    if (q.category && q.categoryField) query = query.where(sql<boolean>`data -> ${q.categoryField} ? ${q.category}`);
    const match = q.match;
    if (match) {
      // One OR of indexed conditions (record_subject, record_document_number): a bitmap of the matches,
      // never a walk over every record of the item. A prefix is matched literally: % and _ are not wildcards.
      query = query.where((eb) => eb.or([
        ...(match.subjectIds.length > 0 ? [eb('subject_id', '=', sql<string>`any(${[...match.subjectIds]}::uuid[])`)] : []),
        ...match.documentPrefixes.map((p) => eb('document_number', 'like', `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)),
      ]));
    }
    const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const rows = (await query.select(PUBLIC_COLUMNS).orderBy('decision_date', 'desc').orderBy('id').limit(q.limit).offset(q.offset).execute()) as PublicRecordRow[];
    return { rows, total: total.n };
  }

  // ---- the credit office's browse (every department) -----------------------------------------

  /**
   * Records of every department, filtered, newest decision first, one page and the total. Each
   * filter has an index that gives this order (migration 0015), so a page reads only its rows.
   * A subject or a document number narrows to few records: those are read first by their own
   * index, behind a fence (OFFSET 0 keeps the planner from merging the two levels), and only
   * then filtered and sorted. Without it a planner lacking statistics (PGlite never gathers
   * them) walks the decision-date index through every record looking for a subject's four.
   */
  async browse(q: BrowseQuery) {
    let narrowed = this.db.selectFrom('record').select(BROWSE_COLUMNS).where(visibleNow(q.audience, q.today));
    if (q.subjectIds) narrowed = q.subjectIds.length > 0 ? narrowed.where('subject_id', '=', sql<string>`any(${[...q.subjectIds]}::uuid[])`) : narrowed.where(sql<boolean>`false`);
    // A prefix, matched literally: % and _ typed in a document number are not wildcards.
    if (q.documentNumber) narrowed = narrowed.where('document_number', 'like', `${q.documentNumber.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (q.subjectIds || q.documentNumber) narrowed = narrowed.offset(0);
    let query = this.db.selectFrom(narrowed.as('r'));
    if (q.itemCode) query = query.where('item_code', '=', q.itemCode);
    if (q.departmentId) query = query.where('department_id', '=', q.departmentId);
    if (q.state) query = query.where('state', '=', q.state);
    if (q.from) query = query.where('decision_date', '>=', q.from);
    if (q.to) query = query.where('decision_date', '<=', q.to);
    // Counted up to one past `countUpTo`: beyond what may be paged through, "more than" is the answer,
    // and a count of a million rows would cost more than the page itself.
    const counted = await this.db
      .selectFrom(query.select(sql<number>`1`.as('one')).limit(q.countUpTo + 1).as('x'))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('decision_date', 'desc').orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
    return { rows, total: Math.min(counted.n, q.countUpTo), capped: counted.n > q.countUpTo };
  }

  /** One record as the browse shows it to this audience, with its reason if withdrawn. */
  async browseOne(id: string, audience: Audience, today: string) {
    return this.db.selectFrom('record').select([...BROWSE_COLUMNS]).select([withdrawnReason, withdrawnOn]).where('id', '=', id).where(visibleNow(audience, today)).executeTakeFirst();
  }

  /** One record of an item, if the public may see it today (the same rule as every public list). */
  async publicById(id: string, itemCode: string, today: string): Promise<PublicRecordRow | undefined> {
    return (await this.publicToday(today, [itemCode]).select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst()) as PublicRecordRow | undefined;
  }

  /**
   * What this audience may see of a subject today (issue #13 §2), newest decision first: every
   * record the rule lets it see, each with its state (已修复 is the subject's and the department's
   * mark of a repaired record) and its 异议处理中 mark. Which fields of each it is shown is the
   * audience's presenter's.
   */
  async ofSubject(subjectId: string, audience: Audience, today: string) {
    return this.db
      .selectFrom('record')
      .select(['id', 'item_code', 'item_version', 'subject_id', 'department_id', 'document_number', 'decision_date', 'data', 'state', 'disputed', 'severity', 'publicity_start', 'publicity_end', 'version'])
      .where('subject_id', '=', subjectId)
      .where(visibleNow(audience, today))
      .orderBy('decision_date', 'desc')
      .orderBy('id')
      .execute();
  }
}

/** COPY path for bulk loads (demo and benchmark data); callers batch rows. An empty CSV field is NULL. */
export async function copyRecords(copy: CopyCsv, rows: BulkRecord[]): Promise<void> {
  const csv = rows
    .map((r) =>
      [
        r.itemCode, String(r.itemVersion), r.subjectId, r.providerUscc, csvField(r.documentNumber), r.decisionDate, csvField(JSON.stringify(r.data)),
        r.severity, r.state, r.publishable ? 't' : 'f', r.publicityStart, r.publicityEnd ?? '', r.publicityRule === null ? '' : csvField(r.publicityRule), r.departmentId ?? '',
      ].join(','),
    )
    .join('\n');
  await copy(
    'record',
    ['item_code', 'item_version', 'subject_id', 'provider_uscc', 'document_number', 'decision_date', 'data', 'severity', 'state', 'publishable', 'publicity_start', 'publicity_end', 'publicity_rule', 'department_id'],
    `${csv}\n`,
  );
}

// ---- the upgrade of databases written before migration 0012 (party-names.ts) ------------------

/** Serializes the batches of the upgrade that masks names in records written before migration 0012. */
const NAME_UPGRADE_LOCK = 73791;

/** Where a natural person's name sits in an item's records, to find the records that may hold one in clear. */
export interface PartyNameFields {
  itemCode: string;
  name?: string | undefined;
  category?: string | undefined;
  idNumber?: string | undefined;
  representative?: string | undefined;
}

export interface StoredRecordData {
  /** record.id, or record_version.record_id */
  id: string;
  /** null for the record itself; a replaced version's number for record_version */
  version: number | null;
  item_code: string;
  data: Record<string, unknown>;
}

/**
 * Records whose party is a natural person with the name field not masked yet, or a 个体工商户 whose
 * operator is not masked yet (a masked name has a '*'), as a condition on `data` and `item_code`.
 */
function mayHoldClearName(items: readonly PartyNameFields[], data: string, itemCode: string) {
  const d = sql.ref(data);
  const unmasked = (field: string) => sql`position('*' in coalesce(${d} ->> ${field}, '*')) = 0`;
  const perItem = items.flatMap((i) => {
    const byId = i.idNumber ? sql`coalesce(${d} ->> ${i.idNumber}, '') <> ''` : sql`false`;
    const isPerson = i.category ? sql`(${d} ->> ${i.category} = '自然人' or (coalesce(${d} ->> ${i.category}, '') = '' and ${byId}))` : byId;
    const person = i.name ? sql`(${isPerson} and ${unmasked(i.name)})` : undefined;
    const operator = i.category && i.representative ? sql`(${d} ->> ${i.category} = '个体工商户' and ${unmasked(i.representative)})` : undefined;
    const either = [person, operator].filter((x) => x !== undefined);
    return either.length === 0 ? [] : [sql`(${sql.ref(itemCode)} = ${i.itemCode} and (${sql.join(either, sql` or `)}))`];
  });
  return perItem.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(perItem, sql` or `)})`;
}

/**
 * Every batch runs in a transaction holding one advisory lock (two processes starting at once take
 * turns) and with `xinyong.masking_legacy_names` set for that transaction only: the history trigger
 * (migration 0012) then keeps no copy of the clear data being replaced. No version moves.
 */
export class RecordNamesUpgradeRepo {
  constructor(private readonly db: Kysely<RecordTables>) {}

  batch<T>(fn: (repo: RecordNamesUpgradeRepo) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${NAME_UPGRADE_LOCK})`.execute(trx);
      await sql`select set_config('xinyong.masking_legacy_names', 'on', true)`.execute(trx);
      return fn(new RecordNamesUpgradeRepo(trx));
    });
  }

  /** Current records that may hold a clear name, after `after` in id order. */
  async records(items: readonly PartyNameFields[], after: string | null, limit: number): Promise<StoredRecordData[]> {
    const r = await sql<StoredRecordData>`
      select r.id, null::int as version, r.item_code, r.data from record r
      where ${mayHoldClearName(items, 'r.data', 'r.item_code')} ${after ? sql`and r.id > ${after}::uuid` : sql``}
      order by r.id limit ${limit}`.execute(this.db);
    return r.rows;
  }

  /** Replaced versions that may hold a clear name, after `after` in key order. */
  async versions(items: readonly PartyNameFields[], after: { id: string; version: number } | null, limit: number): Promise<StoredRecordData[]> {
    const r = await sql<StoredRecordData>`
      select v.record_id as id, v.version, r.item_code, v.data from record_version v join record r on r.id = v.record_id
      where ${mayHoldClearName(items, 'v.data', 'r.item_code')} ${after ? sql`and (v.record_id, v.version) > (${after.id}::uuid, ${after.version}::int)` : sql``}
      order by v.record_id, v.version limit ${limit}`.execute(this.db);
    return r.rows;
  }

  async setRecordData(rows: { id: string; data: unknown }[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      update record r set data = t.data::jsonb
      from unnest(${rows.map((x) => x.id)}::uuid[], ${rows.map((x) => JSON.stringify(x.data))}::text[]) as t(id, data)
      where r.id = t.id`.execute(this.db);
  }

  async setVersionData(rows: { id: string; version: number; data: unknown }[]): Promise<void> {
    if (rows.length === 0) return;
    await sql`
      update record_version v set data = t.data::jsonb
      from unnest(${rows.map((x) => x.id)}::uuid[], ${rows.map((x) => x.version)}::int[], ${rows.map((x) => JSON.stringify(x.data))}::text[]) as t(id, version, data)
      where v.record_id = t.id and v.version = t.version`.execute(this.db);
  }
}
