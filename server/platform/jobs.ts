/**
 * Durable jobs (ADR 0003): work that outlives a request — an import, the end of publicity,
 * maintenance — is a row in `job` (migration 0019), written by `enqueue` in the transaction of the
 * change that needs it. A runner takes due jobs with FOR UPDATE SKIP LOCKED and holds a lease it
 * renews while it works; a lease that runs out (the process was killed) makes the job due again.
 * A failure is retried with exponential back-off; after the last attempt the job stays `failed`,
 * with its error message, until someone retries it. Recurring work is a job that enqueues its next
 * run when it ends. Several processes on one PostgreSQL share the table; PGlite has one process.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';

export type JobStatus = 'queued' | 'running' | 'failed';

export interface JobTables {
  job: {
    id: number;
    kind: string;
    payload: unknown;
    unique_key: string | null;
    status: JobStatus;
    due_at: Date;
    attempts: number;
    max_attempts: number | null;
    locked_by: string | null;
    locked_until: Date | null;
    last_error: string | null;
    created_at: Date;
    updated_at: Date;
  };
}

export type JobRow = JobTables['job'];

/** Payloads carry ids and counts: never personal data. */
export type JobPayload = Record<string, string | number | boolean | null>;

export interface NewJob {
  kind: string;
  payload?: JobPayload;
  /** When it may run first (the caller's clock, so tests move time by hand). */
  dueAt: Date;
  /** Enqueuing the same key again while a job with it waits or runs adds nothing. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/** The longest error message kept with a job (the column allows 2 000). */
const MAX_ERROR_CHARS = 1000;

/** Any Kysely instance or transaction; the job table is ours whatever the caller's tables are. */
type KyselyLike = Pick<Kysely<object>, 'isTransaction'>;
const jobs = (db: KyselyLike) => db as unknown as Kysely<JobTables>;

/**
 * Adds a job inside the caller's transaction, so it commits (or rolls back) with the change that
 * needs it. True when a job was added, false when one with the same key already waits or runs.
 */
export async function enqueue(db: KyselyLike, job: NewJob): Promise<boolean> {
  const r = await sql<{ id: number }>`
    insert into job (kind, payload, unique_key, status, due_at, max_attempts, created_at, updated_at)
    values (${job.kind}, ${JSON.stringify(job.payload ?? {})}::jsonb, ${job.uniqueKey ?? null}, 'queued', ${job.dueAt}, ${job.maxAttempts ?? null}, now(), now())
    on conflict (unique_key) where unique_key is not null and status <> 'failed' do nothing
    returning id`.execute(jobs(db));
  return r.rows.length > 0;
}

/**
 * Removes the waiting or running job with this key, inside the caller's transaction: the work it
 * stood for was finished by other means (an import the request ran to its end).
 */
export async function settleJob(db: KyselyLike, uniqueKey: string): Promise<void> {
  await jobs(db).deleteFrom('job').where('unique_key', '=', uniqueKey).where('status', '<>', 'failed').execute();
}

export interface JobContext {
  id: number;
  attempt: number;
}

export interface JobHandler {
  kind: string;
  /** What it did, for the log line (counts only: no personal data). */
  run(payload: JobPayload, ctx: JobContext): Promise<Record<string, unknown> | void>;
  /** Recurring: when the next run is due, given when this one ended (done or failed for good). */
  next?: (endedAt: Date) => Date;
  maxAttempts?: number;
}

export interface JobSettings {
  /** How long a taken job is held before another worker may take it again. */
  leaseMs: number;
  /** How often an idle runner looks for due jobs. */
  pollMs: number;
  /** Jobs run at once by one process. */
  concurrency: number;
  /** Attempts of a job that does not say its own. */
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long, up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { leaseMs: 60_000, pollMs: 1_000, concurrency: 2, maxAttempts: 8, backoffBaseMs: 10_000, backoffMaxMs: 3_600_000 };

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffMs(attempts: number, s: Pick<JobSettings, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

/** What is kept of an error: its message, cut; never a stack or the data it was about. */
function errorMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > MAX_ERROR_CHARS ? `${m.slice(0, MAX_ERROR_CHARS)}…（共${m.length}字）` : m || '未知错误';
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private ticking: Promise<void> | undefined;
  readonly workerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly db: Kysely<JobTables>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settings: JobSettings = DEFAULT_JOB_SETTINGS,
  ) {}

  register(handler: JobHandler): void {
    this.handlers.set(handler.kind, handler);
  }

  /** Every recurring job waits in the table (due now when it never ran): called at start by each process. */
  async ensureRecurring(): Promise<void> {
    for (const h of this.handlers.values()) {
      if (h.next !== undefined) await enqueue(this.db, { kind: h.kind, uniqueKey: recurringKey(h.kind), dueAt: this.clock.now(), ...(h.maxAttempts ? { maxAttempts: h.maxAttempts } : {}) });
    }
  }

  /** Removes the waiting runs of a recurring job switched off (e.g. AUDIT_PURGE=off). */
  async cancelRecurring(kind: string): Promise<void> {
    await settleJob(this.db, recurringKey(kind));
  }

  /**
   * Takes up to `limit` due jobs of the kinds this process knows, leased to this worker. A job whose
   * lease ran out after its last attempt (the process died every time) is failed here instead.
   */
  async take(limit: number): Promise<JobRow[]> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0 || limit <= 0) return [];
    const now = this.clock.now();
    const { taken, exhausted } = await this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('job')
        .selectAll()
        .where('kind', 'in', kinds)
        .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('due_at', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', now)])]))
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      const exhausted = due.filter((j) => j.status === 'running' && j.attempts >= this.maxAttempts(j));
      const ids = due.filter((j) => !exhausted.includes(j)).map((j) => j.id);
      for (const j of exhausted) {
        await trx
          .updateTable('job')
          .set({ status: 'failed', locked_by: null, locked_until: null, updated_at: now, last_error: `第${j.attempts}次执行未结束：处理它的进程已退出或失去响应（租约到期）` })
          .where('id', '=', j.id)
          .execute();
      }
      const taken =
        ids.length === 0
          ? []
          : await trx
              .updateTable('job')
              .set((eb) => ({ status: 'running', attempts: eb('attempts', '+', 1), locked_by: this.workerId, locked_until: new Date(now.getTime() + this.settings.leaseMs), updated_at: now }))
              .where('id', 'in', ids)
              .returningAll()
              .execute();
      return { taken, exhausted };
    });
    for (const j of exhausted) {
      this.log.error({ job: j.kind, jobId: j.id, attempts: j.attempts }, 'job failed: its lease ran out after the last attempt');
      await this.next(j);
    }
    return taken.sort((a, b) => a.due_at.getTime() - b.due_at.getTime());
  }

  /** Runs one taken job to its end: done (deleted), retried later, or failed for good. */
  async execute(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    // Renewed well before it runs out, so a long import keeps its job while it makes progress.
    const renew = setInterval(() => void this.renew(job).catch((err: Error) => this.log.warn({ jobId: job.id, err: { message: err.message } }, 'renewing a job lease failed')), Math.max(1, Math.floor(this.settings.leaseMs / 3)));
    renew.unref();
    try {
      const result = await handler.run((job.payload ?? {}) as JobPayload, { id: job.id, attempt: job.attempts });
      clearInterval(renew);
      const mine = await this.db.deleteFrom('job').where('id', '=', job.id).where('locked_by', '=', this.workerId).where('status', '=', 'running').executeTakeFirst();
      this.log.info({ job: job.kind, jobId: job.id, attempt: job.attempts, ...(result ?? {}) }, 'job done');
      // A job taken over by another worker (our lease ran out) is that worker's to re-enqueue.
      if (Number(mine.numDeletedRows) > 0) await this.next(job);
    } catch (err) {
      clearInterval(renew);
      await this.failed(job, handler, err);
    }
  }

  maxAttempts(job: Pick<JobRow, 'max_attempts'>): number {
    return job.max_attempts ?? this.settings.maxAttempts;
  }

  private async renew(job: JobRow): Promise<void> {
    const r = await this.db
      .updateTable('job')
      .set({ locked_until: new Date(this.clock.now().getTime() + this.settings.leaseMs) })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) this.log.warn({ job: job.kind, jobId: job.id }, 'a job lease was lost: another worker may run it again');
  }

  private async failed(job: JobRow, handler: JobHandler, err: unknown): Promise<void> {
    const now = this.clock.now();
    const message = errorMessage(err);
    const last = job.attempts >= this.maxAttempts(job);
    const r = await this.db
      .updateTable('job')
      .set(
        last
          ? { status: 'failed', locked_by: null, locked_until: null, last_error: message, updated_at: now }
          : { status: 'queued', locked_by: null, locked_until: null, last_error: message, updated_at: now, due_at: new Date(now.getTime() + backoffMs(job.attempts, this.settings)) },
      )
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    // The message only: a stack or the data it was about stays out of the log as out of the table.
    this.log.error({ job: job.kind, jobId: job.id, attempt: job.attempts, of: this.maxAttempts(job), err: { message } }, last ? 'job failed for good' : 'job failed: retried later');
    if (last && Number(r.numUpdatedRows) > 0 && handler.next !== undefined) await this.next(job);
  }

  /** A recurring job's next run, after this one ended. */
  private async next(job: JobRow): Promise<void> {
    const h = this.handlers.get(job.kind);
    if (h?.next === undefined || job.unique_key !== recurringKey(job.kind)) return;
    await enqueue(this.db, { kind: job.kind, uniqueKey: job.unique_key, dueAt: h.next(this.clock.now()), ...(h.maxAttempts ? { maxAttempts: h.maxAttempts } : {}) });
  }

  /**
   * Runs every job due now, one after another, until none is left; returns their kinds in order.
   * Tests call it instead of waiting for the timer; a job another runner holds is not taken.
   */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (;;) {
      const [job] = await this.take(1);
      if (!job) return ran;
      await this.execute(job);
      ran.push(job.kind);
    }
  }

  /** Looks for due jobs every `pollMs` (first after `firstMs`); the timer does not hold the process. */
  start(firstMs = 1_000): void {
    this.stopped = false;
    this.schedule(firstMs);
  }

  /** Looks now (after a commit that enqueued work this process can start at once). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.ticking) return this.schedule(this.settings.pollMs);
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (!this.stopped) this.schedule(this.settings.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      while (!this.stopped && this.active.size < this.settings.concurrency) {
        const [job] = await this.take(1);
        if (!job) return;
        const p: Promise<void> = this.execute(job)
          .catch((err: Error) => this.log.error({ jobId: job.id, err: { message: err.message } }, 'running a job failed'))
          .finally(() => {
            this.active.delete(p);
            this.wake();
          });
        this.active.add(p);
      }
    } catch (err) {
      this.log.error({ err: { message: (err as Error).message } }, 'taking due jobs failed');
    }
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for those running to end; what still runs then (a
   * long import) is handed back, due now, for the next process to continue from its resume point.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
      timer.unref();
    });
    const ended = await Promise.race([Promise.allSettled([...this.active]), grace]);
    clearTimeout(timer);
    if (ended === 'late') await this.release(this.workerId);
  }

  /**
   * Ends the leases held by `worker` (or by anyone: the embedded database has one process, so at
   * its start whatever is running was left by a process that is gone): the next take continues them.
   */
  async release(worker?: string): Promise<number> {
    const now = this.clock.now();
    let q = this.db.updateTable('job').set({ locked_until: now, updated_at: now }).where('status', '=', 'running');
    if (worker) q = q.where('locked_by', '=', worker);
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  // ---- the failure list (console 后台任务) ---------------------------------------------------

  async failedJobs(limit: number, offset: number): Promise<{ total: number; rows: JobRow[] }> {
    const [rows, count] = await Promise.all([
      this.db.selectFrom('job').selectAll().where('status', '=', 'failed').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      this.db.selectFrom('job').select(sql<number>`count(*)::int`.as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow(),
    ]);
    return { total: count.n, rows };
  }

  /**
   * A failed job is queued again, due now, with its attempts counted afresh; `alongside` writes the
   * audit row in the same transaction. When a job with the same key already waits (a recurring
   * job's next run), that one does the work: the failed one is removed. undefined: not failed.
   */
  async retry(id: number, alongside: (trx: Kysely<JobTables>, job: JobRow, outcome: 'queued' | 'superseded') => Promise<void>): Promise<{ job: JobRow; outcome: 'queued' | 'superseded' } | undefined> {
    const now = this.clock.now();
    const done = await this.db.transaction().execute(async (trx) => {
      const job = await trx.selectFrom('job').selectAll().where('id', '=', id).where('status', '=', 'failed').forUpdate().executeTakeFirst();
      if (!job) return undefined;
      const waiting =
        job.unique_key !== null
          ? await trx.selectFrom('job').select('id').where('unique_key', '=', job.unique_key).where('status', '<>', 'failed').executeTakeFirst()
          : undefined;
      const outcome = waiting ? ('superseded' as const) : ('queued' as const);
      if (waiting) await trx.deleteFrom('job').where('id', '=', id).execute();
      else await trx.updateTable('job').set({ status: 'queued', attempts: 0, due_at: now, updated_at: now }).where('id', '=', id).execute();
      await alongside(trx, job, outcome);
      return { job, outcome };
    });
    if (done) this.wake();
    return done;
  }
}

function recurringKey(kind: string): string {
  return `recurring:${kind}`;
}
