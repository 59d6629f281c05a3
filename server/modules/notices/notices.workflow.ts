/**
 * A notice's life as data: draft → published → withdrawn (撤回, with a reason), and a withdrawn
 * notice back to a draft to be corrected and published again. Only a draft is edited; only a
 * published notice is public. The service fires these and nothing else changes `status`.
 */
export type NoticeStatus = 'draft' | 'published' | 'withdrawn';
export type NoticeEvent = 'publish' | 'withdraw' | 'revise';

export interface NoticeTransition {
  from: NoticeStatus;
  event: NoticeEvent;
  to: NoticeStatus;
  /** Said when the event is tried from another state. */
  refusal: string;
  /** The event needs a reason (kept on the notice and in the audit row). */
  reason?: true;
}

export const NOTICE_TRANSITIONS: readonly NoticeTransition[] = [
  { from: 'draft', event: 'publish', to: 'published', refusal: '只有草稿可以发布' },
  { from: 'published', event: 'withdraw', to: 'withdrawn', reason: true, refusal: '只有已发布的公告可以撤回' },
  { from: 'withdrawn', event: 'revise', to: 'draft', refusal: '只有已撤回的公告可以重新编辑' },
];

/** States whose title, body and attachments may change. */
export const EDITABLE: readonly NoticeStatus[] = ['draft'];

export const STATUS_LABELS: Record<NoticeStatus, string> = { draft: '草稿', published: '已发布', withdrawn: '已撤回' };

export function transitionFor(event: NoticeEvent): NoticeTransition {
  const t = NOTICE_TRANSITIONS.find((x) => x.event === event);
  if (!t) throw new Error(`unknown notice event ${event}`);
  return t;
}
