/**
 * The upgrade of a database written before migration 0012 (ADR 0002): persons' names in clear in
 * subject, subject_version, record and record_version. The rows are written the old way, on the
 * old schema; the subjects' part of the conversion is run alone, in batches of one, as if the
 * process had stopped after it; then the platform starts on that database as an upgrade would, and
 * its start-up step finishes the work. Run again, the step changes nothing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { PERSON_NAMES_PROTECTED, protectLegacyPersonNames } from '../server/app/person-names-upgrade.js';
import { startPlatform, type Database, type Platform } from '../server/app/platform.js';
import { SubjectsService } from '../server/modules/subjects/index.js';
import { loadConfig } from '../server/platform/config.js';
import { FieldCipher } from '../server/platform/crypto/index.js';
import { makeIdNumber, makeUscc } from './fixtures.js';
import { ENGINE, as, databaseAt, testAuthenticate, testKeyMaterial, type OlderDatabase } from './helpers.js';

const keyMaterial = testKeyMaterial();
const cipher = new FieldCipher(keyMaterial);
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const COMPANY = makeUscc('91', '350100', 7701);
const SHOP = makeUscc('92', '350100', 7702);
const PROVIDER = makeUscc('11', '350100', 7700);
const ID = { ouyang: makeIdNumber('350102', '19850612', 71), sun: makeIdNumber('350102', '19800202', 72), wang: makeIdNumber('350102', '19700101', 73), zhang: makeIdNumber('350102', '19900101', 74) };

describe(`upgrading persons' names written before migration 0012, on ${ENGINE}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-names-upgrade-'));
  let old: OlderDatabase;
  let p: Platform;
  const ids: Record<string, string> = {};

  before(async () => {
    old = await databaseAt(11, { pgliteDir: path.join(dir, 'pg') });
    try {
      await writeTheOldWay(old.engine.db as Kysely<unknown>);
      await old.migrateTo();
      // The subjects' part alone, one row per batch: the process "stops" before the records' part.
      const subjects = new SubjectsService({ db: old.engine.db as Kysely<Database>, audit: undefined as never, cipher, regionName: () => undefined, industryName: () => undefined });
      assert.deepEqual(await subjects.protectLegacyNames(1), { representatives: 2, persons: 4, versions: 2 });
    } finally {
      await old.close();
    }
    const config = loadConfig({ DATA_DIR: dir, DEMO_DATA: 'off', PORTAL_SEARCH_STALENESS_MS: '0', ...(old.url ? { DATABASE_URL: old.url } : {}) });
    p = await startPlatform(config, pino({ level: 'silent' }), { keyMaterial, authenticate: testAuthenticate, jobs: false });
  });
  after(async () => {
    await p?.close();
    await old?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function writeTheOldWay(db: Kysely<unknown>): Promise<void> {
    const person = async (key: keyof typeof ID, name: string) => {
      const r = await sql<{ id: string }>`
        insert into subject (kind, name, id_number_enc, id_number_index, id_number_masked)
        values ('person', ${name}, ${cipher.encrypt(ID[key])}, ${cipher.blindIndex(ID[key], 'idNumber')}, ${`${ID[key].slice(0, 6)}********${ID[key].slice(-4)}`}) returning id`.execute(db);
      ids[key] = r.rows[0]?.id ?? '';
    };
    await person('ouyang', '欧阳翀彧');
    await person('sun', '孙小美');
    await person('wang', '王建华');
    await person('zhang', '张'); // one character: its own mask
    const org = async (key: string, orgType: string, name: string, uscc: string, rep: string) => {
      const r = await sql<{ id: string }>`insert into subject (kind, org_type, name, uscc, legal_rep_id, region_code) values ('organization', ${orgType}, ${name}, ${uscc}, ${rep}, '350100') returning id`.execute(db);
      ids[key] = r.rows[0]?.id ?? '';
    };
    await org('company', 'enterprise', '福州远航物流有限公司', COMPANY, ids.wang ?? '');
    await org('shop', 'individualBusiness', '鼓楼区阿美小吃店', SHOP, ids.sun ?? '');
    // Snapshots as the staff API wrote them: the person's name, the representative's name, in clear.
    await sql`insert into subject_version (subject_id, version, data, changed_by) values
      (${ids.ouyang}, 1, ${JSON.stringify({ kind: 'person', name: '欧阳翀彧' })}, 'old'),
      (${ids.company}, 1, ${JSON.stringify({ kind: 'organization', name: '福州远航物流有限公司', legalRepresentative: { id: ids.wang, name: '王建华' } })}, 'old'),
      (${ids.shop}, 1, ${JSON.stringify({ kind: 'organization', name: '鼓楼区阿美小吃店', legalRepresentative: { id: ids.sun, name: '孙小美' } })}, 'old')`.execute(db);
    const record = async (key: string, item: string, subject: string, doc: string, data: object, version = 1) => {
      const r = await sql<{ id: string }>`
        insert into record (item_code, item_version, subject_id, provider_uscc, document_number, decision_date, data, version, severity, publication, publishable, publicity_start, publicity_end, created_at, updated_at)
        values (${item}, 1, ${subject}, ${PROVIDER}, ${doc}, ${day(-10)}, ${JSON.stringify(data)}, ${version}, ${item === 'XK' ? 'positive' : 'general'}, 'published', true, ${day(-10)}, ${day(300)}, '2026-01-15T00:00:00Z', '2026-03-01T00:00:00Z')
        returning id`.execute(db);
      ids[key] = r.rows[0]?.id ?? '';
    };
    const cf = { CF_WFXW: '无证经营', CF_YJ: '《无证无照经营查处办法》第十三条', CF_CFLB: ['罚款'], CF_NR_FK: '0.5', CF_JDRQ: day(-10), CF_YXQ: day(300), CF_CFJG: '福州市市场监督管理局', CF_CFJGDM: PROVIDER, CF_SJLY: '福州市市场监督管理局', CF_SJLYDM: PROVIDER };
    await record('penalty', 'CF', ids.ouyang ?? '', '榕市监罚〔2026〕1号', { ...cf, CF_WSH: '榕市监罚〔2026〕1号', CF_XDR_MC: '欧阳翀彧', CF_XDR_LB: '自然人', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: '350102********0712', CF_SY: '当事人欧阳翀彧无证经营。', CF_NR: '对欧阳翀彧罚款五千元' }, 2);
    await sql`insert into record_version (record_id, version, subject_id, data, changed_at) values
      (${ids.penalty}, 1, ${ids.ouyang}, ${JSON.stringify({ ...cf, CF_WSH: '榕市监罚〔2026〕1号', CF_XDR_MC: '欧阳翀彧', CF_XDR_LB: '自然人', CF_SY: '当事人欧阳翀彧无证经营。', CF_NR_FK: '0.4' })}, '2026-01-15T00:00:00Z')`.execute(db);
    await record('shopPenalty', 'CF', ids.shop ?? '', '榕市监罚〔2026〕2号', { ...cf, CF_WSH: '榕市监罚〔2026〕2号', CF_XDR_MC: '鼓楼区阿美小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: SHOP, CF_FRDB: '孙小美', CF_SY: '经营者孙小美超范围经营。', CF_NR: '罚款' });
    await record('companyPenalty', 'CF', ids.company ?? '', '榕市监罚〔2026〕3号', { ...cf, CF_WSH: '榕市监罚〔2026〕3号', CF_XDR_MC: '福州远航物流有限公司', CF_XDR_LB: '法人及非法人组织', CF_XDR_SHXYM: COMPANY, CF_FRDB: '王建华', CF_SY: '经查属实。', CF_NR: '罚款' });
    await record('permit', 'XK', ids.ouyang ?? '', '榕市监许〔2026〕1号', {
      XK_WSH: '榕市监许〔2026〕1号', XK_XDR_MC: '欧阳翀彧', XK_XDR_LB: '自然人', XK_XDR_ZJLX: '身份证', XK_XDR_ZJHM: '350102********0712', XK_XKWS: '关于准予欧阳翀彧食品经营许可的决定',
      XK_XKLB: '普通', XK_NR: '准予经营', XK_JDRQ: day(-10), XK_YXQZ: day(-10), XK_YXQZI: '长期', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: PROVIDER, XK_ZT: '1', XK_LYDW: '福州市市场监督管理局', XK_LYDWDM: PROVIDER,
    });
  }

  const subject = async (id: string) => (await sql<{ name: string; name_enc: string | null; name_index: string | null; legal_rep_name: string | null }>`select name, name_enc, name_index, legal_rep_name from subject where id = ${id}`.execute(p.db)).rows[0];
  const data = async (id: string) => (await sql<{ data: Record<string, unknown>; version: number; updated_at: Date }>`select data, version, updated_at from record where id = ${id}`.execute(p.db)).rows[0];

  it('encrypts and masks the persons, and gives organizations their representative as published', async () => {
    for (const [key, name, masked] of [['ouyang', '欧阳翀彧', '欧阳**'], ['sun', '孙小美', '孙**'], ['wang', '王建华', '王**'], ['zhang', '张', '张']] as const) {
      const s = await subject(ids[key] ?? '');
      assert.equal(s?.name, masked);
      assert.equal(cipher.decrypt(s?.name_enc ?? ''), name);
      assert.equal(s?.name_index, cipher.blindIndex(name, 'personName'));
    }
    assert.equal((await subject(ids.company ?? ''))?.legal_rep_name, '王建华');
    assert.equal((await subject(ids.shop ?? ''))?.legal_rep_name, '孙**');
    const versions = await sql<{ data: { name: string; legalRepresentative?: { name: string } } }>`select data from subject_version order by subject_id, version`.execute(p.db);
    const text = JSON.stringify(versions.rows);
    assert.ok(!text.includes('欧阳翀彧') && !text.includes('孙小美') && text.includes('欧阳**') && text.includes('孙**'), text);
    assert.ok(text.includes('王建华'), 'a company’s representative in its snapshot stays as published');
  });

  it('masks the names in records and in their replaced versions, without a new version or a history row', async () => {
    const penalty = await data(ids.penalty ?? '');
    assert.deepEqual([penalty?.data.CF_XDR_MC, penalty?.data.CF_SY, penalty?.data.CF_NR], ['欧阳**', '当事人欧阳**无证经营。', '对欧阳**罚款五千元']);
    assert.deepEqual([penalty?.version, penalty?.updated_at.toISOString()], [2, '2026-03-01T00:00:00.000Z'], 'the same version, written when it was');
    const history = await sql<{ version: number; data: Record<string, unknown> }>`select version, data from record_version`.execute(p.db);
    assert.deepEqual(history.rows.map((h) => [h.version, h.data.CF_XDR_MC, h.data.CF_SY]), [[1, '欧阳**', '当事人欧阳**无证经营。']], 'the history trigger kept no copy of the clear data');
    const shop = await data(ids.shopPenalty ?? '');
    assert.deepEqual([shop?.data.CF_XDR_MC, shop?.data.CF_FRDB, shop?.data.CF_SY], ['鼓楼区阿美小吃店', '孙**', '经营者孙**超范围经营。']);
    assert.equal((await data(ids.companyPenalty ?? ''))?.data.CF_FRDB, '王建华', 'a company’s legal representative is published registration information');
    assert.deepEqual([(await data(ids.permit ?? ''))?.data.XK_XDR_MC, (await data(ids.permit ?? ''))?.data.XK_XKWS], ['欧阳**', '关于准予欧阳**食品经营许可的决定']);
  });

  it('finds the person by the exact name afterwards, and the portal shows the company with its representative', async () => {
    const officer = { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' };
    const found = await p.app.inject({ method: 'POST', url: '/api/v1/subjects/search', headers: officer, payload: { q: '欧阳翀彧' } });
    assert.deepEqual(found.json().items.map((i: { id: string; name: string }) => [i.id, i.name]), [[ids.ouyang, '欧阳翀彧']]);
    const profile = async (uscc: string) => (await p.app.inject({ url: `/api/public/v1/subjects/${uscc}` })).json();
    assert.deepEqual((await profile(COMPANY)).subject.legalRepresentative, { name: '王建华' });
    assert.deepEqual((await profile(SHOP)).subject.legalRepresentative, { name: '孙**' });
  });

  it('run again, changes nothing; once finished, later starts skip it', async () => {
    const snapshot = async () =>
      JSON.stringify(await Promise.all(['subject', 'subject_version', 'record', 'record_version'].map(async (t) => (await sql`select row_to_json(x)::text as r from ${sql.table(t)} x order by 1`.execute(p.db)).rows)));
    const before = await snapshot();
    assert.equal(await protectLegacyPersonNames(p.db, p.subjects, p.catalog, pino({ level: 'silent' })), null, 'finished: skipped');
    await sql`delete from app_setting where key = ${PERSON_NAMES_PROTECTED}`.execute(p.db);
    assert.deepEqual(await protectLegacyPersonNames(p.db, p.subjects, p.catalog, pino({ level: 'silent' }), 1), { representatives: 0, persons: 0, versions: 0, records: 0, recordVersions: 0 });
    assert.equal(await snapshot(), before);
  });
});
