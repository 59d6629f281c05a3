/**
 * kill -9 in the middle of an import (ADR 0003): the platform runs as a child process, takes the
 * batch's import job and is killed with SIGKILL after some chunks committed. A second process
 * takes the job again once its lease has run out and finishes the batch from its resume point:
 * every row imported exactly once.
 *
 * PostgreSQL only: the test watches the import from its own connection while the server runs,
 * which the embedded database (one process per data directory) does not allow. On PGlite a job
 * left running is handed back at the next start (jobs.release(), platform.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { makeUscc, penaltyRow } from './fixtures.js';
import { ENGINE, freshDatabase } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');
const ROWS = 12_000;
const DEPT = makeUscc('11', '350100', 951);

function csv(n: number): string {
  const first = penaltyRow(DEPT, 1);
  const columns = Object.keys(first);
  const lines = [columns.join(',')];
  for (let i = 1; i <= n; i++) {
    const r = penaltyRow(DEPT, 100_000 + i);
    lines.push(columns.map((c) => r[c] ?? '').join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`an import killed with kill -9 on ${ENGINE}`, { skip: ENGINE !== 'postgres' ? 'PostgreSQL only: the embedded database cannot be watched from a second process' : false }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it('is taken again after its lease and finishes with every row exactly once', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-kill-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const keyFile = path.join(dataDir, 'keys.json');
    fs.writeFileSync(keyFile, generateKeyFileContent(), { mode: 0o600 });
    const env = { DATA_DIR: dataDir, DATABASE_URL: db.url ?? '', KEY_FILE: keyFile, DEMO_DATA: 'off', JOB_LEASE_SECONDS: '3', JOB_POLL_MS: '200', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' };

    // The department, its grant and the accepted file (its import job waiting), written by a
    // platform in this process that runs no jobs.
    const setup = await startPlatform(loadConfig(env), pino({ level: 'silent' }), { jobs: false, maintenance: true });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await setup.identity.createDepartment({ name: '福州市交通运输局', uscc: DEPT }, admin);
    await setup.collection.setGrants(dept.id, ['CF'], admin);
    const clerk = { id: 'clerk-1', name: 'clerk-1', roles: ['submitter'], departmentId: dept.id, ip: null, requestId: null };
    const batch = await setup.collection.acceptFile({ actor: clerk, departmentId: dept.id }, 'CF', '一万二千条.csv', Readable.from([Buffer.from(csv(ROWS))]));
    await setup.close();

    const watch = new pg.Client({ connectionString: db.url });
    await watch.connect();
    cleanups.push(() => watch.end());
    const state = async () =>
      (await watch.query<{ status: string; next_row: number; accepted: number; rejected: number; created_records: number }>('select status, next_row, accepted, rejected, created_records from import_batch where id = $1', [batch.id])).rows[0];
    const job = async () => (await watch.query<{ status: string; attempts: number }>("select status, attempts from job where kind = 'import'")).rows[0];

    const start = (): ChildProcess => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
      cleanups.push(async () => void child.kill('SIGKILL'));
      return child;
    };

    // First process: killed once at least one chunk committed and before the last.
    const first = start();
    const firstExit = new Promise<NodeJS.Signals | null>((resolve) => first.on('exit', (_code, signal) => resolve(signal)));
    for (let i = 0; ; i++) {
      assert.ok(i < 1200, 'the first process did not start importing within two minutes');
      const s = await state();
      assert.equal(s?.status, 'importing', 'the import finished before it could be killed: make the file larger');
      if ((s?.next_row ?? 0) > 2) break;
      await sleep(100);
    }
    first.kill('SIGKILL');
    assert.equal(await firstExit, 'SIGKILL');
    const cut = await state();
    assert.equal(cut?.status, 'importing');
    assert.ok((cut?.accepted ?? 0) > 0 && (cut?.accepted ?? 0) < ROWS, `cut part-way (${cut?.accepted} of ${ROWS})`);
    assert.deepEqual(await job(), { status: 'running', attempts: 1 }, 'the job is still held by the dead process');

    // Second process: takes the job again once the lease has run out, finishes from the resume point.
    const second = start();
    for (let i = 0; ; i++) {
      assert.ok(i < 1800, 'the second process did not finish the import within three minutes');
      if ((await state())?.status === 'imported') break;
      await sleep(100);
    }
    const done = await state();
    assert.deepEqual([done?.accepted, done?.rejected, done?.created_records], [ROWS, 0, ROWS], 'every row once');
    const records = await watch.query<{ n: number }>('select count(*)::int as n, count(distinct document_number)::int as d from record where batch_id = $1', [batch.id]);
    assert.equal(records.rows[0]?.n, ROWS);
    const chunks = await watch.query<{ rows: string }>("select details->>'rows' as rows from audit_log where event = 'collection.chunk' and object_id = $1 order by seq", [batch.id]);
    const ranges = chunks.rows.map((r) => r.rows.split('-').map(Number) as [number, number]);
    assert.equal(ranges.reduce((n, [a, b]) => n + b - a + 1, 0), ROWS, 'chunk ranges cover the file once');
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]?.[0], (ranges[i - 1]?.[1] ?? 0) + 1, 'each chunk starts where the one before ended');
    assert.equal(await job(), undefined, 'the job is gone');

    const exited = new Promise<void>((resolve) => second.on('exit', () => resolve()));
    second.kill('SIGTERM');
    await exited;
  });
});
