/**
 * Collection (归集): a department submits records of one catalog item as a file or an API batch.
 * Whole-file problems are found in a first pass, before anything is written. Then rows are
 * validated one by one; valid rows become records (a re-submission is a new version, never a
 * duplicate), subjects are found or created, and rejected rows are kept, masked, for the error
 * report. Each chunk commits its records, its rejected rows, the batch's counters and resume point,
 * and its audit row in one transaction: a killed import resumes exactly where it stopped.
 */
import { Readable, type Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DepartmentView } from '../../../common/identity-api.js';
import { chinaToday } from '../../../common/dates.js';
import type { Clock } from '../../platform/clock.js';
import { canonical as canonicalJson } from '../../platform/canonical-json.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import { TooLarge, type FileVault } from '../../platform/crypto/file-vault.js';
import { AppError } from '../../platform/errors.js';
import { enqueue, settleJob } from '../../platform/jobs.js';
import type { Actor, AuditLog, KyselyLike } from '../audit/index.js';
import type { CatalogService, InfoItem } from '../catalog/index.js';
import { RecordsRepo, type Audience, type BatchSource, type Party, type RecordIntake, type RecordTables, type RecordsService } from '../records/index.js';
import { maskPersonName } from '../../../common/masking.js';
import type { SubjectsService } from '../subjects/index.js';
import { CollectionRepo, type BatchRow, type ChunkProgress } from './collection.repo.js';
import type { CollectionTables } from './collection.tables.js';
import { writeErrorReport, type RejectedRow } from './error-report.js';
import { mapHeaders, rowToFields, sourceRefColumn } from './headers.js';
import { MaskedCellFiller, SourceRefs, type OriginRow } from './source-refs.js';
import { publicityOf } from './publicity.js';
import { buildQuality, monthRange, type QualityReport } from './quality.js';
import { countRows, FileProblem, MAX_COLUMNS, openCsv, readHead, sniff, type Row, type RowSource } from './sources.js';
import { limitList, limitText } from '../../../common/text.js';
import { TEMPLATE_ROW_MARK, itemTemplate } from './template.js';
import { openXlsx } from './xlsx.js';
import { maskRow, rowValidator, type RowProblem, type ValidRecord } from './validate.js';

export const MAX_API_RECORDS = 10_000;
/** Whole-file problems listed in a refusal; more are counted, not listed. */
const MAX_PROBLEMS_LISTED = 20;
/** The longest refusal kept with a batch and in its audit row. */
const MAX_FAILURE_CHARS = 4000;

export interface CollectionDeps {
  db: Kysely<CollectionTables & RecordTables>;
  catalog: CatalogService;
  subjects: SubjectsService;
  /** Where records live their life: collection hands them in (intake), review moves them. */
  records: RecordsService;
  audit: AuditLog;
  clock: Clock;
  vault: FileVault;
  department: (idOrUscc: string) => Promise<DepartmentView | undefined>;
  regionName: (code: string) => string | undefined;
  log: Logger;
  maxFileBytes: number;
  chunkSize?: number;
  /** Signs the error workbook's references to the rows' origins (a key derived from the platform's key material). */
  sourceRefKey: Buffer;
  /** Told after a commit that enqueued an import, so this process's job runner starts it at once. */
  jobEnqueued?: () => void;
}

/** The job that imports a batch (ADR 0003): one per batch, removed when the batch is finished. */
export const IMPORT_JOB = 'import';
export const importJobKey = (batchId: string) => `import:${batchId}`;
/**
 * An API batch is imported by the request that sent it; its job is due only after this long, so a
 * job runner takes it over only when that request's process died (or the request is still at it,
 * which the resume point's check then keeps from importing anything twice).
 */
const API_JOB_GRACE_MS = 5 * 60_000;

export interface Submitter {
  actor: Actor;
  departmentId: string;
}

type Chunk = {
  rowNumber: number;
  fields: Record<string, string>;
  notes?: string[] | undefined;
  /** Problems found before validation (the row's 来源引用), which refuse the row. */
  prior?: RowProblem[] | undefined;
  /** The batch whose stored file filled the row's masked cells in. */
  filledFrom?: string | null | undefined;
}[];

export class CollectionService {
  private readonly repo: CollectionRepo;
  private readonly running = new Map<string, Promise<BatchRow>>();
  private readonly refs: SourceRefs;

  constructor(private readonly deps: CollectionDeps) {
    this.repo = collectionRepo(deps.db);
    this.refs = new SourceRefs(deps.sourceRefKey);
  }

  private get chunkSize(): number {
    return this.deps.chunkSize ?? 1000;
  }

  // ---- grants (谁产生、谁负责) -----------------------------------------------------------

  async grants(departmentId: string): Promise<string[]> {
    return this.repo.grants(departmentId);
  }

  async allGrants(): Promise<Map<string, string[]>> {
    return this.repo.allGrants();
  }

  async setGrants(departmentId: string, itemCodes: string[], actor: Actor): Promise<string[]> {
    if (!(await this.deps.department(departmentId))) throw new AppError('NOT_FOUND', { departmentId });
    const unknown = itemCodes.filter((c) => !this.deps.catalog.get('infoItem', c));
    if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', unknown.map((c) => ({ field: 'itemCodes', message: `信息项「${c}」不在信息目录中` })));
    const codes = [...new Set(itemCodes)].sort();
    await this.deps.db.transaction().execute(async (trx) => {
      await collectionRepo(trx).setGrants(departmentId, codes);
      await this.deps.audit.record(trx, { category: 'business', event: 'collection.grants', actor, result: 'success', objectType: 'department', objectId: departmentId, details: { itemCodes: codes } });
    });
    return codes;
  }

  // ---- submissions --------------------------------------------------------------------------

  private async context(s: Submitter, itemCode: string): Promise<{ department: DepartmentView; item: InfoItem; itemVersion: number }> {
    const department = await this.deps.department(s.departmentId);
    if (!department || department.status !== 'active') throw new AppError('FORBIDDEN', undefined, '报送部门不存在或已停用');
    const entry = this.deps.catalog.get('infoItem', itemCode);
    if (!entry) throw new AppError('NOT_FOUND', { itemCode }, `信息项「${itemCode}」不在信息目录中`);
    if (!(await this.repo.mayCollect(department.id, itemCode))) {
      await this.deps.audit.recordAlone({ category: 'security', event: 'collection.denied', actor: s.actor, result: 'denied', objectType: 'infoItem', objectId: itemCode, reason: '部门未获准报送该信息项' });
      throw new AppError('IMPORT_ITEM_NOT_ALLOWED', { itemCode }, `「${department.name}」未获准报送「${entry.content.name}」(${itemCode})：请联系信用办在部门的报送目录中开通`);
    }
    return { department, item: entry.content, itemVersion: entry.version };
  }

  /**
   * Stores the upload (encrypted), checks the whole file, and creates its batch; `run` imports
   * it. The same file from the same department while its import is unfinished resumes that batch.
   */
  async acceptFile(s: Submitter, itemCode: string, fileName: string, input: Readable): Promise<BatchRow> {
    const { department, item, itemVersion } = await this.context(s, itemCode);
    let stored: { id: string; size: number };
    try {
      stored = await this.deps.vault.store(input, this.deps.maxFileBytes);
    } catch (err) {
      if (err instanceof TooLarge) throw new AppError('PAYLOAD_TOO_LARGE', undefined, `文件超过${Math.round(this.deps.maxFileBytes / 1048576)} MB的上限，请拆分后上传`);
      throw err;
    }
    const unfinished = await this.repo.unfinished(department.id, itemCode, stored.id);
    if (unfinished) {
      // Sending the file again asks for its import again, also when its job had failed for good.
      if (await enqueue(this.deps.db, { kind: IMPORT_JOB, payload: { batchId: unfinished.id }, uniqueKey: importJobKey(unfinished.id), dueAt: this.deps.clock.now() })) this.deps.jobEnqueued?.();
      return unfinished;
    }

    let checked: { format: string; rows: number };
    try {
      checked = await this.preflight(stored.id, item);
    } catch (caught) {
      if (!(caught instanceof FileProblem)) throw caught;
      const err = new FileProblem(limitText(caught.message, MAX_FAILURE_CHARS));
      // Nothing of a refused file stays: not its rows, not the file (unless an earlier batch imported
      // the same content); only the attempt is recorded.
      if (!(await this.repo.contentsInUse([stored.id])).has(stored.id)) await this.deps.vault.remove(stored.id);
      const failed = await this.deps.db.transaction().execute(async (trx) => {
        const b = await collectionRepo(trx).insertBatch({
          department_id: department.id, item_code: itemCode, item_version: itemVersion, source: 'file', file_name: fileName, file_format: null,
          content_sm3: stored.id, content_size: stored.size, idempotency_key: null, status: 'failed', failure: err.message, rows_total: null,
          submitted_by: s.actor.id, submitted_by_name: s.actor.name, submitted_by_display: displayOf(s.actor), created_at: this.deps.clock.now(), finished_at: this.deps.clock.now(),
        });
        await this.deps.audit.record(trx, { category: 'business', event: 'collection.batch.refused', actor: s.actor, result: 'failure', objectType: 'importBatch', objectId: b.id, reason: err.message, details: { itemCode, fileSm3: stored.id } });
        return b;
      });
      throw new AppError('IMPORT_FILE_INVALID', { batchId: failed.id, problems: err.message.split('\n') }, `「${fileName}」不能导入：${err.message}`);
    }
    const created = await this.deps.db.transaction().execute(async (trx) => {
      const b = await collectionRepo(trx).insertBatch({
        department_id: department.id, item_code: itemCode, item_version: itemVersion, source: 'file', file_name: fileName, file_format: checked.format,
        content_sm3: stored.id, content_size: stored.size, idempotency_key: null, rows_total: checked.rows, next_row: 2, failure: null,
        submitted_by: s.actor.id, submitted_by_name: s.actor.name, submitted_by_display: displayOf(s.actor), created_at: this.deps.clock.now(), finished_at: null,
      });
      // The import is a job committed with its batch: a crash after this commit loses nothing.
      await enqueue(trx, { kind: IMPORT_JOB, payload: { batchId: b.id }, uniqueKey: importJobKey(b.id), dueAt: this.deps.clock.now() });
      await this.deps.audit.record(trx, { category: 'business', event: 'collection.batch.create', actor: s.actor, result: 'success', objectType: 'importBatch', objectId: b.id, details: { itemCode, fileSm3: stored.id, rows: checked.rows, format: checked.format } });
      return b;
    });
    this.deps.jobEnqueued?.();
    return created;
  }

  private async open(fileId: string): Promise<RowSource> {
    const open = (start?: number, end?: number) => this.deps.vault.read(fileId, start, end);
    const head = await readHead(open);
    const source = sniff(head) === 'xlsx' ? await openXlsx(open, await this.deps.vault.size(fileId)) : await openCsv(open, head);
    // The template's 【说明】 and 【示例】 rows are not data.
    return {
      ...source,
      async *rows(fromRow: number) {
        for await (const r of source.rows(fromRow)) if (!TEMPLATE_ROW_MARK.test(r.cells[0] ?? '')) yield r;
      },
    };
  }

  /** Every whole-file problem, before a single row is written. */
  private async preflight(fileId: string, item: InfoItem): Promise<{ format: string; rows: number }> {
    const source = await this.open(fileId);
    const lastUsed = source.header.findLastIndex((h) => h.trim() !== '');
    const used = lastUsed + 1;
    if (used > MAX_COLUMNS) throw new FileProblem(`第1行（表头）有${used}列，超过${MAX_COLUMNS}列的上限（「${item.name}」只有${item.fields.length}个字段）：请检查是否选错了文件或工作表`);
    const mapping = mapHeaders(item, source.header);
    // A hostile header can name thousands of unknown columns: the first few say what is wrong.
    if (mapping.problems.length > 0) throw new FileProblem(limitList(mapping.problems, MAX_PROBLEMS_LISTED).join('\n'));
    return { format: source.format, rows: await countRows(source) };
  }

  /**
   * Imports a batch (a file, or an API batch's records kept in the vault) from its resume point to
   * the end: what the `import` job runs. One run per batch at a time in this process; another
   * process's run of the same batch is stopped by the resume point's check.
   */
  run(batchId: string, onProgress?: (rowsDone: number, rowsTotal: number | null) => void): Promise<BatchRow> {
    const current = this.running.get(batchId);
    if (current) return current;
    const p = this.runBatch(batchId, onProgress).finally(() => this.running.delete(batchId));
    this.running.set(batchId, p);
    return p;
  }

  private async runBatch(batchId: string, onProgress?: (rowsDone: number, rowsTotal: number | null) => void): Promise<BatchRow> {
    const batch = await this.repo.batch(batchId);
    if (!batch) throw new AppError('NOT_FOUND', { batchId });
    if (batch.status !== 'importing') return batch;
    return batch.source === 'api' ? this.runApi(batch) : this.runFile(batch, onProgress);
  }

  private async runFile(batch: BatchRow, onProgress?: (rowsDone: number, rowsTotal: number | null) => void): Promise<BatchRow> {
    const item = await this.itemOf(batch);
    const source = await this.open(batch.content_sm3);
    const { columns } = mapHeaders(item, source.header);
    // A corrected error workbook: its rows' references are read first (each original file is then
    // read once for all its rows), and masked cells left as they were are filled in row by row.
    const refAt = sourceRefColumn(source.header);
    const filler = refAt >= 0 ? this.filler(batch, item) : undefined;
    if (filler) for await (const row of source.rows(batch.next_row) as AsyncIterable<Row>) filler.want(row.cells[refAt] ?? '');
    const pipeline = await this.runner(batch, item);
    let done = batch.accepted + batch.rejected;
    let queued = 0;
    const commit = async (chunk: Chunk) => {
      await pipeline.push(chunk);
      // push returns once the chunk before this one has committed: report that one.
      done += queued;
      if (queued > 0) onProgress?.(done, batch.rows_total);
      queued = chunk.length;
    };
    let chunk: Chunk = [];
    for await (const row of source.rows(batch.next_row) as AsyncIterable<Row>) {
      const fields = rowToFields(columns, row.cells);
      if (filler) {
        const filled = await filler.fill(fields, row.cells[refAt] ?? '');
        chunk.push({ rowNumber: row.rowNumber, fields: filled.fields, notes: row.notes, prior: filled.problems, filledFrom: filled.from });
      } else chunk.push({ rowNumber: row.rowNumber, fields, notes: row.notes });
      if (chunk.length >= this.chunkSize) {
        await commit(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await commit(chunk);
    await pipeline.flush();
    if (queued > 0) onProgress?.(done + queued, batch.rows_total);
    return this.finish(batch);
  }

  /** Fills the masked cells of a corrected error workbook from its rows' original files (source-refs.ts). */
  private filler(batch: BatchRow, item: InfoItem): MaskedCellFiller {
    return new MaskedCellFiller({
      refs: this.refs,
      item,
      departmentId: batch.department_id,
      batch: (id) => this.repo.batch(id),
      itemName: (code) => this.deps.catalog.get('infoItem', code)?.content.name ?? code,
      shown: (batchId, rows) => this.repo.rejectedRows(batchId, rows),
      read: (origin, rows) => this.originRows(origin, rows),
    });
  }

  /** Rows of a batch's stored file (decrypted as it streams), by row number, with their own 来源引用. */
  private async originRows(batch: BatchRow, wanted: ReadonlySet<number>): Promise<Map<number, OriginRow>> {
    const out = new Map<number, OriginRow>();
    if (batch.source !== 'file' || batch.status === 'failed' || !this.deps.vault.has(batch.content_sm3)) return out;
    try {
      const item = await this.itemOf(batch);
      const source = await this.open(batch.content_sm3);
      const { columns } = mapHeaders(item, source.header);
      const refAt = sourceRefColumn(source.header);
      // Read to the end: a workbook's parts are checked (CRC-32) only there.
      for await (const row of source.rows(2) as AsyncIterable<Row>) {
        if (wanted.has(row.rowNumber)) out.set(row.rowNumber, { fields: rowToFields(columns, row.cells), ref: refAt >= 0 ? (row.cells[refAt] ?? '').trim() : '' });
      }
    } catch (err) {
      // The rows are then not filled (and refused as masked): say which batch, never a value.
      this.deps.log.warn({ batchId: batch.id, err: { message: (err as Error).message } }, 'reading an original file for an error workbook failed');
      return new Map();
    }
    return out;
  }

  /**
   * The item as it was when the batch was opened (import_batch.item_version): a batch resumed after
   * the catalog changed is validated, mapped and published by the rules it started under.
   */
  private async itemOf(batch: BatchRow): Promise<InfoItem> {
    const current = this.deps.catalog.get('infoItem', batch.item_code);
    if (current?.version === batch.item_version) return current.content;
    const then = (await this.deps.catalog.versions('infoItem', batch.item_code)).find((v) => v.version === batch.item_version);
    if (!then) throw new AppError('NOT_FOUND', { itemCode: batch.item_code, itemVersion: batch.item_version });
    return then.content as InfoItem;
  }

  private async finish(batch: BatchRow): Promise<BatchRow> {
    // The review setting in force when the batch was created (the catalog's, or the credit office's).
    const review = await this.deps.catalog.reviewRequired(batch.item_code, batch.created_at);
    return this.deps.db.transaction().execute(async (trx) => {
      const repo = collectionRepo(trx);
      const current = await repo.batch(batch.id);
      const waiting = review && (current?.created_records ?? 0) + (current?.updated_records ?? 0) > 0;
      const done = await repo.finish(batch.id, 'imported', null, this.deps.clock.now(), waiting ? 'pending' : 'none');
      // The batch is done, so is its job (whoever ran the import: a job runner, the request, the CLI).
      await settleJob(trx, importJobKey(batch.id));
      await this.deps.audit.record(trx, {
        category: 'business', event: 'collection.batch.finish', actor: actorOfBatch(batch), result: 'success', objectType: 'importBatch', objectId: batch.id,
        details: { accepted: done.accepted, rejected: done.rejected, created: done.created_records, updated: done.updated_records, unchanged: done.unchanged_records },
      });
      return done;
    });
  }

  /**
   * The import of one batch as a pipeline of chunks: `prepare` validates a chunk (CPU, in this
   * process) while the previous chunk's `commit` runs in the database. Each commit writes its
   * records, subjects, rejected rows, counters, resume point and audit row in one transaction,
   * and only on top of the commit it follows (the resume point must be where it expects).
   */
  private async runner(batch: BatchRow, item: InfoItem): Promise<{ push: (chunk: Chunk) => Promise<void>; flush: () => Promise<void> }> {
    const department = await this.deps.department(batch.department_id);
    if (!department) throw new AppError('NOT_FOUND', { departmentId: batch.department_id });
    const validate = rowValidator({
      item,
      codeTables: (c) => this.deps.catalog.get('codeTable', c)?.content,
      regionName: this.deps.regionName,
      today: chinaToday(this.deps.clock.now().getTime()),
      departmentUscc: department.uscc,
      departmentName: department.name,
    });
    const actor = actorOfBatch(batch);
    const today = chinaToday(this.deps.clock.now().getTime());
    const review = await this.deps.catalog.reviewRequired(batch.item_code, batch.created_at);
    const publicity = (r: ValidRecord) => this.publicationFor(item, r.data, r.decisionDate, r.subject.kind === 'person');
    // Keys this batch has written, as 32-bit hashes (a million keys in a few MB). A hit is only a
    // candidate repeat, confirmed in the database; a miss is certain. Rebuilt when a batch resumes.
    const batchKeys = new Set<number>();
    if (batch.next_row > (batch.source === 'file' ? 2 : 1)) for (const n of await recordsRepo(this.deps.db).documentNumbersOfBatch(batch.id)) batchKeys.add(hash32(n));
    let expected = batch.next_row;
    let pending: Promise<void> = Promise.resolve();
    const prepare = async (chunk: Chunk) => {
      const first = chunk[0]?.rowNumber ?? 0;
      const nextRow = (chunk.at(-1)?.rowNumber ?? first) + 1;
      const rejected: { rowNumber: number; problems: RowProblem[]; masked: Record<string, string> }[] = [];
      const valid: { rowNumber: number; record: ValidRecord; publicity: ReturnType<typeof publicity> }[] = [];
      const seen = new Map<string, number>();
      // Rows whose masked cells were filled from an earlier batch's file, by that batch (audited).
      const filled: Record<string, number> = {};
      for (const [index, { rowNumber, fields, notes, prior, filledFrom }] of chunk.entries()) {
        // Let the database's answers to the chunk being committed in through, so its next
        // statement goes out at once rather than after this whole chunk's validation.
        if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
        if (filledFrom) filled[filledFrom] = (filled[filledFrom] ?? 0) + 1;
        const r = validate(fields);
        if (r.ok && notes) for (const message of notes) r.record.warnings.push({ field: null, label: null, value: null, code: 'FORMULA_VALUE', message: withoutPersonName(r.record, message) });
        if (prior && prior.length > 0) {
          rejected.push({ rowNumber, problems: [...prior, ...(r.ok ? [] : r.problems)], masked: r.ok ? maskedCopy(item, r.record) : r.masked });
          continue;
        }
        if (!r.ok) {
          rejected.push({ rowNumber, problems: r.problems, masked: r.masked });
          continue;
        }
        const before = seen.get(r.record.key);
        if (before !== undefined) {
          rejected.push({ rowNumber, problems: [duplicateProblem(item, r.record.key, `第${before}行`)], masked: maskedCopy(item, r.record) });
          continue;
        }
        seen.set(r.record.key, rowNumber);
        const p = publicity(r.record);
        if (p.warning) r.record.warnings.push({ field: item.publicityEndField ?? null, label: null, value: null, code: 'PUBLICITY_END_ADJUSTED', message: p.warning });
        valid.push({ rowNumber, record: r.record, publicity: p });
      }
      return { first, nextRow, rejected, valid, filled };
    };
    const commit = async ({ first, nextRow, rejected, valid, filled }: Awaited<ReturnType<typeof prepare>>, after: number) =>
      this.deps.db.transaction().execute(async (trx) => {
        const repo = collectionRepo(trx);
        const locked = await repo.lockBatch(batch.id);
        // Another runner (a second process resuming the same batch) moved the resume point, or the
        // chunk before this one did not commit: stop here, lose nothing, import nothing twice.
        if (!locked || locked.status !== 'importing' || locked.next_row !== after) throw new AppError('VERSION_CONFLICT', { batchId: batch.id }, '该批次正在由另一个导入进程处理');
        const records = recordsRepo(trx);
        const candidates = valid.filter((v) => batchKeys.has(hash32(v.record.key))).map((v) => v.record.key);
        const repeated = await records.writtenByBatch(batch.id, item.code, department.uscc, candidates);
        const fresh = valid.filter((v) => {
          if (!repeated.has(v.record.key)) return true;
          rejected.push({ rowNumber: v.rowNumber, problems: [duplicateProblem(item, v.record.key, '本批次前面的行')], masked: maskedCopy(item, v.record) });
          return false;
        });
        for (const v of fresh) batchKeys.add(hash32(v.record.key));
        const resolution = await this.deps.subjects.resolveForRecords(trx as KyselyLike, fresh.map((v) => v.record.subject), actor.id);
        // Records take it from here: each is received and routed by the record machine; a withdrawn
        // or repaired decision sent again is refused, its row listed with the reason.
        const written = await this.deps.records.intake(
          trx,
          fresh.map((v, i): RecordIntake => ({
            itemCode: item.code, itemVersion: batch.item_version, providerUscc: department.uscc, departmentId: department.id,
            documentNumber: v.record.key, decisionDate: v.record.decisionDate, subjectId: resolution.ids[i] ?? '',
            subjectMinor: v.record.subject.kind === 'person' && v.record.subject.minorAtDecision, data: v.record.data, batchId: batch.id,
            severity: v.publicity.severity, publishable: v.publicity.publishable,
            publicityStart: today, publicityEnd: v.publicity.end, publicityRule: v.publicity.rule,
          })),
          { actor, review, batchId: batch.id },
        );
        const refused = new Set(written.refused.map((x) => x.index));
        for (const x of written.refused) {
          const v = fresh[x.index];
          const f = item.fields.find((y) => y.code === item.naturalKey[0]);
          if (v) rejected.push({ rowNumber: v.rowNumber, problems: [{ field: f?.code ?? null, label: f?.label ?? null, value: v.record.key, code: 'RECORD_NOT_REVISABLE', message: x.reason }], masked: maskedCopy(item, v.record) });
        }
        const warnings = [
          ...fresh.flatMap((v, i) => (v.record.warnings.length > 0 && !refused.has(i) ? [{ rowNumber: v.rowNumber, problems: v.record.warnings }] : [])),
          ...resolution.warnings.filter((w) => !refused.has(w.index)).map((w) => ({ rowNumber: fresh[w.index]?.rowNumber ?? 0, problems: [{ field: null, label: null, value: null, code: 'SUBJECT_NAME_CONFLICT', message: w.message }] })),
        ];
        await repo.addIssues([
          ...rejected.map((r) => ({ batchId: batch.id, rowNumber: r.rowNumber, kind: 'rejected' as const, problems: r.problems, rowData: r.masked })),
          ...mergeByRow(warnings).map((w) => ({ batchId: batch.id, rowNumber: w.rowNumber, kind: 'warning' as const, problems: w.problems, rowData: null })),
        ]);
        const progress: ChunkProgress = {
          accepted: fresh.length - refused.size, rejected: rejected.length, created: written.created, updated: written.updated,
          unchanged: fresh.length - refused.size - written.created - written.updated, warnings: mergeByRow(warnings).length, nextRow,
        };
        await repo.progress(batch.id, progress);
        await this.deps.audit.record(trx, {
          category: 'business', event: 'collection.chunk', actor, result: 'success', objectType: 'importBatch', objectId: batch.id,
          // Which batches' files filled masked cells in, and for how many rows — never the values.
          details: { rows: `${first}-${nextRow - 1}`, ...progress, subjectsCreated: resolution.created, ...(Object.keys(filled).length > 0 ? { maskedCellsFilledFrom: filled } : {}) },
        });
      });
    // At most one chunk waits while another commits, so memory stays bounded.
    return {
      push: async (chunk) => {
        const prepared = await prepare(chunk);
        await pending;
        const after = expected;
        expected = prepared.nextRow;
        pending = commit(prepared, after);
        pending.catch(() => {}); // surfaced by the next push or by flush
      },
      flush: () => pending,
    };
  }

  /**
   * The API path: up to 10,000 records as JSON objects keyed by field code (or Chinese label),
   * processed at once. The idempotency key makes a retried request return the first result; the
   * same key with other content is a 409.
   */
  async submitRecords(s: Submitter, itemCode: string, idempotencyKey: string, records: Record<string, unknown>[]): Promise<BatchRow> {
    if (records.length > MAX_API_RECORDS) throw new AppError('IMPORT_TOO_MANY_RECORDS', { count: records.length });
    const { department, item, itemVersion } = await this.context(s, itemCode);
    const content = sm3Hex(canonicalJson({ itemCode, records }));
    let batch = await this.repo.byIdempotencyKey(department.id, idempotencyKey);
    if (batch && batch.content_sm3 !== content) throw new AppError('IDEMPOTENCY_CONFLICT', { batchId: batch.id });
    if (batch?.status === 'imported') return batch;

    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    if (keys.length > MAX_COLUMNS) throw new AppError('IMPORT_FILE_INVALID', { problems: [`记录中共出现${keys.length}个不同的字段名`] }, `记录中共出现${keys.length}个不同的字段名，超过${MAX_COLUMNS}个的上限（「${item.name}」只有${item.fields.length}个字段）：请按字段代码或中文名称提交`);
    const mapping = mapHeaders(item, keys, 'api');
    const problems = limitList(mapping.problems.filter((p) => !p.startsWith('缺少必填列')), MAX_PROBLEMS_LISTED);
    if (problems.length > 0) throw new AppError('IMPORT_FILE_INVALID', { problems }, `记录的字段名不能识别：${problems.join('；')}`);
    // The records are kept (encrypted) like an uploaded file, so the batch's job can finish them if
    // this process dies before the request does; the same content is stored once.
    await this.deps.vault.store(Readable.from([Buffer.from(canonicalJson({ itemCode, records }))]), Number.MAX_SAFE_INTEGER);
    if (!batch) {
      batch = await this.deps.db.transaction().execute(async (trx) => {
        const b = await collectionRepo(trx).insertBatch({
          department_id: department.id, item_code: itemCode, item_version: itemVersion, source: 'api', file_name: null, file_format: 'json',
          content_sm3: content, content_size: Buffer.byteLength(canonicalJson(records)), idempotency_key: idempotencyKey, rows_total: records.length, next_row: 1,
          failure: null, submitted_by: s.actor.id, submitted_by_name: s.actor.name, submitted_by_display: displayOf(s.actor), created_at: this.deps.clock.now(), finished_at: null,
        });
        await enqueue(trx, { kind: IMPORT_JOB, payload: { batchId: b.id }, uniqueKey: importJobKey(b.id), dueAt: new Date(this.deps.clock.now().getTime() + API_JOB_GRACE_MS) });
        await this.deps.audit.record(trx, { category: 'business', event: 'collection.batch.create', actor: s.actor, result: 'success', objectType: 'importBatch', objectId: b.id, details: { itemCode, source: 'api', rows: records.length } });
        return b;
      });
    }
    // The request waits for its import and answers with the result (a retry with the same key resumes it).
    return this.run(batch.id);
  }

  /** An API batch's records, read back from the vault, imported from the batch's resume point. */
  private async runApi(batch: BatchRow): Promise<BatchRow> {
    const item = await this.itemOf(batch);
    if (!this.deps.vault.has(batch.content_sm3)) {
      throw new AppError('NOT_FOUND', { batchId: batch.id }, '该批次的记录未保存在平台上，无法继续导入：请用相同的幂等键重新提交这批记录');
    }
    const chunks: Buffer[] = [];
    for await (const c of this.deps.vault.read(batch.content_sm3)) chunks.push(c as Buffer);
    const { records } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: Record<string, unknown>[] };
    const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const mapping = mapHeaders(item, keys, 'api');
    const pipeline = await this.runner(batch, item);
    const column = new Map(keys.map((k, i) => [k, mapping.columns[i] ?? null]));
    for (let start = batch.next_row - 1; start < records.length; start += this.chunkSize) {
      await pipeline.push(
        records.slice(start, start + this.chunkSize).map((r, i) => {
          const fields: Record<string, string> = {};
          for (const [k, v] of Object.entries(r)) {
            const code = column.get(k);
            if (code && v !== null && v !== undefined && String(v).trim() !== '') fields[code] = Array.isArray(v) ? v.join(';') : String(v);
          }
          return { rowNumber: start + i + 1, fields };
        }),
      );
    }
    await pipeline.flush();
    return this.finish(batch);
  }

  /**
   * Severity, whether it may be published, and the publicity window of a record of `item` decided
   * on `decisionDate`, by the period rule in force then (also for demo data, so both paths agree).
   * Where the record then goes is the record machine's (records.workflow.ts).
   */
  publicationFor(item: InfoItem, data: Readonly<Record<string, string | string[]>>, decisionDate: string, person: boolean) {
    return publicityOf(item, this.deps.catalog.periodRuleFor(item, decisionDate), data, decisionDate, person);
  }

  /** The item's XLSX template (header, 【说明】 row, 【示例】 row, drop-down lists). */
  async template(itemCode: string): Promise<{ name: string; body: Buffer }> {
    const item = this.deps.catalog.get('infoItem', itemCode)?.content;
    if (!item) throw new AppError('NOT_FOUND', { itemCode }, `信息项「${itemCode}」不在信息目录中`);
    return { name: `${item.name}（${item.code}）报送模板.xlsx`, body: await itemTemplate(item, (c) => this.deps.catalog.get('codeTable', c)?.content) };
  }

  /** Quality per department, item and month (see quality.ts); `departmentId` narrows to one department. */
  async quality(month: string, q: { departmentId?: string | undefined; itemCode?: string | undefined }): Promise<QualityReport> {
    const filter = { ...monthRange(month), ...q };
    const limitWorkingDays = this.deps.catalog.get('timeLimit', 'SGS_PUBLISH')?.content.value ?? 7;
    const records = recordsRepo(this.deps.db);
    const [totals, reasons, days, late, gaps] = await Promise.all([
      this.repo.batchTotals(filter),
      this.repo.rejectionReasons(filter),
      records.submissionDays(filter),
      // More working days than the limit means at least as many calendar days: a cheap first cut.
      records.lateCandidates(filter, limitWorkingDays, 500),
      this.repo.gaps(filter),
    ]);
    const items = [...new Set([...totals.map((t) => t.item_code), ...days.map((d) => d.item_code)])];
    const presence = new Map<string, Awaited<ReturnType<typeof records.fieldPresence>>>();
    for (const code of items) {
      const item = this.deps.catalog.get('infoItem', code)?.content;
      const optional = (item?.fields ?? []).filter((f) => !f.required && !f.personal).map((f) => f.code);
      presence.set(code, await records.fieldPresence(filter, code, optional));
    }
    const names = new Map<string, string>();
    for (const id of new Set([...totals, ...days, ...late, ...gaps].map((x) => x.department_id))) names.set(id, (await this.deps.department(id))?.name ?? id);
    return buildQuality({
      month, filter,
      limitWorkingDays,
      calendar: this.deps.catalog.calendar,
      item: (c) => this.deps.catalog.get('infoItem', c)?.content,
      departmentName: (id) => names.get(id) ?? id,
      totals, reasons, days, late, presence, gaps,
    });
  }

  // ---- review and publication ---------------------------------------------------------------

  /**
   * The department's reviewer (审核员) approves a batch — its records become public as their rule
   * says — or rejects it with a reason. Nobody reviews a batch they submitted.
   */
  async review(batch: BatchRow, decision: 'approve' | 'reject', reason: string | null, actor: Actor): Promise<BatchRow> {
    if (batch.review_status !== 'pending') throw new AppError('VERSION_CONFLICT', { reviewStatus: batch.review_status }, '该批次不在待审核状态');
    if (batch.submitted_by === actor.id) {
      await this.deps.audit.recordAlone({ category: 'security', event: 'collection.review.denied', actor, result: 'denied', objectType: 'importBatch', objectId: batch.id, reason: '不能审核自己提交的批次' });
      throw new AppError('FORBIDDEN', undefined, '不能审核自己提交的批次（审核须由另一人完成）');
    }
    if (decision === 'reject' && !reason?.trim()) throw new AppError('VALIDATION_FAILED', [{ field: 'reason', message: '退回须说明理由' }]);
    return this.deps.db.transaction().execute(async (trx) => {
      const reviewed = await collectionRepo(trx).review(batch.id, decision === 'approve' ? 'approved' : 'rejected', { ...actor, display: displayOf(actor) }, reason?.trim() || null, this.deps.clock.now());
      if (!reviewed) throw new AppError('VERSION_CONFLICT', undefined, '该批次已被他人审核');
      // The records move through their machine (approve → 公示中 / 不公示 / 公示期满, or return).
      const affected = await this.deps.records.reviewBatch(trx, batch.id, decision === 'approve' ? 'approve' : 'return', actor, reason?.trim() || null);
      await this.deps.audit.record(trx, {
        category: 'business', event: `collection.batch.${decision === 'approve' ? 'approved' : 'rejected'}`, actor, result: 'success',
        objectType: 'importBatch', objectId: batch.id, ...(reason ? { reason } : {}), resultCount: affected,
      });
      return reviewed;
    });
  }

  /** 撤销 of the department's own record: the record machine's withdrawal (records.service.ts). */
  async withdraw(recordId: string, reason: string, actor: Actor, departmentId: string): Promise<void> {
    await this.deps.records.withdraw(recordId, reason, actor, { kind: 'department', departmentId });
  }

  /** A record with every version and what each changed, department-scoped like batches: the records module's read. */
  async recordHistory(recordId: string, audience: Audience, actor: Actor) {
    return this.deps.records.history(recordId, audience, actor);
  }

  // ---- reading ------------------------------------------------------------------------------

  async batch(id: string): Promise<BatchRow | undefined> {
    return this.repo.batch(id);
  }

  /** The batches a record's versions came from (records name them in a version's history). */
  async batchSources(ids: readonly string[]): Promise<Map<string, BatchSource>> {
    const rows = await this.repo.sources(ids);
    return new Map(rows.map((b) => [b.id, { fileName: b.file_name, submittedBy: b.submitted_by_display ?? b.submitted_by_name, departmentId: b.department_id, submittedAt: b.created_at }]));
  }

  async list(q: { departmentId?: string | undefined; itemCode?: string | undefined; reviewStatus?: 'pending' | undefined; limit: number; offset: number }) {
    return this.repo.list(q);
  }

  async issues(batchId: string, kind: 'rejected' | 'warning', limit: number, offset: number) {
    return this.repo.issues(batchId, kind, limit, offset);
  }

  /**
   * The records a batch wrote (their current version came from it), each with its subject — a
   * natural person's name masked, as everywhere staff do not need it whole — and its publication
   * state: what a reviewer approves, and where a clerk withdraws from.
   */
  async batchRecords(batchId: string, audience: Audience, limit: number, offset: number) {
    const today = chinaToday(this.deps.clock.now().getTime());
    const [{ rows, total }, replacedLater] = await Promise.all([
      recordsRepo(this.deps.db).ofBatch(batchId, audience, today, limit, offset),
      recordsRepo(this.deps.db).replacedSinceBatch(batchId, audience, today),
    ]);
    const names = await this.deps.subjects.publicNames(rows.map((r) => r.subject_id));
    return { total, replacedLater, items: rows.map((r) => ({ ...r, subject_name: names.get(r.subject_id)?.name ?? null })) };
  }

  /** The error workbook of a batch: rejected rows, masked, with what to fix. */
  async writeErrors(batch: BatchRow, out: Writable): Promise<number> {
    const item = await this.itemOf(batch);
    const repo = this.repo;
    async function* rejected(): AsyncIterable<RejectedRow> {
      for (let offset = 0; ; offset += 1000) {
        const page = await repo.issues(batch.id, 'rejected', 1000, offset);
        for (const r of page) yield { rowNumber: r.row_number, problems: r.problems as RowProblem[], row: r.row_data as Record<string, string> | null };
        if (page.length < 1000) return;
      }
    }
    // A file batch's rows carry a signed reference to their origin: masked cells left as they are
    // are filled in from this batch's stored file when the workbook comes back.
    return writeErrorReport(out, item, rejected, batch.source === 'file' ? (row) => this.refs.sign(batch.id, row) : undefined);
  }

  /**
   * Files no batch needs: a partial upload cut off by a crash, or a stored file whose batch was
   * never created (the process died between storing and checking it). Only files untouched for
   * `graceMs` go, so an upload or a check in progress, here or in another process, is left alone.
   */
  async removeOrphanFiles(graceMs = 3_600_000): Promise<{ partial: number; unused: number }> {
    const before = Date.now() - graceMs;
    const partial = await this.deps.vault.removeStaleIncoming(before);
    let unused = 0;
    const stored = await this.deps.vault.storedBefore(before);
    for (let i = 0; i < stored.length; i += 500) {
      const page = stored.slice(i, i + 500);
      const inUse = await this.repo.contentsInUse(page);
      for (const id of page.filter((x) => !inUse.has(x))) {
        await this.deps.vault.remove(id);
        unused++;
      }
    }
    if (partial + unused > 0) this.deps.log.info({ partial, unused }, 'removed upload files no batch needs');
    return { partial, unused };
  }

  /** The count of records the platform holds for an item from one department (tests, quality). */
  async recordCount(departmentId: string, itemCode: string): Promise<number> {
    const r = await this.deps.db
      .selectFrom('record')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('department_id', '=', departmentId)
      .where('item_code', '=', itemCode)
      .executeTakeFirstOrThrow();
    return r.n;
  }
}

/** Rows validated between two turns of the event loop while a chunk commits (about 5 ms of work). */
const YIELD_EVERY = 100;

// Repositories over the service's own transaction (typed for their tables only).
const collectionRepo = (db: KyselyLike) => new CollectionRepo(db as unknown as Kysely<CollectionTables>);
const recordsRepo = (db: KyselyLike) => new RecordsRepo(db as unknown as Kysely<RecordTables>);

/** FNV-1a over UTF-16 code units: cheap, and good enough to rule most keys out. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 李四（li.si）: the display name people know, with the account name the audit trail uses. */
function displayOf(a: Actor): string {
  return a.displayName && a.displayName !== a.name ? `${a.displayName}（${a.name}）` : a.name;
}

function actorOfBatch(b: BatchRow): Actor {
  return { id: b.submitted_by, name: b.submitted_by_name ?? b.submitted_by, roles: [], departmentId: b.department_id, ip: null, requestId: null };
}

function duplicateProblem(item: InfoItem, key: string, where: string): RowProblem {
  const f = item.fields.find((x) => x.code === item.naturalKey[0]);
  return { field: f?.code ?? null, label: f?.label ?? null, value: key, code: 'DUPLICATE_IN_BATCH', message: `「${f?.label ?? '记录标识'}」${key}与${where}重复：同一文件中同一决定只能出现一次（已按先出现的行导入）` };
}

function mergeByRow<T extends { rowNumber: number; problems: unknown[] }>(rows: T[]): T[] {
  const m = new Map<number, T>();
  for (const r of rows) {
    const before = m.get(r.rowNumber);
    if (before) before.problems.push(...r.problems);
    else m.set(r.rowNumber, { ...r, problems: [...r.problems] });
  }
  return [...m.values()];
}

/**
 * A valid row kept as a rejected repeat: masked as rejected rows are (its data already has the
 * natural person's name masked; its ID numbers are masked here).
 */
function maskedCopy(item: InfoItem, r: ValidRecord): Record<string, string> {
  const flat = Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : v]));
  return maskRow(item, flat, partyOf(r));
}

function partyOf(r: ValidRecord): Party {
  return r.subject.kind === 'person' ? 'person' : r.subject.individualBusiness ? 'individualBusiness' : 'organization';
}

/**
 * A warning about a valid row quoting one of its cells (a formula's value): the natural person the
 * row names is masked there as in the record (ADR 0002).
 */
function withoutPersonName(r: ValidRecord, message: string): string {
  const name = r.subject.kind === 'person' ? r.subject.name : r.subject.individualBusiness ? r.subject.legalRepresentative?.name : undefined;
  return name && [...name].length >= 2 && message.includes(name) ? message.split(name).join(maskPersonName(name)) : message;
}
