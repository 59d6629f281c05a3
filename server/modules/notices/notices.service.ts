/**
 * 信用动态 / 通知公告: the credit office writes a notice (title, plain-text body, attachments),
 * publishes it, withdraws it with a reason, and may take a withdrawn one back to a draft. Each
 * change and its audit row commit together. The public sees published notices only: a draft or a
 * withdrawn notice, and its attachments, are "not found" to everyone but the credit office.
 */
import { Readable } from 'node:stream';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock.js';
import type { FileVault } from '../../platform/crypto/file-vault.js';
import { validateIdNumber } from '../../../common/identifiers/id-number.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { attachmentKind, AttachmentRefused } from './notices.files.js';
import { NoticesRepo, type AttachmentRow, type NoticeRow } from './notices.repo.js';
import type { NoticeTables } from './notices.tables.js';
import { EDITABLE, STATUS_LABELS, transitionFor, type NoticeEvent, type NoticeStatus } from './notices.workflow.js';

/** 10 MB: a scanned notice of a few pages; larger documents belong on the issuing body's own site. */
export const NOTICE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const NOTICE_MAX_ATTACHMENTS = 10;

export interface NoticeWithAttachments {
  notice: NoticeRow;
  attachments: AttachmentRow[];
}

export interface NoticeDraft {
  title: string;
  body: string;
}

export interface NoticesDeps {
  db: Kysely<NoticeTables>;
  audit: AuditLog;
  vault: FileVault;
  clock: Clock;
  log: Logger;
  maxAttachmentBytes?: number;
}

/** How an actor is named on the notice (an account's display name with its user name). */
const nameOf = (a: Actor) => (a.displayName && a.displayName !== a.name ? `${a.displayName}（${a.name}）` : a.name);

const ID_LIKE = /(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])/g;

/**
 * A notice is published to anyone, and its title and reasons go to the audit log, which must never
 * hold an ID number: one in clear is refused, saying where, before anything is written.
 */
function refuseIdNumbers(fields: [label: string, text: string | undefined][]): void {
  for (const [label, text] of fields) {
    if (!text) continue;
    const flat = text.normalize('NFKC');
    for (const m of flat.matchAll(ID_LIKE)) {
      if (!validateIdNumber(m[0]).valid) continue;
      const at = [...flat.slice(0, m.index)].length + 1;
      throw new AppError('VALIDATION_FAILED', [{ path: label, message: `第${at}个字起是一个身份证号码` }], `${label}第${at}个字起是一个身份证号码：公告向社会公开，不得载有身份证号码，请删除或只保留打码形式（如110105********002X）`);
    }
  }
}

const notFound = (id: string) => new AppError('NOT_FOUND', { notice: id }, '该公告不存在，或已被撤回');

export class NoticesService {
  private readonly repo: NoticesRepo;
  readonly maxAttachmentBytes: number;

  constructor(private readonly deps: NoticesDeps) {
    this.repo = new NoticesRepo(deps.db);
    this.maxAttachmentBytes = deps.maxAttachmentBytes ?? NOTICE_ATTACHMENT_MAX_BYTES;
  }

  // ---- the public ------------------------------------------------------------------------------

  async publishedPage(page: number, pageSize: number): Promise<{ items: NoticeWithAttachments[]; total: number }> {
    const { rows, total } = await this.repo.published(pageSize, (page - 1) * pageSize);
    return { items: await this.withAttachments(rows), total };
  }

  async published(id: string): Promise<NoticeWithAttachments> {
    const notice = await this.repo.get(id, 'published');
    if (!notice) throw notFound(id);
    return { notice, attachments: await this.repo.attachments([notice.id]) };
  }

  // ---- the credit office -----------------------------------------------------------------------

  async list(status: NoticeStatus | undefined, page: number, pageSize: number): Promise<{ items: NoticeWithAttachments[]; total: number }> {
    const { rows, total } = await this.repo.list(status, pageSize, (page - 1) * pageSize);
    return { items: await this.withAttachments(rows), total };
  }

  async get(id: string): Promise<NoticeWithAttachments> {
    const notice = await this.repo.get(id);
    if (!notice) throw new AppError('NOT_FOUND', { notice: id }, '该公告不存在：可能编号有误，请回到列表查找');
    return { notice, attachments: await this.repo.attachments([notice.id]) };
  }

  async create(draft: NoticeDraft, actor: Actor): Promise<NoticeWithAttachments> {
    refuseIdNumbers([['标题', draft.title], ['正文', draft.body]]);
    const now = this.deps.clock.now();
    return this.repo.transaction(async (trx) => {
      const notice = await this.repo.insert(trx, {
        title: draft.title, body: draft.body, status: 'draft',
        created_by: actor.id, created_by_name: nameOf(actor), created_at: now, updated_at: now, updated_by_name: nameOf(actor),
      });
      await this.deps.audit.record(trx, { category: 'business', event: 'notice.create', actor, result: 'success', objectType: 'notice', objectId: notice.id, details: { title: notice.title } });
      return { notice, attachments: [] };
    });
  }

  async update(id: string, version: number, draft: NoticeDraft, actor: Actor): Promise<NoticeWithAttachments> {
    refuseIdNumbers([['标题', draft.title], ['正文', draft.body]]);
    return this.repo.transaction(async (trx) => {
      const before = await this.editable(trx, id, version, '修改');
      const notice = await this.repo.update(trx, id, { title: draft.title, body: draft.body, updated_at: this.deps.clock.now(), updated_by_name: nameOf(actor) });
      await this.deps.audit.record(trx, {
        category: 'business', event: 'notice.update', actor, result: 'success', objectType: 'notice', objectId: id,
        details: { title: notice.title, ...(before.title !== notice.title ? { previousTitle: before.title } : {}), bodyChanged: before.body !== notice.body },
      });
      return { notice, attachments: await this.repo.attachments([id], trx) };
    });
  }

  /** publish, withdraw (with a reason) or revise (a withdrawn notice back to a draft). */
  async fire(id: string, event: NoticeEvent, version: number, reason: string | undefined, actor: Actor): Promise<NoticeWithAttachments> {
    const t = transitionFor(event);
    if (t.reason && !reason) throw new AppError('VALIDATION_FAILED', [{ path: '/reason', message: '请填写撤回理由' }], '撤回公告须填写理由：理由会记入审计日志');
    refuseIdNumbers([['撤回理由', reason]]);
    return this.repo.transaction(async (trx) => {
      const before = await this.current(trx, id, version);
      if (before.status !== t.from) {
        throw new AppError('VERSION_CONFLICT', { status: before.status, event }, `「${before.title}」现为${STATUS_LABELS[before.status]}，${t.refusal}：页面显示的状态可能已过时，请刷新后查看`);
      }
      const now = this.deps.clock.now();
      const by = nameOf(actor);
      const set =
        event === 'publish'
          ? { published_at: now, published_by_name: by, withdrawn_at: null, withdrawn_by_name: null, withdraw_reason: null }
          : event === 'withdraw'
            ? { withdrawn_at: now, withdrawn_by_name: by, withdraw_reason: reason ?? null }
            : {};
      const notice = await this.repo.update(trx, id, { status: t.to, updated_at: now, updated_by_name: by, ...set });
      await this.deps.audit.record(trx, {
        category: 'business', event: `notice.${event}`, actor, result: 'success', objectType: 'notice', objectId: id,
        ...(reason && t.reason ? { reason } : {}), details: { title: notice.title, from: t.from, to: t.to },
      });
      return { notice, attachments: await this.repo.attachments([id], trx) };
    });
  }

  /**
   * Reads the upload whole (at most the limit: the stream is cut as soon as it is passed), checks
   * what it is by its content, keeps it in the vault, then records it with its audit row.
   */
  async addAttachment(id: string, name: string, input: Readable, actor: Actor): Promise<NoticeWithAttachments> {
    const existing = await this.repo.get(id);
    if (!existing) throw new AppError('NOT_FOUND', { notice: id }, '该公告不存在：可能编号有误，请回到列表查找');
    this.assertEditable(existing, '添加附件');
    refuseIdNumbers([['附件的文件名', name]]);
    const content = await this.readUpload(name, input);
    let kind;
    try {
      kind = await attachmentKind(name, content);
    } catch (err) {
      if (err instanceof AttachmentRefused) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { name }, err.message);
      throw err;
    }
    const stored = await this.deps.vault.store(Readable.from([content]), this.maxAttachmentBytes);
    try {
      return await this.repo.transaction(async (trx) => {
        const notice = await this.repo.lock(trx, id);
        if (!notice) throw new AppError('NOT_FOUND', { notice: id }, '该公告不存在：可能编号有误，请回到列表查找');
        this.assertEditable(notice, '添加附件');
        const attachments = await this.repo.attachments([id], trx);
        if (attachments.length >= NOTICE_MAX_ATTACHMENTS) {
          throw new AppError('VALIDATION_FAILED', { count: attachments.length }, `「${notice.title}」已有${attachments.length}个附件，每条公告最多${NOTICE_MAX_ATTACHMENTS}个：请先删除不需要的附件`);
        }
        const row = await this.repo.addAttachment(trx, { notice_id: id, file_id: stored.id, name, media_type: kind.mediaType, size: stored.size, created_at: this.deps.clock.now() });
        const updated = await this.repo.update(trx, id, { updated_at: this.deps.clock.now(), updated_by_name: nameOf(actor) });
        await this.deps.audit.record(trx, {
          category: 'business', event: 'notice.attachment.add', actor, result: 'success', objectType: 'notice', objectId: id,
          details: { attachment: row.id, name, mediaType: kind.mediaType, size: stored.size, file: stored.id },
        });
        return { notice: updated, attachments: [...attachments, row] };
      });
    } catch (err) {
      await this.forgetFile(stored.id);
      throw err;
    }
  }

  async removeAttachment(id: string, attachmentId: string, actor: Actor): Promise<NoticeWithAttachments> {
    const result = await this.repo.transaction(async (trx) => {
      const notice = await this.repo.lock(trx, id);
      if (!notice) throw new AppError('NOT_FOUND', { notice: id }, '该公告不存在：可能编号有误，请回到列表查找');
      this.assertEditable(notice, '删除附件');
      const removed = await this.repo.removeAttachment(trx, id, attachmentId);
      if (!removed) throw new AppError('NOT_FOUND', { attachment: attachmentId }, `「${notice.title}」没有这个附件：它可能已被删除，请刷新后查看`);
      const updated = await this.repo.update(trx, id, { updated_at: this.deps.clock.now(), updated_by_name: nameOf(actor) });
      await this.deps.audit.record(trx, {
        category: 'business', event: 'notice.attachment.remove', actor, result: 'success', objectType: 'notice', objectId: id,
        details: { attachment: removed.id, name: removed.name, file: removed.file_id },
      });
      return { notice: updated, attachments: await this.repo.attachments([id], trx), removed };
    });
    await this.forgetFile(result.removed.file_id);
    return { notice: result.notice, attachments: result.attachments };
  }

  /** An attachment's bytes: of a published notice for the public, of any notice for the credit office. */
  async attachment(id: string, attachmentId: string, audience: 'public' | 'creditOffice'): Promise<{ row: AttachmentRow; open: () => Readable }> {
    const notice = await this.repo.get(id, audience === 'public' ? 'published' : undefined);
    const row = notice ? await this.repo.attachment(id, attachmentId) : undefined;
    if (!row || !this.deps.vault.has(row.file_id)) {
      throw new AppError('NOT_FOUND', { notice: id, attachment: attachmentId }, audience === 'public' ? '该附件不存在，或所属公告已被撤回' : '该附件不存在：它可能已被删除，请刷新后查看');
    }
    return { row, open: () => this.deps.vault.read(row.file_id) };
  }

  // ---- demo data -------------------------------------------------------------------------------

  /**
   * First-start demo notices, published at the given times (all or none, each audited); none when
   * there are notices already (a first start cut short and repeated adds no second set).
   */
  async addDemo(notices: (NoticeDraft & { publishedAt: Date })[], actor: Actor): Promise<number> {
    if ((await this.repo.list(undefined, 1, 0)).total > 0) return 0;
    return this.repo.transaction(async (trx) => {
      for (const n of notices) {
        const notice = await this.repo.insert(trx, {
          title: n.title, body: n.body, status: 'published',
          created_by: actor.id, created_by_name: actor.name, created_at: n.publishedAt, updated_at: n.publishedAt, updated_by_name: actor.name,
          published_at: n.publishedAt, published_by_name: actor.name,
        });
        await this.deps.audit.record(trx, { category: 'business', event: 'notice.publish', actor, result: 'success', objectType: 'notice', objectId: notice.id, details: { title: n.title, demo: true } });
      }
      return notices.length;
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private async withAttachments(rows: NoticeRow[]): Promise<NoticeWithAttachments[]> {
    const attachments = await this.repo.attachments(rows.map((r) => r.id));
    return rows.map((notice) => ({ notice, attachments: attachments.filter((a) => a.notice_id === notice.id) }));
  }

  private async current(trx: Transaction<NoticeTables>, id: string, version: number): Promise<NoticeRow> {
    const notice = await this.repo.lock(trx, id);
    if (!notice) throw new AppError('NOT_FOUND', { notice: id }, '该公告不存在：可能编号有误，请回到列表查找');
    if (notice.version !== version) {
      throw new AppError('VERSION_CONFLICT', { version: notice.version }, `「${notice.title}」已被${notice.updated_by_name}修改（现为${STATUS_LABELS[notice.status]}），你看到的是旧版本：请刷新后再操作`);
    }
    return notice;
  }

  private async editable(trx: Transaction<NoticeTables>, id: string, version: number, what: string): Promise<NoticeRow> {
    const notice = await this.current(trx, id, version);
    this.assertEditable(notice, what);
    return notice;
  }

  private assertEditable(notice: NoticeRow, what: string): void {
    if (EDITABLE.includes(notice.status)) return;
    const next = notice.status === 'published' ? '如需更正，请先撤回' : '如需更正，请先点“重新编辑”把它改回草稿';
    throw new AppError('VERSION_CONFLICT', { status: notice.status }, `「${notice.title}」${STATUS_LABELS[notice.status]}，不能${what}：只有草稿可以${what}，${next}`);
  }

  private async readUpload(name: string, input: Readable): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of input) {
      size += (chunk as Buffer).length;
      if (size > this.maxAttachmentBytes) {
        input.destroy();
        throw this.tooLarge(name);
      }
      chunks.push(chunk as Buffer);
    }
    if (size === 0) throw new AppError('VALIDATION_FAILED', { name }, `附件「${name}」是空文件，不能上传`);
    return Buffer.concat(chunks);
  }

  tooLarge(name: string): AppError {
    return new AppError('PAYLOAD_TOO_LARGE', { name, maxBytes: this.maxAttachmentBytes }, `附件「${name}」超过${Math.round(this.maxAttachmentBytes / 1048576)} MB的上限，不能上传：请压缩或拆分后再上传`);
  }

  /** A vault file no notice shows any more goes (the same content may be attached elsewhere). */
  private async forgetFile(fileId: string): Promise<void> {
    try {
      if (!(await this.repo.fileInUse(fileId))) await this.deps.vault.remove(fileId);
    } catch (err) {
      this.deps.log.error({ err: { message: (err as Error).message } }, 'removing an unused notice attachment file failed');
    }
  }
}
