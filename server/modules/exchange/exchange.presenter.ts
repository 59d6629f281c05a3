/** The only way exchange data leaves: ids, item code, states, event and time — no personal data. */
import type { ChangeView, DeadLetterView, SubscriptionView, WebhookBody } from '../../../common/exchange-api.js';
import type { ChangeRow, DeadLetterRow, SubscriptionRow } from './exchange.repo.js';

const iso = (d: Date | string) => new Date(d).toISOString();

export function changeView(c: ChangeRow): ChangeView {
  return {
    seq: Number(c.seq),
    subjectId: c.subject_id,
    objectType: c.object_type,
    objectId: c.object_id,
    event: c.event,
    from: c.from_state,
    to: c.to_state,
    itemCode: c.item_code,
    visibleBefore: c.visible_before,
    visibleAfter: c.visible_after,
    tombstone: c.visible_before && !c.visible_after,
    at: iso(c.at),
  };
}

/** The webhook body: the same for every attempt of a delivery (only the signature headers change). */
export function webhookBody(deliveryId: string, subscriptionId: string, c: ChangeRow): WebhookBody {
  const change = changeView(c);
  return { deliveryId, subscriptionId, change, tombstone: change.tombstone };
}

export function subscriptionView(s: SubscriptionRow & { pending: number; dead: number; delivered: number }, accountName: string | null, itemName: string | null): SubscriptionView {
  return {
    id: s.id,
    appKey: s.app_key,
    accountName,
    filter: s.filter_kind,
    subjectId: s.subject_id,
    itemCode: s.item_code,
    itemName,
    webhookUrl: s.webhook_url,
    status: s.status,
    accountActive: s.account_active,
    cursor: Number(s.cursor_seq),
    pending: s.pending,
    dead: s.dead,
    delivered: s.delivered,
    createdBy: s.created_by,
    createdAt: iso(s.created_at),
    updatedAt: iso(s.updated_at),
  };
}

export function deadLetterView(d: DeadLetterRow): DeadLetterView {
  return {
    id: d.id,
    subscriptionId: d.subscription_id,
    appKey: d.app_key,
    webhookUrl: d.webhook_url,
    seq: Number(d.seq),
    subjectId: d.subject_id,
    objectType: d.object_type,
    objectId: d.object_id,
    event: d.event,
    itemCode: d.item_code,
    tombstone: d.visible_before && !d.visible_after,
    attempts: d.attempts,
    lastStatus: d.last_status,
    ...splitError(d.last_error),
    createdAt: iso(d.created_at),
    deadAt: iso(d.dead_at),
  };
}

/** The dispatcher's `sentence（技术信息：detail）` (exchange.dispatcher.ts `failureText`) as its two parts. */
export function splitError(error: string | null): { lastError: string | null; lastErrorDetail: string | null } {
  if (error === null) return { lastError: null, lastErrorDetail: null };
  const m = /^([\s\S]*?)（技术信息：([\s\S]*)）$/.exec(error);
  return m ? { lastError: m[1]!, lastErrorDetail: m[2]! } : { lastError: error, lastErrorDetail: null };
}
