import type { Kysely } from 'kysely';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { DeadLetterList } from '../../../common/exchange-api.js';
import { ManualClock } from '../../platform/clock.js';
import { appendChanges } from '../../platform/outbox.js';
import { as, ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { startReceiver, type Receiver } from '../../../test/webhook-receiver.js';
import { addressKind, guardedLookup, singleLabel, type Resolve } from './exchange.address.js';
import { postOnce } from './exchange.dispatcher.js';
import type { ExchangeTables } from './exchange.tables.js';

const office = as('creditOffice', 'office-1');
const INTERNAL = /^不能保存订阅：接收地址「[^」]+」是本机或内网地址，平台不向这类地址推送：请填写接收单位对外提供的https地址$/;

describe(`exchange: webhooks never go to this host or an internal network (EXCHANGE_ALLOW_HTTP_LOCAL off) on ${ENGINE}`, () => {
  let p: TestPlatform;
  let appKey: string;
  let r: Receiver;
  const clock = new ManualClock(Date.parse('2026-11-21T03:00:00Z'));
  // A name the system resolver does not know, standing in for one whose DNS points at this host.
  const toLoopback: Resolve = async (host) => (host === 'receiver.test' ? [{ address: '127.0.0.1', family: 4 }] : []);

  before(async () => {
    p = await startTestPlatform({ clock, env: { EXCHANGE_MAX_ATTEMPTS: '1', EXCHANGE_TIMEOUT_MS: '2000' } });
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
    ({ appKey } = await p.signed.create({ name: '上级平台', departmentId: dept.id }, actor));
    r = await startReceiver({});
  });
  after(async () => {
    await r.close();
    await p.stop();
  });

  const save = (webhookUrl: string) => p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, filter: 'all', webhookUrl } });

  it('refuses, when a subscription is saved, each loopback, private, link-local, unspecified and CGNAT form, in Chinese', async () => {
    const forms = [
      'https://127.0.0.1/hook',
      'https://127.8.9.10/hook',
      'https://localhost/hook',
      'https://LOCALHOST./hook',
      'https://api.localhost/hook',
      'https://[::1]/hook',
      'https://10.0.0.1/hook',
      'https://172.16.0.1/hook',
      'https://172.31.255.254/hook',
      'https://192.168.1.20/hook',
      'https://169.254.169.254/latest',
      'https://[fe80::1]/hook',
      'https://[fc00::1]/hook',
      'https://[fd12:3456::1]/hook',
      'https://0.0.0.0/hook',
      'https://[::]/hook',
      'https://100.64.0.1/hook',
      'https://100.127.255.254/hook',
      'https://[::ffff:10.0.0.1]/hook',
      'https://2130706433/hook', // 127.0.0.1 written as one number
      'https://0x7f.1/hook', // and in hexadecimal
      'http://127.0.0.1:9/hook',
    ];
    for (const url of forms) {
      const res = await save(url);
      assert.equal(res.statusCode, 422, `${url}: ${res.body}`);
      const { error } = res.json() as { error: { code: string; message: string; details: { path: string; message: string }[] } };
      assert.equal(error.code, 'SUBSCRIPTION_INVALID', url);
      assert.match(error.message, INTERNAL, url);
      assert.deepEqual(error.details.map((d) => d.path), ['/webhookUrl'], url);
    }
    // Neighbours of the refused ranges are ordinary addresses.
    for (const url of ['https://100.63.255.255/hook', 'https://100.128.0.1/hook', 'https://172.32.0.1/hook', 'https://169.255.0.1/hook', 'https://receiver.example.gov.cn/hook']) {
      const res = await save(url);
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
  });

  it('refuses a host of one label (no dot): not a public address but a name completed inside this network', async () => {
    for (const [url, host] of [['https://x', 'x'], ['https://x/hook', 'x'], ['https://INTRANET:8443/hook', 'intranet'], ['https://receiver./hook', 'receiver'], ['https://ｘ/hook', 'x']] as const) {
      const res = await save(url);
      assert.equal(res.statusCode, 422, `${url}: ${res.body}`);
      const { error } = res.json() as { error: { code: string; message: string; details: { path: string }[] } };
      assert.equal(error.code, 'SUBSCRIPTION_INVALID', url);
      assert.equal(error.message, `不能保存订阅：接收地址「${host}」不是完整的域名，平台只向接收单位对外提供的地址推送：请填写完整的域名，如https://api.example.gov.cn/hook`, url);
      assert.deepEqual(error.details.map((d) => d.path), ['/webhookUrl'], url);
    }
    assert.equal(singleLabel('x'), true);
    assert.equal(singleLabel('x.'), true);
    assert.equal(singleLabel('gov.cn'), false);
    assert.equal(singleLabel('[2001:db8::1]'), false, 'an IPv6 address has no dot and is judged as an address');
    assert.equal(singleLabel('localhost'), false, 'loopback, which EXCHANGE_ALLOW_HTTP_LOCAL decides');
    // A public IPv6 address is saved.
    assert.equal((await save('https://[2001:db8::1]/hook')).statusCode, 201);
  });

  it('says one thing of http: https, and no setting named to the credit office', async () => {
    const res = await save('http://receiver.example.gov.cn/hook');
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.message, '不能保存订阅：接收地址须使用https');
  });

  it('refuses at delivery a name that resolves to 127.0.0.1, and says so in 投递失败', async () => {
    const port = new URL(r.url).port;
    // Saved before its name pointed here (or by a path that skipped the check): the delivery checks again.
    const now = clock.now();
    const db = p.db as unknown as Kysely<ExchangeTables>;
    const sub = await p.exchange.repo.createSubscription(db, { app_key: appKey, filter_kind: 'all', subject_id: null, item_code: null, webhook_url: `http://receiver.test:${port}/hook`, created_by: 'test', created_at: now, updated_at: now });
    p.exchange.dispatcher.options.resolve = toLoopback;
    const subject = randomUUID();
    await p.db.transaction().execute((trx) =>
      appendChanges(trx, [{ subjectId: subject, objectType: 'record', objectId: `${subject.slice(0, 8)}-1`, event: 'publish', from: 'received', to: 'published', itemCode: 'CF', visibleBefore: false, visibleAfter: true, at: clock.now() }]),
    );
    await p.exchange.dispatcher.drain();
    assert.equal(r.received.length, 0, 'nothing reached the receiver on 127.0.0.1');
    const list = await p.app.inject({ method: 'GET', url: '/api/v1/exchange/dead-letters', headers: office });
    const dead = (list.json() as DeadLetterList).items.find((x) => x.subscriptionId === sub.id);
    assert.ok(dead, 'listed as 投递失败');
    assert.equal(dead.lastError, '接收地址指向本机或内网地址，平台不向这类地址推送：请填写接收单位对外提供的https地址');
    assert.match(dead.lastErrorDetail ?? '', /^EXCHANGE_INTERNAL_ADDRESS receiver\.test resolves to the internal address 127\.0\.0\.1$/);
  });

  it('connects to the address it checked: the same name reaches the receiver only when loopback is allowed', async () => {
    const url = new URL(`http://receiver.test:${new URL(r.url).port}/hook`);
    const headers = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    const refusedOutcome = await postOnce(url, headers, '{}', 2000, { allowLoopback: false, resolve: toLoopback });
    assert.deepEqual(typeof refusedOutcome === 'object' ? refusedOutcome.code : refusedOutcome, 'EXCHANGE_INTERNAL_ADDRESS');
    const before = r.received.length;
    // The system resolver does not know receiver.test: reaching the receiver proves the socket used the checked address.
    assert.equal(await postOnce(url, headers, '{}', 2000, { allowLoopback: true, resolve: toLoopback }), 200);
    assert.equal(r.received.length, before + 1);
    // A literal address never reaches a resolver; the guard refuses it first.
    const literal = await postOnce(new URL(r.url), headers, '{}', 2000, { allowLoopback: false });
    assert.equal(typeof literal === 'object' ? literal.code : literal, 'EXCHANGE_INTERNAL_ADDRESS');
    assert.equal(r.received.length, before + 1);
    // The system resolver's answer for localhost is refused the same way.
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup(false)('localhost', { all: true }, (e) => resolve(e)));
    assert.equal(err?.code, 'EXCHANGE_INTERNAL_ADDRESS');
  });

  it('classifies addresses', () => {
    assert.equal(addressKind('127.0.0.1'), 'loopback');
    assert.equal(addressKind('::1'), 'loopback');
    assert.equal(addressKind('::ffff:127.0.0.1'), 'loopback');
    assert.equal(addressKind('100.64.0.0'), 'internal');
    assert.equal(addressKind('fe80::abcd'), 'internal');
    assert.equal(addressKind('8.8.8.8'), 'public');
    assert.equal(addressKind('2001:db8::1'), 'public');
  });
});
