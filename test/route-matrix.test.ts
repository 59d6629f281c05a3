import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ALL_ROLES, type Role } from '../server/platform/policy.js';
import { makeUscc, penaltyRow } from './fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from './helpers.js';

/**
 * Every registered route × every role, the system account and anonymous: a role the policy names
 * is let through (whatever the handler then answers), any other role gets 403, anonymous gets 401
 * — 0 unexpected allows. The three administrators never reach business routes.
 */
describe(`route × role matrix on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  const fill = (url: string) =>
    url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':code', 'XK').replace(':year', '2026').replace('*', 'index.html');

  it('allows exactly the roles each policy names', async () => {
    const unexpected: string[] = [];
    let checked = 0;
    for (const r of p.app.registeredRoutes) {
      if (r.method === 'HEAD' || !r.policy || 'public' in r.policy || 'signedIn' in r.policy) continue;
      const allowed = r.policy.roles;
      const request = (headers: Record<string, string>) =>
        p.app.inject({
          method: r.method as 'GET',
          url: fill(r.url),
          headers: { ...headers, 'x-query-purpose': 'creditCheck' },
          ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: {} } : {}),
        });
      // Every role, the system account among them (its signature is checked in signed-requests.test.ts).
      for (const role of ALL_ROLES as Role[]) {
        // The principal belongs to the department whose id fills the URL: only the role decides here.
        const res = await request(as(role, `test-${role}`, '00000000-0000-4000-8000-000000000000'));
        checked++;
        const passed = res.statusCode !== 401 && res.statusCode !== 403;
        if (passed !== allowed.includes(role)) unexpected.push(`${role} ${r.method} ${r.url} → ${res.statusCode}`);
      }
      const anonymous = await request({});
      checked++;
      if (anonymous.statusCode !== 401) unexpected.push(`anonymous ${r.method} ${r.url} → ${anonymous.statusCode}`);
    }
    assert.deepEqual(unexpected, []);
    assert.ok(checked > 100, `only ${checked} combinations`);
  });

  /**
   * 谁产生、谁负责: a user of department B, holding every business role, tries each route that
   * takes an object id, on department A's object. Routes are matched by their path; a new
   * department-scoped route without an entry here fails the test until it is added.
   */
  it('department B reaches none of department A’s objects', async () => {
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const usccA = makeUscc('11', '350100', 901);
    const a = await p.identity.createDepartment({ name: '甲市场监督管理局', uscc: usccA }, admin);
    const b = await p.identity.createDepartment({ name: '乙交通运输局', uscc: makeUscc('11', '350100', 902) }, admin);
    await p.collection.setGrants(a.id, ['CF'], admin);
    const batch = await p.collection.submitRecords({ actor: { ...admin, departmentId: a.id }, departmentId: a.id }, 'CF', 'matrix-0001', [penaltyRow(usccA, 1)]);
    const recordOfA = (await sql<{ id: string }>`select id from record where batch_id = ${batch.id}`.execute(p.db)).rows[0]?.id ?? '';
    const objectOfA: Record<string, string> = {
      '/api/v1/collection/batches/:id': batch.id,
      '/api/v1/collection/batches/:id/issues': batch.id,
      '/api/v1/collection/batches/:id/records': batch.id,
      '/api/v1/collection/batches/:id/errors.xlsx': batch.id,
      '/api/v1/collection/batches/:id/review': batch.id,
      '/api/v1/collection/records/:id/withdraw': recordOfA,
      '/api/v1/collection/records/:id': recordOfA,
      '/api/v1/collection/grants/:id': a.id,
    };
    const departmentScoped = (url: string) => url.startsWith('/api/v1/collection/');
    const asB = { 'x-test-principal': `clerk-b:submitter,reviewer:${b.id}`, 'x-query-purpose': 'creditCheck' };
    const unexpected: string[] = [];
    for (const r of p.app.registeredRoutes) {
      if (r.method === 'HEAD' || !r.url.includes(':id') || !departmentScoped(r.url)) continue;
      const id = objectOfA[r.url];
      if (!id) {
        unexpected.push(`${r.method} ${r.url}: no department-A object in this test`);
        continue;
      }
      const res = await p.app.inject({ method: r.method as 'GET', url: r.url.replace(':id', id), headers: asB, ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: { itemCodes: ['CF'], decision: 'approve', reason: '测试' } } : {}) });
      if (res.statusCode !== 403) unexpected.push(`department B ${r.method} ${r.url} → ${res.statusCode}`);
    }
    assert.deepEqual(unexpected, []);
    const list = await p.app.inject({ method: 'GET', url: `/api/v1/collection/batches?departmentId=${a.id}`, headers: asB });
    assert.equal(list.json().total, 0);
  });

  it('no administrator role reaches a business route, and no business role an administration route', () => {
    for (const r of p.app.registeredRoutes) {
      if (!r.policy || !('roles' in r.policy)) continue;
      const roles = r.policy.roles;
      const admin = roles.some((x) => ['sysAdmin', 'secAdmin', 'auditAdmin'].includes(x));
      const business = roles.some((x) => ['submitter', 'reviewer', 'implementer'].includes(x));
      assert.ok(!(admin && business), `${r.method} ${r.url} mixes administrator and business roles`);
      if (r.url.startsWith('/api/v1/audit')) assert.deepEqual([...roles], ['auditAdmin'], 'only the audit administrator reads the audit log');
      if (r.url.endsWith('/roles') || r.url.startsWith('/api/v1/security')) assert.deepEqual([...roles], ['secAdmin'], 'only the security administrator edits roles and policies');
    }
  });
});
