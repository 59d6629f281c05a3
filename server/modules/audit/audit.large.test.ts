import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { rowHash, type AuditTables } from './index.js';

const TOTAL = 100_000;

describe(`audit chain of ${TOTAL} rows on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p.stop());

  it('verifies intact: no false positive', async () => {
    const db = p.db as unknown as Kysely<AuditTables>;
    const head = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    // Rows built exactly as AuditLog.record builds them, inserted in batches for speed.
    let prev = head.hash;
    let seq = head.seq;
    const start = Date.parse('2026-01-01T00:00:00Z');
    while (seq < TOTAL) {
      const batch = [];
      for (let i = 0; i < 2000 && seq < TOTAL; i++) {
        seq++;
        const row = {
          seq, at: new Date(start + seq * 1000), category: (['security', 'query', 'business'] as const)[seq % 3]!, event: `e${seq % 17}`,
          actor_id: `u${seq % 50}`, actor_name: `用户${seq % 50}`, actor_roles: ['creditOffice'], department_id: null, ip: '10.0.0.1', request_id: `r${seq}`,
          object_type: 'subject', object_id: `s${seq}`, result: 'success' as const, reason: null, purpose: seq % 3 === 1 ? '行政审批' : null,
          authorization_ref: null, result_count: seq % 7, details: { n: seq, 说明: '批量测试' },
        };
        const hash = rowHash(prev, row);
        batch.push({ ...row, details: JSON.stringify(row.details), prev_hash: prev, hash });
        prev = hash;
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
