/**
 * Invariant (ADR 0002): no natural person's name in clear in subject, subject_version, record,
 * record_version, import_row_issue (rejected rows and warnings) or audit_log — after the demo's bulk load, staff writes (a person,
 * an update of the name, legal representatives of a company and of a 个体工商户) and collection
 * (a person's penalty and permit naming them in free text, a 个体工商户 with its operator, a new
 * version of a person's record, rejected rows quoting the name). The one place a person's name
 * stays clear is the public, organizational role of a company's legal representative: the
 * company's `legal_rep_name`, its snapshots' representative, and the representative field of its
 * records. The public portal still shows persons masked, and companies with their representative.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { partyOfRecord } from '../server/modules/records/index.js';
import { makeIdNumber, makeUscc, penaltyRow } from './fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from './helpers.js';

const TABLES = ['subject', 'subject_version', 'record', 'record_version', 'import_row_issue', 'audit_log'] as const;
/** Names that never become a subject's (rejected rows, a name corrected away): looked for as well. */
const NEVER_SUBJECTS = ['司马青衫', '吴小琳', '郑晓燕', '钱多来'];
const COMPANY_USCC = makeUscc('91', '350100', 6601);
// Decided ten days ago, so the records are in publicity whenever the test runs.
const DECIDED = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
const dated = { CF_JDRQ: DECIDED, CF_YXQ: `${Number(DECIDED.slice(0, 4)) + 1}${DECIDED.slice(4)}` };
const SHOP_USCC = makeUscc('92', '350100', 6602);

describe(`no natural person's name in clear, on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dept = '';
  before(async () => {
    p = await startTestPlatform({ demo: { subjects: 300, records: 1500, seed: 7 }, env: { DEMO_DATA: 'on' } });
    const officer = { ...as('creditOffice'), 'x-query-purpose': 'dataQuality' };
    const post = async (payload: object) => {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/subjects', headers: officer, payload });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as { id: string };
    };
    await post({ kind: 'organization', name: '福州远航物流有限公司', uscc: COMPANY_USCC, legalRepresentative: { name: '王建华', idNumber: makeIdNumber('350102', '19700101', 61) } });
    await post({ kind: 'organization', name: '鼓楼区阿美小吃店', uscc: SHOP_USCC, legalRepresentative: { name: '孙小美', idNumber: makeIdNumber('350102', '19800202', 62) } });
    const person = await post({ kind: 'person', name: '司马青衫', idNumber: makeIdNumber('350103', '19900303', 63) });
    const renamed = await p.app.inject({ method: 'PATCH', url: `/api/v1/subjects/${person.id}`, headers: officer, payload: { version: 1, name: '司马青山' } });
    assert.equal(renamed.statusCode, 200, renamed.body);

    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    const uscc = makeUscc('11', '350100', 6600);
    dept = (await p.identity.createDepartment({ name: '某市市场监督管理局', uscc }, admin)).id;
    await p.collection.setGrants(dept, ['CF', 'XK'], admin);
    const as_ = { actor: { ...admin, departmentId: dept }, departmentId: dept };
    const person_ = (name: string, id: string) => ({ ...dated, CF_XDR_MC: name, CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id });
    const qian = makeIdNumber('350104', '19750505', 64);
    const rows = [
      penaltyRow(uscc, 1, { ...person_('钱多多', qian), CF_SY: '经查，当事人钱多多无证经营，钱多多对违法事实无异议。', CF_NR: '对钱多多罚款五百元', CF_NR_FK: '0.05', BZ: '钱多多已缴纳罚款' }),
      penaltyRow(uscc, 2, { ...dated, CF_XDR_MC: '鼓楼区老街小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: makeUscc('92', '350100', 6603), CF_FRDB: '李阿明', CF_FR_ZJLX: '身份证', CF_FR_ZJHM: makeIdNumber('350102', '19810101', 65), CF_SY: '经营者李阿明超范围经营。' }),
      penaltyRow(uscc, 3, { ...dated, CF_XDR_MC: '福州周氏珠宝有限公司', CF_XDR_SHXYM: makeUscc('91', '350100', 6604), CF_FRDB: '周大福', CF_FR_ZJLX: '身份证', CF_FR_ZJHM: makeIdNumber('350102', '19660606', 66) }),
      // Rejected: a fine without its amount; the name repeated in the free text.
      penaltyRow(uscc, 4, { ...person_('吴小琳', makeIdNumber('350105', '19880808', 67)), CF_SY: '当事人吴小琳违规经营。', CF_NR_FK: '' }),
      // Rejected: 违法事实 too long; the problem quotes the value.
      penaltyRow(uscc, 5, { ...person_('郑晓燕', makeIdNumber('350105', '19890909', 68)), CF_SY: `当事人郑晓燕${'违规'.repeat(2100)}`, CF_NR_FK: '0.05' }),
    ];
    const first = await p.collection.submitRecords(as_, 'CF', 'names-0001', rows);
    assert.deepEqual({ accepted: first.accepted, rejected: first.rejected }, { accepted: 3, rejected: 2 });
    // A new version of the person's record (the replaced one goes to record_version), and the same
    // ID number under another name (a warning, names masked).
    const second = await p.collection.submitRecords(as_, 'CF', 'names-0002', [{ ...rows[0], CF_NR_FK: '0.08' } as Record<string, string>, penaltyRow(uscc, 6, { ...person_('钱多来', qian), CF_NR_FK: '0.05' })]);
    assert.deepEqual({ accepted: second.accepted, updated: second.updated_records }, { accepted: 2, updated: 1 });
    const permit = await p.collection.submitRecords(as_, 'XK', 'names-0003', [{
      XK_XDR_MC: '冯子涵', XK_XDR_LB: '自然人', XK_XDR_ZJLX: '身份证', XK_XDR_ZJHM: makeIdNumber('350102', '19920202', 69), XK_XKWS: '关于准予冯子涵食品经营许可的决定',
      XK_WSH: '榕市监许〔2026〕1号', XK_XKLB: '普通', XK_NR: '准予冯子涵从事食品经营', XK_JDRQ: DECIDED, XK_YXQZ: DECIDED, XK_YXQZI: '长期',
      XK_XKJG: '某市市场监督管理局', XK_XKJGDM: uscc, XK_ZT: '1', XK_LYDW: '', XK_LYDWDM: uscc,
    }]);
    assert.equal(permit.accepted, 1, JSON.stringify(await p.collection.issues(permit.id, 'rejected', 5, 0)));
  });
  after(async () => p.stop());

  /** Every person's name in clear (from its ciphertext), with those that never became a subject's. */
  const personNames = async () => {
    const rows = await sql<{ enc: string }>`select name_enc as enc from subject where kind = 'person'`.execute(p.db);
    return new Set([...rows.rows.map((r) => p.cipher.decrypt(r.enc)), ...NEVER_SUBJECTS]);
  };

  /**
   * Each row of the tables as text, the company representative's public role taken out first;
   * returns where a name appears. The representative is taken out only where the organization
   * (or the record's party) is not a 个体工商户 and not a person.
   */
  const scan = async (db: Kysely<unknown>, names: Set<string>) => {
    const companies = new Set((await sql<{ id: string }>`select id from subject where kind = 'organization' and org_type <> 'individualBusiness'`.execute(db)).rows.map((r) => r.id));
    const hits: string[] = [];
    let rows = 0;
    for (const table of TABLES) {
      const result = await sql<{ row: Record<string, unknown> }>`select row_to_json(x) as row from ${sql.table(table)} x`.execute(db);
      for (const { row } of result.rows) {
        rows++;
        if (table === 'subject' && companies.has(row.id as string)) delete row.legal_rep_name;
        if (table === 'subject_version' && companies.has(row.subject_id as string)) delete (row.data as { legalRepresentative?: { name?: string } }).legalRepresentative?.name;
        if (table === 'record' || table === 'record_version') {
          const code = table === 'record' ? (row.item_code as string) : undefined;
          const item = p.catalog.get('infoItem', code ?? (await itemOf(db, row.record_id as string)))?.content;
          const data = row.data as Record<string, unknown>;
          if (item && partyOfRecord(item, data) === 'organization' && item.subjectFields.legalRepresentative) delete data[item.subjectFields.legalRepresentative];
        }
        const text = JSON.stringify(row);
        for (const name of names) if (text.includes(name)) hits.push(`${table}: 「${name}」`);
      }
    }
    return { rows, hits };
  };
  const itemOf = async (db: Kysely<unknown>, recordId: string) => (await sql<{ c: string }>`select item_code as c from record where id = ${recordId}`.execute(db)).rows[0]?.c ?? '';

  it('finds none after the demo load, staff writes and collection', async () => {
    assert.ok(p.demo && p.demo.persons > 50, 'demo data was loaded');
    const names = await personNames();
    for (const n of ['王建华', '孙小美', '司马青山', '钱多多', '李阿明', '周大福', '冯子涵']) assert.ok(names.has(n), `${n} is a person`);
    const counts = await sql<{ v: number; i: number }>`select (select count(*)::int from record_version) as v, (select count(*)::int from import_row_issue) as i`.execute(p.db);
    assert.ok((counts.rows[0]?.v ?? 0) >= 1 && (counts.rows[0]?.i ?? 0) >= 3, 'history and rejected rows were written');
    const { rows, hits } = await scan(p.db as Kysely<unknown>, names);
    assert.ok(rows > 1800, `scanned ${rows} rows`);
    assert.deepEqual(hits, []);
  });

  it('the scan finds a name planted in clear (the check can fail), and leaves a company’s representative alone', async () => {
    const person = (await sql<{ id: string; data: Record<string, unknown> }>`select id, data from record where data ->> 'CF_XDR_MC' = '钱**'`.execute(p.db)).rows[0];
    assert.ok(person, 'the person’s record is stored with the name masked');
    // Planted and taken out again without history rows (the setting the upgrade uses, migration 0012).
    const setData = (data: unknown) =>
      p.owner.transaction().execute(async (trx) => {
        await sql`select set_config('xinyong.masking_legacy_names', 'on', true)`.execute(trx);
        await sql`update record set data = ${JSON.stringify(data)}::jsonb where id = ${person.id}`.execute(trx);
      });
    await setData({ ...person.data, BZ: '钱多多' });
    const company = (await sql<{ id: string }>`select id from subject where uscc = ${COMPANY_USCC}`.execute(p.db)).rows[0]!;
    await sql`insert into subject_version (subject_id, version, data, changed_by) values (${company.id}, 99, ${JSON.stringify({ note: '孙小美' })}, 'test')`.execute(p.owner);
    try {
      const { hits } = await scan(p.db as Kysely<unknown>, await personNames());
      assert.deepEqual(hits.sort(), ['record: 「钱多多」', 'subject_version: 「孙小美」']);
    } finally {
      await sql`delete from subject_version where version = 99`.execute(p.owner);
      await setData(person.data);
    }
  });

  it('the portal shows the persons masked, and the company with its representative', async () => {
    const get = async (url: string) => (await p.app.inject({ url })).json();
    const penalties = await get('/api/public/v1/publicity/penalties?pageSize=50&department=' + dept);
    const qian = penalties.items.find((i: { documentNumber: string }) => i.documentNumber === '榕市监罚〔2026〕1号');
    assert.equal(qian?.subject.name, '钱**', JSON.stringify(penalties.items.map((i: { subject: { name: string } }) => i.subject.name)));
    assert.equal(qian.fields.find((f: { code: string }) => f.code === 'CF_SY')?.value, '经查，当事人钱**无证经营，钱**对违法事实无异议。');
    assert.doesNotMatch(JSON.stringify(penalties), /多多|阿明|子涵/);
    assert.deepEqual((await get(`/api/public/v1/subjects/${COMPANY_USCC}`)).subject.legalRepresentative, { name: '王建华' });
    assert.deepEqual((await get(`/api/public/v1/subjects/${SHOP_USCC}`)).subject.legalRepresentative, { name: '孙**' });
    assert.deepEqual((await get(`/api/public/v1/subjects/${makeUscc('91', '350100', 6604)}`)).subject.legalRepresentative, { name: '周大福' });
    assert.deepEqual((await get(`/api/public/v1/subjects/${makeUscc('92', '350100', 6603)}`)).subject.legalRepresentative, { name: '李**' });
  });
});
