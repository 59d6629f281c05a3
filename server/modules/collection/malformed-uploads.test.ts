/**
 * Issue #11's measure of done: hundreds of generated malformed uploads (test/malformed-uploads.ts)
 * give no 5xx and no crash, change no record, and each refusal — of the file, or of a row — says in
 * Chinese what is wrong and where.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeUscc } from '../../../test/fixtures.js';
import { HEADER, baseRows, csvText, malformedCorpus } from '../../../test/malformed-uploads.js';
import type { Actor } from '../audit/index.js';

const PROVIDER = makeUscc('11', '350100', 611);
const PROVIDER_NAME = '福州市市场监督管理局';
const CORPUS_SIZE = 520;
const CJK = /\p{Script=Han}/u;
/** A message names where: a row, a column, a character, a part, the header, or the file itself. */
const WHERE = /第\d+(行|列|个字符|字节)|「[^」]+」|表头|文件|工作簿|工作表|分隔符|请求体|Content-Type/;
/** Raw English from a library (「invalid distance too far back」) never reaches a person. */
const ENGLISH_SENTENCE = /\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b/i;

describe(`${CORPUS_SIZE} malformed uploads on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dept = '';
  const clerk = () => as('submitter', 'clerk-malformed', dept);
  const setup: Actor = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const rows = baseRows(PROVIDER, PROVIDER_NAME);
  const snapshot = async () =>
    (await sql<{ document_number: string; version: number; data: unknown; state: string; disputed: boolean }>`
      select document_number, version, data, state, disputed from record order by document_number`.execute(p.db)).rows;

  before(async () => {
    // Uploads are rate-limited per account; this account sends hundreds on purpose.
    p = await startTestPlatform({ env: { UPLOAD_RATE_LIMIT: '100000' } });
    dept = (await p.identity.createDepartment({ name: PROVIDER_NAME, uscc: PROVIDER }, setup)).id;
    await p.collection.setGrants(dept, ['CF'], setup);
  });
  after(async () => p?.stop());

  it('refuse the file or a row with a Chinese what-where-why, never 5xx, and change no record', async (t) => {
    // The records as the valid base file leaves them.
    const valid = await p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...clerk(), 'content-type': 'text/csv', 'x-file-name': encodeURIComponent('处罚信息.csv') }, payload: csvText(HEADER, rows) });
    assert.equal(valid.statusCode, 202, valid.body);
    const imported = await p.collection.run(valid.json().id);
    assert.equal(imported.accepted, rows.length, 'the base rows are valid');
    const before = await snapshot();
    assert.equal(before.length, rows.length);

    const corpus = await malformedCorpus(rows, CORPUS_SIZE, 20261202);
    assert.ok(corpus.length >= 500);
    const outcomes = new Map<string, number>();
    let rowsRefused = 0;
    const changedBy: string[] = [];
    for (const u of corpus) {
      const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...clerk(), 'content-type': u.contentType, 'x-file-name': u.fileName }, payload: u.body });
      const where = `${u.kind} → ${r.statusCode} ${r.body.slice(0, 300)}`;
      assert.ok(r.statusCode < 500, where);
      outcomes.set(`${r.statusCode}`, (outcomes.get(`${r.statusCode}`) ?? 0) + 1);
      if (r.statusCode === 202) {
        const batch = await p.collection.run(r.json().id);
        assert.equal(batch.status, 'imported', where);
        if (batch.updated_records + batch.created_records > 0) changedBy.push(u.kind);
        for (const issue of await p.collection.issues(batch.id, 'rejected', 10_000, 0)) {
          rowsRefused++;
          for (const problem of issue.problems as { message: string; field: string | null }[]) {
            assert.match(problem.message, CJK, where);
            assert.ok(issue.row_number > 1, where);
            assert.doesNotMatch(problem.message, ENGLISH_SENTENCE, where);
          }
        }
        continue;
      }
      const { error } = r.json() as { error: { code: string; message: string } };
      assert.ok(error?.code, where);
      assert.match(error.message, CJK, where);
      assert.match(error.message, WHERE, where);
      assert.doesNotMatch(error.message, ENGLISH_SENTENCE, where);
      assert.ok(r.body.length < 20_000, `a refusal stays small: ${where.slice(0, 200)}`);
    }
    assert.deepEqual(changedBy, [], 'uploads that wrote a new version of a record');
    assert.deepEqual(await snapshot(), before, 'no damaged or refused upload changed a record');
    t.diagnostic(`${corpus.length} uploads: ${[...outcomes].map(([s, n]) => `${n}×${s}`).join(', ')}; ${rowsRefused} rows refused with their reasons`);
  });
});
