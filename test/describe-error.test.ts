/**
 * The console's and the portal's refusal sentence (web/ui/describeError) from the server's real
 * answers, through the web client's own api(): every reason is said once, whether the server's
 * message already names it (a schema refusal, an unsafe character) or leaves it to the details
 * (「不能新增部门「…」」 and why). fetch is answered by app.inject, so no port is opened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError, api, describeError } from '../web/ui/api.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from './helpers.js';

const times = (text: string, part: string) => text.split(part).length - 1;

describe(`refusal sentences in the web client on ${ENGINE}`, () => {
  let p: TestPlatform;
  const realFetch = globalThis.fetch;

  before(async () => {
    p = await startTestPlatform();
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const r = await p.app.inject({
        method: (init?.method ?? 'GET') as 'GET',
        url: String(input),
        headers: init?.headers as Record<string, string>,
        ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
      });
      return new Response(r.statusCode === 204 ? null : r.body, { status: r.statusCode, headers: { 'content-type': String(r.headers['content-type'] ?? '') } });
    }) as typeof fetch;
  });
  after(async () => {
    globalThis.fetch = realFetch;
    await p?.stop();
  });

  /** The ApiError api() throws for this request. */
  const refusal = async (url: string, body: unknown): Promise<ApiError> => {
    const err = await api('POST', url, body, as('sysAdmin')).then(
      () => assert.fail('the request was refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApiError, String(err));
    return err;
  };
  const reasonsOf = (err: ApiError) => (err.details as { message: string }[]).map((d) => d.message);

  it('a schema refusal names its reason once (the message already says it)', async () => {
    const err = await refusal('/api/v1/departments', { name: '某', uscc: '91350100M000100Y43' });
    assert.equal(err.code, 'VALIDATION_FAILED');
    const [reason] = reasonsOf(err);
    assert.ok(reason && err.message.includes(reason), `the server names the reason in its message: ${err.message}`);
    const text = describeError(err);
    assert.equal(times(text, reason), 1, text);
    assert.equal(text, err.message);
  });

  it('an unsafe character is explained once', async () => {
    const err = await refusal('/api/v1/departments', { name: '市场\u0007监管局', uscc: '91350100M000100Y43' });
    assert.equal(err.code, 'INPUT_UNSAFE_CHARACTER');
    const text = describeError(err);
    assert.equal(times(text, '控制字符不能作为内容保存'), 1, text);
    assert.match(text, /^请求内容「name」的第3个字符是控制字符/);
  });

  it('a refusal whose message says only what was refused gets its reason after it', async () => {
    const err = await refusal('/api/v1/departments', { name: '某市场监督管理局', uscc: '91350100M000100Y44' });
    assert.equal(err.message, '不能新增部门「某市场监督管理局」');
    assert.equal(describeError(err), '不能新增部门「某市场监督管理局」：统一社会信用代码第18位校验码应为3，实际为4');
  });

  it('each of several reasons once, in their order; a repeated one not again', () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', '请求参数不符合要求：请求内容「name」至少2个字（另有2处）', [
      { path: '/name', message: '至少2个字' },
      { path: '/uscc', message: '须为18位' },
      { path: '/regionCode', message: '须为6位数字' },
      { path: '/uscc', message: '须为18位' },
      { path: '/other' },
    ]);
    assert.equal(describeError(err), '请求参数不符合要求：请求内容「name」至少2个字（另有2处）：须为18位；须为6位数字');
    assert.equal(describeError(new ApiError(404, 'NOT_FOUND', '请求的资源不存在')), '请求的资源不存在');
    assert.equal(describeError(new ApiError(409, 'DUPLICATE', '数据已存在，不能重复登记', { constraint: 'department_uscc_key' })), '数据已存在，不能重复登记');
  });
});
