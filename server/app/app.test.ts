import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../test/helpers.js';
import Fastify from 'fastify';
import { installPolicy } from './app.js';

describe(`HTTP platform on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ env: { CODE_VALIDATE_RATE_LIMIT: '40' } });
  });
  after(async () => p.stop());

  it('GET /healthz and /readyz', async () => {
    assert.deepEqual((await p.app.inject('/healthz')).json(), { status: 'ok' });
    const ready = await p.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', engine: ENGINE, migrationsPending: 0, auditChain: 'ok' });
  });

  it('serves an OpenAPI 3 document in which every API route has request and response schemas', async () => {
    const doc = (await p.app.inject('/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown; parameters?: unknown[] }>> };
    assert.match(doc.openapi, /^3\./);
    const apiPaths = Object.keys(doc.paths).filter((k) => k.startsWith('/api/'));
    assert.ok(apiPaths.length >= 20, `only ${apiPaths.length} API paths documented`);
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        assert.ok(op.responses && Object.keys(op.responses).length > 0, `${method} ${route} has no response schema`);
        if (['post', 'put', 'patch'].includes(method)) assert.ok(op.requestBody, `${method} ${route} has no request body schema`);
      }
    }
    assert.equal((await p.app.inject('/docs/')).statusCode, 200);
  });

  it('answers every failure in the one error shape, in Chinese, without stack traces', async () => {
    const missing = await p.app.inject('/api/v1/nope');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: { code: 'ROUTE_NOT_FOUND', message: '接口不存在（GET）' } });

    const invalid = await p.app.inject({ method: 'POST', url: '/api/v1/codes/validate', payload: { code: 5, kind: 'passport' } });
    assert.equal(invalid.statusCode, 400);
    const body = invalid.json() as { error: { code: string; message: string; details: { path: string; message: string }[] } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    // What, where and why: the first problem named in the message, every one in the details.
    assert.match(body.error.message, /^请求参数不符合要求：请求内容「code」应为文字，收到的是数字（另有1处）$/);
    assert.ok(body.error.details.some((d) => d.path === '/kind'));
    assert.match(JSON.stringify(body), /[\u4e00-\u9fa5]/);
    assert.doesNotMatch(invalid.body, /at .*\.ts:\d+/);

    const badJson = await p.app.inject({ method: 'POST', url: '/api/v1/codes/validate', headers: { 'content-type': 'application/json' }, payload: '{"code":' });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().error.code, 'BAD_REQUEST');

    const badUrl = await p.app.inject({ method: 'GET', url: '/api/public/v1/subjects/%' });
    assert.equal(badUrl.statusCode, 400);
    assert.match(badUrl.json().error.message, /请求地址无效/);
  });

  it('answers a request the HTTP parser cannot read in the one error shape too', async () => {
    const address = await p.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'));
      let got = '';
      socket.on('data', (d) => (got += d.toString('utf8')));
      socket.on('close', () => resolve(got));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1.1 400 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'BAD_REQUEST');
    assert.match(body.error.message, /请求格式错误/);
  });

  it('denies staff routes by default: 401 anonymous, 403 for a role without the right', async () => {
    const anon = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', payload: { q: '华为' } });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().error.code, 'UNAUTHENTICATED');
    const admin = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', payload: { q: '华为' }, headers: as('auditAdmin') });
    assert.equal(admin.statusCode, 403);
    const officer = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', payload: { q: '华为' }, headers: { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' } });
    assert.equal(officer.statusCode, 200);
  });

  it('refuses to register a route without a policy', () => {
    const bare = Fastify();
    installPolicy(bare, { authenticate: async () => null });
    assert.throws(() => bare.get('/api/v1/unguarded', async () => ({})), /declares no policy/);
    assert.throws(() => bare.get('/anything', async () => ({})), /declares no policy/);
    assert.doesNotThrow(() => bare.get('/api/v1/open', { config: { policy: { public: true } } }, async () => ({})));
  });

  it('anonymous callers: every staff route answers 401 before its body is read, every public route does not', async () => {
    const fill = (url: string) => url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':code', 'XK').replace(':year', '2026').replace('*', 'index.html');
    let staff = 0;
    for (const r of p.app.registeredRoutes) {
      if (r.method === 'HEAD') continue;
      const res = await p.app.inject({ method: r.method as 'GET', url: fill(r.url), ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: {} } : {}) });
      if (r.policy && 'public' in r.policy) {
        assert.ok(![401, 403].includes(res.statusCode), `${r.method} ${r.url} is public but answered ${res.statusCode}`);
      } else {
        staff++;
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} answered ${res.statusCode} to an anonymous caller`);
        assert.equal(res.json().error.code, 'UNAUTHENTICATED');
      }
    }
    assert.ok(staff >= 6, `only ${staff} staff routes`);
  });

  it('sets security headers', async () => {
    const r = await p.app.inject('/healthz');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    const api = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', payload: {}, headers: { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' } });
    assert.equal(api.headers['cache-control'], 'no-store');
    const page = await p.app.inject('/');
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  });
});

describe(`POST /api/v1/codes/validate on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ env: { CODE_VALIDATE_RATE_LIMIT: '40' } });
  });
  after(async () => p.stop());

  const validate = (payload: Record<string, unknown>) => p.app.inject({ method: 'POST', url: '/api/v1/codes/validate', payload });

  it('validates the standard example with full-width input and names its region', async () => {
    const r = (await validate({ code: '９１３５０１００Ｍ０００１００Ｙ４３' })).json();
    assert.equal(r.valid, true);
    assert.equal(r.kind, 'uscc');
    assert.equal(r.kindInferred, true);
    assert.equal(r.normalized, '91350100M000100Y43');
    assert.equal(r.parts.region.name, '福州市');
  });

  it('validates real published codes and the ID-number example', async () => {
    for (const code of ['914403001922038216', '9144030071526726XG', '91110108551385082Q']) {
      assert.equal((await validate({ code, kind: 'uscc' })).json().valid, true, code);
    }
    const id = (await validate({ code: '11010519491231002X', kind: 'id' })).json();
    assert.equal(id.valid, true);
    assert.equal(id.parts.region.name, '朝阳区');
    assert.equal(id.parts.birthDate, '1949-12-31');
  });

  it('reports errors with rule, position and a Chinese message', async () => {
    const r = (await validate({ code: '91350100M000100Y44', kind: 'uscc' })).json();
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors, [{ code: 'USCC_CHECK', message: '第18位校验码应为3，实际为4', position: 18 }]);
  });

  it('is rate-limited per client with a Chinese 429', async () => {
    let limited;
    for (let i = 0; i < 45 && !limited; i++) {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/codes/validate', payload: { code: '1' }, remoteAddress: '10.9.9.9' });
      if (r.statusCode === 429) limited = r;
    }
    assert.ok(limited, 'no 429 within 45 requests at a limit of 40/min');
    assert.equal(limited.json().error.code, 'RATE_LIMITED');
    assert.equal(limited.json().error.message, '请求过于频繁，请稍后再试（每分钟最多40次）');
  });
});
