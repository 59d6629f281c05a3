/**
 * Profiles as sent, stored in the database (migration 0025, public-profiles.ts): a profile nobody
 * asked for is one read by key, on any process — and a stored answer is never one that a change has
 * overtaken. The in-process cache of profiles is off here (PORTAL_PROFILE_CACHE=0), so every request
 * meets the store. A stored answer altered by hand shows whether a request was answered from the
 * store (it then says what the hand wrote) or built again (it does not).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';
import { PublicProfiles } from './public-profiles.js';
import type { PortalTables } from './portal.tables.js';
import type { Kysely } from 'kysely';

const DEPT = makeUscc('11', '350100', 5171);
const PENALIZED = makeUscc('91', '350100', 7411);
const OTHER = makeUscc('91', '350100', 7412);
const HAND = '经手工改过的名称';

describe(`stored public profiles (issue #13 §2) on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const registry: Actor = { id: 'registry', name: 'registry', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
  let deptId = '';
  let store: PublicProfiles;
  const get = (uscc: string) => p.app.inject({ method: 'GET', url: `/api/public/v1/subjects/${uscc}` });
  const subjectId = async (uscc: string) => (await sql<{ id: string }>`select id from subject where uscc = ${uscc}`.execute(p.db)).rows[0]?.id ?? '';
  const row = async (uscc: string) =>
    (await sql<{ answer: string | null; tag: string | null; generation: string; built_generation: string | null; valid_until: string | null }>`
      select answer, tag, generation::text, built_generation::text, valid_until::text from public_profile where subject_id = ${await subjectId(uscc)}`.execute(p.db)).rows[0];
  /** Writes a name into the stored answer, as an operator could: a request that shows it was answered from the store. */
  const alterStored = async (uscc: string) => {
    const r = await row(uscc);
    assert.ok(r?.answer, `a stored answer for ${uscc}`);
    const altered = JSON.parse(r.answer);
    altered.subject.name = HAND;
    await sql`update public_profile set answer = ${JSON.stringify(altered)} where subject_id = ${await subjectId(uscc)}`.execute(p.db);
  };
  const documents = (body: { penalties: { items: { documentNumber: string }[] } }) => body.penalties.items.map((x) => x.documentNumber).sort();

  before(async () => {
    p = await startTestPlatform({ clock, env: { PORTAL_PROFILE_CACHE: '0' } });
    store = new PublicProfiles(p.db as unknown as Kysely<PortalTables>);
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
    deptId = dept.id;
    await p.collection.setGrants(dept.id, ['CF'], admin);
    const clerk = { actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id };
    const party = { CF_XDR_MC: '福州存储画像商贸有限公司', CF_XDR_SHXYM: PENALIZED, CF_FRDB: '陈立' };
    const b = await p.collection.submitRecords(clerk, 'CF', 'stored-profiles', [
      penaltyRow(DEPT, 601, { ...party, CF_JDRQ: '2026-09-01' }),
      penaltyRow(DEPT, 602, { ...party, CF_JDRQ: '2026-10-01' }),
      penaltyRow(DEPT, 603, { CF_XDR_MC: '福州存储画像其他有限公司', CF_XDR_SHXYM: OTHER, CF_JDRQ: '2026-10-02' }),
    ]);
    assert.equal(b.accepted, 3, JSON.stringify(await p.collection.issues(b.id, 'rejected', 10, 0)));
  });
  after(async () => p.stop());

  it('stores every organization in one pass, byte for byte what the route sends, and answers from the store', async () => {
    assert.ok((await p.portal.profilesUnbuilt()) >= 2);
    const pass = await p.portal.storeProfiles();
    assert.ok(pass.built >= 2, JSON.stringify(pass));
    assert.equal(await p.portal.profilesUnbuilt(), 0);
    const stored = await row(PENALIZED);
    assert.ok(stored?.answer && stored.tag);
    assert.equal(stored.built_generation, stored.generation);
    // Built by the pass from the database, as the route builds it for a request: the same bytes.
    await sql`update public_profile set answer = null where subject_id = ${await subjectId(PENALIZED)}`.execute(p.db);
    const built = await get(PENALIZED);
    assert.equal(built.statusCode, 200);
    assert.equal(built.body, stored.answer);
    assert.equal(built.headers.etag, stored.tag);
    await p.portal.storeProfiles();
    assert.equal((await row(PENALIZED))?.answer, stored.answer);
    // Answered from the store: what is stored is what is sent.
    await alterStored(PENALIZED);
    assert.equal((await get(PENALIZED)).json().subject.name, HAND);
    assert.deepEqual(documents((await get(PENALIZED)).json()), ['榕市监罚〔2026〕601号', '榕市监罚〔2026〕602号']);
  });

  it('drops a stored profile in the transaction of a withdrawal: the next request no longer shows the record', async () => {
    await p.portal.storeProfiles();
    await alterStored(PENALIZED);
    const before = await row(PENALIZED);
    const id = (await sql<{ id: string }>`select id from record where document_number = '榕市监罚〔2026〕602号'`.execute(p.db)).rows[0]?.id ?? '';
    await p.collection.withdraw(id, '复议撤销', { ...admin, roles: ['submitter'] }, deptId);
    const after = await row(PENALIZED);
    assert.equal(after?.answer, null);
    assert.ok(Number(after?.generation) > Number(before?.generation));
    const body = (await get(PENALIZED)).json();
    assert.notEqual(body.subject.name, HAND);
    assert.deepEqual(documents(body), ['榕市监罚〔2026〕601号']);
    // Built for that request, it is stored a moment later for the next one, without the record.
    for (let i = 0; i < 50 && !(await row(PENALIZED))?.answer; i++) await new Promise((r) => setTimeout(r, 100));
    const again = await row(PENALIZED);
    assert.ok(again?.answer);
    assert.deepEqual(documents(JSON.parse(again.answer)), ['榕市监罚〔2026〕601号']);
  });

  it('drops it when the organization changes (its registration facts)', async () => {
    await p.portal.storeProfiles();
    const id = await subjectId(OTHER);
    const s = await p.subjects.get(id);
    await p.subjects.update(id, s.version, { registration: { address: '福州市鼓楼区五四路1号' } }, registry);
    assert.equal((await row(OTHER))?.answer, null);
    assert.equal((await get(OTHER)).json().registration.address, '福州市鼓楼区五四路1号');
  });

  it('never stores an answer built before a change that committed meanwhile', async () => {
    await p.portal.storeProfiles();
    const id = await subjectId(OTHER);
    const generations = await store.generations([id]);
    const stale = { json: '{"stale":true}', tag: 'W/"stale"' };
    // A change commits after the generation was read, before the answer is stored: the answer is not kept.
    const s = await p.subjects.get(id);
    await p.subjects.update(id, s.version, { registration: { address: '福州市鼓楼区五四路2号' } }, registry);
    assert.equal(await store.store([{ subjectId: id, generation: generations.get(id), answer: stale, basis: 'b', validFrom: '2026-11-21', validUntil: null }]), 0);
    assert.equal((await row(OTHER))?.answer, null);
    // An organization that had no row when read: a change since made one, and the answer is not kept either.
    await sql`delete from public_profile where subject_id = ${id}`.execute(p.db);
    assert.equal((await store.generations([id])).get(id), undefined);
    const s2 = await p.subjects.get(id);
    await p.subjects.update(id, s2.version, { registration: { address: '福州市鼓楼区五四路3号' } }, registry);
    assert.equal(await store.store([{ subjectId: id, generation: undefined, answer: stale, basis: 'b', validFrom: '2026-11-21', validUntil: null }]), 0);
    assert.equal((await row(OTHER))?.answer, null);
    // With nothing in between, it is.
    const now = await store.generations([id]);
    assert.equal(await store.store([{ subjectId: id, generation: now.get(id), answer: stale, basis: 'b', validFrom: '2026-11-21', validUntil: null }]), 1);
    assert.equal((await row(OTHER))?.answer, stale.json);
    // …and on another basis than the portal's own it is never sent.
    assert.notEqual((await get(OTHER)).body, stale.json);
  });

  it('holds a stored profile through the day before a window in it ends, and for the department names it was built with', async () => {
    await p.portal.storeProfiles();
    const ends = (await sql<{ end: string }>`select min(publicity_end)::text as end from record where subject_id = ${await subjectId(PENALIZED)} and state = 'in_publicity'`.execute(p.db)).rows[0]?.end;
    assert.ok(ends);
    assert.equal((await row(PENALIZED))?.valid_until, ends);
    await alterStored(PENALIZED);
    // A department renamed: answers built with the old name are not sent.
    const d = await p.identity.department(deptId);
    await p.identity.updateDepartment(deptId, { name: '福州市市场监督管理局（更名）', version: d?.version ?? 1 }, admin);
    clock.advance(31_000); // the portal reads department names again after 30 s
    const renamed = (await get(PENALIZED)).json();
    assert.notEqual(renamed.subject.name, HAND);
    assert.equal(renamed.penalties.items[0].source, '福州市市场监督管理局（更名）');
    assert.ok((await p.portal.profilesUnbuilt()) >= 2);
    await p.portal.storeProfiles();
    assert.equal(await p.portal.profilesUnbuilt(), 0);
    // The day after the window ends: the stored answer no longer holds, and the record is gone.
    await alterStored(PENALIZED);
    clock.advance(Date.parse(`${ends}T16:00:00Z`) + 86_400_000 - clock.now().getTime()); // the day after `ends`, China time
    const later = (await get(PENALIZED)).json();
    assert.notEqual(later.subject.name, HAND);
    assert.equal(later.penalties.total, 0);
  });
});
