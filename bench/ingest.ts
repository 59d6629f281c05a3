/**
 * Ingest benchmark: generates a 双公示 penalty CSV (every 20th row invalid), imports it through
 * the platform's collection path (store encrypted → whole-file pass → validate → subjects →
 * records with versions, chunk by chunk), and in the same run COPYs the same CSV into an
 * unindexed staging table as the physical baseline, then moves those staged rows into the record
 * table with one INSERT … SELECT (the schema's ceiling: its indexes, no validation). Prints rows/s
 * for each, the ratios and the peak RSS. Penalties are spread over a pool of companies (rows/10 by default), as in real data.
 *
 *   DATABASE_URL=postgres://… npm run bench:ingest -- --rows 1000000
 *   npm run bench:ingest -- --rows 200000            (embedded PGlite)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, pool: { type: 'string' } } });
const rows = Number(values.rows);
const pool = Number(values.pool ?? Math.max(Math.round(rows / 10), 1));
const base = process.env.DATABASE_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-ingest-'));
const file = path.join(dir, 'penalties.csv');
const DEPT = makeUscc('11', '350100', 7);

// ---- the file ---------------------------------------------------------------------------------
const columns = Object.keys(penaltyRow(DEPT, 0));
const companies = Array.from({ length: pool }, (_, i) => makeUscc('91', '350100', 100_000 + i));
{
  const out = fs.createWriteStream(file);
  out.write(`${columns.join(',')}\n`);
  for (let i = 1; i <= rows; i++) {
    const c = i % pool;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const r = penaltyRow(DEPT, i, {
      CF_XDR_MC: `福州测试${c}贸易有限公司`,
      CF_XDR_SHXYM: companies[c] ?? '',
      CF_JDRQ: `2026-0${1 + (i % 9)}-${day}`,
      CF_YXQ: `2027-0${1 + (i % 9)}-${day}`,
      ...(i % 20 === 0 ? { CF_NR_FK: '' } : {}),
    });
    const line = `${columns.map((k) => r[k] ?? '').join(',')}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}
const bytes = fs.statSync(file).size;

// ---- a fresh database -------------------------------------------------------------------------
let url: string | undefined;
let dropDb = async () => {};
if (base) ({ url, drop: dropDb } = await benchDatabase(base));

try {
  const keyMaterial = { current: 1, keys: new Map([[1, { id: 1, enc: randomBytes(16), mac: randomBytes(32) }]]), blindIndex: randomBytes(32) };
  const config = { ...loadConfig({ DATA_DIR: path.join(dir, 'data'), ...(url ? { DATABASE_URL: url } : {}), IMPORT_MAX_MB: '4000' }), demoData: 'off' as const };
  const platform = await startPlatform(config, pino({ level: 'warn' }), { keyMaterial, maintenance: true });
  const admin = { id: 'bench', name: 'bench', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const dept = await platform.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
  await platform.collection.setGrants(dept.id, ['CF'], admin);

  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const batch = await platform.collection.acceptFile({ actor: { ...admin, departmentId: dept.id }, departmentId: dept.id }, 'CF', 'penalties.csv', fs.createReadStream(file));
  const tAccepted = performance.now();
  const done = await platform.collection.run(batch.id);
  const t1 = performance.now();
  clearInterval(sampler);
  const importSeconds = (t1 - t0) / 1000;

  // Baseline: the same CSV, COPY into a table with one text column per field and no index.
  await sql.raw(`create table bench_staging (${columns.map((c) => `${c.toLowerCase()} text`).join(', ')})`).execute(platform.db);
  const csv = fs.readFileSync(file, 'utf8');
  const body = csv.slice(csv.indexOf('\n') + 1);
  const c0 = performance.now();
  const CHUNK = 20 * 1024 * 1024;
  for (let start = 0; start < body.length; ) {
    let end = Math.min(start + CHUNK, body.length);
    while (end < body.length && body[end - 1] !== '\n') end++;
    await platform.engine.copyCsv('bench_staging', columns.map((c) => c.toLowerCase()), body.slice(start, end));
    start = end;
  }
  const copySeconds = (performance.now() - c0) / 1000;

  // The schema's own ceiling: the staged rows moved into \`record\` (its unique key, secondary
  // indexes, subject foreign key and jsonb) by one INSERT … SELECT inside the database — no
  // validation, no subjects resolved, no round trips. No import through this schema can be faster.
  const s0 = performance.now();
  const moved = await sql<{ n: number }>`
    with moved as (
      insert into record (item_code, item_version, subject_id, provider_uscc, department_id, document_number, decision_date, data, batch_id,
                          severity, state, publishable, publicity_start, publicity_end, publicity_rule)
      select 'CEILING', 1, s.id, st.cf_sjlydm, ${dept.id}::uuid, st.cf_wsh, st.cf_jdrq::date, to_jsonb(st), ${batch.id}::uuid,
             'general', 'in_publicity', true, st.cf_jdrq::date, st.cf_yxq::date, 'bench'
      from bench_staging st join subject s on s.uscc = st.cf_xdr_shxym
      returning 1)
    select count(*)::int as n from moved`.execute(platform.db);
  const ceilingSeconds = (performance.now() - s0) / 1000;
  const ceilingRows = moved.rows[0]?.n ?? 0;
  await platform.close();

  const rate = Math.round(rows / importSeconds);
  const copyRate = Math.round(rows / copySeconds);
  console.log(`engine            ${platform.engine.kind}${base ? '' : ' (embedded)'}`);
  console.log(`file              ${rows.toLocaleString('en-US')} rows, ${(bytes / 1048576).toFixed(1)} MB, ${pool.toLocaleString('en-US')} companies`);
  console.log(`import            ${importSeconds.toFixed(1)} s (store + whole-file pass ${((tAccepted - t0) / 1000).toFixed(1)} s) → ${rate.toLocaleString('en-US')} validated rows/s`);
  console.log(`                  accepted ${done.accepted}, rejected ${done.rejected}, records created ${done.created_records}`);
  console.log(`baseline COPY     ${copySeconds.toFixed(1)} s → ${copyRate.toLocaleString('en-US')} rows/s into an unindexed staging table`);
  console.log(`ratio             ${(rate / copyRate).toFixed(2)} of raw COPY`);
  const ceilingRate = Math.round(ceilingRows / ceilingSeconds);
  console.log(`schema ceiling    ${ceilingSeconds.toFixed(1)} s → ${ceilingRate.toLocaleString('en-US')} rows/s: the staged rows INSERT … SELECT into record (its indexes, no validation)`);
  console.log(`                  ${(ceilingRate / copyRate).toFixed(2)} of raw COPY; the import reaches ${(rate / ceilingRate).toFixed(2)} of it`);
  console.log(`peak RSS          ${Math.round(peak / 1048576)} MB (before import ${Math.round(rssBefore / 1048576)} MB)`);
} finally {
  await dropDb();
  fs.rmSync(dir, { recursive: true, force: true });
}
