/**
 * Issue #11 on the collection side: the data source comes from the department registry; errors,
 * refusals and audit rows stay bounded whatever the file; uploads have a budget per account;
 * control and invisible characters are a row's problem, said where; separators, stray NULs and
 * content types get messages a clerk can act on; files a crash left behind are removed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeIdNumber, makeUscc, penaltyRow } from '../../../test/fixtures.js';
import type { Actor } from '../audit/index.js';

const MARKET = makeUscc('11', '350100', 7301);
const MARKET_NAME = '福州市市场监督管理局';
const COLUMNS = Object.keys(penaltyRow(MARKET, 1));

function csv(rows: Record<string, string>[], sep = ','): string {
  const q = (v: string) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[COLUMNS.join(sep), ...rows.map((r) => COLUMNS.map((c) => q(r[c] ?? '')).join(sep))].join('\r\n')}\r\n`;
}

describe(`collection, bad input on ${ENGINE}`, () => {
  let p: TestPlatform;
  let market = '';
  const setup: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  // Uploads have a small budget per account here (3 a minute): each upload is another clerk's,
  // unless a test names the clerk.
  let clerks = 0;
  const clerk = (id = `clerk-${++clerks}`) => as('submitter', id, market);
  const upload = (body: string | Buffer, o: { headers?: Record<string, string>; name?: string; type?: string } = {}) =>
    p.app.inject({
      method: 'POST',
      url: '/api/v1/collection/files?item=CF',
      headers: { ...clerk(), 'content-type': o.type ?? 'text/csv', 'x-file-name': o.name ?? encodeURIComponent('处罚信息.csv'), ...o.headers },
      payload: body,
    });
  const importCsv = async (body: string) => {
    const r = await upload(body);
    assert.equal(r.statusCode, 202, r.body);
    return p.collection.run(r.json().id);
  };
  const rejected = async (batchId: string) => (await p.collection.issues(batchId, 'rejected', 100, 0)).map((i) => ({ row: i.row_number, problems: i.problems as { code: string; field: string | null; message: string; value: string | null }[], data: i.row_data as Record<string, string> }));
  const record = async (documentNumber: string) =>
    (await sql<{ data: Record<string, unknown> }>`select data from record where document_number = ${documentNumber}`.execute(p.db)).rows[0]?.data;

  before(async () => {
    p = await startTestPlatform({ env: { UPLOAD_RATE_LIMIT: '3' } });
    market = (await p.identity.createDepartment({ name: MARKET_NAME, uscc: MARKET }, setup)).id;
    await p.collection.setGrants(market, ['CF'], setup);
  });
  after(async () => p?.stop());

  it('takes the data source from the department registry: another name is a row problem, an empty one is filled in', async () => {
    const batch = await importCsv(
      csv([
        penaltyRow(MARKET, 1, { CF_SJLY: '' }),
        penaltyRow(MARKET, 2, { CF_SJLY: MARKET_NAME }),
        penaltyRow(MARKET, 3, { CF_SJLY: '<img src=x onerror=alert(1)>' }),
        penaltyRow(MARKET, 4, { CF_SJLY: '厦门市市场监督管理局' }),
      ]),
    );
    assert.deepEqual([batch.accepted, batch.rejected], [2, 2]);
    assert.equal((await record('榕市监罚〔2026〕1号'))?.CF_SJLY, MARKET_NAME);
    assert.equal((await record('榕市监罚〔2026〕2号'))?.CF_SJLY, MARKET_NAME);
    const problems = await rejected(batch.id);
    assert.deepEqual(problems.map((r) => [r.row, r.problems.map((x) => x.code)]), [[4, ['SOURCE_MISMATCH']], [5, ['SOURCE_MISMATCH']]]);
    assert.match(problems[1]?.problems[0]?.message ?? '', /「数据来源单位」\(CF_SJLY\)「厦门市市场监督管理局」与报送部门在平台登记的名称「福州市市场监督管理局」不一致/);
  });

  it('shows a record’s data source, and names a department’s bar, as registered — never as a file wrote it', async () => {
    // A record written before this rule, whose file named another bureau.
    await sql`update record set data = jsonb_set(data, '{CF_SJLY}', '"<img src=x>厦门市某局"') where document_number = '榕市监罚〔2026〕1号'`.execute(p.db);
    const list = await p.app.inject({ method: 'GET', url: '/api/public/v1/publicity/penalties' });
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json().items as { source: string; fields: { code: string; value: string }[] }[];
    const sources = items.flatMap((r) => [r.source, ...r.fields.filter((f) => f.code === 'CF_SJLY').map((f) => f.value)]);
    assert.ok(items.length >= 2 && sources.every((s) => s === MARKET_NAME), JSON.stringify(sources));
    const exported = await p.app.inject({ method: 'GET', url: '/api/public/v1/publicity/penalties.csv' });
    assert.equal(exported.statusCode, 200);
    assert.ok(!exported.body.includes('厦门市某局') && !exported.body.includes('<img'), 'nor in the CSV export');
    const stats = (await p.app.inject({ method: 'GET', url: '/api/public/v1/statistics' })).json();
    assert.deepEqual(stats.byDepartment.map((d: { name: string }) => d.name), [MARKET_NAME]);
  });

  it('refuses a control or invisible character in a cell as that row’s problem, saying which row, field and character', async () => {
    const batch = await importCsv(
      csv([
        penaltyRow(MARKET, 11, { CF_XDR_MC: '福州\u202e司公限有技科' }),
        penaltyRow(MARKET, 12, { CF_XDR_MC: '福州\u200b某某科技有限公司' }),
        penaltyRow(MARKET, 13, { CF_SY: '经查\u0000当事人' }),
        penaltyRow(MARKET, 14, { CF_SY: '经查，当事人\ufffd销售' }),
        penaltyRow(MARKET, 15, { CF_SY: '经查，\r\n当事人销售的产品不合格。' }),
        penaltyRow(MARKET, 16, { CF_XDR_MC: '福州⼯程（集团）有限公司' }),
      ]),
    );
    assert.equal(batch.accepted, 2, 'a line break in free text is fine; a Kangxi radical is normalized');
    const problems = await rejected(batch.id);
    assert.deepEqual(problems.map((r) => [r.row, r.problems[0]?.code, r.problems[0]?.field]), [
      [2, 'UNSAFE_CHARACTER', 'CF_XDR_MC'],
      [3, 'UNSAFE_CHARACTER', 'CF_XDR_MC'],
      [4, 'UNSAFE_CHARACTER', 'CF_SY'],
      [5, 'UNSAFE_CHARACTER', 'CF_SY'],
    ]);
    assert.match(problems[0]?.problems[0]?.message ?? '', /「行政相对人名称」\(CF_XDR_MC\)的第3个字符是从右至左覆盖符（U\+202E）/);
    assert.match(problems[2]?.problems[0]?.message ?? '', /第3个字符是空字符（U\+0000）/);
    // What was refused is shown with the character made visible, and can be stored at all.
    assert.equal(problems[2]?.data.CF_SY, '经查⟦U+0000⟧当事人');
    assert.equal((await record('榕市监罚〔2026〕15号'))?.CF_SY, '经查，\r\n当事人销售的产品不合格。');
    assert.equal((await record('榕市监罚〔2026〕16号'))?.CF_XDR_MC, '福州工程（集团）有限公司');
  });

  it('refuses, in the JSON batch API too, only the record with the bad character', async () => {
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/v1/collection/batches',
      headers: clerk('clerk-api'),
      payload: { itemCode: 'CF', idempotencyKey: 'bad-input-api-1', records: [penaltyRow(MARKET, 21), penaltyRow(MARKET, 22, { CF_WSH: '榕市监罚〔2026〕22\u0000号' })] },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual([r.json().batch.accepted, r.json().batch.rejected], [1, 1]);
    assert.match(r.json().rejected[0].problems[0].message, /「行政处罚决定书文号」\(CF_WSH\)的第.+个字符是空字符/);
  });

  it('tells a semicolon-separated file to use commas, and refuses absurd headers early, in a bounded answer and audit row', async () => {
    const semi = await upload(csv([penaltyRow(MARKET, 31)], ';'));
    assert.equal(semi.statusCode, 422);
    assert.match(semi.json().error.message, /分隔符应为逗号/);

    const wide = await upload(`${COLUMNS.join(',')}${',x'.repeat(500_000)}\r\n${csv([penaltyRow(MARKET, 32)]).split('\r\n')[1]}\r\n`);
    assert.equal(wide.statusCode, 422);
    assert.ok(wide.body.length < 2000, `answer of ${wide.body.length} bytes`);
    assert.match(wide.json().error.message, /超过1024列/);

    const unknown = await upload(`${[...COLUMNS, ...Array.from({ length: 900 }, (_, i) => `多余列${i}`)].join(',')}\r\n${csv([penaltyRow(MARKET, 33)]).split('\r\n')[1]}\r\n`, { headers: clerk('clerk-2') });
    assert.equal(unknown.statusCode, 422);
    const listed = unknown.json().error.details.problems as string[];
    assert.equal(listed.length, 21, 'twenty problems and a count of the rest');
    assert.match(listed.at(-1) ?? '', /另有880项从略/);
    const audit = await sql<{ reason: string }>`select reason from audit_log where event = 'collection.batch.refused' order by seq desc limit 1`.execute(p.db);
    assert.ok((audit.rows[0]?.reason.length ?? 0) <= 4100, 'the audit row is bounded');
  });

  it('says where a stray NUL is instead of calling the whole file binary', async () => {
    const batch = await importCsv(csv([penaltyRow(MARKET, 41), penaltyRow(MARKET, 42, { CF_WFXW: '销售\u0000不合格产品' })]).replace('\r\n', '\r\n'));
    assert.deepEqual([batch.accepted, batch.rejected], [1, 1]);
    assert.match((await rejected(batch.id))[0]?.problems[0]?.message ?? '', /「违法行为类型」\(CF_WFXW\)的第3个字符是空字符（U\+0000）/);
  });

  it('refuses a JSON body, and a file name with a control character, saying what to send', async () => {
    const json = await upload(JSON.stringify({ rows: [] }), { type: 'application/json', headers: clerk('clerk-3') });
    assert.equal(json.statusCode, 415);
    assert.match(json.json().error.message, /请求体应为文件本身.*不能是「application\/json」/);
    const none = await p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...clerk('clerk-3'), 'content-type': '' }, payload: 'a,b\r\n' });
    assert.equal(none.statusCode, 415);
    assert.match(none.json().error.message, /请求没有Content-Type/);
    const name = await upload(csv([penaltyRow(MARKET, 51)]), { name: encodeURIComponent('处罚\u0000信息.csv'), headers: clerk('clerk-3') });
    assert.equal(name.statusCode, 400);
    assert.match(name.json().error.message, /文件名（请求头x-file-name）的第3个字符是空字符/);
  });

  it('gives uploads a budget per account, not per address', async () => {
    const body = csv([penaltyRow(MARKET, 61)]);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await upload(body, { headers: clerk('clerk-busy') })).statusCode);
    assert.deepEqual(codes, [202, 202, 202, 429]);
    const limited = await upload(body, { headers: clerk('clerk-busy') });
    assert.match(limited.json().error.message, /上传文件过于频繁：每个账号每分钟最多3次/);
    assert.equal((await upload(body, { headers: clerk('clerk-calm') })).statusCode, 202, 'another clerk at the same address');
  });

  it('removes the files a crash left: a partial upload, and a stored file no batch needs', async () => {
    const dir = path.join(p.config.dataDir, 'imports');
    const partial = path.join(dir, '.incoming-crashed');
    const stored = path.join(dir, `${'a'.repeat(64)}.sm4`);
    fs.writeFileSync(partial, 'x');
    fs.writeFileSync(stored, 'x');
    const old = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(partial, old, old);
    fs.utimesSync(stored, old, old);
    const fresh = path.join(dir, '.incoming-in-progress');
    fs.writeFileSync(fresh, 'x');
    const inUse = fs.readdirSync(dir).filter((f) => f.endsWith('.sm4') && f !== path.basename(stored));
    assert.ok(inUse.length > 0);
    for (const f of inUse) fs.utimesSync(path.join(dir, f), old, old);

    assert.deepEqual(await p.collection.removeOrphanFiles(), { partial: 1, unused: 1 });
    assert.equal(fs.existsSync(partial), false);
    assert.equal(fs.existsSync(stored), false);
    assert.equal(fs.existsSync(fresh), true, 'an upload in progress is left alone');
    for (const f of inUse) assert.equal(fs.existsSync(path.join(dir, f)), true, 'files batches need are kept');
  });

  it('keeps a natural person’s values masked in a refused row with an invisible character', async () => {
    const id = makeIdNumber('110105', '19800101', 77);
    const batch = await importCsv(csv([penaltyRow(MARKET, 71, { CF_XDR_MC: '张\u200b小明', CF_XDR_LB: '自然人', CF_XDR_SHXYM: '', CF_FRDB: '', CF_XDR_ZJLX: '身份证', CF_XDR_ZJHM: id })]));
    const [row] = await rejected(batch.id);
    assert.equal(row?.problems[0]?.code, 'UNSAFE_CHARACTER');
    assert.ok(!JSON.stringify(row).includes(id), 'no ID number in clear');
    assert.ok(!JSON.stringify(row).includes('小明'), 'no name in clear');
  });
});
