/**
 * Collection masks a natural person's name at ingest (ADR 0002): in the party-name field and
 * wherever the row's text repeats it, in accepted rows (record.data) and in what is kept of
 * rejected ones; a 个体工商户's operator likewise; a company's legal representative stays as given.
 * The subject keeps the name in clear only to be encrypted with the person.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { PROVIDER, item, validator } from './validate.fixtures.js';
import { maskRow } from './validate.js';

const cf = validator('CF');
const xk = validator('XK');
const ID = makeIdNumber('350102', '19850612', 41);
const person = { CF_XDR_MC: '欧阳翀彧', CF_XDR_LB: '2', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: ID };

describe('natural persons’ names at ingest', () => {
  it('keeps a person’s record with the name masked in its field and in every text repeating it; the subject has it whole', () => {
    const r = cf(penaltyRow(PROVIDER, 1, { ...person, CF_SY: '经查，当事人欧阳翀彧（男）无证经营，欧阳翀彧对事实无异议。', CF_NR: '对欧阳翀彧罚款', BZ: '欧阳翀彧已缴纳', CF_NR_FK: '0.05' }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.record.subject.name, '欧阳翀彧');
    assert.deepEqual([r.record.data.CF_XDR_MC, r.record.data.CF_SY, r.record.data.CF_NR, r.record.data.BZ], ['欧阳**', '经查，当事人欧阳**（男）无证经营，欧阳**对事实无异议。', '对欧阳**罚款', '欧阳**已缴纳']);
    assert.equal(r.record.data.CF_SJLY, '福州市市场监督管理局', 'the data source is not touched');
    assert.ok(!JSON.stringify(r.record.data).includes('翀彧'));
  });

  it('masks the name however it is written: a Kangxi radical or full-width letters in the name or in the text are the same name', () => {
    const r = cf(penaltyRow(PROVIDER, 5, { ...person, CF_XDR_MC: '⼯小明', CF_SY: '当事人⼯小明与工小明系同一人，ＡＢ工小明另案。', CF_NR_FK: '0.05' }));
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.record.subject.name, '工小明');
    assert.equal(r.record.data.CF_SY, '当事人工**与工**系同一人，AB工**另案。');
    assert.ok(!JSON.stringify(r.record.data).includes('小明'));
  });

  it('masks a person in a permit’s decision title too', () => {
    const r = xk({
      XK_XDR_MC: '冯子涵', XK_XDR_LB: '自然人', XK_XDR_ZJLX: '身份证', XK_XDR_ZJHM: ID, XK_XKWS: '关于准予冯子涵食品经营许可的决定', XK_WSH: '榕市监许〔2026〕1号', XK_XKLB: '普通',
      XK_NR: '准予冯子涵从事食品经营', XK_JDRQ: '2026-06-15', XK_YXQZ: '2026-06-15', XK_YXQZI: '长期', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: PROVIDER, XK_ZT: '1', XK_LYDW: '', XK_LYDWDM: PROVIDER,
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual([r.record.data.XK_XDR_MC, r.record.data.XK_XKWS, r.record.data.XK_NR, r.record.key], ['冯**', '关于准予冯**食品经营许可的决定', '准予冯**从事食品经营', '榕市监许〔2026〕1号']);
  });

  it('masks a 个体工商户’s operator (not the registered business name); keeps a company’s representative', () => {
    const shop = cf(penaltyRow(PROVIDER, 2, { CF_XDR_MC: '李阿明小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: makeUscc('92', '350100', 1), CF_FRDB: '李阿明', CF_SY: '经营者李阿明超范围经营。' }));
    assert.ok(shop.ok, JSON.stringify(shop));
    assert.deepEqual([shop.record.data.CF_XDR_MC, shop.record.data.CF_FRDB, shop.record.data.CF_SY], ['李阿明小吃店', '李**', '经营者李**超范围经营。']);
    assert.equal(shop.record.subject.kind === 'organization' && shop.record.subject.legalRepresentative?.name, '李阿明', 'the claim keeps it, to link and encrypt the person');
    const company = cf(penaltyRow(PROVIDER, 3, { CF_FRDB: '张三丰', CF_SY: '法定代表人张三丰到场。' }));
    assert.ok(company.ok);
    assert.deepEqual([company.record.data.CF_FRDB, company.record.data.CF_SY], ['张三丰', '法定代表人张三丰到场。']);
  });

  it('keeps a rejected row and its problems with the name masked, also in text quoted by a problem', () => {
    const r = cf(penaltyRow(PROVIDER, 4, { ...person, CF_SY: `当事人欧阳翀彧${'违规'.repeat(2100)}`, CF_NR_FK: '' }));
    assert.ok(!r.ok);
    assert.ok(r.problems.some((p) => p.code === 'TOO_LONG' && p.value?.startsWith('当事人欧阳**')), JSON.stringify(r.problems.map((p) => p.value?.slice(0, 20))));
    assert.ok(!JSON.stringify(r).includes('翀彧'));
    const shop = cf(penaltyRow(PROVIDER, 5, { CF_XDR_MC: '鼓楼区老街小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: makeUscc('92', '350100', 2), CF_FRDB: '孙小美', CF_SY: '经营者孙小美。', CF_NR_FK: '' }));
    assert.ok(!shop.ok);
    assert.deepEqual([shop.masked.CF_XDR_MC, shop.masked.CF_FRDB, shop.masked.CF_SY], ['鼓楼区老街小吃店', '孙**', '经营者孙**。']);
  });

  it('refuses a 个体工商户’s operator still masked from the error workbook', () => {
    const r = cf(penaltyRow(PROVIDER, 6, { CF_XDR_MC: '鼓楼区老街小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: makeUscc('92', '350100', 2), CF_FRDB: '孙**' }));
    assert.ok(!r.ok && r.problems.some((p) => p.code === 'VALUE_MASKED' && p.field === 'CF_FRDB'), JSON.stringify(r));
  });

  it('shows staff a stored record as it is kept (maskRow over masked data changes nothing)', () => {
    const r = cf(penaltyRow(PROVIDER, 7, { ...person, CF_SY: '当事人欧阳翀彧。', CF_NR_FK: '0.05' }));
    assert.ok(r.ok);
    const flat = Object.fromEntries(Object.entries(r.record.data).map(([k, v]) => [k, Array.isArray(v) ? v.join('；') : v]));
    const shown = maskRow(item('CF'), flat, 'person');
    assert.deepEqual([shown.CF_XDR_MC, shown.CF_SY], ['欧阳**', '当事人欧阳**。']);
  });
});
