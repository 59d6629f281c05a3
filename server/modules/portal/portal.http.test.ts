/**
 * The portal's open API on records that came in through collection: ranked organization search
 * (no persons), an organization's profile with its records inside their publicity window only,
 * 双公示 lists with persons masked and minors left out, ETags, and the per-client rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { ManualClock } from '../../platform/clock.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';

const DEPT = makeUscc('11', '350100', 5151);
const HUAWEI = makeUscc('91', '350100', 7001);
const HUAWEI_SZ = makeUscc('91', '440300', 7002);
const SZ_HUAWEI = makeUscc('91', '440300', 7003);
const PERSON_ID = makeIdNumber('350102', '19800101', 21);
const MINOR_ID = makeIdNumber('350102', '20120301', 22);

describe(`public portal API on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ method: 'GET', url, headers });

  before(async () => {
    p = await startTestPlatform({ clock, env: { PORTAL_EXPORT_MAX_ROWS: '3' } });
    const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
    await p.collection.setGrants(dept.id, ['CF', 'XK'], admin);
    const submitter = { actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id };
    const org = (n: number, name: string, uscc: string, o: Record<string, string> = {}) => penaltyRow(DEPT, n, { CF_XDR_MC: name, CF_XDR_SHXYM: uscc, ...o });
    const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_NR_FK: '0.1' };
    const batch = await p.collection.submitRecords(submitter, 'CF', 'portal-test-1', [
      org(1, '福州华为技术有限公司', HUAWEI, { CF_JDRQ: '2026-06-15', CF_NR_FK: '0.5' }),
      org(2, '华为(深圳)科技有限公司', HUAWEI_SZ, { CF_JDRQ: '2026-09-01', CF_NR_FK: '1' }),
      org(3, '深圳华为贸易有限公司', SZ_HUAWEI, { CF_JDRQ: '2026-10-01', CF_NR_FK: '2', CF_SY: '=HYPERLINK("http://example.invalid") 经查属实' }),
      penaltyRow(DEPT, 4, { ...person, CF_XDR_MC: '欧阳小明', CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: '2026-10-10', CF_NR_FK: '0.5' }),
      penaltyRow(DEPT, 5, { ...person, CF_XDR_MC: '王小华', CF_XDR_ZJHM: MINOR_ID, CF_JDRQ: '2026-10-11', CF_NR_FK: '0.5' }),
    ]);
    assert.equal(batch.accepted, 5, JSON.stringify(await p.collection.issues(batch.id, 'rejected', 10, 0)));
  });
  after(async () => p.stop());

  it('ranks exact code, exact name, name prefix, then contains; brackets and widths match', async () => {
    const r = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`);
    assert.equal(r.statusCode, 200, r.body);
    // The name starting with 华为 first; the two containing it after, shorter first, then by name.
    assert.deepEqual(r.json().items.map((s: { name: string }) => s.name), ['华为(深圳)科技有限公司', '深圳华为贸易有限公司', '福州华为技术有限公司']);
    assert.equal(r.json().total, 3);
    const exact = await get(`/api/public/v1/subjects?q=${encodeURIComponent('深圳华为贸易有限公司')}`);
    assert.equal(exact.json().items[0].name, '深圳华为贸易有限公司');
    const variant = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为（深圳）')}`);
    assert.deepEqual(variant.json().items.map((s: { uscc: string }) => s.uscc), [HUAWEI_SZ]);
    const code = await get(`/api/public/v1/subjects?q=${encodeURIComponent(HUAWEI.toLowerCase())}`);
    assert.equal(code.json().items[0].uscc, HUAWEI, 'a code, typed in lower case');
    const fullWidth = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为（深圳）科技')}&type=enterprise&region=44`);
    assert.equal(fullWidth.json().total, 1);
  });

  it('finds a renamed organization by its new name at once, with its legal representative, and not by the old', async () => {
    const admin: Actor = { id: 'registry', name: 'registry', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
    const created = await p.subjects.create({ kind: 'organization', orgType: 'enterprise', name: '福州星辰远航物流有限公司', uscc: makeUscc('91', '350100', 7010), legalRepresentative: { name: '林一帆', idNumber: makeIdNumber('350102', '19750505', 31) } }, admin);
    const found = await get(`/api/public/v1/subjects?q=${encodeURIComponent('星辰远航')}`);
    assert.deepEqual(found.json().items.map((s: { name: string; legalRepresentative: { name: string } }) => [s.name, s.legalRepresentative.name]), [['福州星辰远航物流有限公司', '林一帆']]);
    assert.equal((await get(`/api/public/v1/subjects/${created.uscc}`)).json().subject.name, '福州星辰远航物流有限公司');
    // The representative's name corrected on the person: the organization shows the new one.
    const rep = await p.subjects.get(created.legalRepresentative?.id ?? '');
    await p.subjects.update(rep.id, rep.version, { name: '林一凡' }, admin);
    assert.equal((await get(`/api/public/v1/subjects/${created.uscc}`)).json().subject.legalRepresentative.name, '林一凡');
    // Renamed, and its code corrected by the registry: the old name and the old code are gone at once.
    const corrected = makeUscc('91', '350100', 7011);
    await p.subjects.update(created.id, created.version, { name: '福州银河快运有限公司', uscc: corrected }, admin);
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('星辰远航')}`)).json().total, 0);
    assert.deepEqual((await get(`/api/public/v1/subjects?q=${encodeURIComponent('银河快运')}`)).json().items.map((s: { name: string }) => s.name), ['福州银河快运有限公司']);
    assert.equal((await get(`/api/public/v1/subjects/${created.uscc}`)).statusCode, 404);
    assert.equal((await get(`/api/public/v1/subjects/${corrected}`)).json().subject.name, '福州银河快运有限公司');
  });

  it('gives the home page its headline figures', async () => {
    const r = await get('/api/public/v1/statistics');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), {
      asOf: '2026-11-21',
      organizations: 4, // the persons are not counted, nor listed
      inPublicity: { permits: 0, penalties: 4 }, // the minor's penalty is not public
      publishedThisMonth: 4,
      byDepartment: [{ name: '福州市市场监督管理局', permits: 0, penalties: 4 }],
    });
  });

  it('never finds a natural person, and asks for two characters', async () => {
    for (const q of ['欧阳小明', '小明', PERSON_ID]) {
      const r = await get(`/api/public/v1/subjects?q=${encodeURIComponent(q)}`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.json().total, 0, q);
    }
    const short = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华')}`);
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /请至少输入两个字/);
  });

  it('shows an organization’s penalties within their publicity window only, with basis, source and end', async () => {
    const r = await get(`/api/public/v1/subjects/${HUAWEI}`);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.subject.name, '福州华为技术有限公司');
    // Named by its penalty without an ID number, so not linked as a person: the record's name is shown.
    assert.deepEqual(body.subject.legalRepresentative, { name: '张三' });
    assert.equal(body.permits.total, 0);
    assert.ok(!('seriousList' in body), 'no list tab until lists exist: absent, not an empty one');
    const [penalty] = body.penalties.items;
    const stored = await sql<{ publicity_end: string }>`select publicity_end from record where document_number = ${'榕市监罚〔2026〕1号'}`.execute(p.db);
    const end = stored.rows[0]?.publicity_end ?? '';
    assert.ok(end > '2026-11-21', `published until ${end}`);
    assert.deepEqual({ end: penalty.publicityEnd, basis: penalty.basis, source: penalty.source, decided: penalty.decisionDate },
      { end, basis: '《中华人民共和国产品质量法》第四十九条', source: '福州市市场监督管理局', decided: '2026-06-15' });

    // The day after its last day it is gone from the portal, before the hourly job has ended it.
    const days = (Date.parse(`${end}T16:00:00Z`) - clock.now().getTime()) / 86_400_000;
    clock.advance(Math.ceil(days) * 86_400_000 + 3_600_000);
    const later = await get(`/api/public/v1/subjects/${HUAWEI}`);
    assert.equal(later.json().penalties.total, 0);
    const state = await sql<{ state: string }>`select state from record where document_number = ${'榕市监罚〔2026〕1号'}`.execute(p.db);
    assert.equal(state.rows[0]?.state, 'in_publicity', 'the job has not run');
    clock.advance(-(Math.ceil(days) * 86_400_000 + 3_600_000));
    assert.equal((await get(`/api/public/v1/subjects/${makeUscc('91', '350100', 9999)}`)).statusCode, 404);
  });

  it('lists penalties with persons masked and minors left out, and nothing of their IDs', async () => {
    const r = await get('/api/public/v1/publicity/penalties?pageSize=50');
    assert.equal(r.statusCode, 200, r.body);
    const names = r.json().items.map((i: { subject: { name: string } }) => i.subject.name);
    assert.ok(names.includes('欧阳**'), names.join());
    assert.ok(!names.some((n: string) => n.startsWith('王')), 'a minor’s penalty is not published');
    for (const leak of ['欧阳小明', '小明', PERSON_ID, PERSON_ID.slice(6, 14), MINOR_ID.slice(6, 14), '王小华']) assert.ok(!r.body.includes(leak), leak);
    const filtered = await get('/api/public/v1/publicity/penalties?from=2026-09-01&to=2026-09-30&category=' + encodeURIComponent('罚款'));
    assert.deepEqual(filtered.json().items.map((i: { documentNumber: string }) => i.documentNumber), ['榕市监罚〔2026〕2号']);
  });

  it('exports a result set as CSV for Excel, refusing one over the limit with its size', async () => {
    const over = await get('/api/public/v1/publicity/penalties.csv');
    assert.equal(over.statusCode, 400);
    assert.match(over.body, /共4条，超过导出上限3条，请缩小决定日期范围/);
    const r = await get('/api/public/v1/publicity/penalties.csv?from=2026-10-01&to=2026-10-31');
    assert.equal(r.statusCode, 200, r.body);
    assert.match(String(r.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(r.headers['content-disposition']), /filename\*=UTF-8''%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A/);
    // The columns are the item's public fields (publicity.http.test.ts checks the whole header).
    assert.ok(r.body.startsWith('\uFEFF行政相对人名称,行政相对人类别,行政相对人代码_1(统一社会信用代码),'), r.body.slice(0, 80));
    const lines = r.body.trim().split('\r\n');
    assert.equal(lines.length, 3, 'the header, the company and the person (the minor left out)');
    assert.ok(lines.some((l) => l.startsWith('欧阳**,自然人,,')));
    assert.ok(r.body.includes(`"'=HYPERLINK(""http://example.invalid"") 经查属实"`), 'a formula is not run by a spreadsheet');
    for (const leak of ['欧阳小明', PERSON_ID, PERSON_ID.slice(6, 14), '王小华']) assert.ok(!r.body.includes(leak), leak);
  });

  it('answers with an ETag and 304 for an unchanged result, asked again on every use (no max-age)', async () => {
    const first = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`);
    assert.equal(first.headers['cache-control'], 'public, no-cache');
    const tag = String(first.headers.etag);
    const again = await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`, { 'if-none-match': tag });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    // As browsers and proxies send it: in a list, or without the weak prefix.
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`, { 'if-none-match': `"other", ${tag}` })).statusCode, 304);
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`, { 'if-none-match': tag.replace(/^W\//, '') })).statusCode, 304);
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('华为')}`, { 'if-none-match': '"other"' })).statusCode, 200);
  });
});

describe(`public portal API rate limit on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ env: { PORTAL_RATE_LIMIT: '3', PORTAL_EXPORT_RATE_LIMIT: '1' } });
  });
  after(async () => p.stop());

  it('answers 429 with Retry-After past the per-client budget, one budget across every route of the open API', async () => {
    const from = (remoteAddress: string, url: string) => p.app.inject({ method: 'GET', url, remoteAddress });
    const search = `/api/public/v1/subjects?q=${encodeURIComponent('测试')}`;
    assert.equal((await from('10.0.0.1', search)).statusCode, 200);
    assert.equal((await from('10.0.0.1', '/api/public/v1/departments')).statusCode, 200);
    assert.equal((await from('10.0.0.1', '/api/public/v1/statistics')).statusCode, 200);
    // A fourth route is no fresh allowance.
    const limited = await from('10.0.0.1', '/api/public/v1/regions');
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.match(limited.json().error.message, /每分钟最多3次/);
    // Another client has its own budget.
    assert.equal((await from('10.0.0.2', search)).statusCode, 200);
  });

  it('gives exports a stricter budget of their own', async () => {
    const get = (url: string) => p.app.inject({ method: 'GET', url, remoteAddress: '10.0.0.3' });
    assert.equal((await get('/api/public/v1/publicity/permits.csv')).statusCode, 200);
    const limited = await get('/api/public/v1/publicity/penalties.csv');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().error.message, /每分钟最多导出1次/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });
});

describe(`public portal API on ${ENGINE}: departments and long histories`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const get = (url: string) => p.app.inject({ method: 'GET', url });
  const BUSY = makeUscc('91', '350100', 7100);
  const SHOP = makeUscc('92', '350100', 7200);
  const MARKET = makeUscc('11', '350100', 5252);
  const TAX = makeUscc('11', '350100', 5353);
  let taxId = '';

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const submit = async (uscc: string, name: string, rows: Record<string, string>[]) => {
      const dept = await p.identity.createDepartment({ name, uscc }, admin);
      await p.collection.setGrants(dept.id, ['CF'], admin);
      const batch = await p.collection.submitRecords({ actor: { ...admin, id: `clerk-${uscc}`, roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id }, 'CF', `long-${uscc}`, rows);
      assert.equal(batch.accepted, rows.length, JSON.stringify(await p.collection.issues(batch.id, 'rejected', 3, 0)));
      return dept.id;
    };
    // 203 penalties of one company: more than a profile tab shows. Its representative is named
    // without an ID number (never linked); the newest decision names a new one.
    const day = (n: number) => `2026-${String(1 + Math.floor(n / 28)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
    const market = { CF_SJLY: '福州市市场监督管理局', CF_SJLYDM: MARKET, CF_CFJG: '福州市市场监督管理局', CF_CFJGDM: MARKET };
    await submit(MARKET, '福州市市场监督管理局', [
      ...Array.from({ length: 203 }, (_, n) => penaltyRow(MARKET, 100 + n, { ...market, CF_XDR_MC: '福州繁忙贸易有限公司', CF_XDR_SHXYM: BUSY, CF_JDRQ: day(n), CF_FRDB: n === 202 ? '王新' : '张三' })),
      penaltyRow(MARKET, 400, { ...market, CF_XDR_MC: '鼓楼区老街小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: SHOP, CF_FRDB: '李阿明' }),
    ]);
    taxId = await submit(TAX, '国家税务总局福州市税务局', [penaltyRow(TAX, 1, { CF_WSH: '榕税罚〔2026〕1号', CF_JDRQ: '2026-11-02', CF_SJLY: '国家税务总局福州市税务局', CF_SJLYDM: TAX, CF_CFJG: '国家税务总局福州市税务局', CF_CFJGDM: TAX })]);
  });
  after(async () => p.stop());

  it('counts every record of a tab and shows the newest 200', async () => {
    const body = (await get(`/api/public/v1/subjects/${BUSY}`)).json();
    assert.equal(body.penalties.total, 203);
    assert.equal(body.penalties.items.length, 200);
    assert.equal(body.penalties.items[0].decisionDate, '2026-08-07', 'newest first (the 203rd: 2026-08-07)');
  });

  it('names the representative from the newest record when none is linked; a 个体工商户’s operator masked', async () => {
    assert.deepEqual((await get(`/api/public/v1/subjects/${BUSY}`)).json().subject.legalRepresentative, { name: '王新' });
    const shop = (await get(`/api/public/v1/subjects/${SHOP}`)).json();
    assert.equal(shop.subject.orgType, 'individualBusiness');
    assert.deepEqual(shop.subject.legalRepresentative, { name: '李**' });
    assert.ok(!JSON.stringify(shop).includes('阿明'), 'the operator’s given name appears nowhere');
  });

  it('lists the regions organizations are registered in, with counts, for the search filter', async () => {
    const regions = (await get('/api/public/v1/regions')).json().items;
    assert.deepEqual(regions, [{ code: '350100', name: '福州市', count: 3 }]);
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('繁忙')}&region=3501`)).json().total, 1);
    assert.equal((await get(`/api/public/v1/subjects?q=${encodeURIComponent('繁忙')}&region=44`)).json().total, 0);
  });

  it('lists the departments, and filters 双公示 by one of them', async () => {
    const departments = (await get('/api/public/v1/departments')).json().items as { id: string; name: string }[];
    assert.deepEqual(departments.map((d) => d.name).sort(), ['国家税务总局福州市税务局', '福州市市场监督管理局'].sort());
    assert.ok(departments.some((d) => d.id === taxId));
    const r = await get(`/api/public/v1/publicity/penalties?department=${taxId}`);
    assert.deepEqual({ total: r.json().total, docs: r.json().items.map((i: { documentNumber: string }) => i.documentNumber) }, { total: 1, docs: ['榕税罚〔2026〕1号'] });
  });
});

describe(`public portal API on ${ENGINE}: profiles kept as sent`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const get = async (uscc: string) => (await p.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${uscc}` })).json();
  const KEPT = makeUscc('91', '350100', 7200);
  const MARKET = makeUscc('11', '350100', 5454);
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  let deptId = '';
  const recordId = async (documentNumber: string) => (await sql<{ id: string }>`select id from record where document_number = ${documentNumber}`.execute(p.db)).rows[0]?.id ?? '';

  before(async () => {
    p = await startTestPlatform({ clock });
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: MARKET }, admin);
    deptId = dept.id;
    await p.collection.setGrants(dept.id, ['CF'], admin);
    const rows = [1, 2, 3].map((n) => penaltyRow(MARKET, 300 + n, { CF_WSH: `榕市监罚〔2026〕3${n}号`, CF_XDR_MC: '福州常青商贸有限公司', CF_XDR_SHXYM: KEPT, CF_JDRQ: `2026-10-0${n}` }));
    const batch = await p.collection.submitRecords({ actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id }, 'CF', 'kept-1', rows);
    assert.equal(batch.accepted, 3, JSON.stringify(await p.collection.issues(batch.id, 'rejected', 3, 0)));
  });
  after(async () => p.stop());

  it('sends a profile again as kept, and builds it anew once records have changed', async () => {
    const first = await get(KEPT);
    assert.equal(first.penalties.total, 3);
    // Kept from the second time it is asked for (once, it is read as stored: public-profiles.test.ts).
    assert.deepEqual(await get(KEPT), first);
    // A change the portal is not told of (the notifying trigger switched off, as only the database's
    // owner could): the kept profile is still sent — it really is kept, not read again.
    await sql`alter table record disable trigger record_changed`.execute(p.owner);
    await sql`update record set publicity_end = '2026-11-01' where document_number = ${'榕市监罚〔2026〕33号'}`.execute(p.owner);
    await sql`alter table record enable trigger record_changed`.execute(p.owner);
    assert.deepEqual(await get(KEPT), first);
    // Told of it (every commit that changes records tells): the next answer shows the change.
    await sql`select pg_notify('record_changed', '')`.execute(p.db);
    assert.equal((await get(KEPT)).penalties.total, 2);
  });

  it('drops a withdrawn penalty from the profile at once', async () => {
    assert.equal((await get(KEPT)).penalties.total, 2);
    await p.collection.withdraw(await recordId('榕市监罚〔2026〕32号'), '复议撤销', { ...admin, roles: ['submitter'] }, deptId);
    const after = await get(KEPT);
    assert.equal(after.penalties.total, 1);
    assert.deepEqual(after.penalties.items.map((r: { documentNumber: string }) => r.documentNumber), ['榕市监罚〔2026〕31号']);
  });

  it('hears a change made by another process', async (t) => {
    if (!p.config.databaseUrl) return t.skip('PGlite is opened by one process only');
    assert.equal((await get(KEPT)).penalties.total, 1);
    const other = new pg.Client({ connectionString: p.config.databaseUrl });
    await other.connect();
    try {
      await other.query(`update record set publicity_end = '2027-12-31' where document_number = '榕市监罚〔2026〕33号'`);
    } finally {
      await other.end();
    }
    const end = Date.now() + 5000;
    while ((await get(KEPT)).penalties.total !== 2) {
      assert.ok(Date.now() < end, 'the other process’s change reached the portal within 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
