/**
 * Migration 0018 on data written before it: `status` and `publication` become the one `state`, a
 * withdrawal's reason moves to record_event, the old columns go, the end-of-publicity and browse
 * indexes follow the new column, and the statement trigger still tells of other writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, databaseAt, type OlderDatabase } from '../../../test/helpers.js';

describe(`migration 0018 (record lifecycle) on existing data, ${ENGINE}`, () => {
  let older: OlderDatabase;
  before(async () => {
    older = await databaseAt(17);
  });
  after(async () => older?.drop());

  it('maps every old status and publication to one state and keeps withdrawal reasons as events', async () => {
    const db = older.engine.db;
    const subject = await sql<{ id: string }>`insert into subject (kind, org_type, name, uscc) values ('organization', 'enterprise', '福州测试贸易有限公司', '91350100MA00000000') returning id`.execute(db);
    const s = subject.rows[0]?.id ?? '';
    const old: [string, string, string, string | null][] = [
      ['1', 'active', 'published', null],
      ['2', 'active', 'not_published', null],
      ['3', 'active', 'ended', null],
      ['4', 'active', 'pending_review', null],
      ['5', 'active', 'rejected', null],
      ['6', 'revoked', 'withdrawn', '行政复议决定撤销原处罚决定'],
      // A revoked record whose publication was never moved (written before migration 0005's withdrawal).
      ['7', 'revoked', 'published', null],
    ];
    for (const [n, status, publication, reason] of old) {
      await sql`
        insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, status, publication, withdrawn_reason, withdrawn_at, publicity_end)
        values ('CF', 1, ${s}, '113501000000000007', ${`榕市监罚〔2026〕${n}号`}, '2026-01-10', '{}', ${status}, ${publication}, ${reason}, ${reason ? '2026-05-01T00:00:00Z' : null}, '2027-01-10')`.execute(db);
    }

    assert.deepEqual(await older.migrateTo(18), [18]);

    const states = await sql<{ document_number: string; state: string; disputed: boolean }>`select document_number, state, disputed from record order by document_number`.execute(db);
    assert.deepEqual(states.rows.map((r) => [r.document_number.replace(/\D+/g, '').slice(-1), r.state, r.disputed]), [
      ['1', 'in_publicity', false], ['2', 'not_public', false], ['3', 'publicity_ended', false], ['4', 'pending_review', false],
      ['5', 'returned', false], ['6', 'withdrawn', false], ['7', 'withdrawn', false],
    ]);
    const events = await sql<{ event: string; to_state: string; reason: string; at: Date }>`select event, to_state, reason, at from record_event`.execute(db);
    assert.deepEqual(events.rows.map((e) => [e.event, e.to_state, e.reason, e.at.toISOString()]), [['withdraw', 'withdrawn', '行政复议决定撤销原处罚决定', '2026-05-01T00:00:00.000Z']]);

    const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'record' and column_name in ('status', 'publication', 'withdrawn_reason', 'withdrawn_at', 'ended_at', 'state', 'disputed') order by 1`.execute(db);
    assert.deepEqual(columns.rows.map((c) => c.column_name), ['disputed', 'state']);
    const indexes = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'record' and indexname in ('record_publicity_end', 'record_state_decision', 'record_publication_decision') order by 1`.execute(db);
    assert.deepEqual(indexes.rows.map((i) => i.indexname), ['record_publicity_end', 'record_state_decision']);
    assert.match(indexes.rows[0]?.indexdef ?? '', /WHERE \(state = 'in_publicity'::text\)/);

    await assert.rejects(sql`update record set state = 'published' where document_number = '榕市监罚〔2026〕1号'`.execute(db), /record_state_check/);
  });
});
