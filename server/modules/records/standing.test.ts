/**
 * A subject's standing (migration 0022, standing.ts) against the record table itself: after every
 * kind of write — intake's routing, transitions, a bulk COPY, an operator's SQL — a profile's records
 * and the search's counts read from the standing are those the visibility rule's SQL form finds in
 * the records, on every day around the windows; a subject with too many records is answered from the
 * records; and two transactions changing one subject's records at once leave the standing of both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';
import { copyRecords, RecordsRepo } from './records.repo.js';
import type { RecordTables } from './records.tables.js';

const DEPT = makeUscc('11', '350100', 613);
const TODAY = '2026-11-21';
const DAYS = ['2025-01-01', '2026-05-31', '2026-06-01', TODAY, '2026-12-31', '2027-06-01', '2027-06-02', '2030-01-01'];
const ITEMS = ['CF', 'XK'];

describe(`records: a subject's standing agrees with its records on ${ENGINE}`, () => {
  let p: TestPlatform;
  let deptId = '';
  let subjects: string[] = [];
  let n = 0;
  const clock = new ManualClock(Date.parse(`${TODAY}T02:00:00Z`));
  const office: Actor = { id: 'office-1', name: 'office-1', roles: ['creditOffice', 'reviewer', 'submitter'], departmentId: null, ip: null, requestId: null };
  const repo = () => new RecordsRepo(p.db as unknown as Kysely<RecordTables>);

  /** A record as intake routes it: published at once, or sent for review; with its own window. */
  async function receive(subjectId: string, o: { start: string; end: string | null; review?: boolean; minor?: boolean; publishable?: boolean; decided?: string }): Promise<string> {
    const doc = `榕档测罚〔2026〕${++n}号`;
    await p.db.transaction().execute((trx) =>
      p.records.intake(trx, [{
        itemCode: 'CF', itemVersion: 1, providerUscc: DEPT, departmentId: deptId, documentNumber: doc, decisionDate: o.decided ?? o.start, subjectId, subjectMinor: o.minor ?? false,
        data: { CF_WSH: doc }, batchId: '00000000-0000-4000-8000-000000000002', severity: 'general', publishable: o.publishable ?? true,
        publicityStart: o.start, publicityEnd: o.end, publicityRule: null,
      }], { actor: office, review: o.review ?? false, batchId: 'b-standing' }),
    );
    const r = await sql<{ id: string }>`select id from record where document_number = ${doc}`.execute(p.db);
    assert.ok(r.rows[0]);
    return r.rows[0].id;
  }

  /** Every subject, every day: the standing's answers are the records' answers. */
  async function agrees(why: string): Promise<void> {
    for (const s of subjects) {
      for (const day of DAYS) {
        for (const perItem of [1, 200]) {
          const standing = await repo().publicOfSubject(s, day, ITEMS, perItem);
          const records = await repo().publicOfSubjectFromRecords(s, day, ITEMS, perItem);
          assert.deepEqual(standing, records, `${why}: subject ${s} on ${day}, ${perItem} per item`);
        }
        const counts = await repo().publicCounts([s], day, ITEMS);
        const expected = new Map<string, number>();
        for (const r of await repo().publicOfSubjectFromRecords(s, day, ITEMS, 1)) expected.set(r.item_code, r.item_total);
        assert.deepEqual(new Map(counts.map((c) => [c.item_code, c.n])), expected, `${why}: counts of ${s} on ${day}`);
      }
    }
  }

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    deptId = (await p.identity.createDepartment({ name: '福州市档案测试局', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(deptId, ['CF'], admin);
    const r = await p.app.inject({
      method: 'POST', url: '/api/v1/collection/batches', headers: as('submitter', 'clerk-0', deptId),
      payload: { itemCode: 'CF', idempotencyKey: 'standing-seed-1', records: [1, 2, 3, 4].map((i) => penaltyRow(DEPT, 700 + i)) },
    });
    assert.equal(r.statusCode, 200, r.body);
    subjects = (await sql<{ id: string }>`select distinct subject_id as id from record order by 1`.execute(p.db)).rows.map((x) => x.id);
    assert.equal(subjects.length, 4);
  });
  after(async () => p.stop());

  it('holds what the records say after intake and every transition', async () => {
    const [a, b, c] = subjects as [string, string, string];
    await agrees('the imported batch');
    const ids = [
      await receive(a, { start: '2026-06-01', end: '2027-06-01' }),
      await receive(a, { start: '2026-06-01', end: '2027-06-01', decided: '2026-06-01' }),
      await receive(a, { start: '2027-01-01', end: null }), // its window has not begun
      await receive(b, { start: '2026-01-01', end: '2026-05-31' }), // ended before today
      await receive(b, { start: '2026-06-01', end: '2027-06-01', review: true }),
      await receive(c, { start: '2026-06-01', end: '2027-06-01', minor: true }),
      await receive(c, { start: '2026-06-01', end: '2027-06-01', publishable: false }),
    ];
    await agrees('after intake');
    await p.records.fire([ids[4] as string], 'approve', { actor: office });
    await agrees('after an approval');
    await p.records.fire([ids[0] as string], 'withdraw', { actor: office, reason: '决定已撤销' });
    await agrees('after a withdrawal');
    await p.records.fire([ids[1] as string], 'dispute', { actor: office });
    await agrees('after an objection');
    await p.records.fire([ids[1] as string], 'repair', { actor: office, reason: '信用修复' });
    await agrees('after a repair');
    const later = Date.parse('2027-06-05T02:00:00Z') - clock.now().getTime();
    clock.advance(later);
    await p.records.endExpiredPublicity();
    clock.advance(-later);
    await agrees('after the end of publicity');
    const disputed = await sql<{ disputed: number }>`select disputed from subject_standing where subject_id = ${a}`.execute(p.db);
    const truth = await sql<{ n: number }>`select count(*)::int as n from record where subject_id = ${a} and disputed and state in ('in_publicity', 'not_public', 'publicity_ended')`.execute(p.db);
    assert.equal(disputed.rows[0]?.disputed, truth.rows[0]?.n, 'the disputed count is the records in force with the mark');
  });

  it('holds what the records say after a bulk COPY and after an operator’s own SQL', async () => {
    const [, , , d] = subjects as [string, string, string, string];
    const bulk = Array.from({ length: 30 }, (_, i) => ({
      itemCode: i % 3 === 0 ? 'XK' : 'CF', itemVersion: 1, subjectId: d, providerUscc: DEPT, departmentId: deptId, documentNumber: `榕档批量〔2026〕${i}号`,
      decisionDate: `2026-0${1 + (i % 9)}-15`, data: {}, severity: 'general' as const, state: i % 5 === 0 ? ('not_public' as const) : ('in_publicity' as const),
      publishable: i % 5 !== 0, publicityStart: `2026-0${1 + (i % 9)}-15`, publicityEnd: i % 4 === 0 ? null : '2027-06-01', publicityRule: null,
    }));
    await p.engine.bulkLoad((copy) => copyRecords(copy, bulk));
    await agrees('after a bulk load');
    await sql`update record set publicity_end = '2026-11-30' where subject_id = ${d} and document_number like '榕档批量%1号'`.execute(p.owner);
    await sql`delete from record_version where record_id in (select id from record where subject_id = ${d} and document_number like '榕档批量%2号')`.execute(p.owner);
    await sql`delete from record_event where record_id in (select id from record where subject_id = ${d} and document_number like '榕档批量%2号')`.execute(p.owner);
    await sql`delete from record where subject_id = ${d} and document_number like '榕档批量%2号'`.execute(p.owner);
    await agrees('after an operator changed and deleted records by hand');
  });

  it('answers a subject with more records than its standing holds from the records', async () => {
    const [, , , d] = subjects as [string, string, string, string];
    const bulk = Array.from({ length: 420 }, (_, i) => ({
      itemCode: 'CF', itemVersion: 1, subjectId: d, providerUscc: DEPT, departmentId: deptId, documentNumber: `榕档超量〔2026〕${i}号`,
      decisionDate: '2026-10-01', data: {}, severity: 'general' as const, state: 'in_publicity' as const,
      publishable: true, publicityStart: '2026-10-01', publicityEnd: '2027-10-01', publicityRule: null,
    }));
    await p.engine.bulkLoad((copy) => copyRecords(copy, bulk));
    const row = await sql<{ overflow: boolean; n: number }>`select overflow, jsonb_array_length(records) as n from subject_standing where subject_id = ${d}`.execute(p.db);
    assert.deepEqual(row.rows[0], { overflow: true, n: 0 }, 'a subject beyond the row’s size is marked, not cut');
    const shown = await repo().publicOfSubject(d, TODAY, ITEMS, 200);
    assert.equal(shown.find((r) => r.item_code === 'CF')?.item_total, (await repo().publicOfSubjectFromRecords(d, TODAY, ITEMS, 1)).find((r) => r.item_code === 'CF')?.item_total);
    await agrees('with a subject beyond the row’s size');
  });

  it('keeps both of two transactions that change one subject’s records at once', { skip: ENGINE === 'pglite' ? 'one connection: transactions cannot overlap' : false }, async () => {
    const [, , c] = subjects as [string, string, string];
    const first = await receive(c, { start: '2026-06-01', end: '2027-06-01' });
    const second = await receive(c, { start: '2026-06-01', end: '2027-06-01' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let fired!: () => void;
    const firstFired = new Promise<void>((resolve) => (fired = resolve));
    // Windows cut short by hand: any write to the records keeps the standing, not only transitions.
    const one = p.db.transaction().execute(async (trx) => {
      await sql`update record set publicity_end = '2026-11-01' where id = ${first}`.execute(trx);
      fired();
      await held;
    });
    await firstFired;
    // The second waits for the first's lock on the standing, then reads what the first committed.
    const two = p.db.transaction().execute((trx) => sql`update record set publicity_end = '2026-11-01' where id = ${second}`.execute(trx));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([one, two]);
    const shown = (await repo().publicOfSubject(c, TODAY, ITEMS, 200)).map((r) => r.id);
    assert.ok(!shown.includes(first) && !shown.includes(second), 'neither change is lost from the standing');
    await agrees('after two overlapping transactions');
  });
});
