/**
 * Migration 0006 on data written before it: history then held every version, the current one
 * included, and a withdrawal moved record.updated_at. After it, history holds replaced versions
 * only and updated_at is again when the current version was written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, databaseAt, type OlderDatabase } from '../../../test/helpers.js';

describe(`migration 0006 (history of replaced versions) on existing data, ${ENGINE}`, () => {
  let older: OlderDatabase;
  before(async () => {
    older = await databaseAt(5);
  });
  after(async () => older?.drop());

  it('keeps replaced versions only and restores when the current version was written', async () => {
    const db = older.engine.db;
    const subject = await sql<{ id: string }>`insert into subject (kind, org_type, name, uscc) values ('organization', 'enterprise', '福州测试贸易有限公司', '91350100MA00000000') returning id`.execute(db);
    const s = subject.rows[0]?.id ?? '';
    // Version 2 written on 2026-03-01, then withdrawn on 2026-05-01 (which moved updated_at).
    const rec = await sql<{ id: string }>`
      insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, version, status, publication, created_at, updated_at)
      values ('CF', 1, ${s}, '113501000000000007', '榕市监罚〔2026〕1号', '2026-01-10', '{"CF_NR_FK": "0.8"}', 2, 'revoked', 'withdrawn', '2026-01-15T00:00:00Z', '2026-05-01T00:00:00Z')
      returning id`.execute(db);
    const r = rec.rows[0]?.id ?? '';
    await sql`insert into record_version (record_id, version, subject_id, data, changed_at) values
      (${r}, 1, ${s}, '{"CF_NR_FK": "0.5"}', '2026-01-15T00:00:00Z'),
      (${r}, 2, ${s}, '{"CF_NR_FK": "0.8"}', '2026-03-01T00:00:00Z')`.execute(db);

    assert.deepEqual(await older.migrateTo(6), [6]);

    const versions = await sql<{ version: number }>`select version from record_version where record_id = ${r} order by version`.execute(db);
    assert.deepEqual(versions.rows.map((v) => v.version), [1], 'the current version lives in the record row only');
    const current = await sql<{ updated_at: Date }>`select updated_at from record where id = ${r}`.execute(db);
    assert.equal(current.rows[0]?.updated_at.toISOString(), '2026-03-01T00:00:00.000Z', 'when version 2 was written, not the withdrawal');

    // From now on the trigger keeps the replaced version, with the time it was written.
    await sql`update record set data = '{"CF_NR_FK": "0.9"}', version = 3, updated_at = '2026-06-01T00:00:00Z' where id = ${r}`.execute(db);
    const after = await sql<{ version: number; changed_at: Date }>`select version, changed_at from record_version where record_id = ${r} order by version`.execute(db);
    assert.deepEqual(after.rows.map((v) => [v.version, v.changed_at.toISOString()]), [[1, '2026-01-15T00:00:00.000Z'], [2, '2026-03-01T00:00:00.000Z']]);
  });
});
