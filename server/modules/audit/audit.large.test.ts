import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { AuditTables } from './index.js';

const TOTAL = 100_000;

describe(`audit chain of ${TOTAL} rows on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  it('verifies intact: no false positive', async () => {
    const db = p.db as unknown as Kysely<AuditTables>;
    let seq = (await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    // Rows inserted as AuditLog.record inserts them (not yet chained), in batches for speed; the
    // checkpoint then links all of them into the chain, as the chainer does after a crash.
    const start = Date.parse('2026-01-01T00:00:00Z');
    while (seq < TOTAL) {
      const batch = [];
      for (let i = 0; i < 2000 && seq < TOTAL; i++) {
        seq++;
        batch.push({
          at: new Date(start + seq * 1000), category: (['security', 'query', 'business'] as const)[seq % 3]!, event: `e${seq % 17}`,
          actor_id: `u${seq % 50}`, actor_name: `用户${seq % 50}`, actor_roles: ['creditOffice'], department_id: null, ip: '10.0.0.1', request_id: `r${seq}`,
          object_type: 'subject', object_id: `s${seq}`, result: 'success' as const, reason: null, purpose: seq % 3 === 1 ? '行政审批' : null,
          authorization_ref: null, result_count: seq % 7, details: JSON.stringify({ n: seq, 说明: '批量测试' }), chain_pos: null, prev_hash: null, hash: null,
        });
      }
      await db.insertInto('audit_log').values(batch).execute();
    }
    await p.audit.checkpoint();
    const v = await p.audit.verify();
    assert.deepEqual({ intact: v.intact, count: v.count, lastSeq: v.lastSeq }, { intact: true, count: TOTAL, lastSeq: TOTAL });
    const n = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db);
    assert.equal(n.rows[0]?.n, TOTAL);
  });
});
