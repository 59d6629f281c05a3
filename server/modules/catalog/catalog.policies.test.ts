/**
 * 政策法规: the catalog's legal instruments with their standing, the articles the catalog cites and
 * the entries resting on each — and, the other way round, an entry's own instruments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { articleOrder } from './catalog.policies.js';

describe('article order', () => {
  it('reads Chinese article numbers', () => {
    assert.deepEqual(['第十条', '第一百一十三条', '第二十二条第一款', '第九条', '第十六条'].sort((a, b) => articleOrder(a) - articleOrder(b)), ['第九条', '第十条', '第十六条', '第二十二条第一款', '第一百一十三条']);
    assert.equal(articleOrder('附则'), Number.MAX_SAFE_INTEGER);
  });
});

describe(`政策法规 API on ${ENGINE}`, () => {
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

  it('lists every instrument by level with its standing and how much rests on it; searches and filters', async () => {
    const all = await get('/api/v1/catalog/policies');
    assert.equal(all.total, all.items.length);
    assert.ok(all.total >= 40);
    const levels = all.items.map((i: { level: string }) => i.level);
    assert.equal(levels[0], 'law', 'laws first');
    assert.deepEqual(all.levels.map((l: { level: string }) => l.level).slice(0, 2), ['law', 'administrativeRegulation']);
    assert.equal(all.levels.reduce((n: number, l: { count: number }) => n + l.count, 0), all.total);
    const penalty = all.items.find((i: { code: string }) => i.code === 'LAW-ADMIN-PENALTY-2021');
    assert.deepEqual(
      { status: penalty.status, verification: penalty.verification, effectiveDate: penalty.effectiveDate, issuer: penalty.issuer, infoItems: penalty.counts.infoItem, measures: penalty.counts.measure },
      { status: 'inForce', verification: 'verified', effectiveDate: '2021-07-15', issuer: '全国人民代表大会常务委员会', infoItems: 1, measures: 1 },
    );

    const rules = await get(`/api/v1/catalog/policies?level=departmentalRule&q=${encodeURIComponent('修复管理办法')}`);
    assert.deepEqual(rules.items.map((i: { code: string }) => i.code).sort(), ['NDRC-ORDER-36-2025', 'NDRC-ORDER-58-2023']);
    // By document number, in full-width digits as typed on a Chinese keyboard.
    const byNumber = await get(`/api/v1/catalog/policies?q=${encodeURIComponent('国办发〔２０２０〕４９号')}`);
    assert.deepEqual(byNumber.items.map((i: { code: string }) => i.code), ['GOV-2020-49']);
    const none = await get(`/api/v1/catalog/policies?q=${encodeURIComponent('不存在的文件')}`);
    assert.deepEqual([none.total, none.levels], [0, []]);

    const bad = await p.app.inject('/api/v1/catalog/policies?level=constitution');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /查询参数「level」/);
  });

  it('shows a repealed instrument as 已废止 with the one that replaced it, and that one as replacing it', async () => {
    const old = await get('/api/v1/catalog/policies/NDRC-ORDER-58-2023');
    assert.equal(old.status, 'repealed');
    assert.deepEqual(old.replacedBy, { code: 'NDRC-ORDER-36-2025', title: '信用修复管理办法' });
    const current = await get('/api/v1/catalog/policies/NDRC-ORDER-36-2025');
    assert.equal(current.status, 'inForce');
    assert.deepEqual(current.replaces, [{ code: 'NDRC-ORDER-58-2023', title: '失信行为纠正后的信用信息修复管理办法（试行）' }]);
    assert.ok(current.citedBy.some((l: { kind: string; code: string }) => l.kind === 'timeLimit' && l.code === 'REPAIR_DECISION'));
  });

  it('gives an instrument’s cited articles in order with what rests on each, and the entries lead back to it', async () => {
    const d = await get('/api/v1/catalog/policies/LAW-ADMIN-PENALTY-2021');
    assert.deepEqual(d.articles.map((a: { article: string }) => a.article), ['第四十八条', '第五十一条']);
    const art48 = d.articles[0].citedBy.map((l: { kind: string; code: string }) => `${l.kind}:${l.code}`);
    assert.deepEqual(art48, ['infoItem:CF', 'measure:P-21', 'timeLimit:PENALTY_WITHDRAW']);
    // 第五十一条 is cited by a severity rule of CF (简易程序): the item rests on it too.
    assert.deepEqual(d.articles[1].citedBy.map((l: { code: string }) => l.code), ['CF']);
    const measure = d.citedBy.find((l: { kind: string }) => l.kind === 'measure');
    assert.deepEqual(measure, { kind: 'measure', code: 'P-21', name: '依法公示失信信息', articles: ['第四十八条'] });

    // Vice versa: the measure's own legal basis names this instrument and article.
    const p21 = await get('/api/v1/catalog/measures/P-21');
    assert.ok(p21.basis.some((b: { instrument: string; article: string | null }) => b.instrument === 'LAW-ADMIN-PENALTY-2021' && b.article === '第四十八条'));
  });

  it('is public, cacheable and revalidated by its ETag; an unknown code is told in Chinese', async () => {
    const r = await p.app.inject('/api/v1/catalog/policies/LAW-ADMIN-PENALTY-2021');
    assert.equal(r.headers['cache-control'], 'public, no-cache');
    const tag = String(r.headers.etag);
    const ask = (ifNoneMatch: string) => p.app.inject({ url: '/api/v1/catalog/policies/LAW-ADMIN-PENALTY-2021', headers: { 'if-none-match': ifNoneMatch } });
    const again = await ask(tag);
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers.etag, tag);
    // RFC 9110: a list of tags, compared weakly, or `*` — as a browser or a proxy may send it.
    assert.equal((await ask(`"other", ${tag}`)).statusCode, 304, 'a list naming the tag');
    assert.equal((await ask(tag.replace(/^W\//, ''))).statusCode, 304, 'the same tag without W/ (weak comparison)');
    assert.equal((await ask('*')).statusCode, 304);
    assert.equal((await ask('"other"')).statusCode, 200);
    assert.equal((await p.app.inject({ url: '/api/v1/catalog/policies', headers: { 'if-none-match': tag } })).statusCode, 200, 'another answer has another tag');
    const missing = await p.app.inject('/api/v1/catalog/policies/LAW-NONE');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json().error.message, /政策法规中没有代码为「LAW-NONE」的文件/);
  });
});
