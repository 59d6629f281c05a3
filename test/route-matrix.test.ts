import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_ROLES, type Role } from '../server/platform/policy.js';
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
        const res = await request(as(role));
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
