/**
 * Imports run as jobs (ADR 0003): the upload commits its batch and its `import` job together, the
 * job runner imports it, and a batch is imported under the catalog item version it was opened
 * with, whatever the catalog says by then. Failed jobs are listed and retried over HTTP, audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { sm3Hex } from '../../platform/crypto/index.js';
import { makeUscc, penaltyRow } from '../../../test/fixtures.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const DEPT = makeUscc('11', '350100', 631);

function csv(rows: Record<string, string>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return `${columns.join(',')}\r\n${rows.map((r) => columns.map((c) => r[c] ?? '').join(',')).join('\r\n')}\r\n`;
}

describe(`imports as durable jobs on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dept = '';
  const clock = new ManualClock(Date.parse('2026-11-21T02:00:00Z'));
  const clerk = () => as('submitter', 'clerk-1', dept);
  const jobsOf = async (kind: string) => (await sql<{ id: number; status: string; payload: { batchId: string }; attempts: number; last_error: string | null }>`select id, status, payload, attempts, last_error from job where kind = ${kind} order by id`.execute(p.db)).rows;
  const upload = async (rows: Record<string, string>[], name: string) => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/files?item=CF', headers: { ...clerk(), 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(name) }, payload: csv(rows) });
    assert.equal(r.statusCode, 202, r.body);
    return r.json().id as string;
  };

  before(async () => {
    p = await startTestPlatform({ clock });
    const admin = { id: 'setup', name: 'setup', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
    dept = (await p.identity.createDepartment({ name: '福州市城市管理委员会', uscc: DEPT }, admin)).id;
    await p.collection.setGrants(dept, ['CF'], admin);
  });
  after(async () => p.stop());

  it('commits the upload with its import job; the job runner imports it and the job is gone', async () => {
    const batchId = await upload([penaltyRow(DEPT, 3001), penaltyRow(DEPT, 3002)], '两条.csv');
    assert.deepEqual((await jobsOf('import')).map((j) => [j.status, j.payload.batchId]), [['queued', batchId]], 'the route started nothing itself');
    assert.equal((await p.collection.batch(batchId))?.status, 'importing');
    assert.ok((await p.jobs.runDue()).includes('import'));
    const b = await p.collection.batch(batchId);
    assert.deepEqual([b?.status, b?.accepted, b?.rejected], ['imported', 2, 0]);
    assert.deepEqual(await jobsOf('import'), [], 'a finished batch has no job');
  });

  it('an API batch answers at once and leaves no job behind', async () => {
    const r = await p.app.inject({ method: 'POST', url: '/api/v1/collection/batches', headers: clerk(), payload: { itemCode: 'CF', idempotencyKey: 'jobs-api-0001', records: [penaltyRow(DEPT, 3101)] } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().batch.accepted, 1);
    assert.deepEqual(await jobsOf('import'), []);
  });

  it('imports a batch under the item version it was opened with, after the catalog changed', async () => {
    const batchId = await upload([penaltyRow(DEPT, 3201), penaltyRow(DEPT, 3202)], '目录变更前.csv');
    const opened = await p.collection.batch(batchId);
    // The catalog changes before the import runs (a restart with edited catalog files): 违法行为类型
    // may now hold 2 characters, which every row here exceeds.
    const current = p.catalog.get('infoItem', 'CF');
    assert.ok(current && opened?.item_version === current.version);
    const changed = { ...current.content, fields: current.content.fields.map((f) => (f.code === 'CF_WFXW' ? { ...f, maxLength: 2 } : f)) };
    const json = JSON.stringify(changed);
    await sql`update catalog_entry set superseded_at = now() where kind = 'infoItem' and code = 'CF' and superseded_at is null`.execute(p.owner);
    await sql`insert into catalog_entry (kind, code, version, content, content_hash, source_file, superseded_at)
              values ('infoItem', 'CF', ${current.version + 1}, ${json}::jsonb, ${sm3Hex(json)}, 'info-items/CF.yaml', null)`.execute(p.owner);
    await (p.catalog as unknown as { refresh(): Promise<void> }).refresh();
    assert.equal(p.catalog.get('infoItem', 'CF')?.version, current.version + 1, 'the catalog now says otherwise');

    assert.ok((await p.jobs.runDue()).includes('import'));
    const b = await p.collection.batch(batchId);
    assert.deepEqual([b?.status, b?.accepted, b?.rejected], ['imported', 2, 0], 'validated by the version the batch was opened under');
    const versions = await sql<{ item_version: number }>`select item_version from record where batch_id = ${batchId}`.execute(p.db);
    assert.deepEqual(versions.rows.map((r) => r.item_version), [current.version, current.version]);

    // A batch opened now is held to the new version.
    const later = await upload([penaltyRow(DEPT, 3203)], '目录变更后.csv');
    await p.jobs.runDue();
    const l = await p.collection.batch(later);
    assert.deepEqual([l?.accepted, l?.rejected], [0, 1]);
  });

  it('lists a failed job for the credit office and the system administrator, and retries it, audited', async () => {
    // An import job for a batch that does not exist fails every time.
    const missing = '00000000-0000-4000-8000-0000000000aa';
    await sql`insert into job (kind, payload, unique_key, status, due_at, max_attempts, created_at, updated_at)
              values ('import', ${JSON.stringify({ batchId: missing })}::jsonb, ${`import:${missing}`}, 'queued', ${clock.now()}, 1, now(), now())`.execute(p.db);
    await p.jobs.runDue();
    const [failed] = await jobsOf('import');
    assert.equal(failed?.status, 'failed');

    for (const role of ['creditOffice', 'sysAdmin'] as const) {
      const list = await p.app.inject({ method: 'GET', url: '/api/v1/jobs/failed', headers: as(role) });
      assert.equal(list.statusCode, 200, list.body);
      const item = list.json().items.find((i: { id: number }) => i.id === failed?.id);
      assert.deepEqual([item?.kind, item?.kindLabel, item?.attempts, item?.maxAttempts, item?.payload], ['import', '数据导入', 1, 1, { batchId: missing }]);
      assert.ok(item?.lastError, 'the last error is shown');
    }
    for (const role of ['submitter', 'auditAdmin', 'secAdmin'] as const) {
      assert.equal((await p.app.inject({ method: 'GET', url: '/api/v1/jobs/failed', headers: as(role) })).statusCode, 403, role);
    }

    const retry = await p.app.inject({ method: 'POST', url: `/api/v1/jobs/${failed?.id}/retry`, headers: as('creditOffice', 'office-1'), payload: {} });
    assert.equal(retry.statusCode, 200, retry.body);
    assert.deepEqual(retry.json(), { id: failed?.id, outcome: 'queued' });
    assert.deepEqual((await jobsOf('import')).map((j) => [j.status, j.attempts]), [['queued', 0]]);
    const audit = await sql<{ actor_id: string; object_id: string; details: { kind: string } }>`select actor_id, object_id, details from audit_log where event = 'job.retry'`.execute(p.db);
    assert.deepEqual(audit.rows.map((r) => [r.actor_id, r.object_id, r.details.kind]), [['office-1', String(failed?.id), 'import']]);

    const again = await p.app.inject({ method: 'POST', url: `/api/v1/jobs/${failed?.id}/retry`, headers: as('creditOffice'), payload: {} });
    assert.equal(again.statusCode, 404, 'no longer failed');
    assert.match(again.json().error.message, /没有编号为\d+的失败任务/);
    await sql`delete from job where kind = 'import'`.execute(p.db);
  });
});
