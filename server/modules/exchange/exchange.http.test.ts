import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import type { ChangeFeed, DeadLetterList, SubscriptionView, WebhookBody } from '../../../common/exchange-api.js';
import { ManualClock } from '../../platform/clock.js';
import { appendChanges, type Change } from '../../platform/outbox.js';
import { as, ENGINE, startTestPlatform, testAuthenticate, TEST_PRINCIPAL_HEADER, type TestPlatform } from '../../../test/helpers.js';
import type { Authenticate } from '../../platform/policy.js';
import { sessionAuthenticate, sign } from '../identity/index.js';
import { startReceiver, type Behaviour, type Receiver } from '../../../test/webhook-receiver.js';

const office = as('creditOffice', 'office-1');

describe(`exchange: outbox, subscriptions, webhooks and the pull feed on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T03:00:00Z'));
  let appKey: string;
  let secret: string;
  const receivers: Receiver[] = [];
  let behave: (r: { key: string; body: WebhookBody; seen: number }) => Behaviour = () => 'ok';
  let deptId = '';

  before(async () => {
    // Staff through the test header; system accounts through real signed requests.
    const real: { auth?: Authenticate } = {};
    const authenticate: Authenticate = async (req) => (req.headers[TEST_PRINCIPAL_HEADER] ? testAuthenticate(req) : (real.auth?.(req) ?? null));
    p = await startTestPlatform({ clock, authenticate, env: { EXCHANGE_ALLOW_HTTP_LOCAL: 'on', EXCHANGE_TIMEOUT_MS: '400', EXCHANGE_MAX_ATTEMPTS: '3' } });
    real.auth = sessionAuthenticate(p.identity, p.signed);
    const actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '杭州市行政审批局', uscc: '91350100M000100Y43' }, actor);
    deptId = dept.id;
    ({ appKey, secret } = await p.signed.create({ name: '上级平台', departmentId: dept.id }, actor));
    // The credit officer the test header signs in as, with the display name the console shows for them.
    await p.identity.createUser({ username: 'office-1', displayName: '王信用', departmentId: dept.id, roles: ['creditOffice'] }, actor);
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await p.stop();
  });
  beforeEach(() => {
    behave = () => 'ok';
  });

  const receiver = async () => {
    const r = await startReceiver({ secret, behave: (x) => behave(x) });
    receivers.push(r);
    return r;
  };
  const change = (subjectId: string, n: number, o: Partial<Change> = {}): Change => ({
    subjectId,
    objectType: 'record',
    objectId: `${subjectId.slice(0, 8)}-${n}`,
    event: 'publish',
    from: 'received',
    to: 'published',
    itemCode: 'CF',
    visibleBefore: false,
    visibleAfter: true,
    at: clock.now(),
    ...o,
  });
  const commit = (changes: Change[]) => p.db.transaction().execute((trx) => appendChanges(trx, changes));
  const subscribe = async (body: Record<string, unknown>) => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, ...body } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json() as SubscriptionView;
  };
  const remove = async (id: string) => assert.equal((await p.app.inject({ method: 'DELETE', url: `/api/v1/exchange/subscriptions/${id}`, headers: office })).statusCode, 204);
  /** Rounds, then time moves past every back-off, until nothing is pending. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      await p.exchange.dispatcher.drain();
      if ((await p.exchange.repo.counts()).pending === 0) return;
      clock.advance(3_600_000);
    }
    assert.fail('deliveries still pending after 20 hours');
  };
  /** The cursor of everything committed so far. */
  const present = async () => {
    await p.exchange.repo.sequence();
    return p.exchange.repo.highestSeq();
  };
  const signedGet = (path: string) => {
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = randomBytes(12).toString('base64url');
    return p.app.inject({ method: 'GET', url: path, headers: { 'x-app-key': appKey, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': sign(secret, 'GET', path, '', ts, nonce) } });
  };

  it('appendChanges refuses to write outside a transaction, and a rolled-back change is never delivered', async () => {
    await assert.rejects(appendChanges(p.db, [change(randomUUID(), 1)]), /inside the transaction/);
    const before = await present();
    await assert.rejects(
      p.db.transaction().execute(async (trx) => {
        await appendChanges(trx, [change(randomUUID(), 1)]);
        throw new Error('the transition failed');
      }),
    );
    const after = await p.exchange.feed(before, 1000);
    assert.equal(after.changes.length, 0);
  });

  it('delivers every change once in effect, per subject in order, through 500s, a timeout and a duplicate, signed', async () => {
    const r = await receiver();
    const sub = await subscribe({ filter: 'all', webhookUrl: r.url });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    // Interleaved subjects; one change never public (not shared); the last of b's is a withdrawal.
    await commit([change(a, 1), change(b, 1), change(c, 1)]);
    await commit([change(a, 2, { event: 'review', from: 'received', to: 'pendingReview', visibleAfter: false }), change(b, 2), change(a, 3)]);
    await commit([change(c, 2), change(b, 3, { event: 'withdraw', from: 'published', to: 'withdrawn', visibleBefore: true, visibleAfter: false }), change(a, 4)]);
    const firstOf = (s: string, n: number, body: WebhookBody) => body.change.subjectId === s && body.change.objectId.endsWith(`-${n}`);
    behave = ({ body, seen }) => {
      if (firstOf(a, 1, body) && seen <= 2) return 'fail'; // two 500s, then accepted (3 attempts allowed)
      if (firstOf(b, 2, body) && seen === 1) return 'hang'; // times out once
      if (firstOf(c, 1, body) && seen === 1) return 'applyThenHang'; // applied, but the answer never comes: sent again
      return 'ok';
    };
    await settle();

    const expected = 8; // 9 changes, one never public
    assert.equal(r.applied.length, expected, 'every shared change applied once');
    assert.equal(new Set(r.applied.map((x) => x.deliveryId)).size, expected, 'nothing applied twice');
    assert.ok(r.received.length > expected, 'the receiver was sent some deliveries more than once');
    const dup = r.received.filter((x) => firstOf(c, 1, x.body));
    assert.equal(dup.length, 2, 'the delivery answered too late came again');
    assert.equal(dup[0]!.key, dup[1]!.key, 'under the same idempotency key');
    assert.deepEqual(dup.map((x) => x.attempt), [1, 2]);
    assert.ok(r.received.every((x) => x.verified), 'every request verifies with the documented snippet');
    assert.ok(!r.applied.some((x) => x.change.event === 'review'), 'a change never public is not shared');
    // Per subject, applied in commit order — a's later changes waited for its first to be accepted.
    for (const s of [a, b, c]) {
      const seqs = r.applied.filter((x) => x.change.subjectId === s).map((x) => x.change.seq);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), `subject ${s} in order`);
      const arrivals = r.received.filter((x) => x.body.change.subjectId === s).map((x) => x.body.change.seq);
      for (let i = 1; i < arrivals.length; i++) assert.ok(arrivals[i]! >= arrivals[i - 1]!, `nothing of subject ${s} sent before an earlier one was accepted`);
    }
    const tomb = r.applied.find((x) => x.change.event === 'withdraw');
    assert.equal(tomb?.tombstone, true);
    assert.equal(tomb?.change.tombstone, true);
    assert.equal(r.applied.filter((x) => x.tombstone).length, 1);
    // No personal data: the body names ids, item, states, event and time only.
    assert.deepEqual(Object.keys(tomb!.change).sort(), ['at', 'event', 'from', 'itemCode', 'objectId', 'objectType', 'seq', 'subjectId', 'to', 'tombstone', 'visibleAfter', 'visibleBefore']);
    await remove(sub.id);
  });

  it('a delivery out of attempts is dead, does not hold back its subject, is listed and replayed (audited)', async () => {
    const r = await receiver();
    const sub = await subscribe({ filter: 'all', webhookUrl: r.url });
    const d = randomUUID();
    let down = true;
    behave = ({ body }) => (down && body.change.objectId.endsWith('-1') ? 'fail' : 'ok');
    await commit([change(d, 1), change(d, 2)]);
    await settle();
    assert.deepEqual(r.applied.map((x) => x.change.objectId), [`${d.slice(0, 8)}-2`], 'the later change went once the earlier was dead');
    assert.equal(r.received.filter((x) => x.body.change.objectId.endsWith('-1')).length, 3, 'three attempts');

    const list = await p.app.inject({ method: 'GET', url: '/api/v1/exchange/dead-letters', headers: office });
    assert.equal(list.statusCode, 200, list.body);
    const dead = (list.json() as DeadLetterList).items.find((x) => x.subjectId === d);
    assert.ok(dead, 'listed as 投递失败');
    assert.equal(dead.attempts, 3);
    assert.equal(dead.lastStatus, 500);
    assert.equal(dead.lastError, '接收方的系统出错，未能接收', 'a sentence for the credit office');
    assert.equal(dead.lastErrorDetail, 'HTTP 500', 'the status kept as the technical detail');

    down = false;
    const replay = await p.app.inject({ method: 'POST', url: `/api/v1/exchange/dead-letters/${dead.id}/replay`, headers: office });
    assert.equal(replay.statusCode, 204, replay.body);
    await settle();
    assert.equal(r.applied.length, 2);
    assert.equal(r.applied[1]!.deliveryId, dead.id, 'replayed under its own idempotency key');
    const again = await p.app.inject({ method: 'POST', url: `/api/v1/exchange/dead-letters/${dead.id}/replay`, headers: office });
    assert.equal(again.statusCode, 404);
    assert.match(again.json().error.message, /不能重新投递/);
    assert.equal((await p.audit.list({ event: 'exchange.delivery.replay', limit: 10, offset: 0 })).total, 1);
    await remove(sub.id);
  });

  it('filters by item, pauses and resumes without losing what came meanwhile, and deleting stops it', async () => {
    const r = await receiver();
    const sub = await subscribe({ filter: 'item', itemCode: 'XK', webhookUrl: r.url });
    const s = randomUUID();
    await commit([change(s, 1, { itemCode: 'XK' }), change(s, 2, { itemCode: 'CF' })]);
    await settle();
    assert.deepEqual(r.applied.map((x) => x.change.itemCode), ['XK']);

    const paused = await p.app.inject({ method: 'POST', url: `/api/v1/exchange/subscriptions/${sub.id}/pause`, headers: office });
    assert.equal(paused.json().status, 'paused');
    await commit([change(s, 3, { itemCode: 'XK' })]);
    await settle();
    assert.equal(r.applied.length, 1, 'nothing sent while paused');
    const resumed = await p.app.inject({ method: 'POST', url: `/api/v1/exchange/subscriptions/${sub.id}/resume`, headers: office });
    assert.equal(resumed.json().status, 'active');
    await settle();
    assert.equal(r.applied.length, 2, 'what came while paused is sent on resuming');

    await remove(sub.id);
    await commit([change(s, 4, { itemCode: 'XK' })]);
    await settle();
    assert.equal(r.applied.length, 2, 'nothing after deletion');
    for (const event of ['exchange.subscription.create', 'exchange.subscription.pause', 'exchange.subscription.resume', 'exchange.subscription.delete']) {
      const rows = (await p.audit.list({ event, limit: 50, offset: 0 })).rows;
      assert.ok(rows.some((e) => e.object_id === sub.id && e.actor_id === 'office-1'), event);
    }
  });

  it('refuses a webhook that is not https (http only to this host, when allowed), with credentials, or for an unknown account or item', async () => {
    const refuse = async (body: Record<string, unknown>, pattern: RegExp) => {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, filter: 'all', ...body } });
      assert.equal(r.statusCode, 422, r.body);
      assert.equal(r.json().error.code, 'SUBSCRIPTION_INVALID');
      assert.match(r.json().error.message, pattern);
    };
    // One thing said: https (and, with EXCHANGE_ALLOW_HTTP_LOCAL=on, http for this host's receiver).
    await refuse({ webhookUrl: 'http://receiver.example.gov.cn/hook' }, /^不能保存订阅：接收地址须使用https（本机的接收程序可用http）$/);
    // The setting allows loopback only: every other internal address stays refused.
    for (const internal of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest', 'https://[fc00::1]/hook', 'http://192.168.1.1/hook']) {
      await refuse({ webhookUrl: internal }, /是本机或内网地址，平台不向这类地址推送/);
    }
    await refuse({ webhookUrl: 'ftp://127.0.0.1/hook' }, /须使用https，不能是「ftp」/);
    // However short: what to type, not a length.
    await refuse({ webhookUrl: 'ftp://x' }, /^不能保存订阅：接收地址须使用https，不能是「ftp」$/);
    await refuse({ webhookUrl: 'abc' }, /接收地址「abc」不是有效的网址/);
    // What the schema refuses is said of the field by the console's label, in Chinese.
    const schema = async (body: Record<string, unknown>, field: string, pattern: RegExp) => {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { filter: 'all', ...body } });
      assert.equal(r.statusCode, 400, r.body);
      const { error } = r.json() as { error: { code: string; message: string; details: { path: string; message: string }[] } };
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.deepEqual(error.details.map((d) => d.path), [`/${field}`]);
      assert.match(error.details[0]!.message, pattern);
      assert.doesNotMatch(error.details[0]!.message, new RegExp(`${field}|expected|string|character`, 'i'), 'neither the field\'s name in the API nor zod\'s words');
    };
    await schema({ appKey, webhookUrl: '  ' }, 'webhookUrl', /^接收地址不能为空：填写https:\/\/开头的地址；只拉取的订阅不填此项$/);
    await schema({ appKey, webhookUrl: `https://receiver.example.gov.cn/${'a'.repeat(2000)}` }, 'webhookUrl', /^接收地址最多2000个字符$/);
    await schema({}, 'appKey', /^请选择系统账号$/);
    await schema({ appKey, filter: 'everything' }, 'filter', /^订阅范围应为/);
    await refuse({ webhookUrl: 'https://user:pw@receiver.example.gov.cn/hook' }, /不能含有用户名或密码/);
    await refuse({ appKey: 'xy_nobody_here' }, /系统账号「xy_nobody_here」不存在/);
    await refuse({ filter: 'item', itemCode: 'NOPE' }, /目录中没有信息项「NOPE」/);
    await refuse({ filter: 'subject', subject: '91350100M000100Y43' }, /没有找到主体/);
    assert.equal(p.exchange.checkWebhookUrl('https://receiver.example.gov.cn/hook?x=1'), 'https://receiver.example.gov.cn/hook?x=1');
    // A system account cannot manage subscriptions; it reads its own.
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = randomBytes(12).toString('base64url');
    const body = JSON.stringify({ appKey, filter: 'all' });
    const forbidden = await p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', payload: body, headers: { 'content-type': 'application/json', 'x-app-key': appKey, 'x-timestamp': ts, 'x-nonce': nonce, 'x-signature': sign(secret, 'POST', '/api/v1/exchange/subscriptions', body, ts, nonce) } });
    assert.equal(forbidden.statusCode, 403);
    const pullOnly = await subscribe({ filter: 'all' });
    const mine = await signedGet('/api/v1/exchange/my-subscriptions');
    assert.equal(mine.statusCode, 200, mine.body);
    assert.ok((mine.json().items as SubscriptionView[]).some((x) => x.id === pullOnly.id && x.webhookUrl === null));
    await remove(pullOnly.id);
  });

  it('refuses a second subscription identical to a live one, naming the one that exists', async () => {
    const first = await subscribe({ filter: 'item', itemCode: 'ＣＦ' });
    assert.equal(first.itemCode, 'CF', 'a full-width code finds the catalog item');
    assert.equal(first.itemName, '行政处罚信息', 'named as the catalog names it');
    const again = async (body: Record<string, unknown>) => p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, ...body } });
    const twice = await again({ filter: 'item', itemCode: 'cf' });
    assert.equal(twice.statusCode, 409, twice.body);
    assert.equal(twice.json().error.code, 'DUPLICATE');
    // The item by its catalog name (code beside it), the creator by display name (login name beside it), as the console names them.
    assert.match(twice.json().error.message, /^不能保存订阅：系统账号「上级平台」已有相同的订阅（订阅信息项行政处罚信息（CF）、只拉取，王信用（office-1）于\d{4}-\d{2}-\d{2} \d{2}:\d{2}新建），再订一次会重复收到每条变更$/);
    assert.deepEqual((twice.json().error.details as { path: string }[]).map((d) => d.path), ['/appKey'], 'said under 系统账号 in the console');
    // Another delivery, or another filter, is another subscription.
    const pushed = await subscribe({ filter: 'item', itemCode: 'CF', webhookUrl: 'https://receiver.example.gov.cn/hook' });
    const everything = await subscribe({ filter: 'all' });
    const samePush = await again({ filter: 'item', itemCode: ' cf ', webhookUrl: 'https://RECEIVER.example.gov.cn/hook' });
    assert.equal(samePush.statusCode, 409, samePush.body);
    assert.match(samePush.json().error.message, /推送到https:\/\/receiver\.example\.gov\.cn\/hook/);
    // A paused one still counts, and the refusal says it can be resumed; a deleted one does not.
    await p.app.inject({ method: 'POST', url: `/api/v1/exchange/subscriptions/${first.id}/pause`, headers: office });
    assert.match((await again({ filter: 'item', itemCode: 'CF' })).json().error.message, /已有相同的订阅（已暂停，可恢复它）/);
    await remove(first.id);
    const anew = await subscribe({ filter: 'item', itemCode: 'CF' });
    for (const id of [anew.id, pushed.id, everything.id]) await remove(id);
  });

  it('an item code is read as the catalog writes it; an unknown one is refused by name', async () => {
    const lower = await subscribe({ filter: 'item', itemCode: 'xk' });
    assert.equal(lower.itemCode, 'XK');
    await remove(lower.id);
    const unknown = await p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, filter: 'item', itemCode: 'ｎｏｐｅ' } });
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.equal(unknown.json().error.message, '不能保存订阅：目录中没有信息项「ｎｏｐｅ」：请填写信用信息目录中的信息项代码，如CF');
    assert.deepEqual((unknown.json().error.details as { path: string }[]).map((d) => d.path), ['/itemCode']);
  });

  it('a disabled system account receives nothing: deliveries held, not lost, the pull feed refused; enabling it sends them in order', async () => {
    const admin = as('sysAdmin', 'admin-1');
    const r = await receiver();
    const sub = await subscribe({ filter: 'all', webhookUrl: r.url });
    const s = randomUUID();
    // One change already fanned out to a delivery, not yet sent, when the account is disabled.
    await commit([change(s, 1)]);
    await p.exchange.repo.sequence();
    await p.exchange.repo.fanOut(sub.id, clock.now(), 100);
    const disabled = await p.app.inject({ method: 'POST', url: `/api/v1/system-accounts/${appKey}/disable`, headers: admin, payload: { reason: '对接方系统迁移' } });
    assert.equal(disabled.statusCode, 200, disabled.body);
    // Whatever fails below, the tests after this one find the account working.
    const restore = async () => {
      if ((await p.signed.list()).find((a) => a.appKey === appKey)?.status === 'disabled') await p.signed.setStatus(appKey, 'active', '测试结束', { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null });
    };
    try {
      const live = (await p.exchange.list(appKey)).length;
      assert.deepEqual((await p.audit.list({ event: 'system_account.disable', limit: 1, offset: 0 })).rows[0]?.details, { name: '上级平台', subscriptions: live });
      // Another subject too: nothing of its own holds it back but the account.
      const u = randomUUID();
      await commit([change(s, 2), change(u, 1, { event: 'withdraw', visibleBefore: true, visibleAfter: false })]);
      // Hours pass, past every back-off and beyond the attempts allowed (3): nothing is sent and nothing dies.
      for (let i = 0; i < 5; i++) {
        await p.exchange.dispatcher.drain();
        clock.advance(3_600_000);
      }
      assert.equal(r.received.length, 0, 'nothing sent to a disabled account');
      const held = (await p.exchange.list()).find((x) => x.id === sub.id)!;
      assert.equal(held.accountActive, false);
      assert.equal(held.dead, 0, 'nothing lost as 投递失败');
      const feed = await signedGet('/api/v1/exchange/changes?since=0&limit=1');
      assert.equal(feed.statusCode, 401);
      assert.match(feed.json().error.message, /^系统账号「上级平台」已被平台停用/);
      // The credit office's resume does not release what the account may not receive.
      await p.app.inject({ method: 'POST', url: `/api/v1/exchange/subscriptions/${sub.id}/pause`, headers: office });
      await p.app.inject({ method: 'POST', url: `/api/v1/exchange/subscriptions/${sub.id}/resume`, headers: office });
      await p.exchange.dispatcher.drain();
      assert.equal(r.received.length, 0, 'still held after pause and resume');

      const enabled = await p.app.inject({ method: 'POST', url: `/api/v1/system-accounts/${appKey}/enable`, headers: admin, payload: { reason: '迁移完成' } });
      assert.equal(enabled.statusCode, 200, enabled.body);
      await settle();
      assert.equal(r.applied.length, 3, 'every change held meanwhile, once');
      assert.deepEqual(r.applied.filter((x) => x.change.subjectId === s).map((x) => x.change.objectId), [1, 2].map((n) => `${s.slice(0, 8)}-${n}`), 'in order');
      assert.deepEqual(r.applied.filter((x) => x.change.subjectId === u).map((x) => x.tombstone), [true]);
      assert.ok(r.received.every((x) => x.verified));
      assert.equal((await p.exchange.list()).find((x) => x.id === sub.id)?.accountActive, true);
      assert.equal((await signedGet('/api/v1/exchange/changes?since=0&limit=1')).statusCode, 200, 'the pull feed answers again');
    } finally {
      await restore();
    }
    await remove(sub.id);
  });

  it('a subscription saved while its account is being disabled waits for the disable and is refused', async (t) => {
    if (!p.config.databaseUrl) return t.skip('PGlite has one connection: no two transactions at once');
    // Another process disabling the account, its transaction not yet committed.
    const other = new pg.Client({ connectionString: p.config.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`update system_account set status = 'disabled' where app_key = $1`, [appKey]);
      const saving = p.app.inject({ method: 'POST', url: '/api/v1/exchange/subscriptions', headers: office, payload: { appKey, filter: 'item', itemCode: 'XK' } });
      await new Promise((r) => setTimeout(r, 300));
      await other.query('commit');
      const r = await saving;
      assert.equal(r.statusCode, 422, r.body);
      assert.match(r.json().error.message, /^不能保存订阅：系统账号「上级平台」已停用/);
      assert.equal((await p.exchange.list(appKey)).filter((x) => x.itemCode === 'XK').length, 0, 'nothing saved for a disabled account');
    } finally {
      await other.query(`update system_account set status = 'active' where app_key = $1`, [appKey]);
      await other.end();
    }
  });

  it('a delivery whose account’s department is disabled waits without spending its attempts, and goes once the department is enabled', async () => {
    const setup = { id: 'setup', name: 'setup', roles: ['sysAdmin' as const], departmentId: null, ip: null, requestId: null };
    const r = await receiver();
    const sub = await subscribe({ filter: 'all', webhookUrl: r.url });
    const s = randomUUID();
    await commit([change(s, 1)]);
    await p.identity.setDepartmentStatus(deptId, 'disabled', '机构调整', setup);
    try {
      // Hours pass, far beyond the attempts allowed (3): nothing is sent and nothing dies.
      for (let i = 0; i < 6; i++) {
        await p.exchange.dispatcher.drain();
        clock.advance(3_600_000);
      }
      assert.equal(r.received.length, 0);
      assert.equal((await p.exchange.list()).find((x) => x.id === sub.id)?.dead, 0, 'nothing lost as 投递失败');
    } finally {
      await p.identity.setDepartmentStatus(deptId, 'active', '调整完成', setup);
    }
    await settle();
    assert.equal(r.applied.length, 1);
    assert.equal(r.applied[0]?.change.objectId, `${s.slice(0, 8)}-1`);
    await remove(sub.id);
  });

  it('the pull feed gives the entitled changes after a cursor, in commit order, tombstones included', async () => {
    const start = await present();
    const head = await signedGet(`/api/v1/exchange/changes?since=${start}&limit=10`);
    assert.equal(head.statusCode, 200, head.body);
    const cursor = (head.json() as ChangeFeed).next;
    const s = randomUUID();
    await commit([change(s, 1), change(s, 2, { visibleAfter: false, to: 'pendingReview', event: 'review' }), change(s, 3, { event: 'withdraw', visibleBefore: true, visibleAfter: false })]);
    const page1 = (await signedGet(`/api/v1/exchange/changes?since=${cursor}&limit=1`)).json() as ChangeFeed;
    assert.equal(page1.changes.length, 1);
    assert.equal(page1.more, true);
    assert.equal(page1.changes[0]!.objectId, `${s.slice(0, 8)}-1`);
    const page2 = (await signedGet(`/api/v1/exchange/changes?since=${page1.next}&limit=10`)).json() as ChangeFeed;
    assert.deepEqual(page2.changes.map((x) => [x.objectId, x.tombstone]), [[`${s.slice(0, 8)}-3`, true]], 'the never-public change is skipped, the withdrawal is a tombstone');
    assert.equal(page2.more, false);
    const page3 = (await signedGet(`/api/v1/exchange/changes?since=${page2.next}&limit=10`)).json() as ChangeFeed;
    assert.deepEqual(page3, { changes: [], next: page2.next, more: false });
    const anonymous = await p.app.inject({ method: 'GET', url: '/api/v1/exchange/changes?since=0' });
    assert.equal(anonymous.statusCode, 401);
  });

  // Commit order differs from insert order only with two connections at once: PostgreSQL only.
  if (ENGINE === 'postgres') {
    it('numbers changes in commit order: one inserted first but committed last comes after', async () => {
      const since = await present();
      const [early, late] = [randomUUID(), randomUUID()];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedP = new Promise<void>((resolve) => (inserted = resolve));
      const slow = p.db.transaction().execute(async (trx) => {
        await appendChanges(trx, [change(early, 1)]);
        inserted();
        await held;
      });
      await insertedP;
      await commit([change(late, 1)]);
      const first = await p.exchange.feed(since, 100);
      assert.deepEqual(first.changes.map((x) => x.subjectId), [late]);
      release();
      await slow;
      const second = await p.exchange.feed(first.next, 100);
      assert.deepEqual(second.changes.map((x) => x.subjectId), [early], 'the late commit is after the cursor, not lost behind it');
    });
  }
});
