/**
 * Scheduled jobs (audit retention now; publicity ends next). Each job remembers its last run in the
 * database, so a restart neither repeats it nor forgets it: after downtime a due job runs within a
 * minute of start. Several instances may run; the claim in app_setting lets one of them run it.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { claimSetting } from './db/settings.js';

export interface Job {
  name: string;
  everyMs: number;
  /** What it did, for the log line (counts only: no personal data). */
  run(): Promise<Record<string, unknown>>;
}

export class Scheduler {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Pick<Kysely<object>, 'isTransaction'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  add(job: Job): void {
    this.jobs.push(job);
  }

  /** Runs every job whose period has passed since its last run; returns the names of those run. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const now = this.clock.now();
      const due = new Date(now.getTime() - job.everyMs + 1).toISOString();
      if (!(await claimSetting(this.db, `job.${job.name}.last_run`, now.toISOString(), due))) continue;
      try {
        const result = await job.run();
        this.log.info({ job: job.name, ...result }, 'scheduled job done');
      } catch (err) {
        // Claimed but failed: the next period tries again; the error is logged without data.
        this.log.error({ job: job.name, err: { message: (err as Error).message } }, 'scheduled job failed');
      }
      ran.push(job.name);
    }
    return ran;
  }

  /** Checks every `checkMs` (first check after `firstMs`); the timer does not hold the process. */
  start(firstMs = 5_000, checkMs = 60_000): void {
    const tick = () => {
      this.running = this.running.then(() => this.runDue()).catch(() => {});
      this.timer = setTimeout(tick, checkMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, firstMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }
}
