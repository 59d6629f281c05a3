/**
 * Bulk-load benchmark (PostgreSQL server only): generates and loads N subjects and M records
 * through the platform's COPY path, then measures the physical baseline in the same run: a raw
 * COPY of the same record rows into an unindexed table without constraints. Prints rows/s and
 * the ratio. Usage: DATABASE_URL=postgres://… npm run bench:load -- [subjects] [records]
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { sql } from 'kysely';
import { demoPublication, startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateDemo } from '../server/modules/demo/index.js';
import { benchDatabase } from './database.js';

const base = process.env.DATABASE_URL;
if (!base) {
  console.error('bench:load needs DATABASE_URL (a PostgreSQL server); the benchmark creates and drops its own database');
  process.exit(1);
}
const subjects = Number(process.argv[2] ?? 50_000);
const records = Number(process.argv[3] ?? 500_000);
const db = await benchDatabase(base);

try {
  const keyMaterial = { current: 1, keys: new Map([[1, { id: 1, enc: randomBytes(16), mac: randomBytes(32) }]]), blindIndex: randomBytes(32) };
  const platform = await startPlatform({ ...loadConfig({ DATABASE_URL: db.url }), demoData: 'off' }, pino({ level: 'warn' }), { keyMaterial });
  const stats = await generateDemo(platform.engine.copyCsv, platform.cipher, platform.catalog.regions(), {
    subjects, records, seed: 1, until: '2026-11-21', batchSize: 20_000, publication: demoPublication(platform.catalog, platform.collection, '2026-11-21'),
  });

  // Baseline: the same rows (up to 500k, enough for a stable rate), raw COPY into a table with no
  // index, key or constraint.
  await sql`create table bench_plain as select item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data from record with no data`.execute(platform.db);
  const csvRows = await sql<{ line: string }>`select format('%s,%s,%s,%s,%s,%s,%s', item_code, item_version, subject_id, provider_uscc, '"' || replace(document_number, '"', '""') || '"', decision_date, '"' || replace(data::text, '"', '""') || '"') as line from record limit 500000`.execute(platform.db);
  const chunks: string[] = [];
  for (let i = 0; i < csvRows.rows.length; i += 20_000) chunks.push(`${csvRows.rows.slice(i, i + 20_000).map((r) => r.line).join('\n')}\n`);
  const t0 = Date.now();
  for (const c of chunks) await platform.engine.copyCsv('bench_plain', ['item_code', 'item_version', 'subject_id', 'provider_uscc', 'document_number', 'decision_date', 'data'], c);
  const rawRate = Math.round(csvRows.rows.length / Math.max((Date.now() - t0) / 1000, 0.001));
  await platform.close();

  console.log(`subjects ${stats.persons + stats.organizations}: ${stats.subjectsPerSecond} rows/s (generate + encrypt + COPY)`);
  console.log(`records  ${stats.records}: ${stats.recordsPerSecond} rows/s (generate + COPY into record with its indexes and foreign key)`);
  console.log(`baseline raw COPY of the same record rows, no indexes: ${rawRate} rows/s`);
  console.log(`ratio records/baseline: ${(stats.recordsPerSecond / rawRate).toFixed(2)}`);
} finally {
  await db.drop();
}
