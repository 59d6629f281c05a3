import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { PROVIDER, item, tables, validator } from './validate.fixtures.js';
import { mapHeaders, rowToFields } from './headers.js';
import { parseDate, parseDecimal, type RowResult } from './validate.js';
import { exampleRow } from './template.js';

const cf = validator('CF');
const xk = validator('XK');

function problems(r: RowResult): string[] {
  return r.ok ? [] : r.problems.map((p) => `${p.code}@${p.field ?? ''}`);
}
function expectProblem(r: RowResult, code: string, field: string): void {
  assert.ok(problems(r).includes(`${code}@${field}`), `expected ${code}@${field}, got ${JSON.stringify(problems(r))}`);
}

describe('field values', () => {
  it('parses the date forms departments use, and refuses impossible dates', () => {
    for (const s of ['2024-03-05', '2024/3/5', '2024.03.05', '20240305', '2024年3月5日', '２０２４－０３－０５', '2024-03-05 00:00:00']) assert.equal(parseDate(s), '2024-03-05', s);
    for (const s of ['2024-02-30', '2023-02-29', '24-3-5', '2024-13-01', 'x', '1900-01-01']) assert.equal(parseDate(s), null, s);
  });

  it('reads 万元 decimals with separators and full-width digits, and refuses yuan and excess scale', () => {
    assert.deepEqual(parseDecimal('1,000.50', 6), { value: '1000.5' });
    assert.deepEqual(parseDecimal('０.５万元', 6), { value: '0.5' });
    assert.deepEqual(parseDecimal('007', 6), { value: '7' });
    assert.match(String((parseDecimal('5000元', 6) as { error: string }).error), /万元/);
    assert.match(String((parseDecimal('0.1234567', 6) as { error: string }).error), /6位/);
    assert.ok('error' in parseDecimal('一万', 6));
  });
});

describe('the template’s example row', () => {
  it('is a record the item’s own rules accept (legal representative for a 法人, no fine for a 警告)', () => {
    for (const code of ['CF', 'XK']) {
      const example = exampleRow(item(code), (c) => tables.get(c));
      const sourceCode = example[item(code).providerCodeField ?? ''] ?? '';
      const r = validator(code, sourceCode)(example);
      assert.ok(r.ok, `${code}: ${r.ok ? '' : r.problems.map((x) => x.message).join('；')}`);
    }
  });
});

describe('penalty rows (CF)', () => {
  it('accepts a valid organization row and normalizes it', () => {
    const r = cf(penaltyRow(PROVIDER, 1, { CF_CFLB: '罚款；警告', CF_JDRQ: '2026年6月15日', CF_XDR_LB: '1' }));
    assert.ok(r.ok, JSON.stringify(problems(r)));
    assert.deepEqual(r.record.data.CF_CFLB, ['罚款', '警告']);
    assert.equal(r.record.data.CF_JDRQ, '2026-06-15');
    assert.equal(r.record.data.CF_XDR_LB, '法人及非法人组织');
    assert.equal(r.record.key, '榕市监罚〔2026〕1号');
    assert.equal(r.record.subject.kind, 'organization');
  });

  it('accepts numeric province codes and full-width codes', () => {
    const row = penaltyRow(PROVIDER, 2, { CF_CFLB: '02,01' });
    row.CF_XDR_SHXYM = [...(row.CF_XDR_SHXYM ?? '')].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join('');
    const r = cf(row);
    assert.ok(r.ok, JSON.stringify(problems(r)));
    assert.deepEqual(r.record.data.CF_CFLB, ['罚款', '警告']);
    assert.equal(r.record.subject.kind === 'organization' && r.record.subject.uscc, makeUscc('91', '350100', 10_002));
  });

  it('names the field, label, value and reason of each problem', () => {
    const r = cf(penaltyRow(PROVIDER, 3, { CF_WSH: '' }));
    assert.equal(r.ok, false);
    const p = !r.ok ? r.problems[0] : undefined;
    assert.deepEqual({ field: p?.field, label: p?.label, code: p?.code }, { field: 'CF_WSH', label: '行政处罚决定书文号', code: 'REQUIRED' });
    assert.match(p?.message ?? '', /「行政处罚决定书文号」\(CF_WSH\)为必填项/);
  });

  it('checks types, lengths, code tables and identifiers', () => {
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_JDRQ: '2026-02-30' })), 'DATE_INVALID', 'CF_JDRQ');
    // The impossible part is named, not only the format to write.
    const dateMessage = (v: string) => {
      const r = cf(penaltyRow(PROVIDER, 4, { CF_JDRQ: v }));
      return r.ok ? '' : (r.problems.find((x) => x.field === 'CF_JDRQ')?.message ?? '');
    };
    assert.match(dateMessage('2026-02-30'), /「2026-02-30」不是有效日期（2月没有30日）/);
    assert.match(dateMessage('2026年4月31日'), /不是有效日期（4月没有31日）/);
    assert.match(dateMessage('2025-02-29'), /不是有效日期（2025年不是闰年，2月没有29日）/);
    assert.match(dateMessage('1900-01-01'), /不是有效日期（1900年早于1949年，请核对年份）/);
    assert.match(dateMessage('明天'), /不是有效日期（应为YYYY-MM-DD）/);
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_NR_FK: '5000元' })), 'DECIMAL_INVALID', 'CF_NR_FK');
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_NR_FK: '-1' })), 'DECIMAL_RANGE', 'CF_NR_FK');
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_XDR_LB: '公司' })), 'ENUM_INVALID', 'CF_XDR_LB');
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_CFLB: '罚款;打板子' })), 'ENUM_INVALID', 'CF_CFLB');
    expectProblem(cf(penaltyRow(PROVIDER, 4, { CF_WSH: 'x'.repeat(101) })), 'TOO_LONG', 'CF_WSH');
    const bad = makeUscc('91', '350100', 77).slice(0, 17) + '0';
    const r = cf(penaltyRow(PROVIDER, 4, { CF_XDR_SHXYM: bad === makeUscc('91', '350100', 77) ? `${bad.slice(0, 17)}1` : bad }));
    expectProblem(r, 'USCC_INVALID', 'CF_XDR_SHXYM');
  });

  it('applies the cross-field rules of the catalog', () => {
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_NR_FK: '' })), 'FINE_AMOUNT', 'CF_NR_FK');
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_CFLB: '没收违法所得', CF_NR_FK: '' })), 'CONFISCATION_AMOUNT', 'CF_NR_WFFF');
    assert.ok(cf(penaltyRow(PROVIDER, 5, { CF_CFLB: '没收违法所得', CF_NR_FK: '', CF_NR_WFFF: '1.2' })).ok);
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_CFLB: '吊销许可证件', CF_NR_FK: '' })), 'LICENCE_NAME', 'CF_NR_ZKDX');
    assert.ok(cf(penaltyRow(PROVIDER, 5, { CF_CFLB: '吊销许可证件', CF_NR_FK: '', CF_NR_ZKDX: '食品经营许可证 JY13501000000001' })).ok);
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_XDR_LB: '个体工商户' })), 'INDIVIDUAL_BUSINESS_92', 'CF_XDR_SHXYM');
    assert.ok(cf(penaltyRow(PROVIDER, 5, { CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: makeUscc('92', '350100', 5) })).ok);
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_FRDB: '' })), 'ORG_REQUIRES_USCC', 'CF_FRDB');
    expectProblem(cf(penaltyRow(PROVIDER, 5, { CF_YXQ: '2026-01-01' })), 'VALIDITY_AFTER_DECISION', 'CF_YXQ');
  });

  it('refuses decision dates in the future or outside the item’s effective period', () => {
    expectProblem(cf(penaltyRow(PROVIDER, 6, { CF_JDRQ: '2026-11-22', CF_YXQ: '2027-01-01' })), 'DATE_IN_FUTURE', 'CF_JDRQ');
    assert.ok(cf(penaltyRow(PROVIDER, 6, { CF_JDRQ: '2026-11-21' })).ok, 'today is fine');
    expectProblem(cf(penaltyRow(PROVIDER, 6, { CF_JDRQ: '2019-07-08' })), 'ITEM_NOT_IN_FORCE', 'CF_JDRQ');
  });

  it('requires the data source to be the submitting department', () => {
    expectProblem(cf(penaltyRow(PROVIDER, 7, { CF_SJLYDM: makeUscc('11', '350100', 9) })), 'PROVIDER_MISMATCH', 'CF_SJLYDM');
  });

  it('takes a natural person with a resident ID, masks it in the data and flags minors', () => {
    const id = makeIdNumber('110105', '19800101', 12);
    const person = { CF_XDR_MC: '李小明', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id };
    const r = cf(penaltyRow(PROVIDER, 8, person));
    assert.ok(r.ok, JSON.stringify(problems(r)));
    assert.equal(r.record.data.CF_XDR_ZJHM, `110105********${id.slice(-4)}`);
    assert.deepEqual(r.record.subject, { kind: 'person', name: '李小明', idType: '身份证', idNumber: id, minorAtDecision: false });
    const minor = cf(penaltyRow(PROVIDER, 9, { ...person, CF_XDR_ZJHM: makeIdNumber('110105', '20100301', 5) }));
    assert.ok(minor.ok && minor.record.subject.kind === 'person' && minor.record.subject.minorAtDecision);
  });

  it('refuses a person with an organization code or without an ID, and masks personal values in problems', () => {
    const id = makeIdNumber('110105', '19800101', 12);
    expectProblem(cf(penaltyRow(PROVIDER, 10, { CF_XDR_LB: '自然人', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id })), 'PERSON_NO_ORG_CODE', 'CF_XDR_SHXYM');
    expectProblem(cf(penaltyRow(PROVIDER, 10, { CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '' })), 'PERSON_REQUIRES_ID', 'CF_XDR_ZJLX');
    const wrong = `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`;
    const r = cf(penaltyRow(PROVIDER, 10, { CF_XDR_MC: '欧阳小明', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: wrong, CF_NR_FK: '' }));
    expectProblem(r, 'ID_INVALID', 'CF_XDR_ZJHM');
    const text = JSON.stringify(r);
    assert.ok(!text.includes(wrong) && !text.includes(wrong.slice(6, 14)), 'no full ID or its middle digits');
    assert.ok(!text.includes('欧阳小明') && text.includes('欧阳**'), 'the person’s name masked');
  });

  it('refuses the masks of a row corrected in the error workbook, not a * in other fields', () => {
    const id = makeIdNumber('110105', '19800101', 12);
    const person = { CF_XDR_MC: '欧阳小明', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id };
    const r = cf(penaltyRow(PROVIDER, 11, { ...person, CF_XDR_MC: '欧阳**', CF_XDR_ZJHM: `110105********${id.slice(-4)}` }));
    expectProblem(r, 'VALUE_MASKED', 'CF_XDR_MC');
    expectProblem(r, 'VALUE_MASKED', 'CF_XDR_ZJHM');
    assert.match(JSON.stringify(r), /请填写完整的原始信息/);
    // Masked as a person's, then the category corrected to an organization: the name is still a mask.
    expectProblem(cf(penaltyRow(PROVIDER, 14, { CF_XDR_MC: '福*********' })), 'VALUE_MASKED', 'CF_XDR_MC');
    expectProblem(cf(penaltyRow(PROVIDER, 15, { CF_XDR_MC: '欧阳**' })), 'VALUE_MASKED', 'CF_XDR_MC');
    assert.ok(cf(penaltyRow(PROVIDER, 12, { CF_XDR_MC: '福州*星贸易有限公司' })).ok, 'an organization name is not masked, so * is data');
    assert.ok(cf(penaltyRow(PROVIDER, 13, { CF_SY: '经查，当事人*销售不合格产品' })).ok);
  });

  it('takes other identity documents without a resident-ID checksum', () => {
    const r = cf(penaltyRow(PROVIDER, 11, { CF_XDR_MC: 'John Smith', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '护照', CF_XDR_ZJHM: 'E12345678' }));
    assert.ok(r.ok && r.record.subject.kind === 'person' && r.record.subject.idType === '护照号', JSON.stringify(problems(r)));
  });
});

describe('permit rows (XK)', () => {
  const permit = (o: Record<string, string> = {}) => ({
    XK_XDR_MC: '福州某某餐饮有限公司', XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: makeUscc('91', '350100', 31), XK_FRDB: '王五',
    XK_XKWS: '食品经营许可决定书', XK_WSH: '榕食许〔2026〕8号', XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-03-01',
    XK_YXQZ: '2026-03-01', XK_YXQZI: '2031-02-28', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: PROVIDER, XK_ZT: '1',
    XK_LYDW: '福州市市场监督管理局', XK_LYDWDM: PROVIDER, ...o,
  });
  it('takes 长期 as open-ended and orders the validity dates', () => {
    const r = xk(permit({ XK_YXQZI: '长期' }));
    assert.ok(r.ok, JSON.stringify(problems(r)));
    assert.equal(r.record.data.XK_YXQZI, '长期');
    expectProblem(xk(permit({ XK_YXQZI: '2026-02-01' })), 'VALIDITY_ORDER', 'XK_YXQZI');
    assert.ok(xk(permit({ XK_XKLB: '其他-备案' })).ok, 'free text under 其他');
  });
});

describe('headers', () => {
  const cfItem = item('CF');
  it('maps Chinese labels, codes, required marks and full-width brackets', () => {
    const labels = cfItem.fields.map((f) => f.label.replace('(', '（').replace(')', '）'));
    labels[0] = `*${labels[0] ?? ''}`;
    const m = mapHeaders(cfItem, labels);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.columns, cfItem.fields.map((f) => f.code));
    assert.deepEqual(mapHeaders(cfItem, cfItem.fields.map((f) => f.code.toLowerCase())).problems, []);
  });

  it('maps pre-2019 names and merges split category columns', () => {
    const header = ['CF_XDR_MC', 'CF_XDR_LB', 'CF_XDR_ZDM', 'CF_FRDB', 'CF_WSH', 'CF_CFMC', 'CF_SY', 'CF_YJ', 'CF_CFLB1', 'CF_CFLB2', 'CF_NR', 'CF_NR_FK', 'CF_JDRQ', 'CF_YXQ', 'CF_CFJG', 'CF_CFJGDM', 'CF_SJLY', 'CF_SJLYDM', 'SJC'];
    const m = mapHeaders(cfItem, header);
    assert.deepEqual(m.problems, []);
    assert.equal(m.columns[2], 'CF_XDR_SHXYM');
    assert.equal(m.columns.at(-1), null, 'timestamp column ignored');
    const cells = header.map((h) => (h === 'CF_CFLB1' ? '罚款' : h === 'CF_CFLB2' ? '警告' : h === 'SJC' ? '20260101' : 'x'));
    assert.equal(rowToFields(m.columns, cells).CF_CFLB, '罚款;警告');
  });

  it('reads the error workbook’s own columns (row number, what to fix, source reference) as ignored', () => {
    const m = mapHeaders(cfItem, ['原文件行号', '错误说明', ...cfItem.fields.map((f) => f.label), '来源引用']);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.columns.slice(0, 3), [null, null, cfItem.fields[0]?.code]);
    assert.equal(m.columns.at(-1), null, '来源引用 is no field');
    const api = mapHeaders(cfItem, ['原文件行号', ...cfItem.fields.map((f) => f.code)], 'api');
    assert.ok(api.problems.some((p) => /第1列表头「原文件行号」不是/.test(p)), 'an API record has no such field');
  });

  it('reports unknown, prohibited, duplicate and missing columns together', () => {
    const m = mapHeaders(cfItem, ['行政相对人名称', '宗教信仰', '行政相对人名称', '颜色']);
    assert.ok(m.problems.some((p) => /第2列.*宗教信仰.*禁止采集/.test(p)), m.problems.join('\n'));
    assert.ok(m.problems.some((p) => /第1列和第3列/.test(p)));
    assert.ok(m.problems.some((p) => /第4列表头「颜色」/.test(p)));
    assert.ok(m.problems.some((p) => /缺少必填列：.*「行政处罚决定书文号」\(CF_WSH\)/.test(p)));
  });
});
