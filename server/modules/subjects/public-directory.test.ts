import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeUscc } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { PublicDirectory } from './public-directory.js';
import { SubjectsRepo } from './subjects.repo.js';

describe(`the portal's directory of organizations on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  it('reads each organization once across pages whose rows share one timestamp', async () => {
    // One statement: every row has the same updated_at (to the microsecond), as a bulk load gives.
    const names = Array.from({ length: 7 }, (_, i) => `同时登记第${i}贸易有限公司`);
    await sql`insert into subject (kind, org_type, name, uscc, region_code)
      select 'organization', 'enterprise', n, u, '350100' from unnest(${names}::text[], ${names.map((_, i) => makeUscc('91', '350100', 8800 + i))}::text[]) as t(n, u)`.execute(p.db);
    const directory = new PublicDirectory(new SubjectsRepo(p.db as never), 0, 3); // pages of 3 rows
    const found = await directory.search({ text: '同时登记', offset: 0, limit: 20 });
    assert.equal(found.total, 7);
    assert.deepEqual(new Set(found.rows.map((r) => r.name)), new Set(names));
    assert.deepEqual((await directory.regions()).find((r) => r.code === '350100')?.count, 7, 'each counted once');
    // A later catch-up reads the last seconds again without doubling anything.
    assert.equal((await directory.search({ text: '同时登记', offset: 0, limit: 20 })).total, 7);
  });
});
