import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { validateIdNumber } from '../common/identifiers/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from './fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from './helpers.js';

const COLLECTED_PERSON = makeIdNumber('350102', '19750505', 31);
const COLLECTED_REP = makeIdNumber('350102', '19700101', 45);
const COLLECTED_REJECTED = makeIdNumber('350102', '19800808', 52);
// Digits standing alone: inside a hex digest or a ciphertext a run of digits is no ID number (and
// now and then passes the checksum, which made this scan fail at random).
const ID_LIKE = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;

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
 * path of the demo data nor by the API path (subjects, legal representatives, versions) nor by
 * collection (records, their versions, rejected rows, audit details).
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
    // Collection: a natural person's penalty and a legal representative's ID, plus a rejected row
    // carrying an ID number (kept for the error report, masked).
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const uscc = makeUscc('11', '350100', 777);
    const dept = await p.identity.createDepartment({ name: '某市市场监督管理局', uscc }, admin);
    await p.collection.setGrants(dept.id, ['CF'], admin);
    const personRow = { CF_XDR_MC: '钱某某', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: COLLECTED_PERSON };
    const batch = await p.collection.submitRecords({ actor: { ...admin, departmentId: dept.id }, departmentId: dept.id }, 'CF', 'no-clear-0001', [
      penaltyRow(uscc, 1, personRow),
      penaltyRow(uscc, 2, { CF_FR_ZJLX: '身份证', CF_FR_ZJHM: COLLECTED_REP }),
      penaltyRow(uscc, 3, { ...personRow, CF_NR_FK: '', CF_XDR_ZJHM: COLLECTED_REJECTED }),
    ]);
    assert.deepEqual({ accepted: batch.accepted, rejected: batch.rejected }, { accepted: 2, rejected: 1 });
  });
  after(async () => p.stop());

  const knownIds = async () => {
    const persons = await sql<{ enc: string }>`select id_number_enc as enc from subject where kind = 'person'`.execute(p.db);
    return new Set(persons.rows.map((r) => p.cipher.decrypt(r.enc)));
  };

  it('finds none after demo data and API writes', async () => {
    assert.ok(p.demo && p.demo.persons > 50 && p.demo.records === 1500, 'demo data was loaded');
    const known = await knownIds();
    assert.equal(known.size, p.demo.persons + 4);
    assert.ok(known.has('440524188001010014') && known.has('11010519491231002X') && known.has(COLLECTED_PERSON) && known.has(COLLECTED_REP));
    known.add(COLLECTED_REJECTED); // never a subject, but its row is kept for the error report
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
