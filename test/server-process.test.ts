import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { ENGINE, freshDatabase } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals, group = true): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // already gone
  }
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-proc-'));
  tmpDirs.push(d);
  return d;
}

/** On the PostgreSQL pass the server needs an explicit key file (none is created beside a server database). */
function serverEnv(url: string | undefined): Record<string, string> {
  if (!url) return { DATABASE_URL: '' };
  const file = path.join(tmpDir(), 'keys.json');
  fs.writeFileSync(file, generateKeyFileContent(), { mode: 0o600 });
  return { DATABASE_URL: url, KEY_FILE: file, DEMO_DATA: 'on' };
}

/** Runs the server entry directly and expects it to fail fast. */
function runExpectingFailure(env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr.trim() };
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

describe(`the server process, started as the README says (npm start), on ${ENGINE}`, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('serves /healthz and /readyz, prints its URLs, and stops cleanly on SIGTERM', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tmpDir(), ...serverEnv(db.url), LOG_LEVEL: 'warn' },
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cleanups.push(async () => killGroup(child, 'SIGKILL'));
    const health = await waitFor(`http://127.0.0.1:${port}/healthz`, child, 60_000);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    assert.match(out, /信用 Xinyong 已启动/);
    assert.match(out, new RegExp(`http://127.0.0.1:${port}/docs`));
    assert.match(out, /演示数据/);
    // npm itself dies of the signal; what matters is that the port is released.
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    await exited;
    await new Promise((r) => setTimeout(r, 500));
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tmpDir(), ...serverEnv(db.url), DEMO_DATA: 'off', LOG_LEVEL: 'warn' },
    });
    cleanups.push(async () => killGroup(child, 'SIGKILL', false));
    await waitFor(`http://127.0.0.1:${port}/readyz`, child, 60_000);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('an unreachable DATABASE_URL ends the process with one clear line', () => {
    const r = runExpectingFailure({ ...serverEnv('postgres://postgres@127.0.0.1:1/nowhere'), DATA_DIR: tmpDir() });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /DATABASE_URL \(PostgreSQL 127\.0\.0\.1:1\/nowhere\) is unreachable/);
  });

  it('a malformed setting ends the process with one line naming it', () => {
    const r = runExpectingFailure({ PORT: 'eighty' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /PORT="eighty"/);
  });

  it('a server database without an explicit key ends the process with one line saying how to make one', () => {
    const r = runExpectingFailure({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', DATA_DIR: tmpDir() });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /neither KEY_FILE nor KEY_MATERIAL.*keys:generate/);
  });

  it('a missing or malformed key file ends the process with one line naming it', () => {
    const dir = tmpDir();
    const missing = runExpectingFailure({ KEY_FILE: path.join(dir, 'nope.json'), DATABASE_URL: process.env.DATABASE_URL ?? '', DATA_DIR: dir });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /KEY_FILE=.*nope\.json does not exist/);

    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'xinyong-keys/1', current: 1, keys: { '1': { enc: 'short', mac: 'x' } }, blindIndex: 'y' }));
    const malformed = runExpectingFailure({ KEY_FILE: bad, DATABASE_URL: process.env.DATABASE_URL ?? '', DATA_DIR: dir });
    assert.equal(malformed.status, 1);
    assert.equal(malformed.stderr.split('\n').length, 1, malformed.stderr);
    assert.match(malformed.stderr, /key file .*bad\.json is malformed at keys\.1\.enc/);
  });

  it('a port in use ends the process with one line naming PORT', async () => {
    const db = await freshDatabase();
    cleanups.push(db.drop);
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    cleanups.push(async () => void blocker.close());
    const r = runExpectingFailure({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tmpDir(), ...serverEnv(db.url), DEMO_DATA: 'off' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`PORT=${port} on 127.0.0.1 is already in use`));
  });
});
