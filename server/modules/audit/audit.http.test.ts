/**
 * The audit viewer's API as the audit administrator uses it: 查询登记 answers exactly the
 * registered queries (who, department, what was looked up — persons masked —, purpose in words,
 * authorization, result count), never the administrator's own reads; the stream is searched by
 * words resolved to event codes, with totals and pages of the matching events only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueryRegistrationView } from '../../../common/audit-api.js';
import { EVENT_LABELS } from '../../../common/audit-events.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const DEPT_USCC = makeUscc('11', '350100', 931);
const PERSON_ID = makeIdNumber('350102', '19850612', 93);
const SETUP = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };

describe(`the audit viewer's API on ${ENGINE}`, () => {
  let p: TestPlatform;
  let departmentId = '';
  let personId = '';
  let companyId = '';
  const auditor = as('auditAdmin', 'shen.ji');
  const officer = () => as('creditOffice', 'xin.yong', departmentId);
  const get = (url: string, headers = auditor) => p.app.inject({ method: 'GET', url, headers });

  before(async () => {
    p = await startTestPlatform();
    departmentId = (await p.identity.createDepartment({ name: '福州市发展和改革委员会', uscc: DEPT_USCC }, SETUP)).id;
    await p.collection.setGrants(departmentId, ['CF'], SETUP);
    const clerk = { actor: { ...SETUP, id: 'clerk', roles: ['submitter'], departmentId }, departmentId };
    const batch = await p.collection.submitRecords(clerk, 'CF', 'audit-0001', [penaltyRow(DEPT_USCC, 1), penaltyRow(DEPT_USCC, 2)]);
    assert.equal(batch.accepted, 2);
    const person = await p.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: { ...officer(), 'x-query-purpose': 'creditCheck' }, payload: { kind: 'person', name: '欧阳翀彧', idNumber: PERSON_ID } });
    assert.equal(person.statusCode, 201, person.body);
    personId = person.json().id;
  });
  after(async () => p.stop());

  it('查询登记: exactly the registered queries, with purpose, authorization, result count and the subjects looked up', async () => {
    const withPurpose = (purpose: string, ref?: string) => ({ ...officer(), 'x-query-purpose': purpose, ...(ref ? { 'x-authorization-ref': ref } : {}) });
    // A search for an organization by name, under a signed authorization.
    const orgs = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', headers: withPurpose('authorizedQuery', 'SQ-2026-0007'), payload: { q: '福州测试1贸易' } });
    assert.equal(orgs.statusCode, 200, orgs.body);
    companyId = orgs.json().items[0].id;
    // A natural person read by ID number, then looked at.
    assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', headers: withPurpose('lawEnforcement'), payload: { idNumber: PERSON_ID } })).json().total, 1);
    assert.equal((await p.app.inject({ url: `/api/v1/subjects/${personId}`, headers: withPurpose('lawEnforcement') })).statusCode, 200);
    // The records of an item.
    const records = await p.app.inject({ method: 'POST', url: '/api/v1/records/search', headers: withPurpose('dataQuality'), payload: { itemCode: 'CF' } });
    assert.equal(records.statusCode, 200, records.body);
    // A read without a purpose: refused, and registered as refused.
    assert.equal((await p.app.inject({ url: `/api/v1/subjects/${companyId}`, headers: officer() })).statusCode, 400);
    // The audit administrator's own reads are security events, not queries.
    assert.equal((await get('/api/v1/audit/events')).statusCode, 200);
    assert.equal((await get('/api/v1/audit/verify')).statusCode, 200);

    const r = await get('/api/v1/audit/queries?limit=50');
    assert.equal(r.statusCode, 200, r.body);
    const body: { total: number; items: QueryRegistrationView[] } = r.json();
    const registered = await p.audit.list({ category: 'query', limit: 200, offset: 0 });
    assert.deepEqual(body.items.map((i) => i.seq), registered.rows.map((x) => x.seq), 'the query events, newest first, nothing else');
    assert.equal(body.total, registered.total);
    assert.deepEqual(body.items.map((i) => i.event), ['query.refused', 'query.record.search', 'query.subject.get', 'query.subject.search', 'query.subject.search']);
    assert.ok(!body.items.some((i) => i.event.startsWith('audit.')), 'no audit.read / audit.verify');

    const [refused, recordSearch, personRead, personSearch, orgSearch] = body.items as [QueryRegistrationView, QueryRegistrationView, QueryRegistrationView, QueryRegistrationView, QueryRegistrationView];
    assert.deepEqual(
      { purpose: orgSearch.purpose, label: orgSearch.purposeLabel, ref: orgSearch.authorizationRef, count: orgSearch.resultCount, subjects: orgSearch.subjects.map((s) => [s.kind, s.name]) },
      { purpose: 'authorizedQuery', label: '经主体授权的查询', ref: 'SQ-2026-0007', count: 1, subjects: [['organization', '福州测试1贸易有限公司']] },
    );
    assert.deepEqual(orgSearch.actor, { id: 'xin.yong', name: 'xin.yong', roles: ['creditOffice'], departmentId, departmentName: '福州市发展和改革委员会' });
    assert.deepEqual(personSearch.subjects, [{ id: personId, kind: 'person', name: '欧阳**' }], 'a natural person masked');
    assert.deepEqual({ object: personRead.object, subjects: personRead.subjects.map((s) => s.name), label: personRead.purposeLabel, count: personRead.resultCount },
      { object: { type: 'subject', id: personId }, subjects: ['欧阳**'], label: '行政执法、监督检查', count: 1 });
    assert.equal(recordSearch.resultCount, 2);
    assert.equal(recordSearch.purposeLabel, '数据质量核对');
    assert.deepEqual(recordSearch.subjects.map((s) => s.name).sort(), ['福州测试1贸易有限公司', '福州测试2贸易有限公司']);
    assert.equal(recordSearch.filters?.itemCode, 'CF');
    assert.deepEqual({ result: refused.result, purpose: refused.purpose, object: refused.object.type }, { result: 'denied', purpose: null, object: 'route' });
    assert.doesNotMatch(r.body, /翀彧/, 'never a person’s name in clear');
    assert.ok(!r.body.includes(PERSON_ID), 'never an ID number');

    // Pages and the search in words stay within the registered queries.
    const page = (await get('/api/v1/audit/queries?limit=2&offset=2')).json();
    assert.deepEqual({ total: page.total, events: page.items.map((i: QueryRegistrationView) => i.event) }, { total: 5, events: ['query.subject.get', 'query.subject.search'] });
    const searches = (await get(`/api/v1/audit/queries?q=${encodeURIComponent('检索')}`)).json();
    assert.deepEqual({ total: searches.total, events: searches.items.map((i: QueryRegistrationView) => i.event) }, { total: 3, events: ['query.record.search', 'query.subject.search', 'query.subject.search'] });
    assert.equal((await get(`/api/v1/audit/queries?q=${encodeURIComponent('登录')}`)).json().total, 0, 'sign-ins are no queries');
    // Reading the register is itself audited, as a security event.
    const read = (await p.audit.list({ event: 'audit.read', limit: 1, offset: 0 })).rows[0];
    assert.deepEqual({ category: read?.category, view: read?.details.view }, { category: 'security', view: 'queries' });
  });

  it('the stream searched by words: 「登录」 finds the sign-in events only, with the right total and pages', async () => {
    const clerk = await p.identity.createUser({ username: 'wang.wu', displayName: '王五', departmentId, roles: ['submitter'] }, SETUP);
    for (const password of ['Wrong#1abc', 'Wrong#2abc']) {
      assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'wang.wu', password } })).statusCode, 401);
    }
    assert.equal((await p.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'wang.wu', password: clerk.oneTimePassword } })).statusCode, 200);
    await p.audit.recordAlone({ category: 'security', event: 'auth.logout', actor: { ...SETUP, id: clerk.user.id, name: 'wang.wu' }, result: 'success' });

    const signIns = Object.keys(EVENT_LABELS).filter((code) => (EVENT_LABELS[code] as string).includes('登录'));
    let expected = 0;
    for (const event of signIns) expected += (await p.audit.list({ event, limit: 1, offset: 0 })).total;
    assert.ok(expected >= 4, `${expected} sign-in events`);
    const all = (await get('/api/v1/audit/events?limit=200')).json().total;
    assert.ok(all > expected + 5, 'the log holds other events too');

    const found = (await get(`/api/v1/audit/events?q=${encodeURIComponent('登录')}&limit=200`)).json();
    assert.equal(found.total, expected);
    assert.equal(found.items.length, expected);
    assert.deepEqual([...new Set(found.items.map((i: { event: string }) => i.event))].sort(), ['auth.login', 'auth.logout']);
    const second = (await get(`/api/v1/audit/events?q=${encodeURIComponent('登录')}&limit=2&offset=2`)).json();
    assert.deepEqual({ total: second.total, seqs: second.items.map((i: { seq: number }) => i.seq) }, { total: expected, seqs: found.items.slice(2, 4).map((i: { seq: number }) => i.seq) });

    // By code, in any case; words that must all match; words that match nothing.
    const byCode = (await get('/api/v1/audit/events?q=AUTH.LOGOUT')).json();
    assert.deepEqual({ total: byCode.total, events: [...new Set(byCode.items.map((i: { event: string }) => i.event))] }, { total: 1, events: ['auth.logout'] });
    const departments = (await get(`/api/v1/audit/events?q=${encodeURIComponent('新增 部门')}`)).json();
    assert.deepEqual({ total: departments.total, events: departments.items.map((i: { event: string }) => i.event) }, { total: 1, events: ['department.create'] });
    assert.equal((await get(`/api/v1/audit/events?q=${encodeURIComponent('没有这种事件')}`)).json().total, 0);
    assert.equal((await get('/api/v1/audit/events?q=%25')).json().total, 0, 'a % is a character, not a wildcard');
    // The stream names the actor's department too.
    const created = (await get(`/api/v1/audit/events?q=${encodeURIComponent('检索主体')}&limit=1`)).json().items[0];
    assert.equal(created.actor.departmentName, '福州市发展和改革委员会');
  });

  it('only the audit administrator reads the register', async () => {
    for (const role of ['creditOffice', 'sysAdmin', 'secAdmin'] as const) {
      assert.equal((await get('/api/v1/audit/queries', as(role))).statusCode, 403, role);
    }
  });
});
