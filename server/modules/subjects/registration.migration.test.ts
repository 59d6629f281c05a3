/**
 * Migration 0016 on data written before it: an organization whose representative the records
 * named without an ID number publishes the newest such name, so the portal's list shows what its
 * profile showed; a 个体工商户's operator only as stored masked, a linked representative untouched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, databaseAt, type OlderDatabase } from '../../../test/helpers.js';

describe(`migration 0016 (registration facts, representatives named by records) on existing data, ${ENGINE}`, () => {
  let older: OlderDatabase;
  before(async () => {
    older = await databaseAt(15);
  });
  after(async () => older?.drop());

  it('gives an unlinked organization the name its newest published record gives, and nothing else', async () => {
    const db = older.engine.db;
    const org = async (name: string, orgType: string, uscc: string, legalRepName: string | null = null) =>
      (await sql<{ id: string }>`insert into subject (kind, org_type, name, uscc, legal_rep_name) values ('organization', ${orgType}, ${name}, ${uscc}, ${legalRepName}) returning id`.execute(db)).rows[0]?.id ?? '';
    const company = await org('福州甲贸易有限公司', 'enterprise', '91350100MA00000001');
    const shop = await org('鼓楼区乙小吃店', 'individualBusiness', '92350100MA00000002');
    const clearShop = await org('鼓楼区丙小吃店', 'individualBusiness', '92350100MA00000003');
    const named = await org('福州丁贸易有限公司', 'enterprise', '91350100MA00000004', '周正');
    let n = 0;
    const record = async (subject: string, decided: string, data: Record<string, string>, state: { status?: string; publication?: string } = {}) =>
      sql`insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, status, publication)
          values ('CF', 1, ${subject}, '113501000000000007', ${`榕市监罚〔2026〕${++n}号`}, ${decided}, ${JSON.stringify(data)}::jsonb, ${state.status ?? 'active'}, ${state.publication ?? 'published'})`.execute(db);
    await record(company, '2026-01-10', { CF_FRDB: '张三' });
    await record(company, '2026-03-10', { CF_FRDB: '王新' });
    await record(company, '2026-05-10', { CF_FRDB: '撤销者' }, { status: 'revoked', publication: 'withdrawn' });
    await record(company, '2026-06-10', { CF_FRDB: '' });
    await record(shop, '2026-02-01', { CF_FRDB: '李**' });
    await record(clearShop, '2026-02-01', { CF_FRDB: '李阿明' });
    await record(named, '2026-02-01', { CF_FRDB: '别人' });

    assert.deepEqual(await older.migrateTo(16), [16]);
    const names = await sql<{ id: string; legal_rep_name: string | null }>`select id, legal_rep_name from subject`.execute(db);
    const of = (id: string) => names.rows.find((r) => r.id === id)?.legal_rep_name;
    assert.equal(of(company), '王新', 'the newest active, published record naming one');
    assert.equal(of(shop), '李**');
    assert.equal(of(clearShop), null, 'a 个体工商户’s operator never in clear');
    assert.equal(of(named), '周正', 'a name already published stays');
    // Registration facts exist now, and only organizations may hold them.
    await assert.rejects(sql`insert into subject (kind, name, name_enc, name_index, address) values ('person', '张*', 'x', 'y', '某地')`.execute(db), /subject_registration_of_organization/);
  });
});
