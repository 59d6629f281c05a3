/**
 * The portal's search and profile as a citizen meets them (issue #12): a mistyped code says which
 * character is wrong, a whole code opens the organization, each result carries its credit markers
 * (only what is public now), the list and the profile name one legal representative, and a profile
 * shows the registration facts the platform holds — and none it does not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { usccCheckCharacter } from '../../../common/identifiers/index.js';
import { ManualClock } from '../../platform/clock.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { Actor } from '../audit/index.js';

const DEPT = makeUscc('11', '350100', 5161);
const MARKED = makeUscc('91', '350100', 7301);
const QUIET = makeUscc('91', '350100', 7302);
const SHOP = makeUscc('92', '350100', 7303);
const REGISTERED = makeUscc('91', '350100', 7304);
/** Valid, but no organization on the platform has it. */
const UNKNOWN = makeUscc('91', '350100', 7399);
/** MARKED with its check character (position 18) wrong. */
const WRONG = `${MARKED.slice(0, 17)}${MARKED[17] === '0' ? '1' : '0'}`;
const toFullWidth = (s: string) => [...s].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join('');

interface Hit {
  name: string;
  uscc: string;
  legalRepresentative: { name: string } | null;
  markers: { kind: string; count: number }[];
}

describe(`portal search and profile (issue #12) on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const admin: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const registry: Actor = { id: 'registry', name: 'registry', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null };
  let deptId = '';
  const get = (url: string) => p.app.inject({ method: 'GET', url });
  const search = async (q: string) => (await get(`/api/public/v1/subjects?q=${encodeURIComponent(q)}`)).json();
  const hit = async (q: string, uscc: string): Promise<Hit | undefined> => ((await search(q)).items as Hit[]).find((h) => h.uscc === uscc);
  const recordId = async (documentNumber: string) => (await sql<{ id: string }>`select id from record where document_number = ${documentNumber}`.execute(p.db)).rows[0]?.id ?? '';

  before(async () => {
    p = await startTestPlatform({ clock });
    const dept = await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: DEPT }, admin);
    deptId = dept.id;
    await p.collection.setGrants(dept.id, ['CF', 'XK'], admin);
    const clerk = { actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: dept.id }, departmentId: dept.id };
    const marked = { CF_XDR_MC: '福州标记商贸有限公司', CF_XDR_SHXYM: MARKED, CF_FRDB: '陈立' };
    const penalties = await p.collection.submitRecords(clerk, 'CF', 'markers-cf', [
      penaltyRow(DEPT, 501, { ...marked, CF_JDRQ: '2026-09-01' }),
      penaltyRow(DEPT, 502, { ...marked, CF_JDRQ: '2026-10-01' }),
      penaltyRow(DEPT, 503, { ...marked, CF_JDRQ: '2026-10-15' }), // withdrawn below
      penaltyRow(DEPT, 504, { ...marked, CF_JDRQ: '2025-01-10', CF_YXQ: '2025-04-10' }), // its publicity ended long ago
      penaltyRow(DEPT, 505, { CF_XDR_MC: '福州标记安静贸易有限公司', CF_XDR_SHXYM: QUIET, CF_JDRQ: '2025-01-10', CF_YXQ: '2025-04-10' }),
      penaltyRow(DEPT, 506, { CF_XDR_MC: '鼓楼区标记小吃店', CF_XDR_LB: '个体工商户', CF_XDR_SHXYM: SHOP, CF_FRDB: '李阿明', CF_JDRQ: '2026-10-20' }),
    ]);
    assert.equal(penalties.accepted, 6, JSON.stringify(await p.collection.issues(penalties.id, 'rejected', 10, 0)));
    const permits = await p.collection.submitRecords(clerk, 'XK', 'markers-xk', [
      {
        XK_XDR_MC: '福州标记商贸有限公司', XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: MARKED, XK_FRDB: '陈立',
        XK_XKWS: '食品经营许可决定书', XK_WSH: '榕食许〔2026〕501号', XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-05-01',
        XK_YXQZ: '2026-05-01', XK_YXQZI: '2031-04-30', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: DEPT, XK_ZT: '1', XK_LYDW: '福州市市场监督管理局', XK_LYDWDM: DEPT,
      },
    ]);
    assert.equal(permits.accepted, 1, JSON.stringify(await p.collection.issues(permits.id, 'rejected', 10, 0)));
  });
  after(async () => p.stop());

  it('says which character of a mistyped code is wrong, also typed full-width, and finds nothing else', async () => {
    const expected = `第18位校验码应为${usccCheckCharacter(MARKED.slice(0, 17))}，实际为${WRONG[17]}`;
    for (const typed of [WRONG, toFullWidth(WRONG), `${WRONG.slice(0, 6)} ${WRONG.slice(6)}`.toLowerCase()]) {
      const r = await search(typed);
      assert.equal(r.total, 0, typed);
      assert.equal(r.code.normalized, WRONG, typed);
      assert.equal(r.code.valid, false);
      assert.equal(r.code.registered, false);
      assert.deepEqual(r.code.errors.map((e: { message: string; position?: number }) => [e.message, e.position]), [[expected, 18]], typed);
    }
    const short = await search(MARKED.slice(0, 17));
    assert.deepEqual(short.code.errors.map((e: { message: string }) => e.message), ['统一社会信用代码应为18位，实际为17位']);
    const letterO = await search(`${MARKED.slice(0, 10)}O${MARKED.slice(11)}`);
    assert.ok(letterO.code.errors.some((e: { message: string; position?: number }) => e.position === 11 && e.message === '第11位字母O不用于统一社会信用代码'), JSON.stringify(letterO.code));
    // A name is no code: no check at all.
    assert.equal((await search('标记商贸')).code, null);
  });

  it('says a resident ID number is one, without giving it back', async () => {
    const id = makeIdNumber('350102', '19800101', 41);
    const r = await get(`/api/public/v1/subjects?q=${id}`);
    assert.equal(r.json().total, 0);
    assert.deepEqual(r.json().code.errors.map((e: { code: string }) => e.code), ['PERSON_ID_NUMBER']);
    assert.ok(!r.body.includes(id) && !r.body.includes(id.slice(6, 14)), r.body);
  });

  it('opens a whole code’s organization, and says clearly when a valid code is not on the platform', async () => {
    const found = await search(toFullWidth(MARKED.toLowerCase()));
    assert.deepEqual({ valid: found.code.valid, registered: found.code.registered, first: found.items[0]?.uscc }, { valid: true, registered: true, first: MARKED });
    const unknown = await search(UNKNOWN);
    assert.deepEqual({ valid: unknown.code.valid, registered: unknown.code.registered, total: unknown.total }, { valid: true, registered: false, total: 0 });
    assert.deepEqual([unknown.code.parts.registrationAuthority.name, unknown.code.parts.entityType.name, unknown.code.parts.region.name], ['工商（市场监管）', '企业', '福州市']);
    // The profile's address with such a code says the same, in a sentence.
    const missing = await get(`/api/public/v1/subjects/${UNKNOWN}`);
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.message, `统一社会信用代码「${UNKNOWN}」校验通过（登记管理部门为工商（市场监管），机构类别为企业，登记地为福州市），但本平台暂无该组织的信息`);
    const wrong = await get(`/api/public/v1/subjects/${WRONG}`);
    assert.equal(wrong.statusCode, 404);
    assert.match(wrong.json().error.message, new RegExp(`^统一社会信用代码「${WRONG}」有误：第18位校验码应为`));
  });

  it('marks each result with what is public now — not a withdrawn or ended record — as the profile counts it, at once', async () => {
    const profile = async (uscc: string) => (await get(`/api/public/v1/subjects/${uscc}`)).json();
    const before = await hit('标记', MARKED);
    // Four penalties submitted: one ended long ago; a permit valid until 2031.
    assert.deepEqual(before?.markers, [{ kind: 'penalties', count: 3 }, { kind: 'permits', count: 1 }]);
    const shown = await profile(MARKED);
    assert.deepEqual([shown.penalties.total, shown.permits.total], [3, 1]);
    assert.deepEqual((await hit('标记', QUIET))?.markers, [], 'only an ended penalty: no marker');

    await p.collection.withdraw(await recordId('榕市监罚〔2026〕503号'), '复议撤销', { ...admin, roles: ['submitter'] }, deptId);
    assert.deepEqual((await hit('标记', MARKED))?.markers, [{ kind: 'penalties', count: 2 }, { kind: 'permits', count: 1 }], 'the withdrawal shows in the next search');
    assert.equal((await profile(MARKED)).penalties.total, 2);

    // At midnight after the last day of the 2026-09-01 penalty's publicity, its marker goes too.
    const end = (await sql<{ publicity_end: string }>`select publicity_end from record where document_number = ${'榕市监罚〔2026〕501号'}`.execute(p.db)).rows[0]?.publicity_end ?? '';
    const days = Math.ceil((Date.parse(`${end}T16:00:00Z`) - clock.now().getTime()) / 86_400_000);
    clock.advance(days * 86_400_000 + 3_600_000);
    try {
      const later = await hit('标记', MARKED);
      const profileLater = await profile(MARKED);
      assert.deepEqual(later?.markers.find((m) => m.kind === 'penalties')?.count, profileLater.penalties.total);
      assert.ok(profileLater.penalties.total < 2, `the penalty ending ${end} is gone`);
    } finally {
      clock.advance(-(days * 86_400_000 + 3_600_000));
    }
  });

  it('names the same legal representative in the list and on the profile, also when the records gave no ID number', async () => {
    for (const [uscc, name] of [[MARKED, '陈立'], [SHOP, '李**']] as const) {
      const listed = await hit('标记', uscc);
      const profile = (await get(`/api/public/v1/subjects/${uscc}`)).json();
      assert.deepEqual(listed?.legalRepresentative, { name }, uscc);
      assert.deepEqual(profile.subject.legalRepresentative, listed?.legalRepresentative, uscc);
    }
    // A linked representative is not replaced by a name a later record gives without an ID number.
    const linked = await p.subjects.create({ kind: 'organization', name: '福州标记链接有限公司', uscc: makeUscc('91', '350100', 7305), legalRepresentative: { name: '周正', idNumber: makeIdNumber('350102', '19700101', 42) } }, registry);
    const clerk = { actor: { ...admin, id: 'clerk', roles: ['submitter'], departmentId: deptId }, departmentId: deptId };
    const b = await p.collection.submitRecords(clerk, 'CF', 'markers-linked', [penaltyRow(DEPT, 507, { CF_XDR_MC: '福州标记链接有限公司', CF_XDR_SHXYM: linked.uscc ?? '', CF_FRDB: '别人', CF_JDRQ: '2026-11-01' })]);
    assert.equal(b.accepted, 1);
    assert.deepEqual((await hit('标记链接', linked.uscc ?? ''))?.legalRepresentative, { name: '周正' });
    assert.deepEqual((await get(`/api/public/v1/subjects/${linked.uscc}`)).json().subject.legalRepresentative, { name: '周正' });
  });

  it('shows the registration facts held, in 万元, none that are not, and a change at once', async () => {
    const created = await p.subjects.create({
      kind: 'organization', name: '福州登记齐全科技有限公司', uscc: REGISTERED,
      registration: { establishmentDate: '2012-03-08', address: '福州市鼓楼区五四路100号', status: '存续（在营、开业、在册）', registeredCapital: 500, businessScope: '软件开发；信息技术咨询服务' },
    }, registry);
    const profile = async (uscc: string) => (await get(`/api/public/v1/subjects/${uscc}`)).json();
    assert.deepEqual((await profile(REGISTERED)).registration, { establishmentDate: '2012-03-08', address: '福州市鼓楼区五四路100号', status: '存续（在营、开业、在册）', registeredCapital: '500', businessScope: '软件开发；信息技术咨询服务' });
    // Collected from records only: nothing of it is held, nothing is shown.
    assert.deepEqual((await profile(MARKED)).registration, { establishmentDate: null, address: null, status: null, registeredCapital: null, businessScope: null });
    // The registry says it was deregistered: the profile (kept until then) and the list follow.
    const updated = await p.subjects.update(created.id, created.version, { registration: { status: '注销', registeredCapital: 12.5 } }, registry);
    assert.equal(updated.status, 'cancelled');
    const after = await profile(REGISTERED);
    assert.deepEqual([after.registration.status, after.registration.registeredCapital, after.registration.address, after.subject.status], ['注销', '12.5', '福州市鼓楼区五四路100号', 'cancelled']);
  });

  it('refuses registration facts for a natural person and a founding date in the future, in sentences', async () => {
    const person = await p.app.inject({
      method: 'POST', url: '/api/v1/subjects', headers: { 'x-test-principal': 'registry:creditOffice' },
      payload: { kind: 'person', name: '王五', idNumber: makeIdNumber('350102', '19800101', 43), registration: { address: '某地' } },
    });
    assert.equal(person.statusCode, 422, person.body);
    assert.match(person.body, /自然人没有成立日期、住所、注册资本等组织登记信息/);
    await assert.rejects(
      p.subjects.create({ kind: 'organization', name: '福州未来有限公司', uscc: makeUscc('91', '350100', 7306), registration: { establishmentDate: '2027-01-01' } }, registry),
      (err: Error & { details?: unknown }) => JSON.stringify(err.details).includes('成立日期2027-01-01晚于今天'),
    );
    const capital = await p.app.inject({
      method: 'POST', url: '/api/v1/subjects', headers: { 'x-test-principal': 'registry:creditOffice' },
      payload: { kind: 'organization', name: '福州资本有限公司', uscc: makeUscc('91', '350100', 7307), registration: { registeredCapital: 12.34567 } },
    });
    assert.equal(capital.statusCode, 400);
    assert.match(capital.body, /注册资本以万元计，最多4位小数/);
  });
});
