/**
 * Every route in the OpenAPI document, fed bad input: each path parameter, query parameter, header
 * and top-level body property in turn set to NUL and other control characters, bidirectional and
 * zero-width characters, impossible dates, huge and odd values, wrong types; and whole bodies that
 * are not JSON, nested past reason, sent with the wrong content type. Nothing answers 5xx, and
 * every refusal has the one error shape with a Chinese message. Issue #11, item 4.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ENGINE, TEST_PRINCIPAL_HEADER, startTestPlatform, type TestPlatform } from './helpers.js';
import { makeUscc } from './fixtures.js';
import type { Policy } from '../server/platform/policy.js';

interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maxLength?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  nullable?: boolean;
  default?: unknown;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** Strings that have broken servers: control and invisible characters, injection, dates that do not exist, sizes. */
const BAD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u202e\u6709\u9650\u516c\u53f8',
  '\u200b华为',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '𠀀𠀁𠀂',
  '华为'.repeat(5000),
  "' or '1'='1' --",
  '%_\\',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '2026-02-30',
  '2026-13-45',
  '0000-00-00',
  '99999-12-31',
  '-1',
  '0',
  '1e309',
  'NaN',
  '9'.repeat(40),
  'true',
  'null',
  '[]',
  '{}',
  '１２３',
  '00000000-0000-0000-0000-000000000000',
  randomUUID(),
];
/** In a URL a lone surrogate cannot be percent-encoded from a string; its UTF-8 bytes can be sent. */
const BAD_URL_PARTS = ['%ED%A0%80', '%C0%AF', '%FF', '%E4%B8'];
const BAD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, [], [null], {}, { a: '\u0000' }, ['\u202e'], Array.from({ length: 2000 }, () => 'x')];

/** A plausible value, so that the one bad parameter is what the route meets. */
function plausible(s: JsonSchema | undefined, name = ''): unknown {
  if (!s) return 'x';
  if (s.default !== undefined) return s.default;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf?.[0] ?? s.oneOf?.[0];
  if (alt) return plausible(alt, name);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: s.minItems ?? 1 }, () => plausible(s.items, name));
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(v, k)]));
    default:
      if (s.format === 'uuid') return randomUUID();
      if (s.pattern?.includes('\\d{6}')) return '123456';
      if (s.pattern?.includes('0[1-9]|1[0-2]')) return '2026-11';
      if (s.pattern?.includes('\\d{2}(\\d{2})')) return '3501';
      if (s.pattern?.includes('A-Z0-9_-')) return 'CF';
      if (/date|from|to$/i.test(name)) return '2026-11-02';
      if (/uscc/i.test(name)) return makeUscc('91', '350100', 1);
      return s.maxLength !== undefined && s.maxLength < 8 ? 'x' : '福州测试有限公司';
  }
}

const CJK = /\p{Script=Han}/u;

/** Bodies the schema-driven generator cannot make valid (dates inside arrays): written out. */
const BASELINE_BODIES: Record<string, unknown> = {
  'PUT /api/v1/calendar/years/{year}': {
    notice: '国务院办公厅关于2027年部分节假日安排的通知',
    noticeDate: '2026-11-01',
    verified: false,
    holidays: [{ name: '元旦', off: ['2027-01-01', '2027-01-03'], work: ['2027-01-04'] }],
  },
};
/** Routes whose plausible request is refused before the handler for a reason of their own (not validation). */
const BASELINE_STOPS_EARLY = /^(POST \/api\/v1\/auth\/|GET \/api\/v1\/auth\/|POST \/api\/v1\/system\/echo)/;

describe(`every route, bad input, on ${ENGINE}`, () => {
  let p: TestPlatform;
  let department = '';

  before(async () => {
    // Limits would turn most of these into 429s: the point is what the routes themselves do.
    p = await startTestPlatform({ env: { UPLOAD_RATE_LIMIT: '1000000', PORTAL_RATE_LIMIT: '1000000', PORTAL_EXPORT_RATE_LIMIT: '1000000', CODE_VALIDATE_RATE_LIMIT: '1000000' } });
    const setup = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    department = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: makeUscc('11', '350100', 901) }, setup)).id;
    await p.collection.setGrants(department, ['CF', 'XK'], setup);
  });
  after(async () => p?.stop());

  it('answers every bad input with the documented error shape and a Chinese message, never 5xx', async (t) => {
    const doc = p.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    const policies = new Map(p.app.registeredRoutes.map((r) => [`${r.method} ${r.url}`, r.policy]));
    let sent = 0;
    const failures: string[] = [];
    const baselineRefused: string[] = [];

    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const M = method.toUpperCase();
        const policy = policies.get(`${M} ${path.replace(/\{(\w+)\}/g, ':$1')}`) as Policy | undefined;
        // The route's first role, in a real department: the request gets past the policy to the route.
        const principal = policy && 'roles' in policy ? { [TEST_PRINCIPAL_HEADER]: `bad-input:${policy.roles[0] ?? ''}:${department}` } : {};
        const params = op.parameters ?? [];
        const jsonBody = op.requestBody?.content['application/json']?.schema;
        const fileBody = op.requestBody && !jsonBody;
        const base = {
          path: Object.fromEntries(params.filter((x) => x.in === 'path').map((x) => [x.name, String(plausible(x.schema, x.name))])),
          query: Object.fromEntries(params.filter((x) => x.in === 'query' && x.required).map((x) => [x.name, String(plausible(x.schema, x.name))])),
          headers: { ...principal, ...(params.some((x) => x.name === 'x-query-purpose') ? { 'x-query-purpose': 'creditCheck' } : {}) } as Record<string, string>,
          body: jsonBody ? ((BASELINE_BODIES[`${M} ${path}`] ?? plausible(jsonBody)) as Record<string, unknown>) : undefined,
        };
        const url = (pathValues: Record<string, string>, query: Record<string, string>, raw?: { name: string; value: string }) => {
          let u = path.replace(/\{(\w+)\}/g, (_, n: string) => (raw?.name === n ? raw.value : encodeURIComponent(pathValues[n] ?? '')));
          const qs = Object.entries(query).map(([k, v]) => `${k}=${raw?.name === k ? raw.value : encodeURIComponent(v)}`);
          if (qs.length > 0) u += `?${qs.join('&')}`;
          return u;
        };
        const send = async (what: string, req: { url: string; headers?: Record<string, string>; payload?: string | Buffer }) => {
          sent++;
          const r = await p.app.inject({ method: M as 'GET', url: req.url, headers: { ...base.headers, ...req.headers }, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
          const where = `${M} ${path} — ${what} → ${r.statusCode} ${r.body.slice(0, 200)}`;
          if (r.statusCode >= 500) return failures.push(where);
          if (r.statusCode < 400) return;
          let body: { error?: { code?: unknown; message?: unknown } } = {};
          try {
            body = r.json();
          } catch {
            return failures.push(`${where} (not JSON)`);
          }
          if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') return failures.push(`${where} (not the error shape)`);
          if (!CJK.test(body.error.message)) return failures.push(`${where} (not Chinese)`);
        };
        const withBody = base.body !== undefined ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(base.body) } : fileBody ? { headers: { 'content-type': 'text/csv' }, payload: 'a,b\r\n1,2\r\n' } : {};

        // The plausible request itself must get past validation, or the variants below would all stop
        // there and never reach the handler.
        {
          const r = await p.app.inject({ method: M as 'GET', url: url(base.path, base.query), headers: { ...base.headers, ...withBody.headers }, ...(withBody.payload !== undefined ? { payload: withBody.payload } : {}) });
          sent++;
          const code = r.statusCode === 400 ? (r.json() as { error?: { code?: string } }).error?.code : undefined;
          if (r.statusCode >= 500) failures.push(`${M} ${path} — baseline → ${r.statusCode} ${r.body.slice(0, 200)}`);
          else if ((code === 'VALIDATION_FAILED' || code === 'INPUT_UNSAFE_CHARACTER') && !BASELINE_STOPS_EARLY.test(`${M} ${path}`)) baselineRefused.push(`${M} ${path}: ${r.body.slice(0, 200)}`);
        }

        for (const prm of params.filter((x) => x.in !== 'header')) {
          for (const v of BAD_STRINGS) {
            const pathValues = prm.in === 'path' ? { ...base.path, [prm.name]: v } : base.path;
            const query = prm.in === 'query' ? { ...base.query, [prm.name]: v } : base.query;
            if (prm.in === 'path' && v === '') continue; // another route's URL, not a bad value
            await send(`${prm.in} ${prm.name}=${JSON.stringify(v).slice(0, 40)}`, { url: url(pathValues, query), ...withBody });
          }
          for (const raw of [...BAD_URL_PARTS, '%', '%%00']) await send(`${prm.in} ${prm.name} raw ${raw}`, { url: url(base.path, { ...base.query, [prm.name]: '' }, { name: prm.name, value: raw }), ...withBody });
          if (prm.in === 'query') await send(`${prm.name} repeated`, { url: `${url(base.path, base.query)}${Object.keys(base.query).length ? '&' : '?'}${prm.name}=a&${prm.name}=b`, ...withBody });
        }
        for (const h of ['x-query-purpose', 'x-file-name', 'if-none-match', 'x-csrf-token', 'x-app-key']) {
          for (const v of ['\u0000', '%00', '%E2%80%AE', 'x'.repeat(10_000), '../..']) await send(`header ${h}`, { url: url(base.path, base.query), headers: { [h]: v }, ...withBody });
        }
        if (base.body !== undefined && jsonBody) {
          const props = Object.keys(jsonBody.properties ?? {});
          for (const prop of props) {
            for (const v of [...BAD_STRINGS, ...BAD_VALUES]) await send(`body ${prop}=${JSON.stringify(v)?.slice(0, 40)}`, { url: url(base.path, base.query), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...base.body, [prop]: v }) });
            // One level down: each property of an object, or of an array's first object.
            const schema = jsonBody.properties?.[prop];
            const inner = schema?.type === 'array' ? schema.items : schema;
            const current = base.body[prop];
            const element = (Array.isArray(current) ? current[0] : current) as Record<string, unknown> | undefined;
            if (!inner?.properties || !element || typeof element !== 'object') continue;
            for (const nested of Object.keys(inner.properties)) {
              for (const v of [...BAD_STRINGS.slice(0, 20), ...BAD_VALUES.slice(0, 8)]) {
                const changed = { ...element, [nested]: v };
                await send(`body ${prop}.${nested}=${JSON.stringify(v)?.slice(0, 40)}`, { url: url(base.path, base.query), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...base.body, [prop]: Array.isArray(current) ? [changed, ...current.slice(1)] : changed }) });
              }
            }
          }
          const whole: [string, string | Buffer, string][] = [
            ['not JSON', '{"a":', 'application/json'],
            ['empty JSON body', '', 'application/json'],
            ['a JSON string', '"\\u0000"', 'application/json'],
            ['an array', '[1,2,3]', 'application/json'],
            ['nested 5 000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
            ['a key with NUL', JSON.stringify({ ...base.body, 'a\u0000': 1 }), 'application/json'],
            ['__proto__', `{"__proto__":{"polluted":1},${JSON.stringify(base.body).slice(1)}`, 'application/json'],
            ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'],
            ['text/plain', 'hello', 'text/plain'],
            ['XML', '<a/>', 'application/xml'],
            ['multipart', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'],
            ['form', 'a=1&b=2', 'application/x-www-form-urlencoded'],
            ['JSON with charset latin1', JSON.stringify(base.body), 'application/json; charset=latin1'],
          ];
          for (const [what, payload, type] of whole) await send(`body: ${what}`, { url: url(base.path, base.query), headers: { 'content-type': type }, payload });
        }
      }
    }
    t.diagnostic(`${sent} requests over ${Object.keys(doc.paths).length} paths`);
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} bad answers`);
    assert.deepEqual(baselineRefused, [], 'routes whose plausible request does not pass validation (give them a baseline body)');
  });
});
