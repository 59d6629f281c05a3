/**
 * 双公示 on the open API: the 关键字 box (part of an organization's name, full-width and （）/() alike,
 * or the beginning of a 决定文书号 in any bracket style), a record's own page with every public field
 * of its item (a person masked, no ID number), refused alike when the public may not see it, and
 * the CSV export's columns: the item's public fields once each, and the end of publicity.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';
import { copySubjects } from '../subjects/index.js';
import { publicFields } from './public-record.js';
import { MAX_NAME_MATCHES, documentPrefixes } from './portal.service.js';

const MARKET = makeUscc('11', '350100', 6161);
const HUAWEI = makeUscc('91', '350100', 6001);
const HUAWEI_SZ = makeUscc('91', '440300', 6002);
const HENGDA = makeUscc('91', '350100', 6003);
const PERSON_ID = makeIdNumber('350102', '19800101', 61);
const MINOR_ID = makeIdNumber('350102', '20120301', 62);
const PHONE = '13912345678';

type Item = { id: string; documentNumber: string; subject: { name: string; uscc: string | null } };

describe(`双公示 search, record pages and export on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ method: 'GET', url, headers });
  const search = async (q: string, kind = 'penalties') => {
    const r = await get(`/api/public/v1/publicity/${kind}?pageSize=50&q=${encodeURIComponent(q)}`);
    assert.equal(r.statusCode, 200, r.body);
    return (r.json().items as Item[]).map((i) => i.documentNumber).sort();
  };
  const idOf = async (documentNumber: string) => (await sql<{ id: string }>`select id from record where document_number = ${documentNumber}`.execute(p.db)).rows[0]?.id ?? '';
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  let deptId = '';

  before(async () => {
    p = await startTestPlatform({ clock, env: { PORTAL_SEARCH_STALENESS_MS: '0' } });
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: MARKET }, admin);
    deptId = dept.id;
    await p.collection.setGrants(dept.id, ['CF', 'XK'], admin);
    const submitter = { actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id };
    const person = { CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证' };
    const penalties = await p.collection.submitRecords(submitter, 'CF', 'publicity-1', [
      penaltyRow(MARKET, 1, { CF_XDR_MC: '福州华为技术有限公司', CF_XDR_SHXYM: HUAWEI, CF_JDRQ: '2026-10-01' }),
      penaltyRow(MARKET, 2, { CF_XDR_MC: '华为（深圳）科技有限公司', CF_XDR_SHXYM: HUAWEI_SZ, CF_JDRQ: '2026-10-02' }),
      penaltyRow(MARKET, 3, { CF_XDR_MC: '福州恒达贸易有限公司', CF_XDR_SHXYM: HENGDA, CF_JDRQ: '2026-10-03', CF_WSH: '榕市监罚[2026]3号', CF_CFLB: '警告;罚款', CF_NR_FK: '2' }),
      // A person, with the ID number and a phone written into the free text, as departments do.
      penaltyRow(MARKET, 4, { ...person, CF_XDR_MC: '欧阳小明', CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: '2026-10-04', CF_SY: `当事人欧阳小明（身份证号码${PERSON_ID}，电话${PHONE}）无证经营。`, BZ: `联系电话${PHONE}` }),
      penaltyRow(MARKET, 5, { ...person, CF_XDR_MC: '王小华', CF_XDR_ZJHM: MINOR_ID, CF_JDRQ: '2026-10-05' }),
      penaltyRow(MARKET, 6, { CF_XDR_MC: '福州华为物流有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 6006), CF_JDRQ: '2026-10-06', CF_WSH: '榕市监罚〔2026〕6号' }),
      penaltyRow(MARKET, 7, { CF_XDR_MC: '福州通达商贸有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 6007), CF_JDRQ: '2026-10-07', CF_WSH: '榕市监罚〔2026〕7号' }),
    ]);
    assert.equal(penalties.accepted, 7, JSON.stringify(await p.collection.issues(penalties.id, 'rejected', 10, 0)));
    const permits = await p.collection.submitRecords(submitter, 'XK', 'publicity-2', [{
      XK_XDR_MC: '福州华为技术有限公司', XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: HUAWEI, XK_FRDB: '张三',
      XK_XKWS: '食品经营许可决定书', XK_WSH: '榕市监许〔2026〕9号', XK_XKLB: '普通', XK_XKZS: '食品经营许可证', XK_NR: '准予食品经营许可',
      XK_JDRQ: '2026-09-01', XK_YXQZ: '2026-09-01', XK_YXQZI: '2031-08-31', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: MARKET,
      XK_ZT: '1', XK_LYDW: '', XK_LYDWDM: MARKET,
    }]);
    assert.equal(permits.accepted, 1, JSON.stringify(await p.collection.issues(permits.id, 'rejected', 10, 0)));
    // The 7th is withdrawn (撤销): gone from every public answer.
    await p.collection.withdraw(await idOf('榕市监罚〔2026〕7号'), '复议撤销', { ...admin, roles: ['submitter'] }, deptId);
  });
  after(async () => p.stop());

  it('finds penalties by part of the party’s name, two characters, full-width brackets or half', async () => {
    assert.deepEqual(await search('华为'), ['榕市监罚〔2026〕1号', '榕市监罚〔2026〕2号', '榕市监罚〔2026〕6号']);
    assert.deepEqual(await search('华为（深圳）'), ['榕市监罚〔2026〕2号']);
    assert.deepEqual(await search('华为(深圳)科技'), ['榕市监罚〔2026〕2号']);
    assert.deepEqual(await search('恒达'), ['榕市监罚[2026]3号']);
    assert.deepEqual(await search(HUAWEI.toLowerCase()), ['榕市监罚〔2026〕1号'], 'a USCC finds its organization’s records');
    // With the other filters: only 华为's penalties decided from 2 October.
    const r = await get(`/api/public/v1/publicity/penalties?q=${encodeURIComponent('华为')}&from=2026-10-02`);
    assert.deepEqual(r.json().items.map((i: Item) => i.documentNumber), ['榕市监罚〔2026〕6号', '榕市监罚〔2026〕2号']);
    assert.equal(r.json().total, 2);
    assert.deepEqual(await search('华为', 'permits'), ['榕市监许〔2026〕9号']);
    assert.deepEqual(await search('华为技术', 'permits'), ['榕市监许〔2026〕9号']);
    assert.deepEqual(await search('通达'), [], 'a withdrawn penalty is not found');
  });

  it('finds a penalty by its 决定文书号 or its beginning, whatever brackets are typed', async () => {
    assert.deepEqual(await search('榕市监罚〔2026〕4号'), ['榕市监罚〔2026〕4号']);
    assert.deepEqual(await search('榕市监罚(2026)4号'), ['榕市监罚〔2026〕4号']);
    assert.deepEqual(await search('榕市监罚（２０２６）4号'), ['榕市监罚〔2026〕4号'], 'full-width brackets and digits');
    assert.deepEqual(await search('榕市监罚〔2026〕3号'), ['榕市监罚[2026]3号'], 'stored with square brackets');
    // Two characters: every public penalty of 榕市 (the minor's and the withdrawn one are not public).
    assert.deepEqual(await search('榕市'), ['榕市监罚[2026]3号', '榕市监罚〔2026〕1号', '榕市监罚〔2026〕2号', '榕市监罚〔2026〕4号', '榕市监罚〔2026〕6号'].sort());
    assert.deepEqual(await search('榕市%'), [], '% is a character, not a wildcard');
    assert.deepEqual(documentPrefixes('榕市监罚'), ['榕市监罚']);
  });

  it('never finds a natural person by name; the record shows masked, found by its number', async () => {
    for (const q of ['欧阳小明', '欧阳', '小明', PERSON_ID, '王小华']) assert.deepEqual(await search(q), [], q);
    const r = await get(`/api/public/v1/publicity/penalties?q=${encodeURIComponent('榕市监罚〔2026〕4号')}`);
    assert.equal(r.json().items[0].subject.name, '欧阳**');
    for (const leak of ['欧阳小明', '小明', PERSON_ID, PERSON_ID.slice(6, 14), PHONE]) assert.ok(!r.body.includes(leak), leak);
  });

  it('asks for two characters, in Chinese, and names the field', async () => {
    const r = await get(`/api/public/v1/publicity/penalties?q=${encodeURIComponent('华')}`);
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().error.details, [{ field: 'q', message: '请至少输入两个字（行政相对人名称的一部分或决定文书号）' }]);
    const csv = await get(`/api/public/v1/publicity/penalties.csv?q=${encodeURIComponent('（')}`);
    assert.equal(csv.statusCode, 400, 'the export refuses it alike');
  });

  it('refuses a name so common that it matches more organizations than the limit, saying how to narrow it', async () => {
    const orgs = Array.from({ length: MAX_NAME_MATCHES + 1 }, (_, n) => ({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, kind: 'organization' as const, orgType: 'enterprise' as const,
      name: `福州广阔${n}号贸易有限公司`, uscc: makeUscc('91', '350100', 20_000 + n), idNumber: null, legalRepId: null, regionCode: '350100', industryCode: null,
    }));
    await p.engine.bulkLoad((copy) => copySubjects(copy, p.cipher, orgs));
    const r = await get(`/api/public/v1/publicity/penalties?q=${encodeURIComponent('广阔')}`);
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().error.message, `名称含「广阔」的组织有${MAX_NAME_MATCHES + 1}个，超过${MAX_NAME_MATCHES}个：请输入更完整的名称（如加上地名、字号或行业），或输入决定文书号`);
    assert.deepEqual(await search('广阔1000号'), [], 'a fuller name is answered');
  });

  it('shows a penalty’s own page: every public field of the standard, the registered source and the end of publicity', async () => {
    const id = await idOf('榕市监罚〔2026〕1号');
    const r = await get(`/api/public/v1/publicity/penalties/${id}`);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    const cf = p.catalog.get('infoItem', 'CF')?.content;
    assert.ok(cf);
    assert.deepEqual(body.fields.map((f: { code: string }) => f.code), publicFields(cf).map((f) => f.code), 'every public field, in the catalog’s order');
    assert.ok(!body.fields.some((f: { code: string }) => ['CF_XDR_ZJHM', 'CF_FR_ZJHM', 'CF_GSJZQ'].includes(f.code)));
    const value = (code: string) => body.fields.find((f: { code: string }) => f.code === code)?.value;
    assert.equal(value('CF_XDR_MC'), '福州华为技术有限公司');
    assert.equal(value('CF_XDR_SHXYM'), HUAWEI);
    assert.equal(value('CF_NR_FK'), '0.50');
    assert.equal(value('CF_NR_ZKDX'), '', 'an empty field is there, empty');
    assert.equal(value('CF_SJLY'), '福州市市场监督管理局', 'the file left it empty: the registry names the source');
    const stored = (await sql<{ publicity_end: string }>`select publicity_end from record where id = ${id}`.execute(p.db)).rows[0]?.publicity_end;
    assert.deepEqual({ id: body.id, end: body.publicityEnd, source: body.source, subject: body.subject, doc: body.documentNumber, decided: body.decisionDate },
      { id, end: stored, source: '福州市市场监督管理局', subject: { name: '福州华为技术有限公司', uscc: HUAWEI }, doc: '榕市监罚〔2026〕1号', decided: '2026-10-01' });
    // Revalidated like every public answer: an unchanged record is 304.
    assert.equal(r.headers['cache-control'], 'public, no-cache');
    assert.equal((await get(`/api/public/v1/publicity/penalties/${id}`, { 'if-none-match': String(r.headers.etag) })).statusCode, 304);
    // Each list item carries the id the page is opened by.
    assert.ok((await get('/api/public/v1/publicity/penalties?pageSize=50')).json().items.some((i: Item) => i.id === id));
  });

  it('shows a natural person’s penalty masked, in every field and the free text, without the ID number', async () => {
    const r = await get(`/api/public/v1/publicity/penalties/${await idOf('榕市监罚〔2026〕4号')}`);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.subject.name, '欧阳**');
    assert.equal(body.subject.uscc, null);
    assert.equal(body.fields.find((f: { code: string }) => f.code === 'CF_XDR_MC').value, '欧阳**');
    assert.equal(body.fields.find((f: { code: string }) => f.code === 'CF_XDR_ZJLX').value, '身份证');
    for (const leak of ['欧阳小明', '小明', PERSON_ID, PERSON_ID.slice(6, 14), PHONE]) assert.ok(!r.body.includes(leak), leak);
  });

  it('shows a permit’s page with its enumerations by label', async () => {
    const r = await get(`/api/public/v1/publicity/permits/${await idOf('榕市监许〔2026〕9号')}`);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    const xk = p.catalog.get('infoItem', 'XK')?.content;
    assert.ok(xk);
    assert.deepEqual(body.fields.map((f: { code: string }) => f.code), publicFields(xk).map((f) => f.code));
    const value = (code: string) => body.fields.find((f: { code: string }) => f.code === code)?.value;
    assert.deepEqual([value('XK_ZT'), value('XK_XKLB'), value('XK_YXQZI'), value('XK_LYDW')], ['有效', '普通', '2031-08-31', '福州市市场监督管理局']);
  });

  it('answers 404 in Chinese for a record the public may not see: withdrawn, a minor’s, past its window, of the other kind, or no such id', async () => {
    const notFound = async (url: string, kind = '行政处罚') => {
      const r = await get(url);
      assert.equal(r.statusCode, 404, `${url}: ${r.body}`);
      assert.equal(r.json().error.message, `未找到这条${kind}公示信息：它可能已过公示期、已被撤销或不予公示，请返回公示列表查看`);
      assert.ok(!r.body.includes('榕市'), 'nothing of the record');
    };
    await notFound(`/api/public/v1/publicity/penalties/${await idOf('榕市监罚〔2026〕7号')}`);
    await notFound(`/api/public/v1/publicity/penalties/${await idOf('榕市监罚〔2026〕5号')}`);
    await notFound(`/api/public/v1/publicity/permits/${await idOf('榕市监罚〔2026〕1号')}`, '行政许可');
    await notFound('/api/public/v1/publicity/penalties/00000000-0000-4000-8000-000000000000');
    await notFound('/api/public/v1/publicity/penalties/not-an-id');
    // The day after its last day it is gone, before the hourly job has ended it.
    const id = await idOf('榕市监罚〔2026〕2号');
    const end = (await sql<{ publicity_end: string }>`select publicity_end from record where id = ${id}`.execute(p.db)).rows[0]?.publicity_end ?? '';
    const step = Date.parse(`${end}T16:00:00Z`) + 3_600_000 - clock.now().getTime();
    assert.equal((await get(`/api/public/v1/publicity/penalties/${id}`)).statusCode, 200);
    clock.advance(step);
    try {
      await notFound(`/api/public/v1/publicity/penalties/${id}`);
    } finally {
      clock.advance(-step);
    }
  });

  it('exports each public field once, in the catalog’s order, then the end of publicity', async () => {
    const r = await get(`/api/public/v1/publicity/penalties.csv?q=${encodeURIComponent('榕市监罚')}`);
    assert.equal(r.statusCode, 200, r.body);
    const [header = '', ...rows] = r.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const columns = header.split(',');
    assert.deepEqual(columns, [
      '行政相对人名称', '行政相对人类别', '行政相对人代码_1(统一社会信用代码)', '行政相对人代码_2(工商注册号)', '行政相对人代码_3(组织机构代码)',
      '行政相对人代码_4(税务登记号)', '行政相对人代码_5(事业单位证书号)', '行政相对人代码_6(社会组织登记证号)', '法定代表人', '法定代表人证件类型', '证件类型',
      '行政处罚决定书文号', '违法行为类型', '违法事实', '处罚依据', '处罚类别', '处罚内容', '罚款金额(万元)', '没收违法所得、没收非法财物的金额(万元)',
      '暂扣或吊销证照名称及编号', '处罚决定日期', '处罚有效期', '处罚机关', '处罚机关统一社会信用代码', '数据来源单位', '数据来源单位统一社会信用代码', '备注', '公示截止日期',
    ]);
    assert.equal(new Set(columns).size, columns.length, 'no column twice');
    assert.equal(rows.length, 5, 'the public penalties with numbers beginning 榕市监罚');
    const hengda = rows.find((l) => l.startsWith('福州恒达贸易有限公司,'))?.split(',') ?? [];
    assert.equal(hengda.length, columns.length, 'each row has a cell per column');
    const cell = (name: string) => hengda[columns.indexOf(name)];
    assert.deepEqual([cell('行政处罚决定书文号'), cell('处罚类别'), cell('罚款金额(万元)'), cell('数据来源单位')], ['榕市监罚[2026]3号', '警告、罚款', '2.00', '福州市市场监督管理局']);
    assert.match(cell('公示截止日期') ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(rows.some((l) => l.startsWith('欧阳**,自然人,')), 'the person masked');
    for (const leak of ['欧阳小明', PERSON_ID, PHONE]) assert.ok(!r.body.includes(leak), leak);
    const permits = await get('/api/public/v1/publicity/permits.csv');
    const permitColumns = permits.body.replace(/^\uFEFF/, '').split('\r\n')[0]?.split(',') ?? [];
    assert.equal(new Set(permitColumns).size, permitColumns.length, permitColumns.join());
    assert.deepEqual(permitColumns.slice(-3), ['数据来源单位统一社会信用代码', '备注', '公示截止日期']);
  });
});
