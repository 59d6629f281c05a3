import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { presentForPublic, presentForStaff } from './subjects.presenter.js';
import type { SubjectRow } from './subjects.repo.js';

const at = new Date('2026-11-21T00:00:00Z');
const base: SubjectRow = {
  id: '00000000-0000-4000-8000-000000000001', kind: 'organization', org_type: 'enterprise', name: '福州测试贸易有限公司', name_enc: null, name_index: null, uscc: '91350100MA2XXXXX0X',
  id_number_enc: null, id_number_index: null, id_number_masked: null, legal_rep_id: '00000000-0000-4000-8000-000000000002', legal_rep_name: '欧阳小明', region_code: '350102',
  industry_code: null, status: 'active', version: 1, created_at: at, updated_at: at,
  established_on: null, address: null, registration_status: null, registered_capital: null, business_scope: null,
};
const rep: SubjectRow = { ...base, id: '00000000-0000-4000-8000-000000000002', kind: 'person', org_type: null, name: '欧阳小明', uscc: null, id_number_masked: '350102********0012', legal_rep_id: null, legal_rep_name: null };
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

describe('the staff presenter of subjects', () => {
  const names = { regionName: () => '鼓楼区', industryName: () => undefined };
  it('shows a person’s name masked unless the service decrypted it for a registered read', () => {
    assert.equal(presentForStaff({ ...rep, name: '欧阳**' }, names).name, '欧阳**');
    assert.equal(presentForStaff({ ...rep, name: '欧阳小明' }, names).name, '欧阳**', 'a row not converted yet is masked all the same');
    assert.equal(presentForStaff({ ...rep, name: '欧阳**' }, { ...names, clearName: '欧阳小明' }).name, '欧阳小明');
  });

  it('shows an organization’s representative as the organization publishes it', () => {
    assert.deepEqual(presentForStaff(base, names).legalRepresentative, { id: rep.id, name: '欧阳小明' });
    assert.deepEqual(presentForStaff({ ...base, org_type: 'individualBusiness', legal_rep_name: '欧阳**' }, names).legalRepresentative, { id: rep.id, name: '欧阳**' });
  });
});
