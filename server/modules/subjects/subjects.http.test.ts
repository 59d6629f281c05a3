import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const officer = { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' };

describe(`subjects API on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  const post = (url: string, payload: unknown, headers = officer) => p.app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('registers an organization with its legal representative; the ID number comes back masked only', async () => {
    const r = await post('/api/v1/subjects', {
      kind: 'organization',
      name: '华为技术有限公司',
      uscc: '９１４４０３００１９２２０３８２１６',
      industryCode: 'I',
      legalRepresentative: { name: '赵明路', idNumber: '11010519491231002x' },
      legacyIdentifiers: [{ scheme: 'regNo', value: '440301103097413' }],
    });
    assert.equal(r.statusCode, 201, r.body);
    const org = r.json();
    assert.equal(org.uscc, '914403001922038216');
    assert.equal(org.orgType, 'enterprise');
    assert.deepEqual(org.region, { code: '440300', name: '深圳市' });
    assert.deepEqual(org.industry, { code: 'I', name: '信息传输、软件和信息技术服务业' });
    assert.equal(org.legalRepresentative.name, '赵明路');
    assert.equal(org.version, 1);
    assert.doesNotMatch(r.body, /11010519491231002X/i);

    const rep = (await p.app.inject({ url: `/api/v1/subjects/${org.legalRepresentative.id}`, headers: officer })).json();
    assert.equal(rep.kind, 'person');
    assert.equal(rep.classification, 'restrictedPersonal');
    assert.equal(org.classification, 'public');
    assert.equal(rep.idNumberMasked, '110105********002X');
    assert.deepEqual(rep.region, { code: '110105', name: '朝阳区' });
  });

  it('stores the ID number only as SM4 ciphertext with a blind index', async () => {
    const rows = await sql<{ id_number_enc: string; id_number_index: string }>`select id_number_enc, id_number_index from subject where kind = 'person'`.execute(p.db);
    assert.equal(rows.rows.length, 1);
    const row = rows.rows[0]!;
    assert.match(row.id_number_enc, /^sm4:v1:/);
    assert.equal(p.cipher.decrypt(row.id_number_enc), '11010519491231002X');
    assert.match(row.id_number_index, /^[0-9a-f]{64}$/);
  });

  it('rejects invalid codes with field, rule, position and a Chinese message; nothing is stored', async () => {
    const r = await post('/api/v1/subjects', { kind: 'organization', name: '某某公司', uscc: '91350100M000100Y44' });
    assert.equal(r.statusCode, 422);
    assert.deepEqual(r.json().error.details, [{ field: 'uscc', code: 'USCC_CHECK', message: '第18位校验码应为3，实际为4', position: 18 }]);
    const person = await post('/api/v1/subjects', { kind: 'person', name: '张三', idNumber: '110105194912310021' });
    assert.equal(person.json().error.details[0].message, '第18位校验码应为X，实际为1');
    const count = await sql<{ n: number }>`select count(*)::int as n from subject`.execute(p.db);
    assert.equal(count.rows[0]?.n, 2);
  });

  it('refuses duplicates by USCC and by ID number (found through the blind index)', async () => {
    const org = await post('/api/v1/subjects', { kind: 'organization', name: '华为', uscc: '914403001922038216' });
    assert.equal(org.statusCode, 409);
    const person = await post('/api/v1/subjects', { kind: 'person', name: '赵某', idNumber: '110105491231002' });
    assert.equal(person.statusCode, 409, 'the 15-digit form of the same number is the same person');
  });

  it('two concurrent registrations of the same code: one 201, one 409, never a 500', async () => {
    const payload = { kind: 'organization', name: '万科企业股份有限公司', uscc: '91440300192181490G' };
    const statuses = (await Promise.all([post('/api/v1/subjects', payload), post('/api/v1/subjects', payload)])).map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409]);
  });

  it('a legacy identifier belongs to one subject only', async () => {
    const r = await post('/api/v1/subjects', { kind: 'organization', name: '另一家公司', uscc: '91440300192317458F', legacyIdentifiers: [{ scheme: 'regNo', value: '440301103097413' }] });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().error.details[0].field, 'legacyIdentifiers');
  });

  it('checks 个体工商户 codes start with 92 and persons carry no USCC', async () => {
    const ib = await post('/api/v1/subjects', { kind: 'organization', orgType: 'individualBusiness', name: '某某小吃店', uscc: '91350100M000100Y43' });
    assert.equal(ib.statusCode, 422);
    assert.equal(ib.json().error.details[0].code, 'INDIVIDUAL_BUSINESS_92');
    const person = await post('/api/v1/subjects', { kind: 'person', name: '李四', uscc: '91350100M000100Y43', idNumber: '440524188001010014' });
    assert.equal(person.json().error.details[0].code, 'PERSON_NO_USCC');
  });

  it('searches by a 2-character name, by USCC and by ID number; personal data travels in the body', async () => {
    await post('/api/v1/subjects', { kind: 'organization', name: '小米科技有限责任公司', uscc: '91110108551385082Q' });
    await post('/api/v1/subjects', { kind: 'organization', name: '北京百度网讯科技有限公司', uscc: '91110000802100433B' });
    const byName = (await post('/api/v1/subjects/search', { q: '华为' })).json();
    assert.equal(byName.total, 1);
    assert.equal(byName.items[0].name, '华为技术有限公司');
    const tech = (await post('/api/v1/subjects/search', { q: '科技' })).json();
    assert.deepEqual(tech.items.map((i: { name: string }) => i.name).sort(), ['北京百度网讯科技有限公司', '小米科技有限责任公司']);
    assert.equal((await post('/api/v1/subjects/search', { q: '技华' })).json().total, 0, 'bigrams out of order are not a match');
    const byCode = (await post('/api/v1/subjects/search', { uscc: '91110108551385082q' })).json();
    assert.equal(byCode.items[0].name, '小米科技有限责任公司');
    const byId = (await post('/api/v1/subjects/search', { idNumber: '11010519491231002X' })).json();
    assert.equal(byId.items[0].name, '赵明路');
    const badId = await post('/api/v1/subjects/search', { idNumber: '110105194912310021' });
    assert.equal(badId.statusCode, 422);
    assert.equal((await post('/api/v1/subjects/search', { q: '华（' })).json().total, 1, 'punctuation does not count toward the bigram length');
    assert.equal((await post('/api/v1/subjects/search', { q: '（）' })).json().total, 0, 'nothing left to search for');
  });

  it('updates create versions; a stale version is a 409 conflict', async () => {
    const org = (await post('/api/v1/subjects/search', { uscc: '91110108551385082Q' })).json().items[0];
    const patch = (version: number, body: object) => p.app.inject({ method: 'PATCH', url: `/api/v1/subjects/${org.id}`, payload: { version, ...body }, headers: officer });
    const ok = await patch(1, { name: '小米科技有限责任公司（更名）', status: 'active' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().version, 2);
    const stale = await patch(1, { name: '另一个名字' });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'VERSION_CONFLICT');
    const history = (await p.app.inject({ url: `/api/v1/subjects/${org.id}/versions`, headers: officer })).json();
    assert.deepEqual(history.map((h: { version: number }) => h.version), [2, 1]);
    assert.equal(history[1].data.name, '小米科技有限责任公司');
  });

  it('refuses a read without a purpose, and registers every read with its purpose and result count', async () => {
    const org = (await post('/api/v1/subjects/search', { uscc: '91110000802100433B' })).json().items[0];
    const noPurpose = await p.app.inject({ url: `/api/v1/subjects/${org.id}`, headers: as('creditOffice') });
    assert.equal(noPurpose.statusCode, 400);
    assert.equal(noPurpose.json().error.code, 'PURPOSE_REQUIRED');
    const unknown = await p.app.inject({ url: `/api/v1/subjects/${org.id}`, headers: { ...as('creditOffice'), 'x-query-purpose': 'curiosity' } });
    assert.equal(unknown.statusCode, 400);
    assert.equal((await p.audit.list({ event: 'query.refused', limit: 5, offset: 0 })).total, 2, 'refused reads are registered');
    const idAsRef = await p.app.inject({ url: `/api/v1/subjects/${org.id}`, headers: { ...officer, 'x-authorization-ref': '11010519491231002X' } });
    assert.equal(idAsRef.statusCode, 400);
    const ok = await p.app.inject({ url: `/api/v1/subjects/${org.id}`, headers: { ...officer, 'x-authorization-ref': 'SQ-2026-0001' } });
    assert.equal(ok.statusCode, 200);
    const reads = await p.audit.list({ category: 'query', event: 'query.subject.get', limit: 5, offset: 0 });
    const last = reads.rows[0]!;
    assert.deepEqual(
      { objectId: last.object_id, purpose: last.purpose, authorizationRef: last.authorization_ref, resultCount: last.result_count, actor: last.actor_id },
      { objectId: org.id, purpose: 'creditCheck', authorizationRef: 'SQ-2026-0001', resultCount: 1, actor: 'test-creditOffice' },
    );
    const searches = await p.audit.list({ category: 'query', event: 'query.subject.search', limit: 100, offset: 0 });
    assert.ok(searches.total >= 5);
    assert.ok(!JSON.stringify(searches.rows).includes('11010519491231002X'), 'the searched ID number is not in the audit log');
    assert.ok(searches.rows.some((r) => Array.isArray(r.details.subjectIds) && (r.details.subjectIds as string[]).includes(org.id)), 'which subjects a search showed is registered');
  });

  it('audits every write in the same transaction', async () => {
    const writes = await p.audit.list({ category: 'business', limit: 100, offset: 0 });
    const events = writes.rows.map((r) => r.event);
    assert.ok(events.filter((e) => e === 'subject.create').length >= 4);
    assert.ok(events.includes('subject.update'));
    const subjects = await sql<{ n: number }>`select count(*)::int as n from subject`.execute(p.db);
    const creates = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'subject.create'`.execute(p.db);
    // Legal representatives created implicitly are audited with their organization.
    assert.ok(creates.rows[0]!.n >= subjects.rows[0]!.n - 1);
  });

  it('answers 404 for an unknown subject', async () => {
    const r = await p.app.inject({ url: '/api/v1/subjects/00000000-0000-4000-8000-000000000000', headers: officer });
    assert.equal(r.statusCode, 404);
    assert.equal(r.json().error.code, 'NOT_FOUND');
  });
});
