/**
 * Withdrawal → absent on the other process (issue #13: p99 ≤ 1 s). Two platform processes on one
 * PostgreSQL: A (this process) withdraws records through its credit-office route; B (a child
 * process, listening on HTTP) is asked, from the moment A's withdrawal has committed, until none of
 * its public outputs shows the record — the profile (kept by B before), the record's own page, the
 * search result's markers (kept by B) and the headline figures (kept by B). Each round first warms
 * B's caches with the record present. Printed: p50/p95/p99/max of commit → first request on B that
 * no longer shows it, and two physical baselines measured in the same run:
 *   - NOTIFY → LISTEN: a bare `select pg_notify` committed on one connection until another hears it;
 *   - one round of the same four GETs to B when nothing changed (what one check costs).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:withdrawal -- [--rounds 200]
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { chinaToday } from '../common/dates.js';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import type { Principal } from '../server/platform/policy.js';
import { makeUscc, penaltyRow } from '../test/fixtures.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' }, serve: { type: 'boolean', default: false }, url: { type: 'string' }, keys: { type: 'string' }, dir: { type: 'string' } } });
const silent = pino({ level: 'silent' });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
function summary(xs: number[]): string {
  const s = [...xs].sort((x, y) => x - y);
  return `p50 ${ms(percentile(s, 50))}, p95 ${ms(percentile(s, 95))}, p99 ${ms(percentile(s, 99))}, max ${ms(s.at(-1) ?? NaN)} (n=${s.length})`;
}

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    console.error('set DATABASE_URL (PostgreSQL): two processes need a server database');
    process.exit(1);
  }
  const rounds = Number(values.rounds);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-withdrawal-'));
  const keyFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keyFile, generateKeyFileContent(), { mode: 0o600 });
  const bdb = await benchDatabase(base);
  const officer: Principal = { kind: 'user', id: 'bench', name: 'bench', departmentId: null, stage: 'full', roles: ['creditOffice'] };
  fs.mkdirSync(path.join(dir, 'a'));
  fs.mkdirSync(path.join(dir, 'b'));
  const a = await startPlatform(loadConfig({ DATABASE_URL: bdb.url, KEY_FILE: keyFile, DATA_DIR: path.join(dir, 'a'), DEMO_DATA: 'off', LOG_LEVEL: 'silent' }), silent, {
    jobs: false,
    authenticate: async (req) => (req.headers['x-bench'] === 'officer' ? officer : null),
  });
  const child = fork(new URL(import.meta.url).pathname, ['--serve', '--url', bdb.url, '--keys', keyFile, '--dir', path.join(dir, 'b')], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`process B exited (${code})`)));
    });
    const B = `http://127.0.0.1:${port}`;
    const get = async (p: string) => {
      const r = await fetch(`${B}${p}`);
      return { status: r.status, body: await r.text() };
    };

    // Records: one penalty each for `rounds` organizations, in publicity now.
    const setup = { id: 'bench', name: 'bench', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const DEPT = makeUscc('11', '350100', 7701);
    const dept = await a.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, setup);
    await a.collection.setGrants(dept.id, ['CF'], setup);
    const clerk = { actor: { ...setup, roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id };
    const decided = chinaToday(Date.now() - 5 * 86_400_000);
    const until = chinaToday(Date.now() + 200 * 86_400_000);
    const orgs = Array.from({ length: rounds }, (_, i) => ({ uscc: makeUscc('91', '350100', 70_000 + i), name: `福州撤销计时${String(i).padStart(4, '0')}贸易有限公司`, doc: `榕市监罚〔2026〕${70_000 + i}号` }));
    for (let i = 0; i < rounds; i += 1000) {
      const rows = orgs.slice(i, i + 1000).map((o, j) => penaltyRow(DEPT, 70_000 + i + j, { CF_XDR_MC: o.name, CF_XDR_SHXYM: o.uscc, CF_WSH: o.doc, CF_JDRQ: decided, CF_YXQ: until }));
      const batch = await a.collection.submitRecords(clerk, 'CF', `bench-${i}`, rows);
      if (batch.accepted !== rows.length) throw new Error(`only ${batch.accepted} of ${rows.length} accepted`);
    }
    const ids = new Map((await a.db.selectFrom('record').select(['id', 'document_number']).execute()).map((r) => [r.document_number, r.id]));

    // What B shows of organization i: true while any output still shows its penalty. Organizations
    // are withdrawn in order, so while i's penalty is in publicity the figures count rounds - i.
    const shows = async (i: number): Promise<boolean> => {
      const o = orgs[i]!;
      const id = ids.get(o.doc)!;
      const [profile, page, search, stats] = await Promise.all([
        get(`/api/public/v1/subjects/${o.uscc}`),
        get(`/api/public/v1/publicity/penalties/${id}`),
        get(`/api/public/v1/subjects?q=${encodeURIComponent(o.name)}`),
        get('/api/public/v1/statistics'),
      ]);
      const inProfile = profile.body.includes(id);
      const marked = (JSON.parse(search.body).items as { uscc: string; markers: unknown[] }[]).some((x) => x.uscc === o.uscc && x.markers.length > 0);
      const counted = (JSON.parse(stats.body) as { inPublicity: { penalties: number } }).inPublicity.penalties;
      return inProfile || page.status === 200 || marked || counted >= rounds - i;
    };

    // Baseline 1: NOTIFY committed on one connection → heard on another.
    const sender = new pg.Client({ connectionString: bdb.url });
    const listener = new pg.Client({ connectionString: bdb.url });
    await sender.connect();
    await listener.connect();
    await listener.query('listen bench_baseline');
    const notifyMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const heard = new Promise<number>((resolve) => listener.once('notification', () => resolve(performance.now())));
      await sender.query(`select pg_notify('bench_baseline', '')`);
      const t0 = performance.now(); // the autocommitted statement has returned: committed
      notifyMs.push(Math.max(0, (await heard) - t0));
    }
    await sender.end();
    await listener.end();

    // Baseline 2: one check of B (the four GETs) when nothing changes, after warming.
    const checkMs: number[] = [];
    for (let i = 0; i < Math.min(rounds, 50); i++) {
      await shows(i);
      const t0 = performance.now();
      if (!(await shows(i))) throw new Error('a record B should show is absent before its withdrawal');
      checkMs.push(performance.now() - t0);
    }

    // The measurement: warm B with the record present, withdraw on A, ask B until it is gone.
    const absentMs: number[] = [];
    let checks = 0;
    for (let i = 0; i < rounds; i++) {
      if (!(await shows(i))) throw new Error(`organization ${i}: absent on B before its withdrawal`);
      const w = await a.app.inject({ method: 'POST', url: `/api/v1/records/${ids.get(orgs[i]!.doc)}/withdraw`, headers: { 'x-bench': 'officer' }, payload: { reason: '决定已被撤销' } });
      if (w.statusCode !== 204) throw new Error(`withdrawal refused: ${w.statusCode} ${w.body}`);
      const t0 = performance.now(); // the withdrawal has committed
      for (;;) {
        checks++;
        if (!(await shows(i))) break;
        if (performance.now() - t0 > 10_000) throw new Error(`organization ${i}: still shown on B after 10 s`);
      }
      absentMs.push(performance.now() - t0);
    }

    console.log(`withdrawal on A → first request on B showing it nowhere (profile, record page, search markers, figures): ${summary(absentMs)}; ${(checks / rounds).toFixed(2)} checks per withdrawal`);
    console.log(`baseline NOTIFY → LISTEN between two bare connections: ${summary(notifyMs)}`);
    console.log(`baseline one check of B with nothing changed (4 GETs in parallel): ${summary(checkMs)}`);
    const s = (xs: number[]) => [...xs].sort((x, y) => x - y);
    console.log(`ratio p50 withdrawal→absent / (p50 NOTIFY + p50 check): ${(percentile(s(absentMs), 50) / (percentile(s(notifyMs), 50) + percentile(s(checkMs), 50))).toFixed(2)}; target p99 ≤ 1000 ms: ${percentile(s(absentMs), 99) <= 1000 ? 'met' : 'NOT met'}`);
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await a.close();
    await bdb.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (values.serve) {
  // Process B: the platform on the same database, serving HTTP; its port goes to the parent.
  const b = await startPlatform(loadConfig({ DATABASE_URL: values.url ?? '', KEY_FILE: values.keys ?? '', DATA_DIR: values.dir ?? '', DEMO_DATA: 'off', LOG_LEVEL: 'silent', PORTAL_RATE_LIMIT: '100000000' }), silent, { jobs: false });
  await b.app.listen({ port: 0, host: '127.0.0.1' });
  const address = b.app.server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
  process.on('message', (m) => {
    if (m === 'stop') void b.close().then(() => process.exit(0));
  });
} else {
  await main();
}
