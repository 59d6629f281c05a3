/**
 * Natural persons' names are kept encrypted (ADR 0002): the staff API writes them masked + SM4 +
 * blind index, finds a person by the exact name only, and shows the name whole only to a read
 * whose purpose it registers; an organization keeps its representative as it publishes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { PERSON_NAME_INDEX_DOMAIN } from './person-names.js';

const officer = { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' };
const PERSON_ID = makeIdNumber('350102', '19850612', 41);

describe(`natural persons' names through the staff API on ${ENGINE}`, () => {
  let p: TestPlatform;
  let personId = '';
  before(async () => {
    p = await startTestPlatform();
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: officer, payload: { kind: 'person', name: '欧阳翀彧', idNumber: PERSON_ID } });
    assert.equal(r.statusCode, 201, r.body);
    personId = r.json().id;
  });
  after(async () => p.stop());

  const search = (body: object, headers = officer) => p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', headers, payload: body });
  const row = async (id: string) =>
    (await sql<{ name: string; name_enc: string | null; name_index: string | null; legal_rep_name: string | null }>`select name, name_enc, name_index, legal_rep_name from subject where id = ${id}`.execute(p.db)).rows[0];

  it('stores the name masked, as SM4 ciphertext and as a blind index of the name without spaces; the answer to the write is masked', async () => {
    const stored = await row(personId);
    assert.equal(stored?.name, '欧阳**');
    assert.match(stored?.name_enc ?? '', /^sm4:v1:/);
    assert.equal(p.cipher.decrypt(stored?.name_enc ?? ''), '欧阳翀彧');
    assert.equal(stored?.name_index, p.cipher.blindIndex('欧阳翀彧', PERSON_NAME_INDEX_DOMAIN));
    const versions = await sql<{ data: { name: string } }>`select data from subject_version where subject_id = ${personId}`.execute(p.db);
    assert.deepEqual(versions.rows.map((v) => v.data.name), ['欧阳**'], 'the snapshot holds the masked name');
  });

  it('finds a person by the exact name (spaces and full-width forms aside), never by part of it or by its mask', async () => {
    for (const q of ['欧阳翀彧', ' 欧阳 翀彧 ']) {
      const r = (await search({ q })).json();
      assert.deepEqual(r.items.map((i: { id: string; name: string }) => [i.id, i.name]), [[personId, '欧阳翀彧']], q);
    }
    for (const q of ['欧阳', '翀彧', '欧阳翀', '欧阳**', '阳翀彧']) assert.equal((await search({ q })).json().total, 0, `「${q}」 finds nobody`);
    assert.equal((await search({ q: '欧阳', kind: 'person' })).json().total, 0);
    assert.equal((await search({ idNumber: PERSON_ID })).json().items[0].name, '欧阳翀彧', 'by ID number, shown whole');
  });

  it('shows the name whole to a read with a registered purpose, registered in the same transaction; masked without one', async () => {
    const refused = await p.app.inject({ url: `/api/v1/subjects/${personId}`, headers: as('creditOffice') });
    assert.equal(refused.statusCode, 400);
    assert.doesNotMatch(refused.body, /翀彧/);
    const before = (await p.audit.list({ category: 'query', event: 'query.subject.get', limit: 100, offset: 0 })).total;
    const r = await p.app.inject({ url: `/api/v1/subjects/${personId}`, headers: officer });
    assert.equal(r.json().name, '欧阳翀彧');
    const reads = await p.audit.list({ category: 'query', event: 'query.subject.get', limit: 100, offset: 0 });
    assert.equal(reads.total, before + 1);
    assert.deepEqual({ object: reads.rows[0]?.object_id, purpose: reads.rows[0]?.purpose }, { object: personId, purpose: 'creditCheck' });
    assert.ok(!JSON.stringify(reads.rows).includes('翀彧'), 'the name is not in the audit log');
    assert.equal((await p.subjects.get(personId)).name, '欧阳**', 'the service without a registered read shows it masked');
  });

  it('a corrected name is encrypted again: the new one is found, the old one nowhere', async () => {
    const patched = await p.app.inject({ method: 'PATCH', url: `/api/v1/subjects/${personId}`, headers: officer, payload: { version: 1, name: '欧阳翀宇' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, '欧阳**');
    assert.equal(p.cipher.decrypt((await row(personId))?.name_enc ?? ''), '欧阳翀宇');
    assert.equal((await search({ q: '欧阳翀宇' })).json().total, 1);
    assert.equal((await search({ q: '欧阳翀彧' })).json().total, 0);
    const history = (await p.app.inject({ url: `/api/v1/subjects/${personId}/versions`, headers: officer })).json();
    assert.deepEqual(history.map((h: { data: { name: string } }) => h.data.name), ['欧阳**', '欧阳**']);
  });

  it('keeps a company’s representative in clear on the company, a 个体工商户’s operator masked, also when the type changes', async () => {
    const company = await p.app.inject({
      method: 'POST', url: '/api/v1/subjects', headers: officer,
      payload: { kind: 'organization', name: '福州远航物流有限公司', uscc: makeUscc('91', '350100', 4501), legalRepresentative: { name: '王建华', idNumber: makeIdNumber('350102', '19700101', 45) } },
    });
    assert.equal(company.json().legalRepresentative.name, '王建华');
    assert.equal((await row(company.json().id))?.legal_rep_name, '王建华');
    assert.equal((await row(company.json().legalRepresentative.id))?.name, '王**', 'the person is stored masked');
    const shop = await p.app.inject({
      method: 'POST', url: '/api/v1/subjects', headers: officer,
      payload: { kind: 'organization', name: '鼓楼区阿美小吃店', uscc: makeUscc('92', '350100', 4502), legalRepresentativeId: company.json().legalRepresentative.id },
    });
    assert.equal(shop.statusCode, 201, shop.body);
    assert.equal(shop.json().legalRepresentative.name, '王**');
    assert.equal((await row(shop.json().id))?.legal_rep_name, '王**');
    const changed = await p.app.inject({ method: 'PATCH', url: `/api/v1/subjects/${shop.json().id}`, headers: officer, payload: { version: 1, orgType: 'enterprise' } });
    assert.equal(changed.json().legalRepresentative.name, '王建华', 'no longer a 个体工商户: published in full');
    // The representative's name corrected on the person: every organization they represent publishes it.
    await p.subjects.update(company.json().legalRepresentative.id, 1, { name: '王建国' }, { id: 'registry', name: 'registry', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null });
    assert.equal((await row(company.json().id))?.legal_rep_name, '王建国');
  });

  it('compares a record’s name with the registered person through the blind index', async () => {
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const uscc = makeUscc('11', '350100', 4503);
    const dept = await p.identity.createDepartment({ name: '福州市城市管理综合执法局', uscc }, admin);
    await p.collection.setGrants(dept.id, ['CF'], admin);
    const person = (n: number, name: string) => penaltyRow(uscc, n, { CF_XDR_MC: name, CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON_ID, CF_NR_FK: '0.01' });
    const batch = await p.collection.submitRecords({ actor: { ...admin, departmentId: dept.id }, departmentId: dept.id }, 'CF', 'names-0001', [person(1, '欧阳翀宇'), person(2, '欧阳 翀宇'), person(3, '欧阳冲宇')]);
    assert.equal(batch.accepted, 3);
    const warnings = await p.collection.issues(batch.id, 'warning', 10, 0);
    assert.deepEqual(
      warnings.map((w) => [w.row_number, (w.problems as { code: string; message: string }[]).map((x) => x.code)]),
      [[3, ['SUBJECT_NAME_CONFLICT']]],
      'the same name (a space aside) is no conflict; another name is',
    );
    assert.match(JSON.stringify(warnings), /欧阳\*\*/);
    assert.doesNotMatch(JSON.stringify(warnings), /冲宇|翀宇/);
  });
});
