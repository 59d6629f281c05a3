/**
 * Portal benchmark (PostgreSQL server): loads N subjects and M records through the demo COPY path
 * (publicity windows as collection computes them), starts the platform as its own process, and
 * runs autocannon (100 connections) against organization search (2-character queries taken from
 * real names) and profiles (random organizations), and, in the same run, against the physical
 * baselines in their own process: a bare Fastify route, and a bare route reading PostgreSQL once.
 * Prints req/s, p50/p95/p99, the ratio to the bare route's req/s, and the platform's RSS.
 * Targets (issue #5, 2 cores): search p95 ≤ 50 ms, profile p95 ≤ 30 ms.
 *
 *   DATABASE_URL=postgres://… npm run bench:portal -- --subjects 1540000 --records 5000000 [--cpu-prof DIR] [--only search|profile]
 *   (subjects are 65 % organizations: 1 540 000 gives the issue's million organizations)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { sql } from 'kysely';
import { pino } from 'pino';
import { demoPublication, startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateDemo } from '../server/modules/demo/index.js';
import { generateKeyFileContent, parseKeyMaterial } from '../server/platform/crypto/key-file.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '100000' }, records: { type: 'string', default: '500000' }, duration: { type: 'string', default: '20' }, keep: { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' }, only: { type: 'string' } } });
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('bench:portal needs DATABASE_URL (a PostgreSQL server); it creates and drops its own database');
  process.exit(1);
}
const ROOT = path.resolve(import.meta.dirname, '..');
const duration = Number(values.duration);
const db = await benchDatabase(base);
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
}

function run(url: string, setup?: (req: { path: string }) => { path: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ url, connections: 100, duration, ...(setup ? { requests: [{ setupRequest: setup }] } : {}) }, (err, result) =>
      err ? reject(err) : resolve({ result, latencies: latencies.sort((x, y) => x - y) }),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

function row(label: string, { result: r, latencies }: Run, baseline?: number): string {
  const rps = Math.round(r.requests.average);
  const bad = r.non2xx + r.errors + r.timeouts;
  const at = (p: number) => String(Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0)).padStart(4);
  return `${label.padEnd(18)}${String(rps).padStart(8)} req/s   p50 ${at(50)} ms   p95 ${at(95)} ms   p99 ${at(99)} ms${baseline ? `   ${(rps / baseline).toFixed(2)} of the bare route` : ''}${bad ? `   (${bad} non-2xx/errors)` : ''}`;
}

try {
  // The same keys for the loader and the server process (it reads them from KEY_MATERIAL).
  const keys = generateKeyFileContent();
  const keyMaterial = parseKeyMaterial(keys, 'KEY_MATERIAL');
  const config = { ...loadConfig({ DATABASE_URL: db.url }), demoData: 'off' as const };
  const loader = await startPlatform(config, pino({ level: 'warn' }), { keyMaterial, maintenance: true });
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const t0 = performance.now();
  const stats = await generateDemo(loader.engine.copyCsv, loader.cipher, loader.catalog.regions(), {
    subjects: Number(values.subjects), records: Number(values.records), seed: 5, until: today, batchSize: 20_000,
    publication: demoPublication(loader.catalog, loader.collection, today),
  });
  // A steady state: no autovacuum of the fresh rows during the runs, visibility map and statistics set.
  await sql`vacuum analyze`.execute(loader.db);
  console.log(`data              ${stats.organizations.toLocaleString('en-US')} organizations, ${stats.persons.toLocaleString('en-US')} persons, ${stats.records.toLocaleString('en-US')} records (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  // Queries as citizens type them: two characters of a real name; profiles of random organizations.
  const names = await sql<{ name: string; uscc: string }>`select name, uscc from subject where kind = 'organization' order by random() limit 2000`.execute(loader.db);
  const terms = names.rows.map((r) => {
    const chars = [...r.name.replace(/^(杭州|上城|拱墅|西湖|滨江|萧山|余杭|临平|钱塘|富阳|临安|桐庐|淳安|建德)/, '')];
    const i = Math.min(chars.length - 2, 1);
    return chars.slice(i, i + 2).join('');
  });
  const usccs = names.rows.map((r) => r.uscc);
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

  let n = 0;
  const pick = <T>(xs: T[]): T => xs[n++ % xs.length] as T;
  const bare = await run('http://127.0.0.1:39872/bare');
  const bareDb = await run('http://127.0.0.1:39872/bare-db');
  const baseline = bare.result.requests.average;
  console.log(`connections       100, ${duration} s each`);
  console.log(row('bare Fastify', bare));
  console.log(row('bare + 1 PG read', bareDb, baseline));
  // --only search|profile: one scenario (a clean CPU profile of it).
  if (values.only !== 'profile') {
    const search = await run('http://127.0.0.1:39871', (req) => ({ ...req, path: `/api/public/v1/subjects?q=${encodeURIComponent(pick(terms))}` }));
    console.log(row('search', search, baseline));
  }
  if (values.only !== 'search') {
    const profile = await run('http://127.0.0.1:39871', (req) => ({ ...req, path: `/api/public/v1/subjects/${pick(usccs)}` }));
    console.log(row('profile', profile, baseline));
  }
  // The platform's peak memory (Linux): the name index holds every organization.
  const platform = children[0]?.pid;
  const status = platform ? fs.readFileSync(`/proc/${platform}/status`, 'utf8') : '';
  const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
  if (status) console.log(`platform RSS      ${mb('VmRSS')} MB now, ${mb('VmHWM')} MB at peak`);
} finally {
  // The server must let go of the database before it is dropped.
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))));
  if (!values.keep) await db.drop();
}
