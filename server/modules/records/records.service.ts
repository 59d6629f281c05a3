/**
 * `records` owns the life of every record (issue #13 §1): collection hands it what a department
 * sent (`intake`), and every later step — review, publication, end of publicity, withdrawal,
 * repair, objection marks — is a transition of the record machine (records.workflow.ts) fired
 * through the one lifecycle path (lifecycle.ts): state, event row, audit row, outbox rows and the
 * change notification in the caller's transaction.
 *
 * Also the credit office's records browser (信息记录): every department's records, searched by
 * subject, decision document number, item, department, state and decision dates, paged on the
 * server; one record with its versions. Every read states a purpose and is registered in the query
 * register with the read itself (the subjects shown, never what was typed: it may be a person's
 * name or ID number).
 *
 * A record's version history — every version and what each changed, personal values masked as
 * collection masks the rows it keeps (the mask is handed in by the composition root) — is read
 * here too, for the credit office's browser and for a department's own records.
 */
import type { Kysely } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import { normalizeCode, validateIdNumber, validateUscc } from '../../../common/identifiers/index.js';
import { RECORD_STATE_LABELS, type RecordDetailView, type RecordSearchView, type RecordStateName, type RecordVersionSource, type RecordVersionView } from '../../../common/records-api.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, AuditLog, KyselyLike } from '../audit/index.js';
import type { CatalogService, InfoItem } from '../catalog/index.js';
import type { RegisteredRead, SubjectsService } from '../subjects/index.js';
import { Lifecycle, type Applied } from './lifecycle.js';
import { partyOfRecord, type Party } from './party-names.js';
import { presentDetailForCreditOffice, presentForCreditOffice, presentVersions, type CreditOfficeNames, type DetailField } from './records.presenter.js';
import { RecordsRepo, type RecordSubmission } from './records.repo.js';
import type { RecordTables } from './records.tables.js';
import { RECORD_MACHINE, itemsDisclosedTo, routeOf, type Audience, type RecordEvent, type RecordFacts } from './records.workflow.js';
import { TransitionQueue } from './transition-queue.js';

/**
 * A subject filter may stand for at most this many subjects (an audit row lists as many, the
 * subject search registers each): a name matching more is refused with a request to narrow it.
 */
export const MAX_FILTER_SUBJECTS = 100;
/**
 * How far a search may be paged, and counted: beyond it, paging costs more than narrowing the
 * search does, and the answer says "more than 10 000".
 */
export const MAX_BROWSE_ROWS = 10_000;

export interface RecordFilter {
  /** A subject's name, USCC or ID number, as typed. */
  subject?: string | undefined;
  documentNumber?: string | undefined;
  itemCode?: string | undefined;
  departmentId?: string | undefined;
  state?: RecordStateName | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  pageSize: number;
}

export interface RecordsDeps {
  db: Kysely<RecordTables>;
  audit: AuditLog;
  catalog: CatalogService;
  subjects: SubjectsService;
  departments: () => Promise<{ id: string; name: string }[]>;
  clock: Clock;
  /**
   * A record's content as staff see it: personal values masked (collection's mask of the rows it
   * keeps, so a version reads as its batch's rows read).
   */
  maskData: (item: InfoItem, data: Readonly<Record<string, string>>, party: Party) => Record<string, string>;
  /**
   * The batches versions came from, as collection keeps them (file, submitter, department, time):
   * collection owns batches, and is handed in by the composition root. Without it a version names
   * only its batch id.
   */
  batchSources?: (batchIds: readonly string[]) => Promise<Map<string, BatchSource>>;
}

/** A batch as a version's history names it (collection's batch, read through `batchSources`). */
export interface BatchSource {
  fileName: string | null;
  submittedBy: string | null;
  departmentId: string;
  submittedAt: Date;
}

/** What a department sent for one record, as collection validated it, with the rule's verdict. */
export type RecordIntake = Omit<RecordSubmission, 'state'>;

export interface IntakeResult {
  created: number;
  updated: number;
  /** Rows the machine refuses (by their index in the chunk), each with a Chinese reason. */
  refused: { index: number; reason: string }[];
}

type RecordApplied = Applied<RecordStateName, RecordEvent>;

export class RecordsService {
  private readonly lifecycle: Lifecycle;
  /**
   * One-record fires whose transaction holds nothing else (withdrawals, repair, objection marks):
   * concurrent ones commit together (transition-queue.ts).
   */
  private readonly transitions: TransitionQueue<RecordStateName, RecordEvent, RecordFacts>;

  constructor(private readonly deps: RecordsDeps) {
    this.lifecycle = new Lifecycle(deps.audit);
    this.transitions = new TransitionQueue(deps.db as unknown as Kysely<unknown>, this.lifecycle, RECORD_MACHINE);
  }

  private today(): string {
    return chinaToday(this.deps.clock.now().getTime());
  }

  /** Items whose records the public may see (the catalog's disclosure), for the outbox's visibility. */
  private publicItems(): ReadonlySet<string> {
    return new Set(itemsDisclosedTo('public', this.deps.catalog.list('infoItem').map((i) => i.content)));
  }

  // ---- the visibility rule's audiences (records.workflow.ts, visibleNow) ----------------------

  /** The public, with the items the catalog discloses to it. */
  publicAudience(): Audience {
    return { kind: 'public', items: itemsDisclosedTo('public', this.deps.catalog.list('infoItem').map((i) => i.content)) };
  }

  /** A system account checking credit (应查必查), with the items the catalog shares for it. */
  systemAudience(accountId: string): Audience {
    return { kind: 'system', accountId, items: itemsDisclosedTo('system', this.deps.catalog.list('infoItem').map((i) => i.content)) };
  }

  /**
   * What this audience may see of this subject as of now (issue #13 §2): the one answer lists,
   * credit checks, repair and objections read a subject's records by. Each row carries its state
   * (已修复 for a repaired one the subject or department sees) and its 异议处理中 mark.
   */
  async ofSubject(subjectId: string, audience: Audience) {
    return repo(this.deps.db).ofSubject(subjectId, audience, this.today());
  }

  // ---- the lifecycle ------------------------------------------------------------------------

  /**
   * Takes in a chunk of what a department sent, in collection's transaction: each record is
   * received and routed by the machine (to review, or published as its rule says); a new version
   * of a record held is routed again (`revise`, or `resubmit` after a return). A withdrawn or
   * repaired record has no way back: its row is refused with the reason, for the batch's rejected
   * rows. All rows share one item and provider (one batch).
   */
  async intake(trx: KyselyLike, rows: readonly RecordIntake[], ctx: { actor: Actor; review: boolean; batchId: string }): Promise<IntakeResult> {
    if (rows.length === 0) return { created: 0, updated: 0, refused: [] };
    const first = rows[0] as RecordIntake;
    if (rows.some((r) => r.itemCode !== first.itemCode || r.providerUscc !== first.providerUscc)) throw new Error('intake: one item and provider per chunk');
    const db = trx as unknown as Kysely<RecordTables>;
    const at = this.deps.clock.now();
    const today = this.today();
    const publicItems = this.publicItems();
    const held = new Map((await repo(db).lockExisting(first.itemCode, first.providerUscc, rows.map((r) => r.documentNumber))).map((r) => [r.document_number, r]));
    const refused: IntakeResult['refused'] = [];
    const submissions: RecordSubmission[] = [];
    const factsOf = (r: RecordIntake): RecordFacts => ({
      publishable: r.publishable, publicityStart: r.publicityStart, publicityEnd: r.publicityEnd, subjectMinor: r.subjectMinor, itemCode: r.itemCode, today, review: ctx.review, publicItems,
    });
    for (const [index, r] of rows.entries()) {
      const before = held.get(r.documentNumber);
      const route = routeOf(before?.state ?? null, factsOf(r));
      if (!route) {
        const state = before ? RECORD_STATE_LABELS[before.state] : '';
        refused.push({ index, reason: `决定文书号「${r.documentNumber}」的记录已${state.replace(/^已/, '')}，同一决定不能再次报送、不再公示：如作出了新的决定，请使用新的决定文书号报送` });
        continue;
      }
      submissions.push({ ...r, state: route.to });
    }
    await this.lifecycle.quiet(db as unknown as Kysely<unknown>, RECORD_MACHINE, true);
    const written = await repo(db).submit(submissions, at);
    await this.lifecycle.quiet(db as unknown as Kysely<unknown>, RECORD_MACHINE, false);
    const bySubmission = new Map(submissions.map((s) => [s.documentNumber, s]));
    const applied: RecordApplied[] = [];
    let created = 0;
    for (const w of written) {
      const s = bySubmission.get(w.document_number);
      if (!s) continue;
      const facts = factsOf(s);
      const before = held.get(w.document_number);
      const base = { id: w.id, subjectId: w.subject_id, itemCode: s.itemCode, flagsBefore: { disputed: before?.disputed ?? false }, flagsAfter: { disputed: before?.disputed ?? false } };
      if (w.version === 1) {
        created++;
        const route = routeOf(null, facts);
        if (!route) throw new Error('a new record is always routed');
        applied.push({ ...base, event: 'receive', from: null, to: 'received', visibleBefore: false, visibleAfter: false });
        applied.push({ ...base, event: route.event, from: 'received', to: w.state, visibleBefore: false, visibleAfter: RECORD_MACHINE.adapter.visible(w.state, base.flagsAfter, facts) });
      } else {
        // Written by another batch between the lock and the upsert: its state before is unknown here.
        if (!before) throw new AppError('VERSION_CONFLICT', { documentNumber: w.document_number }, '同一决定正由另一个批次同时报送：请稍后重试');
        const beforeFacts: RecordFacts = { ...facts, publishable: before.publishable, publicityStart: before.publicity_start, publicityEnd: before.publicity_end, subjectMinor: before.subject_minor };
        const route = routeOf(before.state, facts);
        if (!route) throw new Error('a record the machine cannot revise was written');
        applied.push({
          ...base, event: route.event, from: before.state, to: w.state,
          visibleBefore: RECORD_MACHINE.adapter.visible(before.state, base.flagsBefore, beforeFacts), visibleAfter: RECORD_MACHINE.adapter.visible(w.state, base.flagsAfter, facts),
        });
      }
    }
    await this.lifecycle.recordApplied(trx as unknown as Kysely<unknown>, RECORD_MACHINE, applied, { actor: ctx.actor, at, reference: ctx.batchId, auditDetails: { itemCode: first.itemCode, batchId: ctx.batchId } });
    return { created, updated: written.length - created, refused };
  }

  /**
   * A reviewer's decision on a batch, in collection's transaction (the batch's own review status
   * is collection's): its waiting records are approved — public as their rule says, from today — or
   * returned. Returns how many records moved.
   */
  async reviewBatch(trx: KyselyLike, batchId: string, decision: 'approve' | 'return', actor: Actor, reason: string | null): Promise<number> {
    const db = trx as unknown as Kysely<RecordTables>;
    const ids = await repo(db).idsOfBatchInState(batchId, 'pending_review');
    const today = this.today();
    const applied = await this.lifecycle.fire(db as unknown as Kysely<unknown>, RECORD_MACHINE, ids, decision, {
      actor, at: this.deps.clock.now(), reason: reason ?? undefined, reference: batchId,
      facts: { today, publicItems: this.publicItems() },
      ...(decision === 'approve' ? { set: { publicity_start: today } } : {}),
      auditDetails: { batchId },
    });
    return applied.length;
  }

  /**
   * 撤销: the decision was revoked or changed; the record leaves publication at once (行政处罚法
   * Art. 48: within 3 days) and stays out. A department withdraws its own records
   * (its department's audience: what it sees is what it provided); the credit office any.
   */
  async withdraw(recordId: string, reason: string, actor: Actor, by: Audience): Promise<void> {
    const record = await repo(this.deps.db).byId(recordId, by, this.today());
    if (!record) throw new AppError('NOT_FOUND', { recordId }, '该记录不存在，无法撤销：请刷新列表后再试');
    if (!record.visible) {
      await this.deps.audit.recordAlone({ category: 'security', event: 'access.denied', actor, result: 'denied', objectType: 'record', objectId: recordId, reason: '其他部门的记录' });
      throw new AppError('FORBIDDEN', undefined, '只能撤销本部门报送的记录');
    }
    if (!reason.trim()) throw new AppError('VALIDATION_FAILED', [{ field: 'reason', message: '撤销须说明理由' }]);
    // Its own transaction, shared with concurrent fires (the transition queue); refused alone.
    await this.transitions.submit([recordId], 'withdraw', {
      actor, at: this.deps.clock.now(), reason: reason.trim(), reference: record.document_number,
      facts: { today: this.today(), publicItems: this.publicItems() },
      auditDetails: { itemCode: record.item_code, documentNumber: record.document_number },
    });
  }

  /**
   * Any other transition of one or more records by an account or the platform (信用修复, 异议 marks):
   * what the repair and objection workflows will call. `reference` is their case number. In the
   * caller's transaction `trx`, or in one of its own shared with concurrent fires (the transition
   * queue): all of these records move or none, and a refusal here fails only this call.
   */
  async fire(ids: readonly string[], event: RecordEvent, ctx: { actor: Actor | null; reason?: string; reference?: string }, trx?: KyselyLike): Promise<number> {
    const fire = { actor: ctx.actor, at: this.deps.clock.now(), reason: ctx.reason, reference: ctx.reference, facts: { today: this.today(), publicItems: this.publicItems() } };
    // In the caller's transaction (a repair decision with its case row): fired there, never queued —
    // a caller holding its own locks must not wait for a group that may wait for them.
    if (trx) return (await this.lifecycle.fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, ids, event, fire)).length;
    return (await this.transitions.submit(ids, event, fire)).length;
  }

  /** The scheduled end of publicity: every record in publicity past its last day, in one transition. */
  async endExpiredPublicity(): Promise<{ ended: number }> {
    const today = this.today();
    return this.deps.db.transaction().execute(async (trx) => {
      const ids = await repo(trx).publicityOver(today);
      const applied = await this.lifecycle.fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, ids, 'endPublicity', {
        actor: null, at: this.deps.clock.now(), facts: { today, publicItems: this.publicItems() }, onRefused: 'skip', auditDetails: { before: today },
      });
      return { ended: applied.length };
    });
  }

  /** A record's transitions, oldest first (who, when, from → to, why, on what). */
  async events(recordId: string) {
    return repo(this.deps.db).events(recordId);
  }

  /**
   * Where a record sent now would go (the demo's records are loaded as if collected and published
   * at once): 公示中, 不公示 or 公示期满 by the rule's facts.
   */
  static publishedState(facts: Pick<RecordFacts, 'publishable' | 'publicityEnd' | 'today'>): 'in_publicity' | 'not_public' | 'publicity_ended' {
    const route = routeOf(null, { ...facts, publicityStart: null, subjectMinor: false, itemCode: null, review: false, publicItems: null });
    return route?.to as 'in_publicity' | 'not_public' | 'publicity_ended';
  }

  // ---- the credit office's browser ----------------------------------------------------------

  /** Records this audience sees (the credit office: every department's), filtered, one page; registered. */
  async search(f: RecordFilter, read: RegisteredRead, audience: Audience): Promise<RecordSearchView> {
    const offset = (f.page - 1) * f.pageSize;
    if (offset >= MAX_BROWSE_ROWS) {
      throw new AppError('QUERY_TOO_BROAD', { maxRows: MAX_BROWSE_ROWS }, `只能翻阅前${MAX_BROWSE_ROWS}条结果：请加上信息项、部门、状态或日期等条件缩小范围`);
    }
    if (f.from && f.to && f.from > f.to) {
      throw new AppError('VALIDATION_FAILED', [{ field: 'to', message: `结束日期${f.to}早于开始日期${f.from}` }], `决定日期范围有误：结束日期${f.to}早于开始日期${f.from}`);
    }
    const subjectIds = f.subject?.trim() ? await this.subjectIds(f.subject.trim(), read) : undefined;
    const documentNumber = f.documentNumber?.trim() || undefined;
    const { rows, total, capped } = await this.deps.db.transaction().execute(async (trx) => {
      const found = await repo(trx).browse({ audience, today: this.today(), subjectIds, documentNumber, itemCode: f.itemCode, departmentId: f.departmentId, state: f.state, from: f.from, to: f.to, limit: f.pageSize, offset, countUpTo: MAX_BROWSE_ROWS });
      // Which subjects were shown and which filters were used; never the text typed for a subject
      // (a name, an ID number) nor a document number (someone may type an ID number there too).
      const filters = { itemCode: f.itemCode, departmentId: f.departmentId, state: f.state, from: f.from, to: f.to, bySubject: subjectIds !== undefined, byDocumentNumber: documentNumber !== undefined };
      await this.register(trx, 'query.record.search', read, {
        resultCount: found.rows.length,
        details: { subjectIds: [...new Set(found.rows.map((r) => r.subject_id))], filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) },
      });
      return found;
    });
    const names = await this.names(rows.map((r) => r.subject_id));
    return { total, totalCapped: capped, items: rows.map((r) => presentForCreditOffice(r, names)) };
  }

  /** One record, its current content and every version; registered before it is shown. */
  async detail(id: string, read: RegisteredRead, audience: Audience): Promise<RecordDetailView> {
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const r = await repo(trx).browseOne(id, audience, this.today());
      if (!r) throw new AppError('NOT_FOUND', { recordId: id }, '该记录不存在');
      await this.register(trx, 'query.record.get', read, { objectId: id, resultCount: 1, details: { subjectIds: [r.subject_id] } });
      return r;
    });
    const versions = await this.versions(id, row.item_code);
    return presentDetailForCreditOffice(row, versions, this.itemFields(row.item_code), await this.names([row.subject_id]));
  }

  // ---- history ------------------------------------------------------------------------------

  /**
   * A record with every version and what each changed, newest first, if this audience sees it: a
   * department its own records, in any state (another's is refused and the refusal audited); the
   * credit office any.
   */
  async history(recordId: string, audience: Audience, actor: Actor) {
    const record = await repo(this.deps.db).byId(recordId, audience, this.today());
    if (!record) throw new AppError('NOT_FOUND', { recordId });
    if (!record.visible) {
      await this.deps.audit.recordAlone({ category: 'security', event: 'access.denied', actor, result: 'denied', objectType: 'record', objectId: recordId, reason: '其他部门的记录' });
      throw new AppError('FORBIDDEN', undefined, '只能查看本部门报送的记录');
    }
    const versions = await this.versions(recordId, record.item_code);
    return { record, versions: presentVersions(versions, this.itemFields(record.item_code), this.enumLabel) };
  }

  /** An item's fields as the presenter labels them: each enumeration (single or multiple) with its code table. */
  private itemFields(itemCode: string): DetailField[] {
    return (this.deps.catalog.get('infoItem', itemCode)?.content.fields ?? []).map((x) => ({ code: x.code, enum: x.type === 'enum' || x.type === 'multiEnum' ? x.enum : undefined }));
  }

  private readonly enumLabel: CreditOfficeNames['enumLabel'] = (table, value) => this.deps.catalog.get('codeTable', table)?.content.values.find((v) => v.value === value)?.label;

  /** Where each batch came from (file, submitter, department by name), for the versions it wrote. */
  private async sources(batchIds: readonly string[]): Promise<Map<string, RecordVersionSource>> {
    const ids = [...new Set(batchIds)];
    if (ids.length === 0 || !this.deps.batchSources) return new Map();
    const [batches, departments] = await Promise.all([this.deps.batchSources(ids), this.deps.departments()]);
    const departmentName = new Map(departments.map((d) => [d.id, d.name]));
    return new Map([...batches].map(([id, b]) => [id, {
      batchId: id, fileName: b.fileName, submittedBy: b.submittedBy, departmentId: b.departmentId, departmentName: departmentName.get(b.departmentId) ?? null, submittedAt: b.submittedAt.toISOString(),
    }]));
  }

  /** Each version with the fields it changed against the one before (masked), newest first. */
  private async versions(recordId: string, itemCode: string): Promise<RecordVersionView[]> {
    const item = this.deps.catalog.get('infoItem', itemCode)?.content;
    const label = (code: string) => item?.fields.find((f) => f.code === code)?.label ?? code;
    const show = (v: unknown) => (v === undefined ? null : Array.isArray(v) ? v.join('；') : String(v));
    // Staff see a natural person's name and personal fields masked here, as in every list.
    const masked = (data: unknown): Record<string, unknown> => {
      const d = (data ?? {}) as Record<string, unknown>;
      if (!item) return {};
      const flat = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Array.isArray(v) ? v.join('；') : String(v)]));
      return this.deps.maskData(item, flat, partyOfRecord(item, d));
    };
    const versions = (await repo(this.deps.db).versions(recordId)).reverse();
    const sources = await this.sources(versions.flatMap((v) => (v.batch_id ? [v.batch_id] : [])));
    const history = versions.map((v, i): RecordVersionView => {
      const before = i === 0 ? {} : masked(versions[i - 1]?.data);
      const after = masked(v.data);
      const changes = [...new Set([...Object.keys(before), ...Object.keys(after)])]
        .filter((k) => show(before[k]) !== show(after[k]))
        .map((k) => ({ field: k, label: label(k), before: show(before[k]), after: show(after[k]) }));
      const source = v.batch_id ? (sources.get(v.batch_id) ?? null) : null;
      return { version: v.version, changedAt: v.changed_at.toISOString(), batchId: v.batch_id, source, subjectChanged: i > 0 && versions[i - 1]?.subject_id !== v.subject_id, changes };
    });
    return history.reverse();
  }

  /**
   * The subjects a subject filter stands for: by USCC or ID number when it is one (validated, so a
   * mistyped code is told which rule failed), otherwise by name (organizations by part of their
   * name, persons by their exact name), through the subjects module's registered search.
   */
  private async subjectIds(text: string, read: RegisteredRead): Promise<string[]> {
    const code = normalizeCode(text);
    let query: { q?: string; uscc?: string; idNumber?: string };
    if (/^(?=.*\d)[0-9A-Z]{18}$|^\d{15}$/.test(code)) {
      // Either kind may be meant (an all-digit USCC looks like an ID number): the one it passes,
      // and when it passes neither, what each check found.
      const uscc = validateUscc(code);
      const id = validateIdNumber(code);
      if (!uscc.valid && !id.valid) {
        const why = (v: typeof uscc | typeof id) => v.errors[0]?.message ?? '';
        throw new AppError(
          'INVALID_IDENTIFIER',
          [...uscc.errors, ...id.errors].map((e) => ({ ...e, field: 'subject' })),
          code.length === 18
            ? `「主体」中的代码既不是有效的统一社会信用代码（${why(uscc)}），也不是有效的身份证号码（${why(id)}）：请核对后重新输入`
            : `「主体」中的15位代码不是有效的身份证号码（${why(id)}）：请核对后重新输入`,
        );
      }
      query = uscc.valid ? { uscc: uscc.normalized } : { idNumber: id.normalized };
    } else {
      if ([...text.replace(/[\s\p{P}\p{S}]/gu, '')].length < 2) {
        throw new AppError('VALIDATION_FAILED', [{ field: 'subject', message: '至少输入2个字' }], '按主体名称查找时至少输入2个字（或输入完整的统一社会信用代码、身份证号码）');
      }
      query = { q: text };
    }
    const found = await this.deps.subjects.search({ ...query, limit: MAX_FILTER_SUBJECTS, offset: 0 }, read);
    if (found.total > MAX_FILTER_SUBJECTS) {
      throw new AppError('QUERY_TOO_BROAD', { subjects: found.total }, `该主体名称匹配到${found.total}个主体，超过${MAX_FILTER_SUBJECTS}个：请输入更完整的名称，或按统一社会信用代码、身份证号码查找`);
    }
    return found.items.map((s) => s.id);
  }

  private async names(subjectIds: string[]): Promise<CreditOfficeNames> {
    const [subjects, departments] = await Promise.all([this.deps.subjects.publicNames(subjectIds), this.deps.departments()]);
    const departmentNames = new Map(departments.map((d) => [d.id, d.name]));
    return {
      itemName: (code) => this.deps.catalog.get('infoItem', code)?.content.name,
      enumLabel: this.enumLabel,
      departmentName: (id) => departmentNames.get(id),
      subject: (id) => {
        const s = subjects.get(id);
        return s ? { kind: s.kind, name: s.name, uscc: s.uscc } : undefined;
      },
    };
  }

  private register(trx: KyselyLike, event: string, read: RegisteredRead, what: { objectId?: string; resultCount: number; details: Record<string, unknown> }) {
    return this.deps.audit.record(trx, {
      category: 'query', event, actor: read.actor, result: 'success', objectType: 'record',
      ...(what.objectId ? { objectId: what.objectId } : {}),
      purpose: read.purpose,
      ...(read.authorizationRef ? { authorizationRef: read.authorizationRef } : {}),
      resultCount: what.resultCount,
      details: what.details,
    });
  }
}

const repo = (db: KyselyLike) => new RecordsRepo(db as unknown as Kysely<RecordTables>);
