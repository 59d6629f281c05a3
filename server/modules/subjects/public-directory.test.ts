import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { makeUscc } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { PublicDirectory } from './public-directory.js';
import type { ListenEvent } from '../../platform/db/engine.js';
import { SUBJECT_CHANGES_CHANNEL, SubjectsRepo } from './subjects.repo.js';

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

  it('reads what changed before the next lookup once told, however fresh it is by time', async () => {
    const directory = new PublicDirectory(new SubjectsRepo(p.db as never), 3_600_000);
    assert.equal((await directory.search({ text: '告知后登记', offset: 0, limit: 20 })).total, 0);
    await sql`insert into subject (kind, org_type, name, uscc, region_code) values ('organization', 'enterprise', '告知后登记贸易有限公司', ${makeUscc('91', '350100', 8850)}, '350100')`.execute(p.db);
    assert.equal((await directory.search({ text: '告知后登记', offset: 0, limit: 20 })).total, 0, 'fresh for an hour by time');
    directory.changed();
    assert.equal((await directory.search({ text: '告知后登记', offset: 0, limit: 20 })).total, 1);
    assert.ok(await directory.byUscc(makeUscc('91', '350100', 8850)));
    // Told of a change while a catch-up (begun before it) is under way: the next lookup does not
    // join that one, it reads again after it.
    directory.changed();
    const under = directory.search({ text: '告知后登记', offset: 0, limit: 20 });
    await sql`insert into subject (kind, org_type, name, uscc, region_code) values ('organization', 'enterprise', '告知后登记第二贸易有限公司', ${makeUscc('91', '350100', 8852)}, '350100')`.execute(p.db);
    directory.changed();
    assert.equal((await directory.search({ text: '告知后登记', offset: 0, limit: 20 })).total, 2);
    await under;
  });

  it('is told by every commit that writes organizations (subject_changed), and not before it commits', async () => {
    const heard: ListenEvent[] = [];
    const stop = await p.engine.listen(SUBJECT_CHANGES_CHANNEL, (event) => heard.push(event));
    try {
      heard.length = 0;
      const officer = { id: 'officer', name: 'officer', roles: ['creditOffice' as const], departmentId: null, ip: null, requestId: null };
      const created = await p.subjects.create({ kind: 'organization', orgType: 'enterprise', name: '通知登记贸易有限公司', uscc: makeUscc('91', '350100', 8851) }, officer);
      assert.ok(heard.includes('notify'), 'heard before create returned');
      // On PostgreSQL every listening connection hears it once: the others' copies arrive a moment later.
      await new Promise((r) => setTimeout(r, 200));
      heard.length = 0;
      await assert.rejects(p.subjects.update(created.id, created.version + 5, { name: '通知登记改名贸易有限公司' }, officer));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(heard.length, 0, 'a refused update (rolled back) tells nobody');
      await p.subjects.update(created.id, created.version, { name: '通知登记改名贸易有限公司' }, officer);
      assert.ok(heard.includes('notify'));
    } finally {
      await stop();
    }
  });
});
