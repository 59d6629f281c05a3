/**
 * The record machine through the one lifecycle path, on a real database: random event sequences
 * against a tiny model written apart from the table (every allowed transition works, every other
 * is refused, and nothing is written by a refusal), each transition with its event row, its audit
 * row, its outbox row and the public visibility the model expects; who may fire what; and one
 * transaction — a failing outbox or audit write leaves the state as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { RecordStateName } from '../../../common/records-api.js';
import { ManualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { Lifecycle } from './lifecycle.js';
import { RecordsRepo } from './records.repo.js';
import { RecordsService } from './records.service.js';
import type { RecordTables } from './records.tables.js';
import { RECORD_MACHINE, type RecordEvent } from './records.workflow.js';

const DEPT = makeUscc('11', '350100', 612);
const TODAY = '2026-11-21';
const EVENTS: RecordEvent[] = ['approve', 'return', 'resubmit', 'revise', 'endPublicity', 'withdraw', 'repair', 'dispute', 'resolveDispute', 'publish', 'sendForReview', 'receive'];

interface Facts { publishable: boolean; ended: boolean; review: boolean }
type ModelState = { state: RecordStateName; disputed: boolean };

/** The machine as a reader of issue #13 would write it down, independently of the table. */
function model(s: ModelState, event: RecordEvent, f: Facts): ModelState | 'refused' {
  const published: RecordStateName = !f.publishable ? 'not_public' : f.ended ? 'publicity_ended' : 'in_publicity';
  const inForce = ['in_publicity', 'not_public', 'publicity_ended'].includes(s.state);
  switch (event) {
    case 'approve': return s.state === 'pending_review' ? { ...s, state: published } : 'refused';
    case 'return': return s.state === 'pending_review' ? { ...s, state: 'returned' } : 'refused';
    // Fired here with review off (the item's setting comes from intake): published as the rule says.
    case 'resubmit': return s.state === 'returned' ? { ...s, state: published } : 'refused';
    case 'revise': return s.state === 'pending_review' || inForce ? { ...s, state: published } : 'refused';
    case 'endPublicity': return s.state === 'in_publicity' && f.ended ? { ...s, state: 'publicity_ended' } : 'refused';
    case 'withdraw': return s.state === 'withdrawn' || s.state === 'repaired' ? 'refused' : { ...s, state: 'withdrawn' };
    case 'repair': return inForce ? { ...s, state: 'repaired' } : 'refused';
    case 'dispute': return inForce && !s.disputed ? { ...s, disputed: true } : 'refused';
    case 'resolveDispute': return s.disputed && s.state !== 'received' ? { ...s, disputed: false } : 'refused';
    // Only intake receives and routes; a stored record is never in `received`.
    default: return 'refused';
  }
}

const visible = (s: ModelState, f: Facts) => s.state === 'in_publicity' && !f.ended;

describe(`records: the lifecycle machine on ${ENGINE}`, () => {
  let p: TestPlatform;
  let subjectId = '';
  let deptId = '';
  let n = 0;
  const clock = new ManualClock(Date.parse(`${TODAY}T02:00:00Z`));
  const actor = (roles: string[], id = 'actor-1'): Actor => ({ id, name: id, roles: roles as Actor['roles'], departmentId: null, ip: null, requestId: null });
  const everyone = actor(['creditOffice', 'reviewer', 'submitter']);
  const repo = () => new RecordsRepo(p.db as unknown as Kysely<RecordTables>);

  /** A new record as intake routes it, with these facts. */
  async function newRecord(f: Facts): Promise<{ id: string; state: RecordStateName }> {
    const doc = `榕测罚〔2026〕${++n}号`;
    await p.db.transaction().execute((trx) =>
      p.records.intake(trx, [{
        itemCode: 'CF', itemVersion: 1, providerUscc: DEPT, departmentId: deptId, documentNumber: doc, decisionDate: '2026-06-01', subjectId, subjectMinor: false,
        data: { CF_WSH: doc }, batchId: '00000000-0000-4000-8000-000000000001', severity: 'general', publishable: f.publishable,
        publicityStart: '2026-06-01', publicityEnd: f.ended ? '2026-11-01' : '2027-06-01', publicityRule: null,
      }], { actor: actor([], 'clerk'), review: f.review, batchId: 'b-1' }),
    );
    const r = await sql<{ id: string; state: RecordStateName }>`select id, state from record where document_number = ${doc}`.execute(p.db);
    assert.ok(r.rows[0]);
    return r.rows[0];
  }

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    deptId = (await p.identity.createDepartment({ name: '福州市测试局', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(deptId, ['CF'], admin);
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: as('submitter', 'clerk-0', deptId), payload: { itemCode: 'CF', idempotencyKey: 'seed-0001', records: [penaltyRow(DEPT, 1)] } });
    assert.equal(r.statusCode, 200, r.body);
    subjectId = (await sql<{ id: string }>`select subject_id as id from record limit 1`.execute(p.db)).rows[0]?.id ?? '';
  });
  after(async () => p.stop());

  it('routes what intake receives as the table says: review, 公示中, 不公示 or 公示期满', async () => {
    assert.equal((await newRecord({ publishable: true, ended: false, review: true })).state, 'pending_review');
    assert.equal((await newRecord({ publishable: true, ended: false, review: false })).state, 'in_publicity');
    assert.equal((await newRecord({ publishable: false, ended: false, review: false })).state, 'not_public');
    assert.equal((await newRecord({ publishable: true, ended: true, review: false })).state, 'publicity_ended');
  });

  it('random event sequences agree with the model: allowed ones move, the rest are refused and write nothing', async () => {
    const facts = fc.record({ publishable: fc.boolean(), ended: fc.boolean(), review: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(facts, fc.array(fc.constantFrom(...EVENTS), { minLength: 1, maxLength: 8 }), async (f, events) => {
        const created = await newRecord(f);
        let s: ModelState = { state: created.state, disputed: false };
        let moved = 0;
        let told = 0;
        for (const event of events) {
          const expected = model(s, event, f);
          const before = await sql<{ n: number }>`select count(*)::int as n from record_event where record_id = ${created.id}`.execute(p.db);
          try {
            await p.records.fire([created.id], event, { actor: everyone, reason: `测试${event}` });
            assert.notEqual(expected, 'refused', `${s.state}${s.disputed ? '+disputed' : ''} --${event}--> should be refused`);
            s = expected as ModelState;
            moved++;
            if (RECORD_MACHINE.transitions.find((t) => t.event === event)?.emits.outbox) told++;
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'STATE_CONFLICT') throw err;
            assert.equal(expected, 'refused', `${s.state}${s.disputed ? '+disputed' : ''} --${event}--> ${String(expected === 'refused' ? '' : (expected as ModelState).state)} was refused: ${err.message}`);
            assert.match(err.message, /^该记录处于「.+」状态/);
            const afterRefusal = await sql<{ n: number }>`select count(*)::int as n from record_event where record_id = ${created.id}`.execute(p.db);
            assert.equal(afterRefusal.rows[0]?.n, before.rows[0]?.n, 'a refusal writes no event');
          }
          const row = await sql<{ state: string; disputed: boolean }>`select state, disputed from record where id = ${created.id}`.execute(p.db);
          assert.deepEqual(row.rows[0], { state: s.state, disputed: s.disputed }, `after ${event}`);
          const shown = await repo().publicById(created.id, 'CF', TODAY);
          assert.equal(shown !== undefined, visible(s, f), `public after ${event} in ${s.state}`);
          if (shown) assert.equal(shown.disputed, s.disputed, 'a disputed record is shown with its mark');
        }
        const events_ = await sql<{ n: number }>`select count(*)::int as n from record_event where record_id = ${created.id}`.execute(p.db);
        // intake wrote receive + its route
        assert.equal(events_.rows[0]?.n, 2 + moved);
        const outbox = await sql<{ n: number }>`select count(*)::int as n from change_outbox where object_id = ${created.id}`.execute(p.db);
        assert.equal(outbox.rows[0]?.n, 1 + told, 'every transition subscribers hear is in the outbox (the route, then each one fired)');
      }),
      { numRuns: ENGINE === 'pglite' ? 25 : 40 },
    );
  });

  it('writes the event, the audit row, the outbox row and a notification naming the subject', async () => {
    const r = await newRecord({ publishable: true, ended: false, review: false });
    const heard: string[] = [];
    const unlisten = await p.engine.listen('record_changed', (event, payload) => {
      if (event === 'notify') heard.push(payload ?? '');
    });
    try {
      await p.records.fire([r.id], 'withdraw', { actor: actor(['creditOffice'], 'office-9'), reason: '决定已被撤销', reference: '榕复决〔2026〕3号' });
      const e = await sql<{ event: string; from_state: string; to_state: string; actor_id: string; reason: string; reference: string }>`
        select event, from_state, to_state, actor_id, reason, reference from record_event where record_id = ${r.id} order by id desc limit 1`.execute(p.db);
      assert.deepEqual(e.rows[0], { event: 'withdraw', from_state: 'in_publicity', to_state: 'withdrawn', actor_id: 'office-9', reason: '决定已被撤销', reference: '榕复决〔2026〕3号' });
      const a = await sql<{ event: string; object_id: string; result_count: number }>`select event, object_id, result_count from audit_log where actor_id = 'office-9'`.execute(p.db);
      assert.deepEqual(a.rows, [{ event: 'record.withdraw', object_id: r.id, result_count: 1 }]);
      const o = await sql<{ subject_id: string; from_state: string; to_state: string; visible_before: boolean; visible_after: boolean }>`
        select subject_id, from_state, to_state, visible_before, visible_after from change_outbox where object_id = ${r.id} and event = 'withdraw'`.execute(p.db);
      assert.deepEqual(o.rows, [{ subject_id: subjectId, from_state: 'in_publicity', to_state: 'withdrawn', visible_before: true, visible_after: false }]);
      for (let i = 0; i < 50 && !heard.includes(subjectId); i++) await new Promise((res) => setTimeout(res, 20));
      assert.ok(heard.includes(subjectId), `the notification names the subject (heard ${JSON.stringify(heard)})`);
      assert.ok(!heard.includes(''), 'the statement trigger stays quiet while the lifecycle names the subjects');
    } finally {
      await unlisten();
    }
  });

  it('quiets the statement trigger for the transition’s own statement only: a later write in the same transaction still says ""', async () => {
    const r = await newRecord({ publishable: true, ended: false, review: false });
    const other = await newRecord({ publishable: true, ended: false, review: false });
    const heard: string[] = [];
    const unlisten = await p.engine.listen('record_changed', (event, payload) => {
      if (event === 'notify') heard.push(payload ?? '');
    });
    const waitFor = async (what: string) => {
      for (let i = 0; i < 50 && !heard.includes(what); i++) await new Promise((res) => setTimeout(res, 20));
    };
    try {
      await p.db.transaction().execute(async (trx) => {
        await new Lifecycle(p.audit).fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, [r.id], 'dispute', { actor: everyone, at: clock.now() });
        // Another writer in the same transaction (an operator's SQL, another module's statement).
        await sql`update record set severity = severity where id = ${other.id}`.execute(trx);
      });
      await waitFor('');
      assert.ok(heard.includes(subjectId), `the transition names its subject (heard ${JSON.stringify(heard)})`);
      assert.ok(heard.includes(''), `the later write is heard as "anything may have changed" (heard ${JSON.stringify(heard)})`);
      const setting = await p.db.transaction().execute(async (trx) => {
        await new Lifecycle(p.audit).fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, [r.id], 'resolveDispute', { actor: everyone, at: clock.now() });
        return (await sql<{ v: string | null }>`select current_setting('xinyong.record_change_named', true) as v`.execute(trx)).rows[0]?.v;
      });
      assert.notEqual(setting, 'once', 'the trigger consumed the quiet of the transition’s statement');
      assert.notEqual(setting, 'on');
    } finally {
      await unlisten();
    }
  });

  it('refuses a transition to whom the table does not give it', async () => {
    const r = await newRecord({ publishable: true, ended: false, review: false });
    await assert.rejects(p.records.fire([r.id], 'repair', { actor: actor(['submitter'], 'clerk-x') }), (err: AppError) => err.code === 'FORBIDDEN' && /不能对记录执行「信用修复」/.test(err.message));
    await assert.rejects(p.records.fire([r.id], 'endPublicity', { actor: everyone }), (err: AppError) => err.code === 'STATE_CONFLICT' && /不能「公示期满」：条件尚未满足/.test(err.message));
    assert.equal((await sql<{ state: string }>`select state from record where id = ${r.id}`.execute(p.db)).rows[0]?.state, 'in_publicity');
    const held = await newRecord({ publishable: true, ended: false, review: true });
    await assert.rejects(p.records.fire([held.id], 'approve', { actor: actor(['creditOffice', 'submitter']) }), (err: AppError) => err.code === 'FORBIDDEN' && /审核通过/.test(err.message));
    await assert.rejects(p.records.fire([held.id], 'approve', { actor: null }), (err: AppError) => err.code === 'FORBIDDEN', 'the platform does not approve on its own');
    assert.equal(await p.records.fire([held.id], 'approve', { actor: actor(['reviewer']) }), 1);
  });

  it('moves many records in one fire, or none when one of them may not move', async () => {
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await newRecord({ publishable: true, ended: false, review: false })).id);
    const done = await newRecord({ publishable: true, ended: false, review: false });
    await p.records.fire([done.id], 'withdraw', { actor: everyone, reason: '先撤销一条' });
    await assert.rejects(p.records.fire([...ids, done.id], 'withdraw', { actor: everyone, reason: '批量撤销' }), /该记录处于「已撤销」状态，不能「撤销」/);
    const still = await sql<{ n: number }>`select count(*)::int as n from record where id = any(${ids}::uuid[]) and state = 'in_publicity'`.execute(p.db);
    assert.equal(still.rows[0]?.n, 30, 'all or nothing');
    assert.equal(await p.records.fire(ids, 'withdraw', { actor: everyone, reason: '批量撤销' }), 30);
    const audit = await sql<{ result_count: number }>`select result_count from audit_log where event = 'record.withdraw' and reason = '批量撤销'`.execute(p.db);
    assert.deepEqual(audit.rows, [{ result_count: 30 }], 'one audit row for the batch, with its count');
  });

  it('is one transaction: a failing outbox or audit write leaves the state, the events and the audit as they were', async () => {
    const r = await newRecord({ publishable: true, ended: false, review: false });
    const count = async () => (await sql<{ n: number }>`select (select count(*) from record_event where record_id = ${r.id})::int + (select count(*) from audit_log where event = 'record.withdraw' and object_id = ${r.id})::int as n`.execute(p.db)).rows[0]?.n;
    const before = await count();
    // The outbox refuses this object type (migration 0020's check): the fire fails at its last step.
    const badOutbox = { ...RECORD_MACHINE, objectType: 'not a type!' };
    await assert.rejects(p.db.transaction().execute((trx) => new Lifecycle(p.audit).fire(trx as unknown as Kysely<unknown>, badOutbox, [r.id], 'withdraw', { actor: everyone, at: clock.now(), reason: '撤销' })));
    // The audit log fails: refusing to write the row, or its row failing in the database inside the
    // transition's one statement (a category the table's check refuses).
    const failingAudit = { record: async () => { throw new Error('audit down'); }, auditRow: () => { throw new Error('audit down'); } } as unknown as AuditLog;
    await assert.rejects(p.db.transaction().execute((trx) => new Lifecycle(failingAudit).fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, [r.id], 'withdraw', { actor: everyone, at: clock.now(), reason: '撤销' })), /audit down/);
    const badRow = {
      auditRow: (e: Parameters<AuditLog['auditRow']>[0]) => p.audit.auditRow({ ...e, category: 'not a category' as never }),
      insertRows: (rows: Parameters<AuditLog['insertRows']>[0]) => p.audit.insertRows(rows),
    } as unknown as AuditLog;
    await assert.rejects(p.db.transaction().execute((trx) => new Lifecycle(badRow).fire(trx as unknown as Kysely<unknown>, RECORD_MACHINE, [r.id], 'withdraw', { actor: everyone, at: clock.now(), reason: '撤销' })), /check constraint/);
    assert.equal((await sql<{ state: string }>`select state from record where id = ${r.id}`.execute(p.db)).rows[0]?.state, 'in_publicity');
    assert.equal(await count(), before);
    const outbox = await sql<{ n: number }>`select count(*)::int as n from change_outbox where object_id = ${r.id} and event = 'withdraw'`.execute(p.db);
    assert.equal(outbox.rows[0]?.n, 0);
  });

  it('routes the demo’s records as collection would, through the same table', () => {
    assert.equal(RecordsService.publishedState({ publishable: false, publicityEnd: null, today: TODAY }), 'not_public');
    assert.equal(RecordsService.publishedState({ publishable: true, publicityEnd: '2026-01-01', today: TODAY }), 'publicity_ended');
    assert.equal(RecordsService.publishedState({ publishable: true, publicityEnd: null, today: TODAY }), 'in_publicity');
  });
});
