/**
 * Record transitions per second through the one lifecycle path (server/modules/records/lifecycle.ts):
 * each transaction fires one transition on one record — the state written, its record_event row,
 * its audit row, its outbox row and the change notification — from W concurrent writers for a few
 * seconds; against the physical baseline measured in the same run: the same loop doing a bare
 * single-row UPDATE of the record and one INSERT into an event table with no audit or outbox.
 * Then one fire of a whole batch (a reviewer approving thousands), as transitions/s.
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
import { Lifecycle, RECORD_MACHINE } from '../server/modules/records/index.js';
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
  const subject = await sql<{ id: string }>`insert into subject (kind, org_type, name, uscc) values ('organization', 'enterprise', '福州基准测试有限公司', '91350100MA00000000') returning id`.execute(engine.db);
  const subjectId = subject.rows[0]?.id ?? '';
  // Records in publicity (as the demo loads them), and a bare event table for the baseline.
  const load = async (prefix: string, n: number) =>
    sql`insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, severity, state, publishable, publicity_start, publicity_end)
        select 'CF', 1, ${subjectId}::uuid, '113501000000000007', ${prefix} || g, '2026-06-01', '{}', 'general', 'in_publicity', true, '2026-06-01', '2099-01-01'
        from generate_series(1, ${n}) g`.execute(engine.db);
  await load('bench-', recordCount);
  await load('batch-', batchSize);
  await sql`create table bench_event (id bigserial primary key, record_id uuid not null, event text not null, at timestamptz not null)`.execute(engine.db);
  const ids = (await sql<{ id: string }>`select id from record where document_number like 'bench-%' order by id`.execute(engine.db)).rows.map((r) => r.id);
  const batchIds = (await sql<{ id: string }>`select id from record where document_number like 'batch-%' order by id`.execute(engine.db)).rows.map((r) => r.id);

  const pool = url ? new pg.Pool({ connectionString: url, max: Math.max(...writerCounts) + 2 }) : undefined;
  const db: Kysely<unknown> = pool ? new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }) : engine.db;
  const audit = new AuditLog(db as never, systemClock, path.join(dir, 'checkpoints.jsonl'), randomBytes(32));
  const lifecycle = new Lifecycle(audit);
  const actor: Actor = { id: 'bench', name: 'bench', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
  // Each writer owns its slice of records, so writers never wait on each other's row locks.
  const disputed = new Map<string, boolean>();

  const run = async (writers: number, mode: 'bare' | 'lifecycle'): Promise<number> => {
    const until = performance.now() + seconds * 1000;
    let commits = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const mine = ids.filter((_, i) => i % writers === w);
        for (let n = 0; performance.now() < until; n++) {
          const id = mine[n % mine.length] as string;
          const on = !(disputed.get(id) ?? false);
          await db.transaction().execute(async (trx) => {
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
    return commits / ((performance.now() - t0) / 1000);
  };

  const engineName = url ? 'PostgreSQL' : 'PGlite';
  console.log(`record transitions on ${engineName}, ${seconds} s per run, ${recordCount} records (transitions/s, one per transaction)`);
  console.log('bare: UPDATE record (one row) + INSERT into an event table; lifecycle: fire() — state, record_event, audit row, outbox row, notification');
  console.log('writers | bare UPDATE+INSERT | lifecycle | ratio');
  for (const w of writerCounts) {
    await run(w, 'bare'); // warm-up of connections and plans, not counted
    const bare = await run(w, 'bare');
    const fired = await run(w, 'lifecycle');
    console.log(`${String(w).padStart(7)} | ${bare.toFixed(0).padStart(18)} | ${fired.toFixed(0).padStart(9)} | ${(fired / bare).toFixed(2)}`);
  }
  const t = performance.now();
  await db.transaction().execute((trx) => lifecycle.fire(trx, RECORD_MACHINE, batchIds, 'withdraw', { actor, at: new Date(), reason: '基准测试', facts: { today: '2026-11-21' } }));
  const batchSeconds = (performance.now() - t) / 1000;
  console.log(`one fire of ${batchIds.length} records (a batch withdrawn at once): ${batchSeconds.toFixed(2)} s, ${(batchIds.length / batchSeconds).toFixed(0)} transitions/s`);
  if (pool) await db.destroy();
} finally {
  await engine.close();
  await dropDb();
  fs.rmSync(dir, { recursive: true, force: true });
}
