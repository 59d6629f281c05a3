/**
 * Portal benchmark (PostgreSQL server): loads N subjects and M records through the demo COPY path
 * (publicity windows as collection computes them), starts the platform as its own process, and
 * runs autocannon (100 connections) against organization search (2-character queries taken from
 * real names) and profiles — of 2 000 random organizations asked for again and again (the platform
 * keeps profiles as sent until records change), of a new random organization each request (read as
 * stored by the platform's pass, migration 0025: the run waits for the pass first), and of a new one
 * whose stored profile was dropped (built from the standing, as after a change) — and, in the same
 * run, against the physical
 * baselines in their own process: a bare Fastify route, and a bare route reading PostgreSQL once.
 * Prints req/s, p50/p95/p99, the ratio to the bare route's req/s, and the platform's RSS.
 * Targets (issue #5, 2 cores): search p95 ≤ 50 ms, profile p95 ≤ 30 ms.
 *
 *   DATABASE_URL=postgres://… npm run bench:portal -- --subjects 1540000 --records 5000000 [--cpu-prof DIR] [--only search|profile]
 *   (subjects are 65 % organizations: 1 540 000 gives the issue's million organizations)
 *
 * Loading a million takes ~13 minutes; to measure repeatedly, load once and keep the database:
 *   … -- --subjects 1540000 --records 5000000 --load-only     (prints the database's name)
 *   … -- --reuse xinyong_bench_xxxxxx [--only …]               (kept; drop it by hand when done)
 * The kept database's keys (its persons' ID numbers are encrypted) wait in the temp directory, mode 0600.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { sql } from 'kysely';
import { pino } from 'pino';
import { demoPublication, startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateDemo } from '../server/modules/demo/index.js';
import { generateKeyFileContent, parseKeyMaterial } from '../server/platform/crypto/key-file.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '100000' }, records: { type: 'string', default: '500000' }, duration: { type: 'string', default: '20' }, keep: { type: 'boolean', default: false }, 'load-only': { type: 'boolean', default: false }, reuse: { type: 'string' }, 'cpu-prof': { type: 'string' }, only: { type: 'string' } } });
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('bench:portal needs DATABASE_URL (a PostgreSQL server); it creates and drops its own database');
  process.exit(1);
}
const ROOT = path.resolve(import.meta.dirname, '..');
const duration = Number(values.duration);
const db = await benchDatabase(base, values.reuse);
const keep = values.keep || values['load-only'] || values.reuse !== undefined;
const keysFile = path.join(os.tmpdir(), `${db.name}.keys`);
const children: ChildProcess[] = [];

/** A child process that prints `listening <port>` (the bare route) or serves /healthz (the platform). */
function serve(args: string[], env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<void> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = async () => {
      try {
        if ((await fetch(`http://127.0.0.1:${port}${args[0]?.includes('bare') ? '/bare' : '/healthz'}`)).ok) return resolve();
      } catch {
        /* not yet */
      }
      if (Date.now() - started > 120_000) return reject(new Error(`${args[0]} did not start`));
      setTimeout(() => void poll(), 250);
    };
    void poll();
  });
}

interface Run {
  result: Result;
  /** Every response's latency (ms), sorted: autocannon's own summary has p97.5 but no p95. */
  latencies: number[];
  /** CPU time per request (ms) of the server process and of all PostgreSQL processes: where the cores went. */
  cpu: { server: number; postgres: number };
}

/** CPU time used so far (ms; Linux, 100 clock ticks a second) by a process: utime + stime. */
function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0; // gone meanwhile
  }
}

/** CPU time used so far by each PostgreSQL process (server and backends), by pid. */
function postgresCpuMs(): Map<number, number> {
  const ms = new Map<number, number>();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') ms.set(Number(pid), cpuMs(Number(pid)));
    } catch {
      /* gone meanwhile */
    }
  }
  return ms;
}

/** PostgreSQL's CPU time since `before`: processes started meanwhile count whole; ones that ended are missed. */
function postgresCpuSince(before: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of postgresCpuMs()) ms += now - (before.get(pid) ?? 0);
  return ms;
}

function run(url: string, server: ChildProcess | undefined, setup?: (req: { path: string }) => { path: string }): Promise<Run> {
  const pid = server?.pid ?? 0;
  const before = { server: cpuMs(pid), postgres: postgresCpuMs() };
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, connections: 100, duration, ...(setup ? { requests: [{ setupRequest: setup }] } : {}) }, (err, result) => {
      if (err) return reject(err);
      const n = Math.max(1, result.requests.total);
      resolve({ result, latencies: latencies.sort((x, y) => x - y), cpu: { server: (cpuMs(pid) - before.server) / n, postgres: postgresCpuSince(before.postgres) / n } });
    });
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

function row(label: string, { result: r, latencies, cpu }: Run, baseline?: number): string {
  const rps = Math.round(r.requests.average);
  const bad = r.non2xx + r.errors + r.timeouts;
  const at = (p: number) => String(Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0)).padStart(4);
  const perRequest = `   ${(r.throughput.total / Math.max(1, r.requests.total) / 1024).toFixed(1)} KB, CPU/request: server ${cpu.server.toFixed(2)} ms, PostgreSQL ${cpu.postgres.toFixed(2)} ms`;
  return `${label.padEnd(18)}${String(rps).padStart(8)} req/s   p50 ${at(50)} ms   p95 ${at(95)} ms   p99 ${at(99)} ms${baseline ? `   ${(rps / baseline).toFixed(2)} of the bare route` : ''}${perRequest}${bad ? `   (${bad} non-2xx/errors)` : ''}`;
}

try {
  // The same keys for the loader and the server process (it reads them from KEY_MATERIAL).
  const keys = values.reuse ? fs.readFileSync(keysFile, 'utf8') : generateKeyFileContent();
  const keyMaterial = parseKeyMaterial(keys, 'KEY_MATERIAL');
  const config = { ...loadConfig({ DATABASE_URL: db.url }), demoData: 'off' as const };
  const loader = await startPlatform(config, pino({ level: 'warn' }), { keyMaterial, maintenance: true });
  if (!values.reuse) {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const t0 = performance.now();
    const stats = await generateDemo(loader.engine.copyCsv, loader.cipher, loader.catalog.regions(), {
      subjects: Number(values.subjects), records: Number(values.records), seed: 5, until: today, batchSize: 20_000,
      publication: demoPublication(loader.catalog, loader.collection, today),
    });
    // A steady state: no autovacuum of the fresh rows during the runs, visibility map and statistics set.
    await sql`vacuum analyze`.execute(loader.db);
    console.log(`data              ${stats.organizations.toLocaleString('en-US')} organizations, ${stats.persons.toLocaleString('en-US')} persons, ${stats.records.toLocaleString('en-US')} records (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  if (values['load-only']) {
    fs.writeFileSync(keysFile, keys, { mode: 0o600 });
    await loader.close();
    console.log(`kept              ${db.name}: measure with --reuse ${db.name}`);
    process.exit(0);
  }
  // Queries as citizens type them: two characters of a real name; profiles of random organizations,
  // the first 2 000 repeated, the others (more than a run asks for) each once, none of them kept.
  const names = await sql<{ name: string; uscc: string }>`select name, uscc from subject where kind = 'organization' order by random() limit 202000`.execute(loader.db);
  const hot = names.rows.slice(0, 2000);
  const terms = hot.map((r) => {
    const chars = [...r.name.replace(/^(杭州|上城|拱墅|西湖|滨江|萧山|余杭|临平|钱塘|富阳|临安|桐庐|淳安|建德)/, '')];
    const i = Math.min(chars.length - 2, 1);
    return chars.slice(i, i + 2).join('');
  });
  const usccs = hot.map((r) => r.uscc);
  const fresh = names.rows.slice(2000).map((r) => r.uscc as string);
  await loader.close();

  await serve(['server/main.ts'], { DATABASE_URL: db.url, DEMO_DATA: 'off', LOG_LEVEL: 'warn', PORTAL_RATE_LIMIT: '100000000', KEY_MATERIAL: keys, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-portal-')) }, 39_871,
    // --cpu-prof <dir>: the platform's CPU profile (written when it stops), for chrome://inspect or bench/cpu-top.ts.
    // As `npm start` runs it (package.json): a 64 MB young generation (see docs/operations.md).
    ['--max-semi-space-size=64', ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [])]);
  await serve(['bench/bare-fastify.ts'], { DATABASE_URL: db.url }, 39_872);
  // The platform answers /healthz before its name index has loaded; the first search waits for it.
  const warm = performance.now();
  if (!(await fetch(`http://127.0.0.1:39871/api/public/v1/subjects?q=${encodeURIComponent(terms[0] ?? '有限')}`)).ok) throw new Error('the warm-up search failed');
  console.log(`name index        loaded in ${((performance.now() - warm) / 1000).toFixed(1)} s after /healthz`);

  // The profiles as sent are stored by the platform's pass (job portal.profiles, migration 0025) after
  // it starts: a database loaded before has none. Wait for the pass, and say how fast it built them.
  const poll = new pg.Client({ connectionString: db.url });
  await poll.connect();
  const unbuilt = async () => Number((await poll.query<{ n: string }>('select count(*) as n from public_profile where answer is null')).rows[0]?.n ?? 0);
  const storeStart = performance.now();
  const toStore = await unbuilt();
  for (let left = toStore, last = performance.now(); left > 0; left = await unbuilt()) {
    if (performance.now() - storeStart > 60 * 60_000) throw new Error(`stored profiles: ${left} still unbuilt after an hour`);
    if (performance.now() - last > 30_000) {
      console.log(`stored profiles   ${(toStore - left).toLocaleString('en-US')} of ${toStore.toLocaleString('en-US')} built`);
      last = performance.now();
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const storeSeconds = (performance.now() - storeStart) / 1000;
  console.log(`stored profiles   ${toStore.toLocaleString('en-US')} built and stored by the platform's pass in ${storeSeconds.toFixed(0)} s${toStore ? ` (${Math.round(toStore / storeSeconds)}/s)` : ''}`);
  // The pass rewrote those rows: a steady state as autovacuum leaves it, as after loading (a read of a
  // row version just written sets its hint bits and dirties its page; dead versions stay in the index).
  if (toStore > 0) await poll.query('vacuum analyze public_profile');

  let n = 0;
  const pick = <T>(xs: T[]): T => xs[n++ % xs.length] as T;
  const [platform, bareServer] = children;
  const bare = await run('http://127.0.0.1:39872/bare', bareServer);
  const bareDb = await run('http://127.0.0.1:39872/bare-db', bareServer);
  const baseline = bare.result.requests.average;
  console.log(`connections       100, ${duration} s each`);
  console.log(row('bare Fastify', bare));
  console.log(row('bare + 1 PG read', bareDb, baseline));
  // --only search|profile: one scenario (a clean CPU profile of it).
  if (values.only !== 'profile') {
    const search = await run('http://127.0.0.1:39871', platform, (req) => ({ ...req, path: `/api/public/v1/subjects?q=${encodeURIComponent(pick(terms))}` }));
    console.log(row('search', search, baseline));
  }
  if (values.only !== 'search') {
    // Each of the 2 000 asked for once first: the run measures them asked for again, as kept.
    await Promise.all(Array.from({ length: 10 }, async (_, w) => {
      for (let i = w; i < usccs.length; i += 10) await (await fetch(`http://127.0.0.1:39871/api/public/v1/subjects/${usccs[i]}`)).arrayBuffer();
    }));
    const profile = await run('http://127.0.0.1:39871', platform, (req) => ({ ...req, path: `/api/public/v1/subjects/${pick(usccs)}` }));
    console.log(row('profile, again', profile, baseline));
    // Never asked for, on any process: answered as stored (one read by key).
    const stored = fresh.slice(0, fresh.length / 2);
    let m = 0;
    const cold = await run('http://127.0.0.1:39871', platform, (req) => ({ ...req, path: `/api/public/v1/subjects/${stored[m++ % stored.length] ?? ''}` }));
    console.log(row('profile, new', cold, baseline));
    if (m > stored.length) console.log(`                  (${m} requests: some organizations were asked for twice)`);
    // Never asked for and not stored (as right after a change to each): built from the standing and
    // the organization's row, then stored for the next request.
    const unstored = fresh.slice(fresh.length / 2);
    await poll.query('update public_profile set answer = null, tag = null where subject_id in (select id from subject where uscc = any($1))', [unstored]);
    let k = 0;
    const built = await run('http://127.0.0.1:39871', platform, (req) => ({ ...req, path: `/api/public/v1/subjects/${unstored[k++ % unstored.length] ?? ''}` }));
    console.log(row('profile, built', built, baseline));
  }
  // The platform's peak memory (Linux): the name index holds every organization.
  await poll.end();
  const status = platform?.pid ? fs.readFileSync(`/proc/${platform.pid}/status`, 'utf8') : '';
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
  if (status) console.log(`platform RSS      ${mb('VmRSS')} MB now, ${mb('VmHWM')} MB at peak`);
} finally {
  // The server must let go of the database before it is dropped.
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
  if (!keep) await db.drop();
}
