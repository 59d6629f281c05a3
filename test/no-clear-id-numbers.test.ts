import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { validateIdNumber } from '../common/identifiers/index.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from './helpers.js';

const ID_LIKE = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g;

/** Every row of every table as text; returns where a valid or known ID number appears in clear. */
async function scanForClearIds(db: Kysely<unknown>, known: Set<string>): Promise<{ rows: number; hits: string[] }> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  let rows = 0;
  const hits: string[] = [];
  for (const { name } of tables.rows) {
    const result = await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(name)} x`.execute(db);
    for (const { t } of result.rows) {
      rows++;
      for (const m of t.matchAll(ID_LIKE)) if (validateIdNumber(m[0]).valid) hits.push(`${name}: valid ID number`);
      for (const id of known) if (t.includes(id)) hits.push(`${name}: a person's number`);
    }
  }
  return { rows, hits };
}

/**
 * Invariant: natural persons' ID numbers are never stored in clear — neither by the bulk (COPY)
 * path of the demo data nor by the API path (subjects, legal representatives, versions).
 */
describe(`no ID number in clear in any table, on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ demo: { subjects: 300, records: 1500, seed: 7 }, env: { DEMO_DATA: 'on' } });
    const officer = { ...as('creditOffice'), 'x-query-purpose': 'dataQuality' };
    const created = await p.app.inject({
      method: 'POST',
      url: '/api/v1/subjects',
      headers: officer,
      payload: { kind: 'organization', name: '比亚迪股份有限公司', uscc: '91440300192317458F', legalRepresentative: { name: '王某某', idNumber: '440524188001010014' } },
    });
    assert.equal(created.statusCode, 201);
    const person = await p.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: officer, payload: { kind: 'person', name: '欧阳某某', idNumber: '110105491231002' } });
    assert.equal(person.statusCode, 201);
    await p.app.inject({ method: 'PATCH', url: `/api/v1/subjects/${person.json().id}`, headers: officer, payload: { version: 1, name: '欧阳某' } });
  });
  after(async () => p.stop());

  const knownIds = async () => {
    const persons = await sql<{ enc: string }>`select id_number_enc as enc from subject where kind = 'person'`.execute(p.db);
    return new Set(persons.rows.map((r) => p.cipher.decrypt(r.enc)));
  };

  it('finds none after demo data and API writes', async () => {
    assert.ok(p.demo && p.demo.persons > 50 && p.demo.records === 1500, 'demo data was loaded');
    const known = await knownIds();
    assert.equal(known.size, p.demo.persons + 2);
    assert.ok(known.has('440524188001010014') && known.has('11010519491231002X'));
    const { rows, hits } = await scanForClearIds(p.db as Kysely<unknown>, known);
    assert.ok(rows > 2000, `scanned ${rows} rows`);
    assert.deepEqual(hits, []);
  });

  it('the scan finds a number planted in clear (the check can fail)', async () => {
    const org = (await sql<{ id: string }>`select id from subject where uscc = '91440300192317458F'`.execute(p.db)).rows[0]!;
    await sql`insert into subject_version (subject_id, version, data, changed_by) values (${org.id}, 99, ${JSON.stringify({ note: '440524188001010014' })}, 'test')`.execute(p.db);
    const { hits } = await scanForClearIds(p.db as Kysely<unknown>, await knownIds());
    assert.deepEqual(hits, ['subject_version: valid ID number', "subject_version: a person's number"]);
    await sql`delete from subject_version where version = 99`.execute(p.db);
  });
});
