import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { validateIdNumber } from '../common/identifiers/index.js';
import { ENGINE, startTestPlatform, type TestPlatform } from './helpers.js';

/**
 * Invariant: natural persons' ID numbers are never stored in clear. After the demo data is
 * loaded, no table holds a string that is a valid ID number, nor any person's actual number.
 */
describe(`no ID number in clear in any table, on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ demo: { subjects: 300, records: 1500, seed: 7 } });
  });
  after(async () => p.stop());

  it('scans every column of every table', async () => {
    assert.ok(p.demo && p.demo.persons > 50 && p.demo.records === 1500, 'demo data was loaded');
    const persons = await sql<{ enc: string }>`select id_number_enc as enc from subject where kind = 'person'`.execute(p.db);
    const clear = new Set(persons.rows.map((r) => p.cipher.decrypt(r.enc)));
    assert.equal(clear.size, p.demo.persons);

    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(p.db);
    assert.ok(tables.rows.length >= 8);
    let scannedRows = 0;
    for (const { name } of tables.rows) {
      const rows = await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(name)} x`.execute(p.db);
      for (const { t } of rows.rows) {
        scannedRows++;
        for (const m of t.matchAll(/(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g)) {
          assert.ok(!validateIdNumber(m[0]).valid, `table ${name} holds a valid ID number in clear`);
        }
        for (const id of clear) assert.ok(!t.includes(id), `table ${name} holds a person's ID number in clear`);
      }
    }
    assert.ok(scannedRows > 2000, `scanned ${scannedRows} rows`);
  });

  it('the scan would catch a clear ID number (the check can fail)', async () => {
    const first = (await sql<{ id: string }>`select id from subject where kind = 'organization' limit 1`.execute(p.db)).rows[0]!;
    await sql`insert into subject_version (subject_id, version, data, changed_by) values (${first.id}, 99, ${JSON.stringify({ leaked: '11010519491231002X' })}, 'test')`.execute(p.db);
    const rows = await sql<{ t: string }>`select row_to_json(x)::text as t from subject_version x where version = 99`.execute(p.db);
    const hits = [...(rows.rows[0]?.t ?? '').matchAll(/(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g)].filter((m) => validateIdNumber(m[0]).valid);
    assert.equal(hits.length, 1);
  });
});
