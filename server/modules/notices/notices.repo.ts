/** The only code touching notice and notice_attachment. */
import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { NoticeTables } from './notices.tables.js';
import type { NoticeStatus } from './notices.workflow.js';

export type NoticeRow = Selectable<NoticeTables['notice']>;
export type AttachmentRow = Selectable<NoticeTables['notice_attachment']>;

/** Ids come from URLs: anything that is not a UUID is simply not found (PostgreSQL would refuse it). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isNoticeId = (id: string) => UUID.test(id);

export class NoticesRepo {
  constructor(private readonly db: Kysely<NoticeTables>) {}

  transaction<T>(fn: (trx: Transaction<NoticeTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async insert(trx: Transaction<NoticeTables>, row: Insertable<NoticeTables['notice']>): Promise<NoticeRow> {
    return trx.insertInto('notice').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** The notice, locked for the rest of the transaction (edits and transitions decide in turn). */
  async lock(trx: Transaction<NoticeTables>, id: string): Promise<NoticeRow | undefined> {
    if (!isNoticeId(id)) return undefined;
    return trx.selectFrom('notice').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async update(trx: Transaction<NoticeTables>, id: string, set: Updateable<NoticeTables['notice']>): Promise<NoticeRow> {
    return trx
      .updateTable('notice')
      .set({ ...set, version: sql<number>`version + 1` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async get(id: string, status?: NoticeStatus): Promise<NoticeRow | undefined> {
    if (!isNoticeId(id)) return undefined;
    let q = this.db.selectFrom('notice').selectAll().where('id', '=', id);
    if (status) q = q.where('status', '=', status);
    return q.executeTakeFirst();
  }

  /** Staff list: every state, or one; most recently changed first. */
  async list(status: NoticeStatus | undefined, limit: number, offset: number): Promise<{ rows: NoticeRow[]; total: number }> {
    let q = this.db.selectFrom('notice');
    if (status) q = q.where('status', '=', status);
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** The portal's list: published only, newest first. */
  async published(limit: number, offset: number): Promise<{ rows: NoticeRow[]; total: number }> {
    const q = this.db.selectFrom('notice').where('status', '=', 'published');
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('published_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  async attachments(noticeIds: string[], trx: Kysely<NoticeTables> = this.db): Promise<AttachmentRow[]> {
    if (noticeIds.length === 0) return [];
    return trx.selectFrom('notice_attachment').selectAll().where('notice_id', 'in', noticeIds).orderBy('created_at').orderBy('id').execute();
  }

  async attachment(noticeId: string, id: string): Promise<AttachmentRow | undefined> {
    if (!isNoticeId(noticeId) || !isNoticeId(id)) return undefined;
    return this.db.selectFrom('notice_attachment').selectAll().where('notice_id', '=', noticeId).where('id', '=', id).executeTakeFirst();
  }

  async addAttachment(trx: Transaction<NoticeTables>, row: Insertable<NoticeTables['notice_attachment']>): Promise<AttachmentRow> {
    return trx.insertInto('notice_attachment').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async removeAttachment(trx: Transaction<NoticeTables>, noticeId: string, id: string): Promise<AttachmentRow | undefined> {
    if (!isNoticeId(id)) return undefined;
    return trx.deleteFrom('notice_attachment').where('notice_id', '=', noticeId).where('id', '=', id).returningAll().executeTakeFirst();
  }

  /** Whether any notice still shows this vault file (the same content may be attached twice). */
  async fileInUse(fileId: string): Promise<boolean> {
    const r = await this.db.selectFrom('notice_attachment').select('id').where('file_id', '=', fileId).limit(1).executeTakeFirst();
    return r !== undefined;
  }
}
