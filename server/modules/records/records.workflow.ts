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

// ---- the visibility rule, in code (its SQL form: visibleNow, records.repo.ts) ----------------

/**
 * Who is looking (issue #13 §2). Every output reads records as one of these; `visibleNow`
 * (records.repo.ts) is the rule as SQL, `visibleTo` the same rule in code.
 * - public: the portal, the open API, exports, figures, the outbox's tombstones.
 * - subject: the subject itself (its own records, repaired ones kept and marked 已修复).
 * - department: the providing department (谁产生、谁负责): every record it provided, in any state.
 * - creditOffice: the credit office, which runs the platform: everything.
 * - system: a system account checking credit (应查必查): what may be shared for the check.
 * `items` are the catalog items disclosed to that audience (itemsDisclosedTo): the catalog, not
 * the code, says which items are public and which are shared.
 */
export type Audience =
  | { kind: 'public'; items: readonly string[] }
  | { kind: 'subject'; subjectId: string }
  | { kind: 'department'; departmentId: string }
  | { kind: 'creditOffice' }
  | { kind: 'system'; accountId: string; items: readonly string[] };

/**
 * The states a subject sees its own records in: every state a record in force can be in (公示中,
 * 不公示, 公示期满) and 已修复 — a repaired record stays the subject's, marked, so it knows what
 * was repaired. Not 已撤销: a withdrawn record is a decision revoked, changed or found void, which
 * has no legal effect and so is not the subject's credit information any more; showing it to the
 * subject as its own would say otherwise (the department and the credit office keep it, with its
 * reason). Not 待审核 or 已退回 either: the department has not put that version in force yet.
 */
export const SUBJECT_STATES: readonly RecordStateName[] = [...IN_FORCE, 'repaired'];

/** What the visibility rule reads of a record. */
export interface RecordSeen {
  state: RecordStateName;
  subjectId: string;
  departmentId: string | null;
  itemCode: string;
  subjectMinor: boolean;
  publicityStart: string | null;
  publicityEnd: string | null;
}

/**
 * Shown or shared today, of any item: in publicity (a withdrawn or repaired record never is; a
 * 不公示 record's rule keeps it out: a minor penalty, a permit no longer in force), inside its
 * window (publicity period; a permit's validity — the nightly end of publicity may not have run
 * yet), not a minor's (seed 001 §10: a minor is never exposed, and an automatic check must not
 * feed measures from a minor's record). A disputed record is neither hidden nor shown by its mark.
 */
function inForceToday(r: Pick<RecordSeen, 'state' | 'subjectMinor' | 'publicityStart' | 'publicityEnd'>, today: string): boolean {
  return r.state === 'in_publicity' && !r.subjectMinor && (r.publicityStart === null || r.publicityStart <= today) && (r.publicityEnd === null || r.publicityEnd >= today);
}

/** THE visibility rule in code: may this audience see this record today (the SQL form: visibleNow). */
export function visibleTo(audience: Audience, r: RecordSeen, today: string): boolean {
  switch (audience.kind) {
    case 'public':
    case 'system':
      return inForceToday(r, today) && audience.items.includes(r.itemCode);
    case 'subject':
      return r.subjectId === audience.subjectId && SUBJECT_STATES.includes(r.state);
    case 'department':
      return r.departmentId === audience.departmentId;
    case 'creditOffice':
      return true;
  }
}

/** What the catalog says of an item's disclosure (公开属性) and sharing (共享范围). */
export interface ItemDisclosure {
  code: string;
  disclosure: 'public' | 'authorizedQuery' | 'governmentSharing';
  sharingScope: 'unconditional' | 'conditional' | 'none';
}

/**
 * The items whose records an audience that depends on the catalog may see. Public: 社会公开 items.
 * A credit check: items the catalog shares (无条件 or 有条件共享: the check's registered purpose,
 * a department performing its duties, is the condition) and that are not 授权查询 only (those need
 * the subject's own authorization, which a check by an approval system does not carry).
 */
export function itemsDisclosedTo(kind: 'public' | 'system', items: readonly ItemDisclosure[]): string[] {
  return items
    .filter((i) => (kind === 'public' ? i.disclosure === 'public' : i.sharingScope !== 'none' && i.disclosure !== 'authorizedQuery'))
    .map((i) => i.code);
}

/**
 * Public now (visibleTo for the public, with the item set the caller holds; null: every item):
 * what the outbox's tombstones and the subject standing (standing.ts) use.
 */
export function publiclyVisible(state: RecordStateName, f: RecordFacts): boolean {
  return (f.publicItems === null || (f.itemCode !== null && f.publicItems.has(f.itemCode))) && inForceToday({ state, ...f }, f.today);
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
