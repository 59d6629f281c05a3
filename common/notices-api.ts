/**
 * What the notices API answers with (信用动态 / 通知公告): the portal's published notices
 * (`/api/public/v1/notices`) and the credit office's notices in every state (`/api/v1/notices`).
 * The server's response schemas are checked against these types; the portal and console import them.
 */

export type NoticeStatus = 'draft' | 'published' | 'withdrawn';

export interface NoticeAttachmentView {
  id: string;
  name: string;
  mediaType: string;
  size: number;
}

/** A line of the portal's list: the title, the day published and the body's opening. */
export interface PublicNoticeSummary {
  id: string;
  title: string;
  publishedAt: string;
  excerpt: string;
  attachments: number;
}

export interface PublicNoticeList {
  items: PublicNoticeSummary[];
  total: number;
}

/** The body is plain text: paragraphs separated by line breaks, shown as text (never as HTML). */
export interface PublicNotice {
  id: string;
  title: string;
  body: string;
  publishedAt: string;
  attachments: NoticeAttachmentView[];
}

export interface NoticeView {
  id: string;
  title: string;
  body: string;
  status: NoticeStatus;
  /** Named in every edit and transition: a change made on an older version is refused. */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  publishedAt: string | null;
  publishedBy: string | null;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawReason: string | null;
  attachments: NoticeAttachmentView[];
}

export interface NoticeListView {
  items: NoticeView[];
  total: number;
  /** The upload limit, so the console refuses a larger file before sending it. */
  maxAttachmentBytes: number;
}
