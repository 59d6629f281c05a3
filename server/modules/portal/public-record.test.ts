import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCatalog, type InfoItem } from '../catalog/index.js';
import type { PublicRecordRow } from '../records/index.js';
import { makeIdNumber, makeUscc } from '../../../test/fixtures.js';
import { amountText, presentPublicRecord } from './public-record.js';

const { bundle } = readCatalog();
/** The catalog's own code tables: a value's label where it has one. */
const enumLabel = (table: string, value: string) => bundle.codeTables.find((t) => t.value.code === table)?.value.values.find((v) => v.value === value)?.label;
const item = (code: string): InfoItem => {
  const found = bundle.infoItems.find((i) => i.value.code === code)?.value;
  assert.ok(found, code);
  return found;
};
const row = (itemCode: string, data: Record<string, unknown>): PublicRecordRow => ({
  id: '00000000-0000-4000-8000-000000000001', item_code: itemCode, subject_id: '00000000-0000-4000-8000-000000000002', department_id: null,
  document_number: '榕市监罚〔2026〕7号', decision_date: '2026-06-15', data, severity: 'general', publicity_start: '2026-06-20', publicity_end: '2027-06-14', disputed: false,
});
const ORG = { kind: 'organization', individualBusiness: false } as const;

describe('the public presenter of records', () => {
  it('shows a penalty with its basis, source and publicity end, and no personal field', () => {
    const v = presentPublicRecord(item('CF'), row('CF', {
      CF_XDR_MC: '福州测试贸易有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 1), CF_FRDB: '张三', CF_FR_ZJLX: '身份证', CF_FR_ZJHM: makeIdNumber('350102', '19800101', 1),
      CF_WSH: '榕市监罚〔2026〕7号', CF_YJ: '《中华人民共和国产品质量法》第四十九条', CF_CFLB: ['罚款', '没收违法所得'], CF_NR_FK: '0.5', CF_SJLY: '福州市市场监督管理局',
    }), ORG);
    assert.ok(v);
    assert.equal(v.basis, '《中华人民共和国产品质量法》第四十九条');
    assert.equal(v.source, '福州市市场监督管理局');
    assert.equal(v.publicityEnd, '2027-06-14');
    assert.deepEqual(v.fields.find((f) => f.code === 'CF_CFLB'), { code: 'CF_CFLB', label: '处罚类别', value: '罚款、没收违法所得' });
    assert.equal(v.fields.find((f) => f.code === 'CF_FRDB')?.value, '张三', 'a company’s legal representative is public');
    assert.equal(v.fields.some((f) => f.code === 'CF_FR_ZJHM'), false, 'the legal representative’s ID number is not public');
    assert.ok(!JSON.stringify(v).includes('19800101'));
  });

  it('marks a record under objection (异议处理中) as the record says, not always "not disputed"', () => {
    const data = { CF_XDR_MC: '福州测试贸易有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 1), CF_WSH: '榕市监罚〔2026〕7号' };
    assert.equal(presentPublicRecord(item('CF'), { ...row('CF', data), disputed: true }, ORG)?.disputed, true);
    assert.equal(presentPublicRecord(item('CF'), row('CF', data), ORG)?.disputed, false);
  });

  it('masks a natural person and never shows the ID number or its middle digits', () => {
    const id = makeIdNumber('110105', '19800101', 12);
    const v = presentPublicRecord(item('CF'), row('CF', { CF_XDR_MC: '欧阳小明', CF_XDR_LB: '自然人', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id, CF_WSH: '京罚〔2026〕1号' }), { kind: 'person', individualBusiness: false });
    assert.ok(v);
    assert.equal(v.fields.find((f) => f.code === 'CF_XDR_MC')?.value, '欧阳**');
    const text = JSON.stringify(v);
    assert.ok(!text.includes(id) && !text.includes(id.slice(6, 14)) && !text.includes('小明'), text);
  });

  it('scrubs free text: the person’s full name, ID-shaped numbers and mobile numbers', () => {
    const id = makeIdNumber('110105', '19800101', 12);
    const v = presentPublicRecord(item('CF'), row('CF', {
      CF_XDR_MC: '张𠮷𠮷', CF_XDR_LB: '自然人', CF_SY: `当事人张𠮷𠮷（身份证号码${id.toLowerCase()}，电话13812345678）无证经营。`, BZ: '联系人张𠮷𠮷，15900001111', CF_NR_ZKDX: '许可证JY13501020012345',
    }), { kind: 'person', individualBusiness: false });
    assert.ok(v);
    const text = JSON.stringify(v);
    for (const leak of ['张𠮷𠮷', id, id.slice(6, 14), '13812345678', '15900001111']) assert.ok(!text.includes(leak), `${leak} in ${text}`);
    assert.equal(v.fields.find((f) => f.code === 'CF_XDR_MC')?.value, '张**', 'two stars for two code points outside the BMP');
    assert.match(v.fields.find((f) => f.code === 'CF_SY')?.value ?? '', /当事人张\*\*（身份证号码110105\*{8}\d{3}[\dX]，电话138\*\*\*\*5678）/);
    assert.equal(v.fields.find((f) => f.code === 'CF_NR_ZKDX')?.value, '许可证JY13501020012345', 'a licence number is not a phone');
  });

  it('masks the operator of a 个体工商户, who is a natural person', () => {
    const v = presentPublicRecord(item('CF'), row('CF', { CF_XDR_MC: '鼓楼区阿明小吃店', CF_XDR_LB: '个体工商户', CF_FRDB: '李阿明' }), { kind: 'organization', individualBusiness: true });
    assert.equal(v?.fields.find((f) => f.code === 'CF_FRDB')?.value, '李**');
    assert.equal(v?.fields.find((f) => f.code === 'CF_XDR_MC')?.value, '鼓楼区阿明小吃店', 'the shop’s name is public');
  });

  it('reads as the public reads: enumeration labels, amounts without trailing zeros and with their unit, one end date', () => {
    const permit = presentPublicRecord(item('XK'), row('XK', { XK_XDR_MC: '福州测试贸易有限公司', XK_ZT: '1' }), ORG, enumLabel);
    assert.deepEqual(permit?.fields.find((f) => f.code === 'XK_ZT'), { code: 'XK_ZT', label: '当前状态', value: '有效' });
    const v = presentPublicRecord(item('CF'), row('CF', { CF_XDR_MC: '福州测试贸易有限公司', CF_NR_FK: '14.260000', CF_NR_WFFF: '0.5', CF_GSJZQ: '2027-12-31' }), ORG, enumLabel);
    assert.deepEqual(v?.fields.find((f) => f.code === 'CF_NR_FK'), { code: 'CF_NR_FK', label: '罚款金额(万元)', value: '14.26', unit: '万元' });
    assert.equal(v?.fields.find((f) => f.code === 'CF_NR_WFFF')?.value, '0.50');
    // The department's requested end is honoured within the rule when publicity is computed; the record's end is what is shown.
    assert.equal(v?.fields.some((f) => f.code === 'CF_GSJZQ'), false);
    assert.equal(v?.publicityEnd, '2027-06-14');
    assert.deepEqual(['14.2600', '0.000123', '5', '-1.10', '1.2.3', ''].map(amountText), ['14.26', '0.000123', '5.00', '-1.10', '1.2.3', '']);
  });

  it('shows nothing of an item that is not publicly disclosed', () => {
    const hidden: InfoItem = { ...item('CF'), disclosure: 'authorizedQuery' };
    assert.equal(presentPublicRecord(hidden, row('CF', { CF_XDR_MC: '福州测试贸易有限公司' }), ORG), null);
    assert.equal(presentPublicRecord(item('CF'), row('XK', {}), ORG), null, 'a record of another item');
  });
});
