/**
 * The life of a record (issue #13 §1) as a transition table: a record is received, routed at once —
 * to its department's reviewer when the item needs review, otherwise to 公示中, 不公示 (the catalog's
 * rule says so) or 公示期满 (its window already passed) — and later ends its publicity, is withdrawn
 * (the decision was revoked or changed), or is repaired (信用修复). 异议处理中 overlays any state while
 * an objection is decided. A withdrawn or repaired record has no way back: sending the same
 * decision again is refused (a real new decision has a new 决定文书号, so it is a new record).
 */
import { RECORD_STATE_LABELS, WITHDRAWABLE_STATES, type RecordStateName } from '../../../common/records-api.js';
import type { Machine, Transition, Who } from './lifecycle.js';

export const RECORD_EVENTS = {
  receive: '收到',
  sendForReview: '送审',
  publish: '发布',
  approve: '审核通过',
  return: '退回',
  resubmit: '重新报送',
  revise: '报送新版本',
  endPublicity: '公示期满',
  withdraw: '撤销',
  repair: '信用修复',
  dispute: '提出异议',
  resolveDispute: '异议办结',
} as const;
export type RecordEvent = keyof typeof RECORD_EVENTS;

/** What the guards and the visibility rule know of a record. */
export interface RecordFacts {
  /** The catalog's rule allows publishing it at all (false: e.g. a minor penalty). */
  publishable: boolean;
  publicityStart: string | null;
  publicityEnd: string | null;
  subjectMinor: boolean;
  itemCode: string | null;
  /** The day it is in China. */
  today: string;
  /** Its item needs the department reviewer's approval (the credit office's setting). */
  review: boolean;
  /** Items whose records the public may see (the catalog's disclosure). */
  publicItems: ReadonlySet<string> | null;
}

type T = Transition<RecordStateName, RecordEvent, RecordFacts>;

const SUBMITTERS: readonly Who[] = ['submitter', 'system'];
const WITHDRAWERS: readonly Who[] = ['submitter', 'reviewer', 'creditOffice'];
/** A record's states once it was routed (the decision is in force). */
const IN_FORCE: readonly RecordStateName[] = ['in_publicity', 'not_public', 'publicity_ended'];

const windowPassed = (f: RecordFacts) => f.publicityEnd !== null && f.publicityEnd < f.today;

/**
 * Where a record goes when it may be published: not at all when the rule says so, to 公示期满 when
 * its window already passed, else 公示中. The same three rows for every event that publishes.
 */
function published(from: RecordStateName, event: RecordEvent, who: readonly Who[], emits: T['emits'], guard: (f: RecordFacts) => boolean = () => true): T[] {
  return [
    { from, event, to: 'not_public', who, guard: (f) => guard(f) && !f.publishable, emits },
    { from, event, to: 'publicity_ended', who, guard: (f) => guard(f) && f.publishable && windowPassed(f), emits },
    { from, event, to: 'in_publicity', who, guard, emits },
  ];
}

/** A (new version of a) record sent by its department: to review when the item needs it, else published. */
function routed(from: RecordStateName, event: RecordEvent, emits: T['emits']): T[] {
  return [
    { from, event, to: 'pending_review', who: SUBMITTERS, guard: (f) => f.review, emits },
    ...published(from, event, SUBMITTERS, emits, (f) => !f.review),
  ];
}

export const RECORD_TRANSITIONS: readonly T[] = [
  { from: null, event: 'receive', to: 'received', who: SUBMITTERS, emits: { audit: 'record.receive', outbox: false } },
  { from: 'received', event: 'sendForReview', to: 'pending_review', who: SUBMITTERS, guard: (f) => f.review, emits: { audit: 'record.send_for_review', outbox: true } },
  ...published('received', 'publish', SUBMITTERS, { audit: 'record.publish', outbox: true }, (f) => !f.review),
  ...published('pending_review', 'approve', ['reviewer'], { audit: 'record.approve', outbox: true }),
  { from: 'pending_review', event: 'return', to: 'returned', who: ['reviewer'], emits: { audit: 'record.return', outbox: true } },
  ...routed('returned', 'resubmit', { audit: 'record.resubmit', outbox: true }),
  ...(['pending_review', ...IN_FORCE] as const).flatMap((from) => routed(from, 'revise', { audit: 'record.revise', outbox: true })),
  { from: 'in_publicity', event: 'endPublicity', to: 'publicity_ended', who: ['system'], guard: windowPassed, emits: { audit: 'record.end_publicity', outbox: true } },
  ...WITHDRAWABLE_STATES.map((from): T => ({ from, event: 'withdraw', to: 'withdrawn', who: WITHDRAWERS, emits: { audit: 'record.withdraw', outbox: true } })),
  ...IN_FORCE.map((from): T => ({ from, event: 'repair', to: 'repaired', who: ['creditOffice'], emits: { audit: 'record.repair', outbox: true } })),
  ...IN_FORCE.map((from): T => ({ from, event: 'dispute', to: from, who: ['creditOffice', 'system'], requires: { flag: 'disputed', value: false }, sets: { flag: 'disputed', value: true }, emits: { audit: 'record.dispute', outbox: true } })),
  // An objection may end in a withdrawal or a repair: its end is recorded in any state.
  ...(['pending_review', 'returned', ...IN_FORCE, 'withdrawn', 'repaired'] as const).map((from): T => ({
    from, event: 'resolveDispute', to: from, who: ['creditOffice', 'system'], requires: { flag: 'disputed', value: true }, sets: { flag: 'disputed', value: false }, emits: { audit: 'record.resolve_dispute', outbox: true },
  })),
];

/**
 * Public now: in publicity, within its window, not a minor's, of a publicly disclosed item. A
 * disputed record stays shown, with its mark (the objections issue decides otherwise if the law
 * says so); withdrawn and repaired records never. The SQL form is `visibleNow` (records.repo.ts).
 */
export function publiclyVisible(state: RecordStateName, f: RecordFacts): boolean {
  return (
    state === 'in_publicity' &&
    !f.subjectMinor &&
    (f.publicItems === null || (f.itemCode !== null && f.publicItems.has(f.itemCode))) &&
    (f.publicityStart === null || f.publicityStart <= f.today) &&
    (f.publicityEnd === null || f.publicityEnd >= f.today)
  );
}

export const RECORD_MACHINE: Machine<RecordStateName, RecordEvent, RecordFacts> = {
  noun: '记录',
  objectType: 'record',
  states: RECORD_STATE_LABELS,
  events: RECORD_EVENTS,
  flags: { disputed: '异议处理中' },
  transitions: RECORD_TRANSITIONS,
  adapter: {
    table: 'record',
    idType: 'uuid',
    subjectColumn: 'subject_id',
    itemColumn: 'item_code',
    factColumns: ['publishable', 'publicity_start', 'publicity_end', 'subject_minor'],
    eventTable: 'record_event',
    eventKey: 'record_id',
    channel: 'record_changed',
    quietSetting: 'xinyong.record_change_named',
    facts: (o, ctx) => ({
      publishable: o.row.publishable !== false,
      publicityStart: (o.row.publicity_start as string | null | undefined) ?? null,
      publicityEnd: (o.row.publicity_end as string | null | undefined) ?? null,
      subjectMinor: o.row.subject_minor === true,
      itemCode: o.itemCode,
      today: ctx.today ?? '9999-12-31',
      review: ctx.review ?? false,
      publicItems: ctx.publicItems ?? null,
    }),
    visible: (state, _flags, f) => publiclyVisible(state, f),
  },
};

/**
 * The state a record sent by its department goes to: the routing of `receive` (a new record) or of
 * `resubmit`/`revise` (a new version of one); undefined when the machine has no way for it (a
 * withdrawn or repaired record: the same decision is not published again).
 */
export function routeOf(from: RecordStateName | null, facts: RecordFacts): { event: RecordEvent; to: RecordStateName } | undefined {
  const event: RecordEvent = from === null ? (facts.review ? 'sendForReview' : 'publish') : from === 'returned' ? 'resubmit' : 'revise';
  const t = RECORD_TRANSITIONS.find((x) => x.event === event && x.from === (from ?? 'received') && (!x.guard || x.guard(facts)));
  return t ? { event, to: t.to } : undefined;
}

/** States a department's new version of the same decision may arrive in (the upsert's guard). */
export const REVISABLE_STATES: readonly RecordStateName[] = [...new Set(RECORD_TRANSITIONS.filter((t) => t.event === 'resubmit' || t.event === 'revise').map((t) => t.from as RecordStateName))];
