/**
 * The bulk (COPY) path the demo loads subjects with keeps organizations' registration facts as the
 * registry gives them, persons none, and the platform's status follows the registry's 登记状态; the
 * portal's profile of a demo organization shows them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

interface Row {
  kind: string;
  org_type: string | null;
  uscc: string | null;
  status: string;
  established_on: string | null;
  address: string | null;
  registration_status: string | null;
  registered_capital: string | null;
  business_scope: string | null;
}

describe(`registration facts of bulk-loaded (demo) subjects on ${ENGINE}`, () => {
  let p: TestPlatform;
  let rows: Row[] = [];

  before(async () => {
    p = await startTestPlatform({ env: { DEMO_DATA: 'on' }, demo: { subjects: 200, records: 50, seed: 20261202 } });
    rows = (await sql<Row>`select kind, org_type, uscc, status, established_on, address, registration_status, registered_capital, business_scope from subject`.execute(p.db)).rows;
  });
  after(async () => p.stop());

  it('keeps an organization’s facts, none for a person, and the status the registry says', () => {
    const orgs = rows.filter((r) => r.kind === 'organization');
    const held = orgs.filter((r) => r.established_on !== null);
    assert.ok(held.length > orgs.length / 2, `${held.length} of ${orgs.length} organizations have facts`);
    assert.ok(held.length < orgs.length, 'some registries give none: those stay empty');
    for (const r of held) {
      assert.match(r.established_on ?? '', /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(r.address && r.business_scope && r.registration_status, JSON.stringify(r));
      assert.equal(r.registered_capital === null, r.org_type === 'individualBusiness', 'a 个体工商户 has no 注册资本');
      const expected = r.registration_status?.includes('注销') ? 'cancelled' : r.registration_status?.includes('吊销') ? 'revoked' : 'active';
      assert.equal(r.status, expected, r.registration_status ?? '');
    }
    for (const r of rows.filter((x) => x.kind === 'person')) assert.deepEqual([r.established_on, r.address, r.registration_status, r.registered_capital, r.business_scope], [null, null, null, null, null]);
  });

  it('shows them on the organization’s portal profile, 注册资本 without trailing zeros', async () => {
    const org = rows.find((r) => r.kind === 'organization' && r.registered_capital !== null) as Row;
    const profile = (await p.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${org.uscc}` })).json();
    assert.deepEqual(profile.registration, {
      establishmentDate: org.established_on, address: org.address, status: org.registration_status,
      registeredCapital: String(Number(org.registered_capital)), businessScope: org.business_scope,
    });
  });
});
