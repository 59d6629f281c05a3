/**
 * Record transitions per second through the one lifecycle path (server/modules/records/lifecycle.ts):
 * each transaction fires one transition on one record — the state written, its record_event row,
 * its audit row, its outbox row and the change notification — from W concurrent writers for a few
 * seconds; against the physical baseline measured in the same run: the same loop doing a bare
 * single-row UPDATE of the record and one INSERT into an event table with no audit or outbox.
 * Then one fire of a whole batch (a reviewer approving thousands), as transitions/s. Each run also
 * says its round trips per transaction (statements sent, BEGIN and COMMIT included) and, on a local
 * PostgreSQL server, where a transaction's time goes: CPU of this Node process and CPU of the bench
 * database's server processes, per transaction, against the wall time per transaction and writer;
 * and the same loop again with the audit chainer paused, its rows then linked in one go (its share).
 * Records belong to subjects of four records each (a subject's read model, migration 0022, is rebuilt
 * by the record table's statement trigger on every write, for the subjects written).
 * Then the same W-writer loop through the transition queue (server/modules/records/transition-queue.ts):
 * each writer still submits one record's transition and awaits it, and concurrent ones commit as a
 * group — transitions/s, its ratio to the bare loop, the average group, round trips per transition.
 *
 *   DATABASE_URL=postgres://… npm run bench:transitions -- [--seconds 3] [--writers 1,4,16] [--records 2000] [--batch 10000]
 *   npm run bench:transitions                                                (embedded PGlite)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { AuditLog, type Actor } from '../server/modules/audit/index.js';
import { Lifecycle, RECORD_MACHINE, TransitionQueue } from '../server/modules/records/index.js';
import { systemClock } from '../server/platform/clock.js';
import { openEngine } from '../server/platform/db/engine.js';
import { migrate } from '../server/platform/db/migrate.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, writers: { type: 'string', default: '1,4,16' }, records: { type: 'string', default: '2000' }, batch: { type: 'string', default: '10000' } },
});
const seconds = Number(values.seconds);
const writerCounts = values.writers.split(',').map(Number);
const recordCount = Number(values.records);
const batchSize = Number(values.batch);
const base = process.env.DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-transitions-'));

let url: string | undefined;
let dropDb = async () => {};
if (base) ({ url, drop: dropDb } = await benchDatabase(base));
const engine = await openEngine<unknown>({ databaseUrl: url, pgliteDir: url ? undefined : path.join(dir, 'pg') });
try {
  await migrate(engine);
  // Subjects of four records each (the USCC is unique; these need not pass its check digit here).
  const subjects = Math.ceil((recordCount + batchSize) / 4);
  await sql`insert into subject (kind, org_type, name, uscc)
    select 'organization', 'enterprise', '福州基准测试有限公司' || g, '91350100' || lpad(g::text, 10, '0') from generate_series(1, ${subjects}) g`.execute(engine.db);
  const subjectIds = (await sql<{ id: string }>`select id from subject order by uscc`.execute(engine.db)).rows.map((r) => r.id);
  // Records in publicity (as the demo loads them), and a bare event table for the baseline.
  const load = async (prefix: string, n: number, firstSubject: number) =>
    sql`insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, severity, state, publishable, publicity_start, publicity_end)
        select 'CF', 1, (${subjectIds}::uuid[])[${firstSubject} + (g - 1) / 4 + 1], '113501000000000007', ${prefix} || g, '2026-06-01', '{}', 'general', 'in_publicity', true, '2026-06-01', '2099-01-01'
        from generate_series(1, ${n}) g`.execute(engine.db);
  await load('bench-', recordCount, 0);
  await load('batch-', batchSize, Math.ceil(recordCount / 4));
  await sql`analyze`.execute(engine.db);
  await sql`create table bench_event (id bigserial primary key, record_id uuid not null, event text not null, at timestamptz not null)`.execute(engine.db);
  const ids = (await sql<{ id: string }>`select id from record where document_number like 'bench-%' order by id`.execute(engine.db)).rows.map((r) => r.id);
  const batchIds = (await sql<{ id: string }>`select id from record where document_number like 'batch-%' order by id`.execute(engine.db)).rows.map((r) => r.id);

  // Idle connections kept (no idle timeout): the server CPU below is read per connection process.
  const pool = url ? new pg.Pool({ connectionString: url, max: Math.max(...writerCounts) + 2, idleTimeoutMillis: 0 }) : undefined;
  // An idle connection ended under it (the database dropped at the end) must not crash the run.
  pool?.on('error', () => {});
  // Every statement sent (BEGIN and COMMIT too): the round trips of a transaction.
  let statements = 0;
  const db: Kysely<unknown> = pool ? new Kysely<unknown>({ dialect: new PostgresDialect({ pool }), log: () => void statements++ }) : engine.db;
  // The audit chainer's passes (after commit, beside the writers) go through a Kysely of their own
  // on the same pool: their time is in the CPU figures, their statements not in the writers' round trips.
  const auditDb: Kysely<unknown> = pool ? new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }) : engine.db;
  const audit = new AuditLog(auditDb as never, systemClock, path.join(dir, 'checkpoints.jsonl'), randomBytes(32));
  const lifecycle = new Lifecycle(audit);
  const queue = new TransitionQueue(db, lifecycle, RECORD_MACHINE);
  const actor: Actor = { id: 'bench', name: 'bench', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
  // Each writer owns its slice of records, so writers never wait on each other's row locks.
  const disputed = new Map<string, boolean>();

  /** CPU seconds of each of the bench database's server processes (a local server on Linux; none elsewhere). */
  const serverCpu = async (): Promise<Map<number, number>> => {
    const cpu = new Map<number, number>();
    if (!url || !fs.existsSync('/proc/self/stat')) return cpu;
    const pids = (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db)).rows.map((r) => r.pid);
    const tick = 100; // USER_HZ on Linux
    for (const pid of pids) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / tick);
      } catch {
        // not on this machine, or gone
      }
    }
    return cpu;
  };
  /** Server CPU seconds between two readings: per process, a process new since the first counted whole. */
  const serverCpuSince = (before: Map<number, number>, now: Map<number, number>) => [...now].reduce((sum, [pid, s]) => sum + s - (before.get(pid) ?? 0), 0);

  interface Run { perSecond: number; roundTrips: number; wallUs: number; nodeUs: number; serverUs: number; group: number }
  // deferred: the lifecycle with the audit chainer paused during the run (rows linked after it, timed apart).
  // queue: each writer submits its one transition to the transition queue (its own transaction no more).
  // queue-shared: the same, all fires in one context (as the platform's own fires, a job's, would be).
  const run = async (writers: number, mode: 'bare' | 'lifecycle' | 'deferred' | 'queue' | 'queue-shared'): Promise<Run> => {
    audit.autoChain = mode !== 'deferred';
    const groups0 = { ...queue.stats };
    const until = performance.now() + seconds * 1000;
    let commits = 0;
    const server0 = await serverCpu();
    const node0 = process.cpuUsage();
    const statements0 = statements;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const mine = ids.filter((_, i) => i % writers === w);
        for (let n = 0; performance.now() < until; n++) {
          const id = mine[n % mine.length] as string;
          const on = !(disputed.get(id) ?? false);
          // Each fire as a request of its own would send it (its own request id: its own statement and
          // audit row in the group, as real requests rarely share a context) — or all in one context.
          if (mode === 'queue' || mode === 'queue-shared') {
            await queue.submit([id], on ? 'dispute' : 'resolveDispute', { actor: mode === 'queue' ? { ...actor, requestId: `req-${w}-${n}` } : actor, at: new Date(), facts: { today: '2026-11-21' } });
          }
          else await db.transaction().execute(async (trx) => {
            if (mode === 'bare') {
              await sql`update record set disputed = ${on} where id = ${id}`.execute(trx);
              await sql`insert into bench_event (record_id, event, at) values (${id}, ${on ? 'dispute' : 'resolveDispute'}, now())`.execute(trx);
            } else {
              await lifecycle.fire(trx, RECORD_MACHINE, [id], on ? 'dispute' : 'resolveDispute', { actor, at: new Date(), facts: { today: '2026-11-21' } });
            }
          });
          disputed.set(id, on);
          commits++;
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const node = process.cpuUsage(node0);
    const roundTrips = (statements - statements0) / commits;
    const server = serverCpuSince(server0, await serverCpu());
    audit.autoChain = true;
    // Transitions per transaction: 1 but through the queue, where it is the average group.
    const group = mode === 'queue' || mode === 'queue-shared' ? (queue.stats.submissions - groups0.submissions) / Math.max(queue.stats.groups - groups0.groups, 1) : 1;
    return { perSecond: commits / wall, roundTrips, wallUs: (wall * 1e6 * writers) / commits, nodeUs: (node.user + node.system) / commits, serverUs: (server * 1e6) / commits, group };
  };

  const engineName = url ? 'PostgreSQL' : 'PGlite';
  console.log(`record transitions on ${engineName}, ${seconds} s per run, ${recordCount} records (transitions/s, one per transaction)`);
  console.log('bare: UPDATE record (one row) + INSERT into an event table; lifecycle: fire() — state, record_event, audit row, outbox row, notification');
  console.log('through the queue: the same writers, each awaiting its one transition, committed in groups by the transition queue');
  console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('writers | bare UPDATE+INSERT | lifecycle | ratio | round trips bare / lifecycle | per transaction, bare / lifecycle: wall × writers, Node CPU, server CPU (µs)');
  const us = (x: number) => x.toFixed(0);
  for (const w of writerCounts) {
    await run(w, 'bare'); // warm-up of connections and plans, not counted
    const bare = await run(w, 'bare');
    const fired = await run(w, 'lifecycle');
    console.log(
      `${String(w).padStart(7)} | ${bare.perSecond.toFixed(0).padStart(18)} | ${fired.perSecond.toFixed(0).padStart(9)} | ${(fired.perSecond / bare.perSecond).toFixed(2)} | ` +
        `${pool ? `${bare.roundTrips.toFixed(1)} / ${fired.roundTrips.toFixed(1)}` : 'n/a'} | ` +
        `${us(bare.wallUs)}, ${us(bare.nodeUs)}, ${us(bare.serverUs)} / ${us(fired.wallUs)}, ${us(fired.nodeUs)}, ${us(fired.serverUs)}`,
    );
    // Where the chainer's share goes: the same loop with chaining paused, then the rows linked at once.
    await audit.chain();
    const deferred = await run(w, 'deferred');
    const c0 = performance.now();
    const linked = await audit.chain();
    const chainUs = ((performance.now() - c0) * 1000) / Math.max(linked, 1);
    console.log(
      `${''.padStart(7)} | chaining paused: ${deferred.perSecond.toFixed(0)}/s (${(deferred.perSecond / bare.perSecond).toFixed(2)}), per transaction ${us(deferred.wallUs)}, ${us(deferred.nodeUs)}, ${us(deferred.serverUs)} µs; ` +
        `then ${linked} rows chained at ${us(chainUs)} µs each`,
    );
    // The same writers through the transition queue: one transition each, committed in groups.
    for (const [mode, label] of [['queue', 'through the queue, a context per request'], ['queue-shared', 'through the queue, one context']] as const) {
      const queued = await run(w, mode);
      console.log(
        `${''.padStart(7)} | ${label}: ${queued.perSecond.toFixed(0)}/s (${(queued.perSecond / bare.perSecond).toFixed(2)} of bare, ${(queued.perSecond / fired.perSecond).toFixed(2)}× lifecycle), ` +
          `${queued.group.toFixed(1)} transitions per transaction, ${pool ? queued.roundTrips.toFixed(2) : 'n/a'} round trips per transition; per transition ${us(queued.wallUs)}, ${us(queued.nodeUs)}, ${us(queued.serverUs)} µs`,
      );
    }
  }
  const t = performance.now();
  await db.transaction().execute((trx) => lifecycle.fire(trx, RECORD_MACHINE, batchIds, 'withdraw', { actor, at: new Date(), reason: '基准测试', facts: { today: '2026-11-21' } }));
  const batchSeconds = (performance.now() - t) / 1000;
  console.log(`one fire of ${batchIds.length} records (a batch withdrawn at once): ${batchSeconds.toFixed(2)} s, ${(batchIds.length / batchSeconds).toFixed(0)} transitions/s`);
  console.log(`load average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // Stop the chainer and let a pass under way finish before the pool and the database go.
  audit.stopChaining();
  await audit.chain();
  if (pool) await db.destroy();
} finally {
  await engine.close();
  await dropDb();
  fs.rmSync(dir, { recursive: true, force: true });
}
