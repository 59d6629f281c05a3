import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { copyRecords } from './records.repo.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const A_USCC = makeUscc('11', '350100', 711);
const B_USCC = makeUscc('11', '350100', 712);
const PERSON_ID = makeIdNumber('350102', '19850312', 21);

/** Penalty n of department A, decided n days after 2026-01-01 (so newer n first). */
const dayAfterNewYear = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

function permitRow(provider: string, n: number): Record<string, string> {
  return {
    XK_XDR_MC: `福州许可${n}餐饮有限公司`, XK_XDR_LB: '法人及非法人组织', XK_XDR_SHXYM: makeUscc('91', '350100', 20_000 + n), XK_FRDB: '王五',
    XK_XKWS: '食品经营许可决定书', XK_WSH: `榕食许〔2026〕${n}号`, XK_XKLB: '普通', XK_NR: '食品经营', XK_JDRQ: '2026-05-01',
    XK_YXQZ: '2026-05-01', XK_YXQZI: '2031-04-30', XK_XKJG: '福州市市场监督管理局', XK_XKJGDM: provider, XK_ZT: '1',
    XK_LYDW: '福州市市场监督管理局', XK_LYDWDM: provider,
  };
}

interface Row {
  id: string;
  itemCode: string;
  itemName: string;
  documentNumber: string;
  decisionDate: string;
  subject: { id: string; kind: string | null; name: string | null; uscc: string | null };
  departmentName: string | null;
  state: string;
  disputed: boolean;
}

describe(`records: the credit office's browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let deptA = '';
  let deptB = '';
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const office = (id = 'office-1') => as('creditOffice', id, '00000000-0000-4000-8000-0000000000c0');
  const withPurpose = (headers: Record<string, string>, purpose = 'dataQuality') => ({ ...headers, 'x-query-purpose': purpose });
  const search = (body: Record<string, unknown>, headers: Record<string, string> = withPurpose(office())) =>
    p.app.inject({ method: 'POST', url: '/api/v1/records/search', headers, payload: body });
  const found = async (body: Record<string, unknown>): Promise<{ total: number; totalCapped: boolean; items: Row[] }> => {
    const r = await search(body);
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const idOf = async (doc: string) => (await sql<{ id: string }>`select id from record where document_number = ${doc}`.execute(p.db)).rows[0]?.id ?? '';

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    deptA = (await p.identity.createDepartment({ name: '福州市市场监督管理局', uscc: A_USCC }, admin)).id;
    deptB = (await p.identity.createDepartment({ name: '福州市生态环境局', uscc: B_USCC }, admin)).id;
    await p.collection.setGrants(deptA, ['CF', 'XK'], admin);
    await p.collection.setGrants(deptB, ['CF'], admin);
    const clerk = (departmentId: string) => ({ actor: { ...admin, id: `clerk-${departmentId}`, roles: ['submitter'], departmentId }, departmentId });
    const penalties = Array.from({ length: 101 }, (_, i) => penaltyRow(A_USCC, i + 1, { CF_JDRQ: dayAfterNewYear(i + 1) }));
    await p.collection.submitRecords(clerk(deptA), 'CF', 'records-a-cf-1', penalties);
    await p.collection.submitRecords(clerk(deptA), 'XK', 'records-a-xk-1', [permitRow(A_USCC, 1), permitRow(A_USCC, 2)]);
    const b = (n: number, o: Record<string, string> = {}) => penaltyRow(B_USCC, n, { CF_WSH: `榕环罚〔2026〕${n}号`, CF_CFJG: '福州市生态环境局', CF_JDRQ: '2026-09-10', ...o });
    await p.collection.submitRecords(clerk(deptB), 'CF', 'records-b-cf-1', [
      b(201), b(202),
      b(203, { CF_XDR_MC: '陈小红', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: PERSON_ID, CF_JDRQ: '2026-09-11' }),
    ]);
    // A second version of 201: the fine was corrected.
    await p.collection.submitRecords(clerk(deptB), 'CF', 'records-b-cf-2', [b(201, { CF_NR_FK: '0.8' })]);
  });
  after(async () => p.stop());

  it('lists every department’s records, newest decision first, paged on the server', async () => {
    const first = await found({ pageSize: 20 });
    assert.deepEqual([first.total, first.totalCapped], [106, false]);
    assert.equal(first.items.length, 20);
    assert.equal(first.items[0]?.documentNumber, '榕环罚〔2026〕203号');
    assert.deepEqual(first.items.slice(1, 3).map((r) => r.documentNumber).sort(), ['榕环罚〔2026〕201号', '榕环罚〔2026〕202号'], 'the same day: by id');
    const dates = first.items.map((r) => r.decisionDate);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest decision first');
    assert.equal(first.items[0]?.departmentName, '福州市生态环境局');
    const last = await found({ page: 6, pageSize: 20 });
    assert.equal(last.items.length, 6);
    assert.equal(last.items.at(-1)?.documentNumber, '榕市监罚〔2026〕1号', 'the oldest decision last');
    const all = new Set([...first.items, ...last.items].map((r) => r.id));
    assert.equal(all.size, 26, 'pages do not overlap');
  });

  it('filters by department, item, state, decision dates and document number', async () => {
    const byDept = await found({ departmentId: deptB });
    assert.deepEqual(byDept.items.map((r) => r.documentNumber).sort(), ['榕环罚〔2026〕201号', '榕环罚〔2026〕202号', '榕环罚〔2026〕203号']);
    const permits = await found({ itemCode: 'XK' });
    assert.deepEqual([permits.total, permits.items[0]?.itemName], [2, '行政许可信息']);
    const dated = await found({ from: '2026-01-02', to: '2026-01-11', itemCode: 'CF' });
    assert.deepEqual(dated.items.map((r) => r.documentNumber), Array.from({ length: 10 }, (_, i) => `榕市监罚〔2026〕${10 - i}号`));
    const prefix = await found({ documentNumber: '榕市监罚〔2026〕10' });
    assert.deepEqual(prefix.items.map((r) => r.documentNumber).sort(), ['榕市监罚〔2026〕100号', '榕市监罚〔2026〕101号', '榕市监罚〔2026〕10号']);
    assert.equal((await found({ documentNumber: '榕%' })).total, 0, 'a % typed is a character, not a wildcard');
    assert.equal((await found({ state: 'in_publicity', departmentId: deptB })).total, 3);
    assert.equal((await found({ state: 'pending_review' })).total, 0);
  });

  it('finds a subject’s records by part of an organization’s name, by USCC, by a person’s full name or ID number; a person stays masked', async () => {
    const byName = await found({ subject: '福州测试5贸易' });
    assert.deepEqual(byName.items.map((r) => [r.documentNumber, r.subject.name]), [['榕市监罚〔2026〕5号', '福州测试5贸易有限公司']]);
    const byUscc = await found({ subject: makeUscc('91', '350100', 10_007) });
    assert.deepEqual(byUscc.items.map((r) => [r.documentNumber, r.subject.uscc]), [['榕市监罚〔2026〕7号', makeUscc('91', '350100', 10_007)]]);
    const byPerson = await found({ subject: '陈小红' });
    assert.deepEqual(byPerson.items.map((r) => [r.documentNumber, r.subject.kind, r.subject.name, r.subject.uscc]), [['榕环罚〔2026〕203号', 'person', '陈**', null]]);
    const byId = await found({ subject: PERSON_ID });
    assert.deepEqual(byId.items.map((r) => r.documentNumber), ['榕环罚〔2026〕203号']);
    assert.ok(!JSON.stringify(byId).includes('陈小红') && !JSON.stringify(byId).includes(PERSON_ID), 'neither the name nor the ID number in clear');
  });

  it('says what is wrong with a subject, a date range or a page it cannot search by', async () => {
    const good = makeUscc('91', '350100', 10_007);
    const badCode = await search({ subject: `${good.slice(0, 17)}${good.endsWith('1') ? '2' : '1'}` });
    assert.equal(badCode.statusCode, 422);
    assert.equal(badCode.json().error.code, 'INVALID_IDENTIFIER');
    assert.match(badCode.json().error.message, /^「主体」中的代码既不是有效的统一社会信用代码（.*校验码.*），也不是有效的身份证号码（.*）：请核对后重新输入$/);
    const broad = await search({ subject: '福州测试' });
    assert.equal(broad.statusCode, 422);
    assert.match(broad.json().error.message, /^该主体名称匹配到103个主体，超过100个：请输入更完整的名称/);
    const short = await search({ subject: '福' });
    assert.equal(short.statusCode, 400);
    assert.match(short.json().error.message, /至少输入2个字/);
    const reversed = await search({ from: '2026-03-01', to: '2026-02-01' });
    assert.equal(reversed.statusCode, 400);
    assert.match(reversed.json().error.message, /结束日期2026-02-01早于开始日期2026-03-01/);
    const impossible = await search({ from: '2026-02-30' });
    assert.equal(impossible.statusCode, 400);
    assert.match(impossible.json().error.message, /「from」「2026-02-30」不是有效日期（2月没有30日）/);
    assert.equal((await search({ page: 500, pageSize: 20 })).statusCode, 200, 'the 10 000th row is still reachable');
    const deep = await search({ page: 501, pageSize: 20 });
    assert.equal(deep.statusCode, 422);
    assert.match(deep.json().error.message, /只能翻阅前10000条结果/);
  });

  it('registers each search with its purpose and the subjects shown; a search without a purpose is refused and registered', async () => {
    const r = await search({ departmentId: deptB }, withPurpose(office('office-reg'), 'lawEnforcement'));
    assert.equal(r.statusCode, 200);
    const reg = await sql<{ category: string; purpose: string; result_count: number; object_type: string; details: { subjectIds: string[]; filters: Record<string, unknown> } }>`
      select category, purpose, result_count, object_type, details from audit_log where event = 'query.record.search' and actor_id = 'office-reg'`.execute(p.db);
    assert.equal(reg.rows.length, 1);
    const row = reg.rows[0]!;
    assert.deepEqual([row.category, row.purpose, row.result_count, row.object_type], ['query', 'lawEnforcement', 3, 'record']);
    assert.deepEqual([...row.details.subjectIds].sort(), [...new Set(r.json().items.map((x: Row) => x.subject.id))].sort());
    assert.deepEqual(row.details.filters, { departmentId: deptB, bySubject: false, byDocumentNumber: false });

    await search({ subject: PERSON_ID }, withPurpose(office('office-id'), 'creditCheck'));
    const typed = await sql<{ n: number }>`select count(*)::int as n from audit_log where actor_id = 'office-id' and details::text like ${`%${PERSON_ID}%`}`.execute(p.db);
    assert.equal(typed.rows[0]?.n, 0, 'what was typed is not registered');

    const none = await search({}, office('office-none'));
    assert.equal(none.statusCode, 400);
    assert.equal(none.json().error.code, 'PURPOSE_REQUIRED');
    assert.match(none.json().error.message, /须先说明查询目的/);
    const unknown = await search({}, withPurpose(office('office-none'), 'curiosity'));
    assert.equal(unknown.statusCode, 400);
    const refused = await sql<{ event: string; result: string }>`select event, result from audit_log where actor_id = 'office-none' order by seq`.execute(p.db);
    assert.deepEqual(refused.rows.map((x) => [x.event, x.result]), [['query.refused', 'denied'], ['query.refused', 'denied']]);
  });

  it('opens a record with its current content and every version (personal values masked), registered', async () => {
    const id = await idOf('榕环罚〔2026〕201号');
    const r = await p.app.inject({ method: 'GET', url: `/api/v1/records/${id}`, headers: withPurpose(office('office-detail'), 'objectionReview') });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json();
    assert.deepEqual([d.documentNumber, d.departmentName, d.itemName, d.version, d.state, d.disputed], ['榕环罚〔2026〕201号', '福州市生态环境局', '行政处罚信息', 2, 'in_publicity', false]);
    assert.deepEqual(d.versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.deepEqual(d.versions[0].changes.map((c: { label: string; before: string; after: string }) => [c.label, c.before, c.after]), [['罚款金额(万元)', '0.5', '0.8']]);
    const fields = Object.fromEntries(d.fields.map((f: { label: string; value: string }) => [f.label, f.value]));
    assert.equal(fields['罚款金额(万元)'], '0.8', 'the current content is the latest version');
    assert.equal(d.fields[0].label, '行政相对人名称', 'in the item’s field order');
    const reg = await sql<{ object_id: string; purpose: string }>`select object_id, purpose from audit_log where event = 'query.record.get' and actor_id = 'office-detail'`.execute(p.db);
    assert.deepEqual(reg.rows, [{ object_id: id, purpose: 'objectionReview' }]);

    const person = await p.app.inject({ method: 'GET', url: `/api/v1/records/${await idOf('榕环罚〔2026〕203号')}`, headers: withPurpose(office()) });
    const text = person.body;
    assert.ok(!text.includes('陈小红') && !text.includes(PERSON_ID), 'a natural person masked in the record too');
    assert.equal(person.json().subject.name, '陈**');
    const missing = await p.app.inject({ method: 'GET', url: '/api/v1/records/00000000-0000-4000-8000-000000000001', headers: withPurpose(office()) });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.message, '该记录不存在');
    const noPurpose = await p.app.inject({ method: 'GET', url: `/api/v1/records/${id}`, headers: office() });
    assert.equal(noPurpose.statusCode, 400);
  });

  it('shows an enumeration in the record’s content by its code table’s label (许可当前状态 1 → 有效), as the public sees it', async () => {
    const r = await p.app.inject({ method: 'GET', url: `/api/v1/records/${await idOf('榕食许〔2026〕1号')}`, headers: withPurpose(office()) });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json();
    const fields = Object.fromEntries(d.fields.map((f: { label: string; value: string }) => [f.label, f.value]));
    assert.equal(fields['当前状态'], '有效');
    assert.equal(fields['许可类别'], '普通', 'a value that is its own label stays');
    assert.equal(d.withdrawnOn, null, 'not withdrawn');
  });

  it('refuses department users, audited: they see their records through their batches', async () => {
    const id = await idOf('榕市监罚〔2026〕1号');
    for (const role of ['submitter', 'reviewer', 'implementer'] as const) {
      const headers = withPurpose(as(role, `dept-${role}`, deptA));
      const tries = [
        await search({}, headers),
        await p.app.inject({ method: 'GET', url: `/api/v1/records/${id}`, headers }),
        await p.app.inject({ method: 'POST', url: `/api/v1/records/${id}/withdraw`, headers, payload: { reason: '试图撤销' } }),
      ];
      assert.deepEqual(tries.map((t) => t.statusCode), [403, 403, 403], role);
    }
    const denied = await sql<{ n: number }>`select count(*)::int as n from audit_log where event = 'access.denied' and actor_id like 'dept-%'`.execute(p.db);
    assert.equal(denied.rows[0]?.n, 9);
    const record = await sql<{ state: string }>`select state from record where id = ${id}`.execute(p.db);
    assert.equal(record.rows[0]?.state, 'in_publicity');
  });

  it('withdraws any department’s record with a reason, audited; not twice, not without a reason, never with an ID number in the reason', async () => {
    const id = await idOf('榕环罚〔2026〕202号');
    const blank = await p.app.inject({ method: 'POST', url: `/api/v1/records/${id}/withdraw`, headers: office(), payload: { reason: '   ' } });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.json().error.message, /撤销须说明理由/);
    const withId = await p.app.inject({ method: 'POST', url: `/api/v1/records/${id}/withdraw`, headers: office(), payload: { reason: `当事人${PERSON_ID}已申诉` } });
    assert.equal(withId.statusCode, 400);
    assert.match(withId.json().error.message, /撤销理由中不能写身份证号码/);
    const w = await p.app.inject({ method: 'POST', url: `/api/v1/records/${id}/withdraw`, headers: office('office-withdraw'), payload: { reason: '报送部门错报：该决定已被行政复议撤销' } });
    assert.equal(w.statusCode, 204, w.body);
    const rec = await sql<{ state: string; reason: string; actor_name: string }>`
      select r.state, e.reason, e.actor_name from record r join record_event e on e.record_id = r.id and e.event = 'withdraw' where r.id = ${id}`.execute(p.db);
    assert.deepEqual(rec.rows, [{ state: 'withdrawn', reason: '报送部门错报：该决定已被行政复议撤销', actor_name: 'office-withdraw' }]);
    const audit = await sql<{ event: string; object_id: string; reason: string; actor_roles: string[]; category: string }>`
      select event, object_id, reason, actor_roles, category from audit_log where actor_id = 'office-withdraw'`.execute(p.db);
    assert.deepEqual(audit.rows, [{ event: 'record.withdraw', object_id: id, reason: '报送部门错报：该决定已被行政复议撤销', actor_roles: ['creditOffice'], category: 'business' }]);
    const again = await p.app.inject({ method: 'POST', url: `/api/v1/records/${id}/withdraw`, headers: office(), payload: { reason: '再次撤销' } });
    assert.equal(again.statusCode, 409);
    const missing = await p.app.inject({ method: 'POST', url: '/api/v1/records/00000000-0000-4000-8000-000000000001/withdraw', headers: office(), payload: { reason: '报送有误' } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.message, '该记录不存在，无法撤销：请刷新列表后再试');
    const withdrawn = await found({ state: 'withdrawn' });
    assert.deepEqual(withdrawn.items.map((r) => [r.documentNumber, r.state]), [['榕环罚〔2026〕202号', 'withdrawn']]);
    const detail = await p.app.inject({ method: 'GET', url: `/api/v1/records/${id}`, headers: withPurpose(office()) });
    assert.equal(detail.json().withdrawnReason, '报送部门错报：该决定已被行政复议撤销');
    // Its publicity ended with the withdrawal: the day (China time) it was withdrawn, from the withdrawal event.
    assert.equal(detail.json().withdrawnOn, '2026-11-21');
  });

  // Last: it adds ten thousand records the tests above do not expect.
  it('counts up to 10 000 and says there are more, instead of counting every record', async () => {
    const subjectId = (await sql<{ id: string }>`select subject_id as id from record limit 1`.execute(p.db)).rows[0]?.id ?? '';
    const bulk = Array.from({ length: 10_000 }, (_, i) => ({
      itemCode: 'CF', itemVersion: 1, subjectId, providerUscc: B_USCC, departmentId: deptB, documentNumber: `榕批量〔2026〕${i}号`, decisionDate: '2025-12-01', data: {},
      severity: 'general' as const, state: 'in_publicity' as const, publishable: true, publicityStart: '2025-12-01', publicityEnd: '2026-12-01', publicityRule: null,
    }));
    await p.engine.bulkLoad((copy) => copyRecords(copy, bulk));
    const all = await found({});
    assert.deepEqual([all.total, all.totalCapped], [10_000, true]);
    const narrowed = await found({ itemCode: 'XK' });
    assert.deepEqual([narrowed.total, narrowed.totalCapped], [2, false]);
  });
});
