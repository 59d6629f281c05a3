/**
 * A platform process killed (SIGKILL) in the middle of webhook deliveries, then started again:
 * every change still reaches the receiver, exactly once in effect (the receiver deduplicates by
 * idempotency key), in order per subject. PostgreSQL only: the embedded database is one process.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { appendChanges, type Change } from '../server/platform/outbox.js';
import { ENGINE, freshDatabase } from './helpers.js';
import { startReceiver, type Receiver } from './webhook-receiver.js';

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, ms: number, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (ENGINE === 'postgres') {
  describe('webhook deliveries across a kill -9 of the platform (PostgreSQL)', () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    });

    it('after a restart every change is received, exactly once in effect, in order per subject', async () => {
      const db = await freshDatabase();
      cleanups.push(db.drop);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-exchange-kill-'));
      cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
      const keyFile = path.join(dir, 'keys.json');
      fs.writeFileSync(keyFile, generateKeyFileContent(), { mode: 0o600 });
      const env = { DATABASE_URL: db.url!, KEY_FILE: keyFile, DATA_DIR: dir, DEMO_DATA: 'off', EXCHANGE_ALLOW_HTTP_LOCAL: 'on', EXCHANGE_TIMEOUT_MS: '1000' };

      // The receiver applies everything until told to stall: then it applies but never answers.
      let stall = false;
      const receiver: Receiver = await startReceiver({ behave: () => (stall ? 'applyThenHang' : 'ok') });
      cleanups.push(() => receiver.close());

      // Set up as an operator would: account, subscription, then 600 committed changes.
      const setup = await startPlatform(loadConfig(env), pino({ level: 'silent' }), { jobs: false });
      const subjects = Array.from({ length: 30 }, () => randomUUID());
      try {
        const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin', 'creditOffice'], departmentId: null, ip: null, requestId: null };
        const dept = await setup.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
        const account = await setup.signed.create({ name: '上级平台', departmentId: dept.id }, actor);
        await setup.exchange.create({ appKey: account.appKey, filter: 'all', webhookUrl: receiver.url }, actor);
        for (let round = 0; round < 20; round++) {
          const changes: Change[] = subjects.map((s) => ({ subjectId: s, objectType: 'record', objectId: `${s}:${round}`, event: 'publish', from: 'received', to: 'published', itemCode: 'CF', visibleBefore: false, visibleAfter: true, at: new Date() }));
          await setup.db.transaction().execute((trx) => appendChanges(trx, changes));
        }
      } finally {
        await setup.close();
      }
      const total = subjects.length * 20;

      const start = async (): Promise<ChildProcess> => {
        const port = await freePort();
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
        cleanups.push(async () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
        return child;
      };

      const first = await start();
      await until('first deliveries', 60_000, () => receiver.applied.length >= 150);
      stall = true;
      // Mid-delivery: requests applied at the receiver whose answers never came back.
      await until('a stalled delivery', 10_000, () => receiver.received.some((r) => r.behaviour === 'applyThenHang'));
      const exited = new Promise((resolve) => first.on('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      const stalled = receiver.received.filter((r) => r.behaviour === 'applyThenHang').map((r) => r.key);
      assert.ok(stalled.length > 0);

      stall = false;
      const second = await start();
      await until('every change delivered after the restart', 90_000, () => receiver.applied.length >= total);
      // A moment for any stray duplicate to arrive; it must not be applied.
      await new Promise((r) => setTimeout(r, 500));
      second.kill('SIGTERM');

      const applied = receiver.applied;
      assert.equal(applied.length, total, 'each change applied once');
      assert.equal(new Set(applied.map((a) => a.change.objectId)).size, total, 'no change missing, none twice');
      for (const key of stalled) assert.ok(receiver.received.filter((r) => r.key === key).length >= 2, 'a delivery cut off by the kill was sent again under its key');
      for (const s of subjects) {
        const rounds = applied.filter((a) => a.change.subjectId === s).map((a) => Number(a.change.objectId.split(':')[1]));
        assert.deepEqual(rounds, Array.from({ length: 20 }, (_, i) => i), `subject ${s} in order`);
      }
    });
  });
}
