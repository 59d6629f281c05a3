/**
 * The credit office's records browser (信息记录): every department's records, searched by subject,
 * decision document number, item, department, state and decision dates, paged on the server; one
 * record with its versions; and withdrawal (撤销) of a wrong one. Every read states a purpose and
 * is registered in the query register with the read itself (the subjects shown, never what was
 * typed: it may be a person's name or ID number). Withdrawal and the version history are
 * collection's (where departments withdraw), handed in by the composition root, so there is one
 * withdrawal with one audit row, whoever withdraws.
 */
import type { Kysely } from 'kysely';
import { normalizeCode, validateIdNumber, validateUscc } from '../../../common/identifiers/index.js';
import type { RecordDetailView, RecordSearchView, RecordState, RecordVersionView } from '../../../common/records-api.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, AuditLog, KyselyLike } from '../audit/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { RegisteredRead, SubjectsService } from '../subjects/index.js';
import { presentDetailForCreditOffice, presentForCreditOffice, type CreditOfficeNames } from './records.presenter.js';
import { RecordsRepo } from './records.repo.js';
import type { RecordTables } from './records.tables.js';

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
  state?: RecordState | undefined;
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
  /** Collection's withdrawal, for any department's record (the audit row is written there). */
  withdraw: (recordId: string, reason: string, actor: Actor) => Promise<void>;
  /** Collection's version history of any department's record, personal values masked. */
  history: (recordId: string, actor: Actor) => Promise<{ versions: RecordVersionView[] }>;
}

export class RecordsService {
  constructor(private readonly deps: RecordsDeps) {}

  async search(f: RecordFilter, read: RegisteredRead): Promise<RecordSearchView> {
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
      const found = await repo(trx).browse({ subjectIds, documentNumber, itemCode: f.itemCode, departmentId: f.departmentId, publication: f.state, from: f.from, to: f.to, limit: f.pageSize, offset, countUpTo: MAX_BROWSE_ROWS });
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
  async detail(id: string, read: RegisteredRead): Promise<RecordDetailView> {
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const r = await repo(trx).browseOne(id);
      if (!r) throw new AppError('NOT_FOUND', { recordId: id }, '该记录不存在');
      await this.register(trx, 'query.record.get', read, { objectId: id, resultCount: 1, details: { subjectIds: [r.subject_id] } });
      return r;
    });
    const { versions } = await this.deps.history(id, read.actor);
    const order = this.deps.catalog.get('infoItem', row.item_code)?.content.fields.map((x) => x.code) ?? [];
    return presentDetailForCreditOffice(row, versions, order, await this.names([row.subject_id]));
  }

  async withdraw(id: string, reason: string, actor: Actor): Promise<void> {
    if (!(await repo(this.deps.db).browseOne(id))) throw new AppError('NOT_FOUND', { recordId: id }, '该记录不存在，无法撤销：请刷新列表后再试');
    await this.deps.withdraw(id, reason, actor);
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
