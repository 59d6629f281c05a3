import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCatalog, type InfoItem } from '../catalog/index.js';
import { maskPartyNames, partyOfRecord } from './party-names.js';

const { bundle } = readCatalog();
const CF = bundle.infoItems.find((i) => i.value.code === 'CF')?.value as InfoItem;

describe('names kept masked in records', () => {
  it('tells the party from the record itself: its category, else an ID number', () => {
    assert.equal(partyOfRecord(CF, { CF_XDR_LB: '自然人' }), 'person');
    assert.equal(partyOfRecord(CF, { CF_XDR_LB: '个体工商户' }), 'individualBusiness');
    assert.equal(partyOfRecord(CF, { CF_XDR_LB: '法人及非法人组织', CF_XDR_ZJHM: 'x' }), 'organization');
    assert.equal(partyOfRecord(CF, { CF_XDR_ZJHM: '350102********0012' }), 'person');
  });

  it('masks a stored person’s name everywhere but the document number and data source, once', () => {
    const data: Record<string, unknown> = { CF_XDR_MC: '张三', CF_XDR_LB: '自然人', CF_WSH: '张三罚〔2026〕1号', CF_SY: '当事人张三', CF_SJLY: '张三局', CF_CFLB: ['罚款'] };
    assert.equal(maskPartyNames(CF, data, 'person'), true);
    assert.deepEqual(data, { CF_XDR_MC: '张*', CF_XDR_LB: '自然人', CF_WSH: '张三罚〔2026〕1号', CF_SY: '当事人张*', CF_SJLY: '张三局', CF_CFLB: ['罚款'] });
    assert.equal(maskPartyNames(CF, data, 'person'), false, 'idempotent: a masked name masks to itself');
  });

  it('leaves a name of one character (its own mask) and an organization’s record alone', () => {
    const one: Record<string, unknown> = { CF_XDR_MC: '张', CF_SY: '张某' };
    assert.equal(maskPartyNames(CF, one, 'person'), false);
    const company: Record<string, unknown> = { CF_XDR_MC: '福州某公司', CF_FRDB: '张三', CF_SY: '法定代表人张三' };
    assert.equal(maskPartyNames(CF, company, 'organization'), false);
    assert.equal(company.CF_FRDB, '张三');
  });
});
