import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NameIndex, searchKey, type IndexedOrganization } from './name-index.js';

let n = 0;
const org = (name: string, extra: Partial<IndexedOrganization> = {}): IndexedOrganization => ({ id: `id-${String(++n).padStart(4, '0')}`, name, org_type: 'enterprise', region_code: '330106', ...extra });

function names(index: NameIndex, all: IndexedOrganization[], text: string, more: { orgType?: IndexedOrganization['org_type'] & string; region?: string; offset?: number; limit?: number } = {}) {
  const r = index.search({ text, offset: more.offset ?? 0, limit: more.limit ?? 20, orgType: more.orgType, region: more.region });
  const byId = new Map(all.map((o) => [o.id, o.name]));
  return { names: r.items.map((o) => byId.get(o.id)), total: r.total };
}

describe('the portal name index', () => {
  it('normalizes width, case, brackets and punctuation the same way for names and queries', () => {
    assert.equal(searchKey('华为（深圳）Ａｂｃ 有限·公司'), '华为深圳abc有限公司');
    assert.equal(searchKey('华为(深圳)abc有限公司'), '华为深圳abc有限公司');
  });

  it('ranks exact name, then prefix, then contains, shorter first; finds partial names and variants', async () => {
    const all = [org('福州华为技术有限公司'), org('华为技术有限公司'), org('华为'), org('华为（深圳）科技有限公司'), org('杭州华夏为民商贸有限公司'), org('恒达机械有限公司')];
    const index = new NameIndex();
    await index.load(all);
    assert.deepEqual(names(index, all, '华为'), { names: ['华为', '华为技术有限公司', '华为（深圳）科技有限公司', '福州华为技术有限公司'], total: 4 });
    // Bigrams in the wrong order or apart are not a match: 华夏为民 has 华 and 为 but not 华为.
    assert.equal(names(index, all, '华为').names.includes('杭州华夏为民商贸有限公司'), false);
    assert.deepEqual(names(index, all, '华为(深圳)').names, ['华为（深圳）科技有限公司']);
    assert.deepEqual(names(index, all, '为（深圳').names, ['华为（深圳）科技有限公司']);
    assert.deepEqual(names(index, all, '技术有限').names, ['华为技术有限公司', '福州华为技术有限公司']);
    assert.deepEqual(names(index, all, '不存在的').names, []);
  });

  it('pages through the ranked list with the full count', async () => {
    const all = Array.from({ length: 45 }, (_, i) => org(`恒达${'号'.repeat(i % 7)}第${i}商店`));
    const index = new NameIndex();
    await index.load(all);
    const full = names(index, all, '恒达', { limit: 100 });
    assert.equal(full.total, 45);
    const pages = [0, 20, 40].flatMap((offset) => names(index, all, '恒达', { offset, limit: 20 }).names);
    assert.deepEqual(pages, full.names);
    assert.deepEqual(full.names.map((x) => x?.length), [...full.names.map((x) => x?.length ?? 0)].sort((a, b) => a - b), 'shorter names first');
  });

  it('filters by type and by region prefix', async () => {
    const all = [org('恒达商店', { org_type: 'individualBusiness', region_code: '330106' }), org('恒达有限公司', { region_code: '330206' }), org('恒达科技有限公司', { region_code: null })];
    const index = new NameIndex();
    await index.load(all);
    assert.deepEqual(names(index, all, '恒达', { orgType: 'individualBusiness' }).names, ['恒达商店']);
    assert.deepEqual(names(index, all, '恒达', { region: '3301' }).names, ['恒达商店']);
    assert.deepEqual(names(index, all, '恒达', { region: '33' }), { names: ['恒达商店', '恒达有限公司'], total: 2 });
  });

  it('finds names with characters outside the BMP', async () => {
    const all = [org('𠀾记餐饮店'), org('张𠀾记商行')];
    const index = new NameIndex();
    await index.load(all);
    assert.deepEqual(names(index, all, '𠀾记').names, ['𠀾记餐饮店', '张𠀾记商行']);
  });

  it('finds a name stored with an invisible character (before they were refused) by its visible text', async () => {
    const all = [org('福州华\u200b为科技有限公司'), org('福州\u202d恒达\u202c贸易有限公司')];
    const index = new NameIndex();
    await index.load(all);
    assert.deepEqual(names(index, all, '华为').names, ['福州华\u200b为科技有限公司']);
    assert.deepEqual(names(index, all, '恒达贸易').names, ['福州\u202d恒达\u202c贸易有限公司']);
  });

  it('takes additions and renames at once, in rank order, and forgets the old name', async () => {
    const all = [org('恒达机械有限公司'), org('恒达贸易有限公司')];
    const index = new NameIndex(() => 1_000);
    await index.load(all);
    const added = org('恒达');
    const renamed = { ...(all[1] as IndexedOrganization), name: '远航贸易有限公司' };
    index.upsert([added, renamed]);
    all.push(added, renamed);
    assert.deepEqual(names(index, all, '恒达'), { names: ['恒达', '恒达机械有限公司'], total: 2 });
    assert.deepEqual(names(index, all, '远航').names, ['远航贸易有限公司']);
    assert.equal(index.get(renamed.id)?.name, '远航贸易有限公司', 'by id, the new version');
    assert.equal(index.get(added.id)?.name, '恒达');
    assert.equal(index.get('no-such-id'), undefined);
    // An unchanged organization read again (a catch-up overlaps the last one) changes nothing.
    const sameName = (a: IndexedOrganization, b: IndexedOrganization) => a.name === b.name;
    index.upsert([{ ...(all[0] as IndexedOrganization) }], sameName);
    assert.equal(index.size, 4, 'base 2 + overlay 2 (the renamed one is counted in both until a rebuild)');
    // A change the caller keeps beyond the name (here the type) replaces what a search returns.
    index.upsert([{ ...(all[0] as IndexedOrganization), org_type: 'other' }], (a, b) => sameName(a, b) && a.org_type === b.org_type);
    assert.equal(index.search({ text: '恒达机械', offset: 0, limit: 5 }).items[0]?.org_type, 'other');
  });

  it('rebuilds when the overlay grows, keeping changes made during the rebuild', async () => {
    const all = Array.from({ length: 30 }, (_, i) => org(`恒达第${i}分公司`));
    const index = new NameIndex(() => 10);
    await index.load(all.slice(0, 5));
    index.upsert(all.slice(5, 20)); // starts a rebuild in the background
    const during = org('恒达');
    index.upsert([during, ...all.slice(20)]);
    all.push(during);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(names(index, all, '恒达', { limit: 100 }).total, 31);
    assert.equal(names(index, all, '恒达').names[0], '恒达');
    // Through the load, the overlay and the rebuild, each organization is the object it was given:
    // what is kept on the strength of it (the portal's profiles) knows it has not changed.
    for (const o of all) assert.strictEqual(index.get(o.id), o, o.name);
    const found = index.search({ text: '恒达第1', offset: 0, limit: 50 }).items;
    assert.ok(found.length > 0 && found.every((o) => all.includes(o)));
  });
});

describe('the portal name index against a plain reference', () => {
  /** What search must return: every match, ranked by (starts with it, length, key, id), then paged. */
  function reference(all: Map<string, IndexedOrganization>, text: string, f: { orgType?: string; region?: string }, offset: number, limit: number) {
    const key = searchKey(text);
    const matches = [...all.values()]
      .map((o) => ({ o, k: searchKey(o.name) }))
      .filter(({ o, k }) => k.includes(key) && (!f.orgType || o.org_type === f.orgType) && (!f.region || (o.region_code ?? '').startsWith(f.region)))
      .sort((a, b) => Number(b.k.startsWith(key)) - Number(a.k.startsWith(key)) || a.k.length - b.k.length || (a.k < b.k ? -1 : a.k > b.k ? 1 : a.o.id < b.o.id ? -1 : 1));
    return { ids: matches.slice(offset, offset + limit).map((m) => m.o.id), total: matches.length };
  }

  it('gives the same pages and counts for random names, queries, filters, renames and additions', async () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const chars = '恒达华信鑫源科技机械贸易有限公司'.split('');
    const name = () => Array.from({ length: 3 + rnd(8) }, () => chars[rnd(chars.length)]).join('');
    const types = ['enterprise', 'individualBusiness'] as const;
    const regions = ['330106', '330206', '350102', null];
    const all = new Map<string, IndexedOrganization>();
    for (let i = 0; i < 3000; i++) {
      const o = { id: `r-${String(i).padStart(5, '0')}`, name: name(), org_type: types[rnd(2)] as IndexedOrganization['org_type'], region_code: regions[rnd(4)] ?? null };
      all.set(o.id, o);
    }
    const index = new NameIndex(() => 400);
    await index.load([...all.values()]);
    const check = (label: string) => {
      for (let k = 0; k < 60; k++) {
        const text = Array.from({ length: 2 + rnd(2) }, () => chars[rnd(chars.length)]).join('');
        const f = rnd(3) === 0 ? { orgType: 'individualBusiness' as const } : rnd(3) === 0 ? { region: '33' } : {};
        const offset = [0, 0, 10, 40][rnd(4)] as number;
        const got = index.search({ text, ...f, offset, limit: 10 });
        const want = reference(all, text, f, offset, 10);
        assert.deepEqual({ ids: got.items.map((o) => o.id), total: got.total }, want, `${label}: ${text} ${JSON.stringify(f)} from ${offset}`);
        assert.equal(got.capped, false);
      }
    };
    check('loaded');
    // Renames and additions (the overlay, and replaced entries in the counts), then a rebuild.
    const changes = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? { ...(all.get(`r-${String(rnd(3000)).padStart(5, '0')}`) as IndexedOrganization), name: name() } : { id: `n-${i}`, name: name(), org_type: 'enterprise' as const, region_code: '330106' }));
    index.upsert(changes);
    for (const c of changes) all.set(c.id, c);
    check('with an overlay');
    index.upsert(Array.from({ length: 200 }, (_, i) => ({ id: `m-${i}`, name: name(), org_type: 'enterprise' as const, region_code: '350102' })).map((o) => (all.set(o.id, o), o)));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the rebuild
    check('rebuilt');
  });

  it('stops counting past 10 000 matches of a longer text and says the total is a lower bound', async () => {
    const all = Array.from({ length: 10_050 }, (_, i) => org(`恒达机械${i}有限公司`));
    const index = new NameIndex();
    await index.load(all);
    const r = index.search({ text: '机械有限', offset: 0, limit: 3 });
    assert.equal(r.total, 0, 'no name has 机械 directly before 有限');
    const broad = index.search({ text: '恒达机械', offset: 0, limit: 3 });
    assert.equal(broad.capped, true);
    assert.ok(broad.total >= 10_000 && broad.total < 10_050, String(broad.total));
    assert.deepEqual(broad.items.map((o) => o.name), ['恒达机械0有限公司', '恒达机械1有限公司', '恒达机械2有限公司']);
    // Two characters without a filter are counted exactly from the lists.
    assert.deepEqual({ total: index.search({ text: '恒达', offset: 0, limit: 3 }).total, capped: index.search({ text: '恒达', offset: 0, limit: 3 }).capped }, { total: 10_050, capped: false });
  });
});
