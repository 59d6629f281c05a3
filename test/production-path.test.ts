import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { APP_ROLE, ENGINE, ensureLoginRole, freshDatabase, urlAs } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function npm(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(url: string, child: ChildProcess, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      return await fetch(url);
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * The README's production path, step by step, as an operator types it: keys, `db:migrate` and
 * `db:grant` as the owner, then `npm start` as the application role — which serves, is ready and
 * gives no least-privilege warning; started before the owner has migrated, it says what to run.
 */
describe(`the production path (owner migrates and grants, the application role runs) on ${ENGINE}`, { skip: ENGINE !== 'postgres' && 'roles exist only on a PostgreSQL server (set DATABASE_URL)' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-prod-'));
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keys:generate, db:migrate and db:grant as the owner, npm start as the application role', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const ownerUrl = db.url as string;
    // The database administrator's step (create role … login password '…'); trust auth here.
    await ensureLoginRole(ownerUrl, APP_ROLE);
    const appUrl = urlAs(ownerUrl, APP_ROLE);
    const keyFile = path.join(dir, 'keys.json');
    const env = { KEY_FILE: keyFile, DATA_DIR: path.join(dir, 'data'), DEMO_DATA: 'off' };

    const keys = npm(['run', 'keys:generate', '--', keyFile], {});
    assert.equal(keys.status, 0, keys.stderr);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);

    // Started as the application role before the owner has migrated: one line saying what to run.
    const early = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, ...env, DATABASE_URL: appUrl, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(early.status, 1, early.stderr);
    assert.equal(early.stderr.trim().split('\n').length, 1, early.stderr);
    assert.match(early.stderr, new RegExp(`role ${APP_ROLE} may not change the schema — run \`DATABASE_URL=<owner> npm run db:migrate\`, then \`DATABASE_URL=<owner> npm run db:grant -- ${APP_ROLE}\``));

    const migrated = npm(['run', 'db:migrate'], { ...env, DATABASE_URL: ownerUrl });
    assert.equal(migrated.status, 0, migrated.stderr);
    assert.match(migrated.stdout, /已执行迁移/);
    const granted = npm(['run', 'db:grant', '--', APP_ROLE], { ...env, DATABASE_URL: ownerUrl });
    assert.equal(granted.status, 0, granted.stderr);
    assert.match(granted.stdout, new RegExp(`已授权：角色 ${APP_ROLE}`));

    const port = await freePort();
    const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, ...env, DATABASE_URL: appUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    });
    const health = await waitFor(`http://127.0.0.1:${port}/healthz`, child, 60_000);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200, await ready.clone().text());
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    assert.match(out, /信用 Xinyong 已启动/);
    assert.doesNotMatch(out, /can delete audit rows/, 'no owner/superuser warning for the application role');
    process.kill(-(child.pid as number), 'SIGTERM');
    await exited;
  });
});
