import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NameIndex, searchKey, type IndexedOrganization } from './name-index.js';

let n = 0;
const org = (name: string, extra: Partial<IndexedOrganization> = {}): IndexedOrganization => ({ id: `id-${String(++n).padStart(4, '0')}`, name, orgType: 'enterprise', regionCode: '330106', ...extra });

function names(index: NameIndex, all: IndexedOrganization[], text: string, more: { orgType?: IndexedOrganization['orgType'] & string; region?: string; offset?: number; limit?: number } = {}) {
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
    const all = [org('恒达商店', { orgType: 'individualBusiness', regionCode: '330106' }), org('恒达有限公司', { regionCode: '330206' }), org('恒达科技有限公司', { regionCode: null })];
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
    index.upsert([{ ...(all[0] as IndexedOrganization), orgType: 'other' }], (a, b) => sameName(a, b) && a.orgType === b.orgType);
    assert.equal(index.search({ text: '恒达机械', offset: 0, limit: 5 }).items[0]?.orgType, 'other');
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
  });
});
