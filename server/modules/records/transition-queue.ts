/**
 * Group commit of concurrent fires (issue #13's 2 000 transitions/s): callers that would each run a
 * transaction holding nothing but one fire submit it here instead, and get their own transitions
 * back. While one group's transaction is in flight, new submissions wait; when it ends, everything
 * waiting (up to `maxObjects` objects) is the next group, in one transaction of its own — no timer,
 * so a lone fire starts at once (on the next microtask) and costs what it cost before. Per
 * transition, a group saves the round trips of BEGIN, lock and COMMIT, the commit's WAL flush and,
 * above all, the notification queue's lock, which every notifying transaction holds through its
 * commit, one at a time (bench/README.md, `bench/transitions.ts`).
 *
 * In the group's transaction the objects of all submissions are locked in one read (in id order,
 * as `Lifecycle.fire` locks them), then each submission is checked on its own (`Lifecycle.plan`):
 * one that is refused — not found, not allowed from the object's state, not for this account —
 * fails alone with the refusal a lone fire gives, and the others go on. An object named by two
 * submissions of one group moves as if they were fired one after the other: the second is checked
 * against the state the first left. The group is written in as few statements as that allows — one,
 * unless an object moves twice or submissions set different further columns — each submission's
 * event rows and audit row carrying its own actor, time, reason and reference. Every statement is
 * Lifecycle's own (state, events, audit, outbox, notification).
 * When the group's transaction fails (the database refusing a statement, a lost connection), nothing
 * of it is written and each submission is tried again alone, so only the one at fault fails.
 *
 * For transactions that hold nothing but the fire: a caller inside a transaction of its own would
 * wait here holding its locks while the group might wait for them. One queue per machine and process.
 */
import type { Kysely } from 'kysely';
import { Lifecycle, setKey, type Applied, type Current, type FireContext, type LifecycleWrite, type Machine } from './lifecycle.js';

/** Objects in one group at most (a lone submission naming more is a group by itself). */
export const MAX_GROUP_OBJECTS = 500;

interface Submission<S extends string, E extends string, F> {
  ids: string[];
  event: E;
  ctx: FireContext<F>;
  /** The further columns it writes (`setKey`): submissions with the same key may share a statement. */
  key: string;
  resolve: (applied: Applied<S, E>[]) => void;
  reject: (err: unknown) => void;
}

/** A statement of a group: the submissions sharing it, each with its transitions, in order. */
interface Statement<S extends string, E extends string, F> {
  key: string;
  members: Submission<S, E, F>[];
  parts: { applied: Applied<S, E>[]; ctx: FireContext<F> }[];
}

export class TransitionQueue<S extends string, E extends string, F> {
  private waiting: Submission<S, E, F>[] = [];
  private running = false;
  /** Groups run and submissions taken into them (the benchmark's average group size). */
  readonly stats = { groups: 0, submissions: 0 };

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly lifecycle: Lifecycle,
    private readonly machine: Machine<S, E, F>,
    private readonly maxObjects = MAX_GROUP_OBJECTS,
  ) {}

  /**
   * Fires `event` on these objects in the next group's transaction: the transitions applied (all of
   * this submission's objects, or none — refused as `Lifecycle.fire` refuses), once committed.
   */
  submit(ids: readonly string[], event: E, ctx: FireContext<F>): Promise<Applied<S, E>[]> {
    const wanted = [...new Set(ids)].sort();
    if (wanted.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ ids: wanted, event, ctx, key: setKey(ctx), resolve, reject });
      if (!this.running) {
        this.running = true;
        // Submissions made in the same tick (a Promise.all of fires) start as one group.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.run(this.take());
    } finally {
      this.running = false;
    }
  }

  /**
   * One submission in a transaction of its own (Lifecycle.fire), beside the queue: one whose object
   * another transaction holds (it waits for it alone, not the whole queue), and each member of a
   * group whose transaction failed (only the one at fault fails). A deadlock or serialization
   * failure is tried once more.
   */
  private alone(s: Submission<S, E, F>, retry = true): void {
    this.db
      .transaction()
      .execute((trx) => this.lifecycle.fire(trx, this.machine, s.ids, s.event, s.ctx))
      .then(s.resolve, (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        if (retry && (code === '40P01' || code === '40001')) this.alone(s, false);
        else s.reject(err);
      });
  }

  /** The next group: waiting submissions in order, up to `maxObjects` objects (at least one submission). */
  private take(): Submission<S, E, F>[] {
    let objects = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const size = this.waiting[n]?.ids.length ?? 0;
      if (n > 0 && objects + size > this.maxObjects) break;
      objects += size;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  /** One group in one transaction; settles every submission of it, never throws. */
  private async run(all: Submission<S, E, F>[]): Promise<void> {
    this.stats.groups++;
    this.stats.submissions += all.length;
    const outcome = new Map<Submission<S, E, F>, Applied<S, E>[] | { refused: unknown }>();
    let group = all;
    try {
      await this.db.transaction().execute(async (trx) => {
        // Objects another transaction holds are skipped, not waited for: their submissions go alone,
        // so one long lock elsewhere holds up only the fires that need it.
        const locked = await this.lifecycle.lock(trx, this.machine, group.flatMap((s) => s.ids), { skipLocked: true });
        const held = group.filter((s) => s.ids.some((id) => !locked.has(id)));
        if (held.length > 0) {
          for (const s of held) this.alone(s);
          group = group.filter((s) => !held.includes(s));
        }
        // A statement that cannot be built (its audit row refused in Node, before anything is sent)
        // fails its members alone; the rest is checked again without them, from the state as locked.
        const failedAlone = new Map<Submission<S, E, F>, unknown>();
        let live = group;
        for (;;) {
          outcome.clear();
          for (const [s, err] of failedAlone) outcome.set(s, { refused: err });
          const built = this.prepare(live, locked, outcome);
          if ('writes' in built) {
            for (const w of built.writes) await this.lifecycle.write(trx, w);
            return;
          }
          for (const [s, err] of built.failed) failedAlone.set(s, err);
          live = live.filter((s) => !failedAlone.has(s));
        }
      });
    } catch (err) {
      // The transaction failed and nothing of it is written. A refused submission fails with its own
      // refusal (it was refused whatever happened); the others are tried again each alone, so only
      // the one at fault (or a deadlock's victim, tried once more) fails — a lone one with the error.
      for (const s of group) {
        const o = outcome.get(s);
        if (o && !Array.isArray(o)) s.reject(o.refused);
        else if (group.length > 1) this.alone(s);
        else {
          const code = (err as { code?: unknown }).code;
          if (code === '40P01' || code === '40001') this.alone(s, false);
          else s.reject(err);
        }
      }
      return;
    }
    for (const s of group) {
      const o = outcome.get(s);
      if (o === undefined) s.reject(new Error('transition queue: a submission was not settled'));
      else if (Array.isArray(o)) s.resolve(o);
      else s.reject(o.refused);
    }
  }

  /**
   * Checks each submission in order against the objects as locked, each seeing what the ones before
   * it did to its objects, and gathers the accepted ones into statements: a submission joins the
   * latest statement of its key unless one of its objects was moved by that statement or a later
   * one (then it needs a statement after them). Builds the statements (nothing sent).
   */
  private prepare(
    live: readonly Submission<S, E, F>[],
    locked: ReadonlyMap<string, Current<S>>,
    outcome: Map<Submission<S, E, F>, Applied<S, E>[] | { refused: unknown }>,
  ): { writes: LifecycleWrite[] } | { failed: Map<Submission<S, E, F>, unknown> } {
    const objects = new Map(locked);
    const statements: Statement<S, E, F>[] = [];
    /** The index of the statement that last moved each object. */
    const movedIn = new Map<string, number>();
    for (const s of live) {
      let applied: Applied<S, E>[];
      try {
        applied = this.lifecycle.plan(this.machine, objects, s.ids, s.event, s.ctx);
      } catch (err) {
        outcome.set(s, { refused: err });
        continue;
      }
      outcome.set(s, applied);
      if (applied.length === 0) continue;
      let j = statements.findLastIndex((st) => st.key === s.key);
      if (j >= 0 && applied.some((x) => (movedIn.get(x.id) ?? -1) >= j)) j = -1;
      if (j < 0) j = statements.push({ key: s.key, members: [], parts: [] }) - 1;
      const st = statements[j] as Statement<S, E, F>;
      st.members.push(s);
      st.parts.push({ applied, ctx: s.ctx });
      for (const x of applied) {
        movedIn.set(x.id, j);
        const o = objects.get(x.id);
        if (o) objects.set(x.id, moved(o, x, s.ctx));
      }
    }
    const writes: LifecycleWrite[] = [];
    for (const st of statements) {
      try {
        writes.push(this.lifecycle.statement(this.machine, st.parts));
      } catch (err) {
        // Whose was it? Each member's part built alone says (rare: an audit row refused in Node).
        const failed = new Map<Submission<S, E, F>, unknown>();
        st.members.forEach((m, i) => {
          try {
            this.lifecycle.statement(this.machine, st.parts.slice(i, i + 1));
          } catch (alone) {
            failed.set(m, alone);
          }
        });
        if (failed.size === 0) for (const m of st.members) failed.set(m, err);
        return { failed };
      }
    }
    return { writes };
  }
}

/** The object as a transition left it, for the next submission of the group that names it. */
function moved<S extends string, E extends string, F>(o: Current<S>, x: Applied<S, E>, ctx: FireContext<F>): Current<S> {
  return { ...o, state: x.to, flags: x.flagsAfter, row: { ...o.row, ...(ctx.set ?? {}), state: x.to, ...x.flagsAfter } };
}
