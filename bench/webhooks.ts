/**
 * Webhook deliveries per second to a local receiver, and a backlog of 100 000 draining without
 * memory growth. The receiver runs in a child process (node:http on 127.0.0.1, deduplicating by
 * idempotency key, answering 200), so the platform's RSS is the dispatcher's own. Baseline in the
 * same run: the same POSTs (same body size, same client, as many in flight) straight from a loop, no database.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:webhooks -- [--changes 20000] [--backlog 100000] [--keep-backlog]
 *
 * --keep-backlog: after (1), commit the backlog and fan it out, then stop without draining it and keep
 * the database (its name is printed), to EXPLAIN the dispatcher's statements against it; drop it by hand.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import { generateKeyFileContent } from '../server/platform/crypto/key-file.js';
import { appendChanges, type Change } from '../server/platform/outbox.js';
import { postOnce } from '../server/modules/exchange/index.js';
import { benchDatabase } from './database.js';

const { values } = parseArgs({ options: { changes: { type: 'string', default: '20000' }, backlog: { type: 'string', default: '100000' }, 'keep-backlog': { type: 'boolean', default: false } } });
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('set DATABASE_URL (PostgreSQL): the webhook benchmark runs on a server database');
  process.exit(1);
}

const RECEIVER = `
const http = require('node:http');
const keys = new Set(); let requests = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') { res.end(JSON.stringify({ unique: keys.size, requests })); return; }
  const chunks = []; req.on('data', (c) => chunks.push(c));
  req.on('end', () => { requests++; keys.add(String(req.headers['idempotency-key'])); res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-bench-webhooks-'));
const receiverFile = path.join(dir, 'receiver.cjs');
fs.writeFileSync(receiverFile, RECEIVER);
const receiver = fork(receiverFile, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve) => receiver.once('message', (m) => resolve(Number(m))));
const url = `http://127.0.0.1:${port}/hooks/xinyong`;
const counts = async () => (await (await fetch(url)).json()) as { unique: number; requests: number };

const keyFile = path.join(dir, 'keys.json');
fs.writeFileSync(keyFile, generateKeyFileContent(), { mode: 0o600 });
const bdb = await benchDatabase(base);
const platform = await startPlatform(
  loadConfig({ DATABASE_URL: bdb.url, KEY_FILE: keyFile, DATA_DIR: dir, DEMO_DATA: 'off', EXCHANGE_ALLOW_HTTP_LOCAL: 'on', LOG_LEVEL: 'silent' }),
  pino({ level: 'silent' }),
  { jobs: false },
);
try {
  const actor = { id: 'bench', name: 'bench', roles: ['sysAdmin', 'creditOffice'], departmentId: null, ip: null, requestId: null };
  const dept = await platform.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
  const account = await platform.signed.create({ name: '上级平台', departmentId: dept.id }, actor);
  await platform.exchange.create({ appKey: account.appKey, filter: 'all', webhookUrl: url }, actor);
  const dispatcher = platform.exchange.dispatcher;
  const o = dispatcher.options;

  const append = async (n: number, subjects: number) => {
    const ids = Array.from({ length: subjects }, () => randomUUID());
    for (let i = 0; i < n; i += 5000) {
      const changes: Change[] = [];
      for (let j = i; j < Math.min(n, i + 5000); j++) {
        changes.push({ subjectId: ids[j % subjects]!, objectType: 'record', objectId: randomUUID(), event: 'publish', from: 'received', to: 'published', itemCode: 'CF', visibleBefore: false, visibleAfter: true, at: new Date() });
      }
      await platform.db.transaction().execute((trx) => appendChanges(trx, changes));
    }
  };

  // Baseline: the same POST (a real delivery body's size, signed headers) from a plain loop.
  const sample = JSON.stringify({ deliveryId: randomUUID(), subscriptionId: randomUUID(), change: { seq: 1, subjectId: randomUUID(), objectType: 'record', objectId: randomUUID(), event: 'publish', from: 'received', to: 'published', itemCode: 'CF', visibleBefore: false, visibleAfter: true, tombstone: false, at: new Date().toISOString() }, tombstone: false });
  const baselineN = 20_000;
  let next = 0;
  const b0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency * o.lanes }, async () => {
      while (next++ < baselineN) {
        await postOnce(new URL(url), { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(sample)), 'idempotency-key': `baseline-${next}`, 'x-signature': 'a'.repeat(64) }, sample, 10_000, { allowLoopback: true });
      }
    }),
  );
  const baseline = baselineN / ((performance.now() - b0) / 1000);

  // 1. Throughput: N changes over N/2 subjects (two per subject: the second waits for the first).
  const n = Number(values.changes);
  await append(n, Math.max(1, Math.floor(n / 2)));
  const t0 = performance.now();
  const r = await dispatcher.drain(100_000);
  const secs = (performance.now() - t0) / 1000;
  const c1 = await counts();
  console.log(`deliveries: ${r.delivered} of ${n} in ${secs.toFixed(1)} s = ${Math.round(r.delivered / secs)}/s (sequencing and fan-out included; ${o.lanes} lanes of ${o.batch}, ${o.concurrency} in flight each)`);
  console.log(`baseline: the same POSTs from a plain loop, no database: ${Math.round(baseline)}/s; ratio ${(r.delivered / secs / baseline).toFixed(2)}`);
  console.log(`receiver: ${c1.unique - baselineN} unique deliveries, ${c1.requests - baselineN} requests`);

  // 2. Backlog: 100 000 changes appended first, then drained; RSS sampled while it drains.
  const backlog = Number(values.backlog);
  await append(backlog, Math.max(1, Math.floor(backlog / 5)));
  if (values['keep-backlog']) {
    // Numbered and fanned out as the dispatcher would, but not sent: the backlog stays for EXPLAIN.
    const repo = platform.exchange.repo;
    while ((await repo.sequence()) > 0);
    for (const id of await repo.webhookSubscriptionIds()) while ((await repo.fanOut(id, new Date(), 5_000)) > 0);
    console.log(`kept ${bdb.name} holding ${JSON.stringify(await repo.counts())}: psql ${bdb.url}`);
  } else {
    global.gc?.();
    const rss: number[] = [process.memoryUsage().rss];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 2000);
    const b1 = performance.now();
    const rb = await dispatcher.drain(1_000_000);
    clearInterval(sampler);
    rss.push(process.memoryUsage().rss);
    const bsecs = (performance.now() - b1) / 1000;
    const c2 = await counts();
    console.log(`backlog: ${rb.delivered} of ${backlog} drained in ${bsecs.toFixed(1)} s = ${Math.round(rb.delivered / bsecs)}/s (ratio to the baseline ${(rb.delivered / bsecs / baseline).toFixed(2)}); receiver ${c2.unique - c1.unique} unique`);
    console.log(`RSS every 2 s while draining: ${rss.map(mb).join(', ')} (start ${mb(rss[0]!)}, peak ${mb(Math.max(...rss))}, end ${mb(rss.at(-1)!)})`);
    console.log(`left: ${JSON.stringify(await platform.exchange.repo.counts())}`);
  }
} finally {
  await platform.close();
  receiver.kill();
  if (!values['keep-backlog']) await bdb.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}
