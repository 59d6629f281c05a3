/**
 * The shapes of the exchange API (数据订阅、投递失败、变更订阅拉取): the server's zod schemas are
 * checked against them, the console imports them. See docs/exchange.md.
 */

/** One change as a subscriber sees it: ids, item code, states, event and time — no personal data. */
export interface ChangeView {
  /** The change's position in the platform's commit order: the pull feed's cursor. */
  seq: number;
  subjectId: string;
  objectType: string;
  objectId: string;
  event: string;
  from: string | null;
  to: string;
  itemCode: string | null;
  visibleBefore: boolean;
  visibleAfter: boolean;
  /** Publicly visible before and no longer: the receiver removes what it holds of this object. */
  tombstone: boolean;
  at: string;
}

export interface ChangeFeed {
  changes: ChangeView[];
  /** Pass as `since` next time; equal to `since` when nothing new. */
  next: number;
  /** More changes are ready now (the page was full). */
  more: boolean;
}

/** The webhook body (POST, signed): one change, one delivery. */
export interface WebhookBody {
  deliveryId: string;
  subscriptionId: string;
  change: ChangeView;
  tombstone: boolean;
}

export type SubscriptionFilter = 'all' | 'subject' | 'item';
export type SubscriptionStatus = 'active' | 'paused' | 'deleted';

export interface SubscriptionView {
  id: string;
  appKey: string;
  accountName: string | null;
  filter: SubscriptionFilter;
  subjectId: string | null;
  itemCode: string | null;
  /** The item's name as the catalog gives it (行政处罚信息): what a credit officer reads; the code beside it. */
  itemName: string | null;
  webhookUrl: string | null;
  status: SubscriptionStatus;
  /** False while the system account is disabled: nothing is delivered, deliveries are held until it is enabled. */
  accountActive: boolean;
  /** The last change (seq) fanned out to deliveries. */
  cursor: number;
  pending: number;
  dead: number;
  delivered: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionList {
  items: SubscriptionView[];
}

export interface DeadLetterView {
  id: string;
  subscriptionId: string;
  appKey: string;
  webhookUrl: string | null;
  seq: number;
  subjectId: string;
  /** What changed: 'record' and the record's id (a list entry later). */
  objectType: string;
  objectId: string;
  event: string;
  itemCode: string | null;
  tombstone: boolean;
  attempts: number;
  lastStatus: number | null;
  /** Why the last attempt failed, in Chinese. */
  lastError: string | null;
  /** The technical detail behind it (an error code, an HTTP status), for the receiver's operators. */
  lastErrorDetail: string | null;
  createdAt: string;
  deadAt: string;
}

export interface DeadLetterList {
  items: DeadLetterView[];
  total: number;
}

export interface ExchangeAccountView {
  appKey: string;
  name: string;
  departmentId: string;
  status: 'active' | 'disabled';
}
