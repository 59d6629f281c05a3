/**
 * The lifecycle machinery: one way to move objects of any kind (records now, list entries next)
 * from one state to another. A machine is data — its transition table and a small adapter naming
 * its tables and reading the facts its guards need — and `fire` is the one function that moves
 * objects by it. In the caller's transaction `fire` locks the objects, checks every one against the
 * table (an event not allowed from an object's state is refused in Chinese), then writes the new
 * states, the event rows, the audit row, the outbox rows and the change notification naming the
 * subjects in one statement (data-modifying CTEs). It is set-based: one record or a batch of ten
 * thousand is the same two statements, the lock and the write (bench/transitions.ts). Its steps —
 * `lock`, `plan` (the check, writing nothing), `statement` and `write` — are also what the
 * transition queue (transition-queue.ts) runs for a group of concurrent fires in one transaction.
 *
 * Nothing else writes a machine's state, its flags or its event table
 * (server/modules/records/state-writes.test.ts): the one exception is the records upsert, which
 * writes the state the machine routed a new version to and then hands the transitions to `recordApplied`.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { AppError } from '../../platform/errors.js';
import { changesInsert, wakeDispatchers, type Change } from '../../platform/outbox.js';
import type { Role } from '../../platform/policy.js';
import type { Actor, AuditLog, AuditRow } from '../audit/index.js';

/** Who may fire a transition: an account with one of these roles, or the platform itself ('system'). */
export type Who = Role | 'system';

export interface Transition<S extends string, E extends string, F> {
  /** null: the event creates the object. */
  from: S | null;
  event: E;
  to: S;
  who: readonly Who[];
  /**
   * When several rows share (from, event), the first whose guard holds applies (a batch approval
   * sends each record to 公示中, 不公示 or 公示期满 by its own facts).
   */
  guard?: (facts: F) => boolean;
  /** An overlay flag this transition needs set to `value` before… */
  requires?: { flag: string; value: boolean };
  /** …and the value it leaves the flag at (the state itself stays `to`). */
  sets?: { flag: string; value: boolean };
  emits: {
    /** The audit event code (one row per fire, with the count and the objects). */
    audit: string;
    /** Whether subscribers hear it (common/outbox): internal steps (a record received) are not sent. */
    outbox: boolean;
  };
}

/** What the machine reads of one object: its id, state, flags, subject and item, and its facts. */
export interface Current<S extends string> {
  id: string;
  state: S | null;
  flags: Record<string, boolean>;
  subjectId: string;
  itemCode: string | null;
  /** The adapter's columns, as read (facts for guards and visibility). */
  row: Record<string, unknown>;
}

export interface Machine<S extends string, E extends string, F> {
  /** 记录: the noun a refusal names the object by. */
  noun: string;
  /** The outbox's objectType. */
  objectType: string;
  states: Readonly<Record<S, string>>;
  events: Readonly<Record<E, string>>;
  flags: Readonly<Record<string, string>>;
  transitions: readonly Transition<S, E, F>[];
  adapter: {
    /** The objects' table, its id column type, and the columns holding state, subject and item. */
    table: string;
    idType: 'uuid' | 'bigint' | 'text';
    subjectColumn: string;
    itemColumn: string | null;
    /** More columns the guards and the visibility rule read. */
    factColumns: readonly string[];
    eventTable: string;
    /** The event table's column naming the object. */
    eventKey: string;
    /**
     * The channel told which subjects changed; the setting that quiets the table's own statement
     * trigger meanwhile: 'on' … 'off' around a caller's statements (`quiet`), or 'once', set inside
     * a fire's one statement, which the trigger must consume (turn off) when it fires at that
     * statement's end (migration 0023) so later writes in the transaction are heard again.
     */
    channel: string;
    quietSetting?: string;
    /** The guards' facts for one object in the context of a fire. */
    facts: (o: Current<S>, ctx: Partial<F>) => F;
    /** Publicly visible in that state, with those facts (the outbox's tombstones). */
    visible: (state: S, flags: Record<string, boolean>, facts: F) => boolean;
  };
}

export interface FireContext<F> {
  /** The account firing; null: the platform (a scheduled job, the routing of received records). */
  actor: Actor | null;
  at: Date;
  reason?: string | undefined;
  /** What it is fired on: an import batch, a decision document number, a case number. */
  reference?: string | undefined;
  /** Facts the rows do not hold (today, whether the item needs review). */
  facts?: Partial<F> | undefined;
  /** Further columns written with the new state (a publication's first day). Never the state or a flag. */
  set?: Record<string, string | number | boolean | null> | undefined;
  /** More of the audit row's details (an item code, a document number). */
  auditDetails?: Record<string, unknown> | undefined;
  /** skip: objects the event does not apply to are left as they are (a job sweeping); otherwise refused. */
  onRefused?: 'throw' | 'skip' | undefined;
}

/** One transition as applied: the object, where it was, where it went. */
export interface Applied<S extends string, E extends string> {
  id: string;
  event: E;
  from: S | null;
  to: S;
  flagsBefore: Record<string, boolean>;
  flagsAfter: Record<string, boolean>;
  subjectId: string;
  itemCode: string | null;
  visibleBefore: boolean;
  visibleAfter: boolean;
}

/**
 * One fire's share of a statement: its transitions and its context. A statement of several (the
 * transition queue's group) writes each transition's event row with its own fire's actor, time,
 * reason and reference, and an audit row per fire and event.
 */
export interface FirePart<S extends string, E extends string, F> {
  applied: readonly Applied<S, E>[];
  ctx: FireContext<F>;
}

/** One lifecycle statement, built and not yet sent (`Lifecycle.statement`, `Lifecycle.write`). */
export interface LifecycleWrite {
  query: RawBuilder<{ updated?: number }>;
  /** How many objects its state UPDATE must write (none: the states were written by the caller). */
  updates?: number;
}

/** Subjects named in one notification; more and the payload is '' (anything may have changed). */
const MAX_NAMED_SUBJECTS = 100;
/** Objects listed in an audit row; more are counted. */
const MAX_AUDITED_IDS = 100;

export class Lifecycle {
  constructor(private readonly audit: AuditLog) {}

  /**
   * The transition row that applies to an object in `from` for `event`, or why none does. The table
   * is read in order; guards and flag requirements choose among rows sharing (from, event).
   */
  static resolve<S extends string, E extends string, F>(
    machine: Machine<S, E, F>,
    from: S | null,
    flags: Record<string, boolean>,
    event: E,
    facts: F,
  ): Transition<S, E, F> | undefined {
    return machine.transitions.find(
      (t) => t.event === event && t.from === from && (!t.requires || (flags[t.requires.flag] ?? false) === t.requires.value) && (!t.guard || t.guard(facts)),
    );
  }

  /** Whether `event` can ever apply from `from` (whatever the facts). */
  static allows<S extends string, E extends string, F>(machine: Machine<S, E, F>, from: S | null, event: E): boolean {
    return machine.transitions.some((t) => t.event === event && t.from === from);
  }

  /**
   * Fires `event` on these objects, in the caller's transaction (`trx` must be one). Every object
   * is checked against the table; one the event does not apply to refuses the whole fire (or, with
   * onRefused 'skip', is left alone). Returns the transitions applied.
   */
  async fire<S extends string, E extends string, F>(
    trx: Kysely<unknown>,
    machine: Machine<S, E, F>,
    ids: readonly string[],
    event: E,
    ctx: FireContext<F>,
  ): Promise<Applied<S, E>[]> {
    if (!trx.isTransaction) throw new Error('fire must run inside the transaction that makes the change');
    const objects = await this.lock(trx, machine, ids);
    const applied = this.plan(machine, objects, ids, event, ctx);
    if (applied.length === 0) return [];
    await this.write(trx, this.statement(machine, [{ applied, ctx }]));
    return applied;
  }

  /**
   * Reads and locks these objects (`SELECT … FOR UPDATE`), in id order, so two fires — or a fire and
   * a group of the transition queue — over overlapping objects lock them in the same order.
   */
  async lock<S extends string, E extends string, F>(trx: Kysely<unknown>, machine: Machine<S, E, F>, ids: readonly string[], opts: { skipLocked?: boolean } = {}): Promise<Map<string, Current<S>>> {
    const a = machine.adapter;
    const wanted = [...new Set(ids)].sort();
    if (wanted.length === 0) return new Map();
    const flagNames = Object.keys(machine.flags);
    const columns = [...new Set(['id', 'state', a.subjectColumn, ...(a.itemColumn ? [a.itemColumn] : []), ...flagNames, ...a.factColumns])];
    const rows = await sql<Record<string, unknown>>`
      select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(a.table)}
      where id = any(${wanted}::${sql.raw(a.idType)}[]) order by id for update${sql.raw(opts.skipLocked ? ' skip locked' : '')}`.execute(trx);
    return new Map(rows.rows.map((r) => [String(r.id), currentOf(machine, r)]));
  }

  /**
   * Checks one fire against the objects as locked: the transitions it applies, in id order, or the
   * refusal a user reads (not found, not allowed from this state, not for this account). Writes
   * nothing; `fire` and each submission of a transition queue's group are checked by it alone.
   */
  plan<S extends string, E extends string, F>(machine: Machine<S, E, F>, objects: ReadonlyMap<string, Current<S>>, ids: readonly string[], event: E, ctx: FireContext<F>): Applied<S, E>[] {
    const wanted = [...new Set(ids)].sort();
    const found = wanted.flatMap((id) => objects.get(id) ?? []);
    if (found.length < wanted.length && ctx.onRefused !== 'skip') {
      throw new AppError('NOT_FOUND', { ids: wanted.filter((x) => !objects.has(x)).slice(0, 20) }, `要处理的${machine.noun}不存在：请刷新后再试`);
    }
    const applied: Applied<S, E>[] = [];
    for (const o of found) {
      const facts = machine.adapter.facts(o, ctx.facts ?? {});
      const t = Lifecycle.resolve(machine, o.state, o.flags, event, facts);
      if (!t) {
        if (ctx.onRefused === 'skip') continue;
        throw new AppError('STATE_CONFLICT', { id: o.id, state: o.state, event }, refusal(machine, o, event));
      }
      if (!mayFire(t, ctx.actor)) {
        throw new AppError('FORBIDDEN', { event }, `当前账号不能对${machine.noun}执行「${machine.events[event]}」`);
      }
      applied.push(appliedOf(machine, o, t, facts));
    }
    return applied;
  }

  /**
   * The one statement writing checked transitions (`plan`) of one fire or of several (`FirePart`,
   * an object in one of them at most, all setting the same further columns): new states, events,
   * audit rows, outbox rows, notification. Built in Node before anything is sent, so an audit row
   * that may not be written (an ID number in the reason) throws here, with the transaction still sound.
   */
  statement<S extends string, E extends string, F>(machine: Machine<S, E, F>, parts: readonly FirePart<S, E, F>[]): LifecycleWrite {
    return this.emitStatement(machine, parts, this.stateUpdate(machine, parts));
  }

  /** Sends a statement built by `statement` in the caller's transaction. */
  async write(trx: Kysely<unknown>, w: LifecycleWrite): Promise<void> {
    if (!trx.isTransaction) throw new Error('a transition must be written inside the transaction that makes the change');
    const r = await w.query.execute(trx);
    // The rows were locked by this transaction: each one is written, or the fire is a bug.
    if (w.updates !== undefined && r.rows[0]?.updated !== w.updates) throw new Error(`fire: ${String(r.rows[0]?.updated)} of ${w.updates} objects written`);
  }

  /**
   * Writes the events, the audit row, the outbox rows and the notification of transitions whose
   * state the adapter's own statement already wrote (the records upsert routing a new version).
   * Each is checked against the table first. One statement.
   */
  async recordApplied<S extends string, E extends string, F>(trx: Kysely<unknown>, machine: Machine<S, E, F>, applied: readonly Applied<S, E>[], ctx: FireContext<F>): Promise<void> {
    if (!trx.isTransaction) throw new Error('recordApplied must run inside the transaction that makes the change');
    if (applied.length === 0) return;
    for (const x of applied) {
      const t = machine.transitions.find((row) => row.event === x.event && row.from === x.from && row.to === x.to);
      if (!t) throw new AppError('STATE_CONFLICT', { id: x.id, from: x.from, event: x.event, to: x.to }, `${machine.noun}不能从「${x.from ? machine.states[x.from] : '无'}」经「${machine.events[x.event]}」变为「${machine.states[x.to]}」`);
      if (!mayFire(t, ctx.actor)) throw new AppError('FORBIDDEN', { event: x.event }, `当前账号不能对${machine.noun}执行「${machine.events[x.event]}」`);
    }
    await this.write(trx, this.emitStatement(machine, [{ applied, ctx }]));
  }

  /**
   * One statement, so a transition costs one round trip after its lock: data-modifying CTEs for
   * the new states (when `fire` writes them), the event rows, the audit rows (the audit module's
   * own INSERT, one row per fire and event), the outbox rows (the outbox's own INSERT), and in its
   * SELECT the notification naming the subjects, the dispatchers' wake-up and the quieting of the
   * table's own statement trigger for this statement only (`quiet`).
   */
  private emitStatement<S extends string, E extends string, F>(machine: Machine<S, E, F>, parts: readonly FirePart<S, E, F>[], update?: RawBuilder<unknown>): LifecycleWrite {
    const a = machine.adapter;
    const rows = parts.flatMap(({ applied, ctx }) => applied.map((x) => ({ x, ctx })));
    const ctes: RawBuilder<unknown>[] = [];
    if (update) ctes.push(sql`u as (${update})`);
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    ctes.push(sql`e as (
      insert into ${sql.table(a.eventTable)} (${sql.ref(a.eventKey)}, event, from_state, to_state, actor_id, actor_name, reason, reference, at)
      select t.id, t.event, t.from_state, t.to_state, t.actor_id, t.actor_name, t.reason, t.reference, t.at
      from unnest(${col((r) => r.x.id)}::${sql.raw(a.idType)}[], ${col((r) => r.x.event)}::text[], ${col((r) => r.x.from)}::text[], ${col((r) => r.x.to)}::text[],
        ${col((r) => r.ctx.actor?.id ?? null)}::text[], ${col((r) => r.ctx.actor?.name ?? 'system')}::text[], ${col((r) => r.ctx.reason ?? null)}::text[],
        ${col((r) => r.ctx.reference ?? null)}::text[], ${col((r) => r.ctx.at.toISOString())}::timestamptz[])
        with ordinality as t(id, event, from_state, to_state, actor_id, actor_name, reason, reference, at, n)
      order by t.n)`);

    // One audit row per fire and event (a batch of thousands is one row with its count).
    const audited: AuditRow[] = [];
    for (const { applied, ctx } of parts) {
      const byEvent = new Map<E, Applied<S, E>[]>();
      for (const x of applied) {
        const xs = byEvent.get(x.event);
        if (xs) xs.push(x);
        else byEvent.set(x.event, [x]);
      }
      for (const [event, xs] of byEvent) {
        const emits = machine.transitions.find((row) => row.event === event)?.emits;
        if (!emits) throw new Error(`${machine.objectType}: no transition for ${event}`);
        const from: Record<string, number> = {};
        const to: Record<string, number> = {};
        for (const x of xs) {
          from[x.from ?? 'none'] = (from[x.from ?? 'none'] ?? 0) + 1;
          to[x.to] = (to[x.to] ?? 0) + 1;
        }
        audited.push(
          this.audit.auditRow({
            category: 'business',
            // The transition table's own code (scripts/audit-events.test.ts reads every `emits: { audit: '…' }`).
            event: emits.audit,
            actor: ctx.actor,
            result: 'success',
            objectType: machine.objectType,
            ...(xs.length === 1 && xs[0] ? { objectId: xs[0].id } : {}),
            ...(ctx.reason ? { reason: ctx.reason } : {}),
            resultCount: xs.length,
            details: {
              ...(ctx.auditDetails ?? {}),
              ...(ctx.reference ? { reference: ctx.reference } : {}),
              from,
              to,
              ...(xs.length > 1 ? { ids: xs.slice(0, MAX_AUDITED_IDS).map((x) => x.id), ...(xs.length > MAX_AUDITED_IDS ? { more: xs.length - MAX_AUDITED_IDS } : {}) } : {}),
            },
          }),
        );
      }
    }
    if (audited.length > 0) ctes.push(sql`a as (${this.audit.insertRows(audited)})`);

    const changes: Change[] = rows
      .filter(({ x }) => machine.transitions.find((row) => row.event === x.event && row.from === x.from && row.to === x.to)?.emits.outbox)
      .map(({ x, ctx }) => ({
        subjectId: x.subjectId,
        objectType: machine.objectType,
        objectId: x.id,
        event: x.event,
        from: x.from,
        to: x.to,
        itemCode: x.itemCode,
        visibleBefore: x.visibleBefore,
        visibleAfter: x.visibleAfter,
        at: ctx.at,
      }));
    if (changes.length > 0) ctes.push(sql`c as (${changesInsert(changes)})`);

    const subjects = [...new Set(rows.map(({ x }) => x.subjectId))];
    const selected: RawBuilder<unknown>[] = [sql`pg_notify(${a.channel}, ${subjects.length > MAX_NAMED_SUBJECTS ? '' : subjects.join(',')})`];
    if (changes.length > 0) selected.push(wakeDispatchers);
    if (update) {
      selected.push(sql`(select count(*) from u)::int as updated`);
      if (a.quietSetting) selected.push(sql`set_config(${a.quietSetting}, 'once', true)`);
    }
    return { query: sql<{ updated?: number }>`with ${sql.join(ctes)} select ${sql.join(selected)}`, ...(update ? { updates: rows.length } : {}) };
  }

  /** The new states (and flags, and the context's further columns, the same for every part) as one UPDATE, for `emitStatement`. */
  private stateUpdate<S extends string, E extends string, F>(machine: Machine<S, E, F>, parts: readonly FirePart<S, E, F>[]): RawBuilder<unknown> {
    const a = machine.adapter;
    const flagNames = Object.keys(machine.flags);
    const extra = Object.entries(parts[0]?.ctx.set ?? {});
    for (const [column] of extra) if (column === 'state' || flagNames.includes(column)) throw new Error(`fire: ${column} is the machine's to write`);
    const key = setKey(parts[0]?.ctx ?? {});
    if (parts.some((p) => setKey(p.ctx) !== key)) throw new Error('fire: the fires of one statement must set the same further columns');
    const applied = parts.flatMap((p) => p.applied);
    const assignments: RawBuilder<unknown>[] = [
      sql`state = v.to_state`,
      ...flagNames.map((f, i) => sql`${sql.ref(f)} = ${sql.ref(`v.f${i}`)}`),
      ...extra.map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
    ];
    const flagArrays = flagNames.map((f) => sql`${applied.map((x) => x.flagsAfter[f] ?? false)}::boolean[]`);
    return sql`
      update ${sql.table(a.table)} o set ${sql.join(assignments)}
      from unnest(${applied.map((x) => x.id)}::${sql.raw(a.idType)}[], ${applied.map((x) => x.to)}::text[]${flagArrays.length > 0 ? sql`, ${sql.join(flagArrays)}` : sql``})
        as v(id, to_state${sql.raw(flagNames.map((_, i) => `, f${i}`).join(''))})
      where o.id = v.id
      returning o.id`;
  }

  /**
   * Quiets the table's own statement trigger (which can only say "anything may have changed")
   * while a caller writes states in statements of its own (the records upsert), `recordApplied`
   * naming the subjects instead; turned off again after them. `fire` needs none of this: its one
   * statement sets the setting to 'once', which the trigger (migration 0023) consumes at the end
   * of that statement, so a later write in the same transaction is heard again.
   */
  async quiet<S extends string, E extends string, F>(trx: Kysely<unknown>, machine: Machine<S, E, F>, on: boolean): Promise<void> {
    const setting = machine.adapter.quietSetting;
    if (setting) await sql`select set_config(${setting}, ${on ? 'on' : 'off'}, true)`.execute(trx);
  }
}

/** The further columns a fire writes (`FireContext.set`) in a stable form: fires of one statement share it. */
export function setKey(ctx: Pick<FireContext<unknown>, 'set'>): string {
  return JSON.stringify(Object.entries(ctx.set ?? {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** Reads one locked row into what the machine knows of it. */
export function currentOf<S extends string, E extends string, F>(machine: Machine<S, E, F>, r: Record<string, unknown>): Current<S> {
  const a = machine.adapter;
  return {
    id: String(r.id),
    state: (r.state ?? null) as S | null,
    flags: Object.fromEntries(Object.keys(machine.flags).map((f) => [f, r[f] === true])),
    subjectId: String(r[a.subjectColumn]),
    itemCode: a.itemColumn ? ((r[a.itemColumn] as string | null) ?? null) : null,
    row: r,
  };
}

/** The transition `t` applied to `o`: its flags after, and whether the public saw it before and after. */
export function appliedOf<S extends string, E extends string, F>(machine: Machine<S, E, F>, o: Current<S>, t: Transition<S, E, F>, facts: F): Applied<S, E> {
  const flagsAfter = t.sets ? { ...o.flags, [t.sets.flag]: t.sets.value } : o.flags;
  return {
    id: o.id,
    event: t.event,
    from: o.state,
    to: t.to,
    flagsBefore: o.flags,
    flagsAfter,
    subjectId: o.subjectId,
    itemCode: o.itemCode,
    visibleBefore: o.state !== null && machine.adapter.visible(o.state, o.flags, facts),
    visibleAfter: machine.adapter.visible(t.to, flagsAfter, facts),
  };
}

function mayFire(t: { who: readonly Who[] }, actor: Actor | null): boolean {
  if (actor === null) return t.who.includes('system');
  return actor.roles.some((r) => t.who.includes(r as Who)) || (t.who.includes('system') && actor.roles.length === 0);
}

/** 该记录处于「已撤销」状态，不能「撤销」 — with what the state does allow, when anything. */
function refusal<S extends string, E extends string, F>(machine: Machine<S, E, F>, o: Current<S>, event: E): string {
  const state = o.state ? machine.states[o.state] : '无';
  const flagged = Object.entries(o.flags).filter(([, v]) => v).map(([f]) => `（${machine.flags[f] ?? f}）`).join('');
  const allowed = [...new Set(machine.transitions.filter((t) => t.from === o.state).map((t) => machine.events[t.event]))];
  const sameEvent = machine.transitions.find((t) => t.from === o.state && t.event === event);
  // The event exists from this state, but its flag or its guard does not hold (the window has not
  // passed yet, the mark is not set): say that, rather than list what the state allows.
  const why = sameEvent
    ? sameEvent.requires && (o.flags[sameEvent.requires.flag] ?? false) !== sameEvent.requires.value
      ? `：该${machine.noun}${sameEvent.requires.value ? '未' : '已'}处于「${machine.flags[sameEvent.requires.flag] ?? sameEvent.requires.flag}」`
      : '：条件尚未满足'
    : '';
  return `该${machine.noun}处于「${state}」状态${flagged}，不能「${machine.events[event]}」${why}${allowed.length > 0 && !why ? `（此状态下可以：${allowed.join('、')}）` : ''}`;
}
