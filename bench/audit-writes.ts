/**
 * Audited writes per second: W concurrent writers, each looping over a small transaction — one
 * domain row, and (audited) its audit row through the platform's AuditLog — for a few seconds,
 * against the same loop without the audit row (the physical baseline, measured in the same run).
 * Prints commits/s, the ratio to the baseline, and how long the chain took to catch up after the
 * writers stopped (the audit rows are linked into the hash chain after commit: docs/adr/0004).
 *
 *   DATABASE_URL=postgres://… npm run bench:audit -- [--seconds 3] [--writers 1,2,8,32]
 *   npm run bench:audit                                                (embedded PGlite)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { AuditLog, type AuditEvent } from '../server/modules/audit/index.js';
import type { AuditTables } from '../server/modules/audit/index.js';
import { systemClock } from '../server/platform/clock.js';
import { openEngine } from '../server/platform/db/engine.js';
import { migrate } from '../server/platform/db/migrate.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' }, writers: { type: 'string', default: '1,2,8,32' } } });
const seconds = Number(values.seconds);
const writerCounts = values.writers.split(',').map(Number);
const base = process.env.DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-audit-'));

type BenchDb = AuditTables & { bench_write: { id: Generated<number>; writer: number; n: number; note: string } };

let url: string | undefined;
let dropDb = async () => {};
if (base) ({ url, drop: dropDb } = await benchDatabase(base));
const engine = await openEngine<BenchDb>({ databaseUrl: url, pgliteDir: url ? undefined : path.join(dir, 'pg') });
try {
  await migrate(engine);
  await sql`create table bench_write (id bigserial primary key, writer int not null, n int not null, note text not null)`.execute(engine.db);
  // On a server each writer gets its own connection (the platform's pool has 10); PGlite has one.
  const pool = url ? new pg.Pool({ connectionString: url, max: Math.max(...writerCounts) + 2 }) : undefined;
  const db: Kysely<BenchDb> = pool ? new Kysely<BenchDb>({ dialect: new PostgresDialect({ pool }) }) : engine.db;
  const audit = new AuditLog(db, systemClock, path.join(dir, 'checkpoints.jsonl'), randomBytes(32));
  const event = (w: number, n: number): AuditEvent => ({
    category: 'business',
    event: 'bench.write',
    actor: { id: `writer${w}`, name: `writer${w}`, roles: ['creditOffice'], departmentId: null, ip: '127.0.0.1', requestId: `r${w}-${n}` },
    objectType: 'benchWrite',
    objectId: `${w}-${n}`,
    result: 'success',
    details: { n, note: '基准测试' },
  });

  /** `serialized`: each audited transaction also takes one global advisory lock until its commit, as every audited write did before migration 0021 (the design this replaced). */
  const run = async (writers: number, audited: boolean, serialized = false): Promise<number> => {
    const until = performance.now() + seconds * 1000;
    let commits = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; performance.now() < until; n++) {
          await db.transaction().execute(async (trx) => {
            await trx.insertInto('bench_write').values({ writer: w, n, note: '基准测试' }).execute();
            if (serialized) await sql`select pg_advisory_xact_lock(73789)`.execute(trx);
            if (audited) await audit.record(trx, event(w, n));
          });
          commits++;
        }
      }),
    );
    return commits / ((performance.now() - t0) / 1000);
  };

  const unchained = async () => (await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('chain_pos', 'is', null).executeTakeFirstOrThrow()).n;
  const engineName = url ? 'PostgreSQL' : 'PGlite';
  console.log(`audited writes on ${engineName}, ${seconds} s per run (commits/s; ratio = audited / without audit)`);
  console.log('unchained at end: audit rows committed but not yet linked when the writers stopped; catch-up: time to link them');
  console.log('audited, one lock: the same with one global lock held to commit, as before the chain moved after commit');
  console.log('writers | without audit | audited | ratio | audited, one lock | ratio | unchained at end | catch-up ms');
  for (const w of writerCounts) {
    await run(w, false); // warm-up of connections and plans, not counted
    const bare = await run(w, false);
    const locked = await run(w, true, true);
    await audit.chain();
    const audited = await run(w, true);
    const left = await unchained();
    const t = performance.now();
    await audit.chain();
    const catchUp = performance.now() - t;
    console.log(`${String(w).padStart(7)} | ${bare.toFixed(0).padStart(13)} | ${audited.toFixed(0).padStart(7)} | ${(audited / bare).toFixed(2)} | ${locked.toFixed(0).padStart(17)} | ${(locked / bare).toFixed(2)} | ${String(left).padStart(16)} | ${catchUp.toFixed(0).padStart(11)}`);
  }
  const v = await audit.verify();
  console.log(`chain: ${v.intact ? 'intact' : `broken at ${v.firstBroken}: ${v.reason}`}, ${v.count} rows`);
  if (pool) await db.destroy();
} finally {
  await engine.close();
  await dropDb();
  fs.rmSync(dir, { recursive: true, force: true });
}
