/** The only code touching department_item, import_batch and import_row_issue. */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { CollectionTables } from './collection.tables.js';
import type { RowProblem } from './validate.js';
import type { QualityFilter } from '../records/index.js';

export type BatchRow = Selectable<CollectionTables['import_batch']>;

export interface ChunkProgress {
  accepted: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  warnings: number;
  nextRow: number;
}

export class CollectionRepo {
  constructor(private readonly db: Kysely<CollectionTables>) {}

  async grants(departmentId: string): Promise<string[]> {
    return (await this.db.selectFrom('department_item').select('item_code').where('department_id', '=', departmentId).orderBy('item_code').execute()).map((r) => r.item_code);
  }

  /** Every department's granted items, for the credit office's matrix (one read, not one per department). */
  async allGrants(): Promise<Map<string, string[]>> {
    const rows = await this.db.selectFrom('department_item').select(['department_id', 'item_code']).orderBy('department_id').orderBy('item_code').execute();
    const byDepartment = new Map<string, string[]>();
    for (const r of rows) byDepartment.set(r.department_id, [...(byDepartment.get(r.department_id) ?? []), r.item_code]);
    return byDepartment;
  }

  async setGrants(departmentId: string, itemCodes: string[]): Promise<void> {
    await this.db.deleteFrom('department_item').where('department_id', '=', departmentId).execute();
    if (itemCodes.length > 0) await this.db.insertInto('department_item').values(itemCodes.map((item_code) => ({ department_id: departmentId, item_code }))).execute();
  }

  async mayCollect(departmentId: string, itemCode: string): Promise<boolean> {
    return (await this.db.selectFrom('department_item').select('item_code').where('department_id', '=', departmentId).where('item_code', '=', itemCode).executeTakeFirst()) !== undefined;
  }

  async insertBatch(row: Insertable<CollectionTables['import_batch']>): Promise<BatchRow> {
    return this.db.insertInto('import_batch').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async batch(id: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Batches as a record's versions name them: file, submitter, department, when. */
  async sources(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('import_batch')
      .select(['id', 'file_name', 'submitted_by_display', 'submitted_by_name', 'department_id', 'created_at'])
      .where('id', 'in', [...ids])
      .execute();
  }

  /** The batch and its resume point, locked for the chunk that continues it. */
  async lockBatch(id: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** An unfinished import of the same file by the same department: re-running it resumes it. */
  async unfinished(departmentId: string, itemCode: string, sm3: string): Promise<BatchRow | undefined> {
    return this.db
      .selectFrom('import_batch')
      .selectAll()
      .where('department_id', '=', departmentId)
      .where('item_code', '=', itemCode)
      .where('content_sm3', '=', sm3)
      .where('status', '=', 'importing')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** Whether a batch that was not refused keeps this file. */
  /** Which of these stored files a batch still needs (a refused file's content is not needed). */
  async contentsInUse(sm3s: readonly string[]): Promise<Set<string>> {
    if (sm3s.length === 0) return new Set();
    const rows = await this.db.selectFrom('import_batch').select('content_sm3').distinct().where('content_sm3', 'in', [...sm3s]).where('status', '!=', 'failed').execute();
    return new Set(rows.map((r) => r.content_sm3));
  }

  async byIdempotencyKey(departmentId: string, key: string): Promise<BatchRow | undefined> {
    return this.db.selectFrom('import_batch').selectAll().where('department_id', '=', departmentId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  async progress(id: string, p: ChunkProgress): Promise<void> {
    await this.db
      .updateTable('import_batch')
      .set({
        accepted: sql<number>`accepted + ${p.accepted}`,
        rejected: sql<number>`rejected + ${p.rejected}`,
        created_records: sql<number>`created_records + ${p.created}`,
        updated_records: sql<number>`updated_records + ${p.updated}`,
        unchanged_records: sql<number>`unchanged_records + ${p.unchanged}`,
        warnings: sql<number>`warnings + ${p.warnings}`,
        next_row: p.nextRow,
      })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, status: 'imported' | 'failed', failure: string | null, at: Date, reviewStatus: 'none' | 'pending' = 'none'): Promise<BatchRow> {
    return this.db.updateTable('import_batch').set({ status, failure, finished_at: at, review_status: reviewStatus }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  async review(id: string, decision: 'approved' | 'rejected', by: { id: string; name: string; display: string }, reason: string | null, at: Date): Promise<BatchRow | undefined> {
    return this.db
      .updateTable('import_batch')
      .set({ review_status: decision, reviewed_by: by.id, reviewed_by_name: by.name, reviewed_by_display: by.display, reviewed_at: at, review_reason: reason })
      .where('id', '=', id)
      .where('review_status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
  }

  async setRowsTotal(id: string, rows: number, format: string): Promise<void> {
    await this.db.updateTable('import_batch').set({ rows_total: rows, file_format: format }).where('id', '=', id).execute();
  }

  async addIssues(rows: { batchId: string; rowNumber: number; kind: 'rejected' | 'warning'; problems: RowProblem[] | { message: string }[]; rowData: Record<string, string> | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('import_row_issue')
      .values(rows.map((r) => ({ batch_id: r.batchId, row_number: r.rowNumber, kind: r.kind, problems: JSON.stringify(r.problems), row_data: r.rowData === null ? null : JSON.stringify(r.rowData) })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async issues(batchId: string, kind: 'rejected' | 'warning', limit: number, offset: number) {
    return this.db
      .selectFrom('import_row_issue')
      .select(['row_number', 'problems', 'row_data'])
      .where('batch_id', '=', batchId)
      .where('kind', '=', kind)
      .orderBy('row_number')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** Rejected rows of a batch as its error workbook shows them (masked), by row number. */
  async rejectedRows(batchId: string, rowNumbers: readonly number[]): Promise<Map<number, Record<string, string>>> {
    const out = new Map<number, Record<string, string>>();
    for (let i = 0; i < rowNumbers.length; i += 1000) {
      const page = rowNumbers.slice(i, i + 1000);
      const rows = await this.db
        .selectFrom('import_row_issue')
        .select(['row_number', 'row_data'])
        .where('batch_id', '=', batchId)
        .where('kind', '=', 'rejected')
        .where('row_number', 'in', page)
        .execute();
      for (const r of rows) if (r.row_data) out.set(r.row_number, r.row_data as Record<string, string>);
    }
    return out;
  }

  // ---- quality ------------------------------------------------------------------------------

  async batchTotals(q: QualityFilter): Promise<{ department_id: string; item_code: string; batches: number; submitted: number; accepted: number; rejected: number }[]> {
    const r = await sql<{ department_id: string; item_code: string; batches: number; submitted: number; accepted: number; rejected: number }>`
      select department_id, item_code, count(*)::int as batches, coalesce(sum(accepted + rejected), 0)::int as submitted,
             coalesce(sum(accepted), 0)::int as accepted, coalesce(sum(rejected), 0)::int as rejected
      from import_batch
      where status = 'imported' and created_at >= ${q.from} and created_at < ${q.to}
        ${q.departmentId ? sql`and department_id = ${q.departmentId}` : sql``}
        ${q.itemCode ? sql`and item_code = ${q.itemCode}` : sql``}
      group by 1, 2`.execute(this.db);
    return r.rows;
  }

  async rejectionReasons(q: QualityFilter): Promise<{ department_id: string; item_code: string; code: string; field: string | null; n: number }[]> {
    const r = await sql<{ department_id: string; item_code: string; code: string; field: string | null; n: number }>`
      select b.department_id, b.item_code, p->>'code' as code, p->>'field' as field, count(*)::int as n
      from import_row_issue i
      join import_batch b on b.id = i.batch_id
      cross join lateral jsonb_array_elements(i.problems) p
      where i.kind = 'rejected' and b.created_at >= ${q.from} and b.created_at < ${q.to}
        ${q.departmentId ? sql`and b.department_id = ${q.departmentId}` : sql``}
        ${q.itemCode ? sql`and b.item_code = ${q.itemCode}` : sql``}
      group by 1, 2, 3, 4
      order by n desc`.execute(this.db);
    return r.rows;
  }

  /** Granted items a department submitted nothing of in the period (core-item gaps). */
  async gaps(q: QualityFilter): Promise<{ department_id: string; item_code: string }[]> {
    const r = await sql<{ department_id: string; item_code: string }>`
      select g.department_id, g.item_code
      from department_item g
      where not exists (
        select 1 from import_batch b
        where b.department_id = g.department_id and b.item_code = g.item_code and b.status = 'imported' and b.accepted > 0
          and b.created_at >= ${q.from} and b.created_at < ${q.to})
        ${q.departmentId ? sql`and g.department_id = ${q.departmentId}` : sql``}
        ${q.itemCode ? sql`and g.item_code = ${q.itemCode}` : sql``}
      order by 1, 2`.execute(this.db);
    return r.rows;
  }

  async list(q: { departmentId?: string | undefined; itemCode?: string | undefined; reviewStatus?: 'pending' | undefined; limit: number; offset: number }): Promise<{ rows: BatchRow[]; total: number }> {
    let query = this.db.selectFrom('import_batch');
    if (q.departmentId) query = query.where('department_id', '=', q.departmentId);
    if (q.reviewStatus) query = query.where('review_status', '=', q.reviewStatus);
    if (q.itemCode) query = query.where('item_code', '=', q.itemCode);
    const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('created_at', 'desc').limit(q.limit).offset(q.offset).execute();
    return { rows, total: total.n };
  }
}
