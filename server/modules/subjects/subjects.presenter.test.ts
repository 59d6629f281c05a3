import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentForPublic } from './subjects.presenter.js';
import type { SubjectRow } from './subjects.repo.js';

const at = new Date('2026-11-21T00:00:00Z');
const base: SubjectRow = {
  id: '00000000-0000-4000-8000-000000000001', kind: 'organization', org_type: 'enterprise', name: '福州测试贸易有限公司', uscc: '91350100MA2XXXXX0X',
  id_number_enc: null, id_number_index: null, id_number_masked: null, legal_rep_id: '00000000-0000-4000-8000-000000000002', region_code: '350102',
  industry_code: null, status: 'active', version: 1, created_at: at, updated_at: at,
};
const rep: SubjectRow = { ...base, id: '00000000-0000-4000-8000-000000000002', kind: 'person', org_type: null, name: '欧阳小明', uscc: null, id_number_masked: '350102********0012', legal_rep_id: null };
const ctx = { regionName: () => '鼓楼区', industryName: () => undefined, legalRepName: rep.name };

describe('the public presenter of subjects', () => {
  it('shows a company’s legal representative, without the person’s subject id or ID number', () => {
    const v = presentForPublic(base, ctx);
    assert.deepEqual(v.legalRepresentative, { name: '欧阳小明' });
    const text = JSON.stringify(v);
    assert.ok(!text.includes(rep.id) && !text.includes('350102********0012'), text);
  });

  it('masks the operator of a 个体工商户 and a natural person’s own name', () => {
    assert.deepEqual(presentForPublic({ ...base, org_type: 'individualBusiness', uscc: '92350100MA2XXXXX0X' }, ctx).legalRepresentative, { name: '欧阳**' });
    assert.equal(presentForPublic(rep, { ...ctx, legalRepName: undefined }).name, '欧阳**');
  });
});
