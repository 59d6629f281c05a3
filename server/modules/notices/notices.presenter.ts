/**
 * The only way notices leave the module. The public sees a published notice's title, body, date
 * and attachments — never who wrote it, drafts, or why one was withdrawn; the credit office sees
 * every state with who did what and when.
 */
import type { NoticeAttachmentView, NoticeView, PublicNotice, PublicNoticeSummary } from '../../../common/notices-api.js';
import type { AttachmentRow, NoticeRow } from './notices.repo.js';

const EXCERPT_CHARS = 80;

const attachmentView = (a: AttachmentRow): NoticeAttachmentView => ({ id: a.id, name: a.name, mediaType: a.media_type, size: a.size });

/** The body's opening on one line, cut at a character (not inside a surrogate pair). */
export function excerptOf(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : flat;
}

function publishedAt(n: NoticeRow): string {
  if (!n.published_at) throw new Error(`notice ${n.id} is published without a date`);
  return n.published_at.toISOString();
}

export function publicSummary(n: NoticeRow, attachments: number): PublicNoticeSummary {
  return { id: n.id, title: n.title, publishedAt: publishedAt(n), excerpt: excerptOf(n.body), attachments };
}

export function publicNotice(n: NoticeRow, attachments: AttachmentRow[]): PublicNotice {
  return { id: n.id, title: n.title, body: n.body, publishedAt: publishedAt(n), attachments: attachments.map(attachmentView) };
}

export function staffNotice(n: NoticeRow, attachments: AttachmentRow[]): NoticeView {
  return {
    id: n.id, title: n.title, body: n.body, status: n.status, version: n.version,
    createdBy: n.created_by_name, createdAt: n.created_at.toISOString(), updatedAt: n.updated_at.toISOString(), updatedBy: n.updated_by_name,
    publishedAt: n.published_at?.toISOString() ?? null, publishedBy: n.published_by_name,
    withdrawnAt: n.withdrawn_at?.toISOString() ?? null, withdrawnBy: n.withdrawn_by_name, withdrawReason: n.withdraw_reason,
    attachments: attachments.map(attachmentView),
  };
}
