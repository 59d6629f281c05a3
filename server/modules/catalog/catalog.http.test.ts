import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { CATALOG_DIR, CatalogInvalidError, CatalogService } from './index.js';

describe(`catalog API on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  const get = async (url: string) => {
    const r = await p.app.inject(url);
    assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    return r.json();
  };

  it('lists information items with field schemas and resolved legal bases', async () => {
    const items = await get('/api/v1/catalog/info-items');
    assert.deepEqual(items.map((i: { code: string }) => i.code), ['CF', 'HMD', 'SXBZXR', 'XK', 'XYCN', 'YZSX']);
    const list = await p.app.inject('/api/v1/catalog/info-items');
    assert.equal(list.headers['cache-control'], 'public, no-cache', 'published catalogs may be cached, asked again on every use');
    const cf = await get('/api/v1/catalog/info-items/CF');
    assert.equal(cf.recordClassification, 'public');
    assert.equal(cf.version, 1);
    assert.equal(cf.content.name, '行政处罚信息');
    assert.ok(cf.content.fields.some((f: { code: string; label: string }) => f.code === 'CF_NR_FK' && f.label === '罚款金额(万元)'));
    const basis = cf.basis.find((b: { instrument: string }) => b.instrument === 'LAW-ADMIN-PENALTY-2021');
    assert.deepEqual(
      { title: basis.title, article: basis.article, version: basis.version, effectiveDate: basis.effectiveDate, verification: basis.verification },
      { title: '中华人民共和国行政处罚法', article: '第四十八条', version: '2021年修订', effectiveDate: '2021-07-15', verification: 'verified' },
    );
  });

  it('lists measures with legal bases and shows which bases still need checking', async () => {
    const measures = await get('/api/v1/catalog/measures');
    assert.equal(measures.length, 30);
    const p01 = measures.find((m: { code: string }) => m.code === 'P-01');
    assert.equal(p01.content.name, '限制高消费及非生活和工作必需的消费');
    assert.ok(p01.basis.every((b: { title: string | null }) => b.title));
    const i01 = measures.find((m: { code: string }) => m.code === 'I-01');
    assert.equal(i01.basis[0].verification, 'recalled');
    const lists = await get('/api/v1/catalog/list-types');
    const l01 = lists.find((l: { code: string }) => l.code === 'L-01');
    assert.match(l01.content.remedies, /复议/);
    assert.equal((await p.app.inject('/api/v1/catalog/measures/P-99')).statusCode, 404);
  });

  it('serves periods, time limits, code tables and legal instruments', async () => {
    const periods = await get('/api/v1/catalog/period-rules');
    const current = periods.find((r: { code: string }) => r.code === 'PUBLICITY-NDRC36-2026');
    assert.deepEqual(current.content.severities.serious, { published: true, minMonths: 12, maxMonths: 36, repair: 'afterMinimum' });
    const limits = await get('/api/v1/catalog/time-limits');
    assert.equal(limits.find((t: { code: string }) => t.code === 'SGS_PUBLISH').content.value, 7);
    const tables = await get('/api/v1/catalog/code-tables');
    assert.ok(tables.find((t: { code: string }) => t.code === 'CFLB').content.values.some((v: { value: string }) => v.value === '通报批评'));
    assert.ok((await get('/api/v1/catalog/legal-instruments')).length >= 30);
  });

  it('picks the publicity-period rule by decision date and knows which items are in force', () => {
    const cf = p.catalog.get('infoItem', 'CF')!.content;
    assert.equal(p.catalog.periodRuleFor(cf, '2026-05-01')?.code, 'PUBLICITY-NDRC36-2026');
    assert.equal(p.catalog.periodRuleFor(cf, '2024-01-01')?.code, 'PUBLICITY-NDRC58-2023');
    assert.equal(p.catalog.periodRuleFor(cf, '2021-01-01')?.code, 'PUBLICITY-NDRC527-2019');
    assert.ok(p.catalog.infoItemInForce('CF', '2025-01-01'));
    assert.equal(p.catalog.infoItemInForce('CF', '2018-12-31'), undefined, 'before the item took effect');
  });

  it('versions a changed catalog file and keeps the earlier version', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-catalog-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
    const file = path.join(dir, 'info-items/XK.yaml');
    const doc = parse(fs.readFileSync(file, 'utf8'));
    doc.fields.find((f: { code: string }) => f.code === 'XK_NR').maxLength = 8000;
    fs.writeFileSync(file, stringify(doc));
    const log = pino({ level: 'silent' });
    await CatalogService.start(p.db, log, dir);
    await CatalogService.start(p.db, log, dir); // unchanged: no new version
    const xk = await get('/api/v1/catalog/info-items/XK');
    assert.equal(xk.version, 2);
    assert.equal(xk.history.length, 1);
    assert.equal(xk.history[0].version, 1);
    assert.equal(xk.history[0].content.fields.find((f: { code: string }) => f.code === 'XK_NR').maxLength, 4000);
  });

  it('retires an entry whose file was removed, keeping its versions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-catalog-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
    fs.unlinkSync(path.join(dir, 'info-items/YZSX.yaml'));
    const service = await CatalogService.start(p.db, pino({ level: 'silent' }), dir);
    assert.equal(service.get('infoItem', 'YZSX'), undefined);
    assert.equal(service.infoItemInForce('YZSX', '2025-01-01'), undefined);
    assert.equal((await service.versions('infoItem', 'YZSX')).length, 1);
    await CatalogService.start(p.db, pino({ level: 'silent' }), CATALOG_DIR);
  });

  it('refuses to start on a catalog whose schema defines a prohibited field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-catalog-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
    const file = path.join(dir, 'info-items/XK.yaml');
    const doc = parse(fs.readFileSync(file, 'utf8'));
    doc.fields.push({ code: 'XK_XDR_XX', label: '血型', type: 'text' });
    fs.writeFileSync(file, stringify(doc));
    await assert.rejects(CatalogService.start(p.db, pino({ level: 'silent' }), dir), (e: unknown) => e instanceof CatalogInvalidError && /血型/.test(e.message));
  });
});

describe(`calendar API on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  it('computes working days over the official schedule', async () => {
    const r = (await p.app.inject('/api/v1/calendar/working-days?from=2026-09-18&add=7')).json();
    assert.deepEqual(r, { from: '2026-09-18', isWorkingDay: true, result: '2026-09-29', yearsWithoutSchedule: [] });
    const between = (await p.app.inject('/api/v1/calendar/working-days?from=2026-09-24&to=2026-10-10')).json();
    assert.equal(between.workingDaysBetween, 6);
    const bad = await p.app.inject('/api/v1/calendar/working-days?from=2026-02-30&add=1');
    assert.equal(bad.statusCode, 400);
    const huge = await p.app.inject('/api/v1/calendar/working-days?from=0001-01-01&to=9999-12-31');
    assert.equal(huge.statusCode, 400);
    const years = (await p.app.inject('/api/v1/calendar/years')).json();
    assert.deepEqual(years.map((y: { year: number; verified: boolean }) => [y.year, y.verified]), [[2024, false], [2025, true], [2026, true]]);
  });

  it('falls back for 2027 and says so, until an officer loads the 2027 notice without a code change', async () => {
    const before2027 = (await p.app.inject('/api/v1/calendar/working-days?from=2027-09-30&add=1')).json();
    assert.equal(before2027.result, '2027-10-01');
    assert.deepEqual(before2027.yearsWithoutSchedule, [2027]);

    const body = { notice: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）', verified: false, holidays: [{ name: '国庆节', off: ['2027-10-01', '2027-10-07'], work: ['2027-09-26'] }] };
    assert.equal((await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: body })).statusCode, 401);
    assert.equal((await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: body, headers: as('submitter') })).statusCode, 403);
    const put = await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: body, headers: as('creditOffice') });
    assert.equal(put.statusCode, 204, put.body);

    const audited = await p.audit.list({ event: 'calendar.update', limit: 5, offset: 0 });
    assert.equal(audited.total, 1);
    assert.equal(audited.rows[0]?.object_id, '2027');
    const after2027 = (await p.app.inject('/api/v1/calendar/working-days?from=2027-09-30&add=1')).json();
    assert.equal(after2027.result, '2027-10-08');
    assert.deepEqual(after2027.yearsWithoutSchedule, []);
    assert.equal(p.catalog.calendar.isWorkingDay('2027-09-26'), true);

    const wrong = await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: { ...body, holidays: [{ name: 'x', off: ['2028-01-01', '2028-01-02'] }] }, headers: as('creditOffice') });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.json().error.details[0].message, /须在2027年内/);
    // A date that does not exist is said so, not passed to the database.
    const impossible = await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: { ...body, noticeDate: '2026-02-30', holidays: [{ name: 'x', off: ['2027-02-30', '2027-03-02'] }] }, headers: as('creditOffice') });
    assert.equal(impossible.statusCode, 400, impossible.body);
    assert.match(impossible.json().error.message, /「2026-02-30」不是有效日期（2月没有30日）/);
    const weekday = await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: { ...body, holidays: [{ name: 'x', off: ['2027-10-01', '2027-10-07'], work: ['2027-09-29'] }] }, headers: as('creditOffice') });
    assert.equal(weekday.statusCode, 422);
    assert.match(weekday.json().error.details[0].message, /应为周六或周日/);
    const shapeless = await p.app.inject({ method: 'PUT', url: '/api/v1/calendar/years/2027', payload: { notice: 'x' }, headers: as('creditOffice') });
    assert.equal(shapeless.statusCode, 400);
  });
});
