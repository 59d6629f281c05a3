/**
 * A chaining pass that fails (docs/adr/0004) leaves its rows unlinked — nothing is lost — and must
 * be seen by operators from the database, not only by the process it happened in: any other
 * process, or this one after a restart, reads the failure and the waiting rows (GET
 * /api/v1/audit/status, the verification's `chaining`, /readyz's `auditChain`); the next pass that
 * commits, by any process, clears it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ManualClock } from '../../platform/clock.js';
import { ENGINE, as, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { AuditLog, type AuditEvent, type AuditTables } from './index.js';

describe(`a failing audit chainer, seen from the database, on ${ENGINE}`, () => {
  let p: TestPlatform;
  const clock = new ManualClock(Date.parse('2026-12-01T02:00:00Z'));
  const ev = (i: number): AuditEvent => ({ category: 'business', event: 'test.chain_failure', actor: null, result: 'success', details: { i } });
  /** Another process on the same database, or this one after a restart: nothing of it in memory. */
  const elsewhere = () => new AuditLog(p.db as never, clock, path.join(os.tmpdir(), `xy-other-checkpoints-${process.pid}`), randomBytes(32));
  const auditor = as('auditAdmin');
  /** The database refuses to link rows (as a revoked grant or a full disk would), until `repair`. */
  const refuseChaining = async () => {
    await sql`create or replace function test_refuse_chain() returns trigger language plpgsql as $$ begin raise exception 'simulated: chaining refused'; end $$`.execute(p.owner);
    await sql`create trigger test_refuse_chain before update on audit_log for each row execute function test_refuse_chain()`.execute(p.owner);
  };
  const repair = async () => {
    await sql`drop trigger if exists test_refuse_chain on audit_log`.execute(p.owner);
    await sql`drop function if exists test_refuse_chain()`.execute(p.owner);
  };

  before(async () => {
    p = await startTestPlatform({ clock });
    // Passes run when the test says, so each one's outcome is known.
    p.audit.stopChaining();
    await p.audit.chain();
  });
  after(async () => {
    await repair().catch(() => {});
    await p?.stop();
  });

  it('keeps a failed pass in the database for every process and a restart; a later pass anywhere clears it', async () => {
    assert.deepEqual(await elsewhere().chainStatus(), { pending: 0, oldestPendingAt: null, overdue: false, overdueAfterSeconds: 120, failure: null });
    await refuseChaining();
    try {
      for (let i = 0; i < 3; i++) await p.audit.recordAlone(ev(i));
      await assert.rejects(p.audit.chain(), /simulated: chaining refused/);

      const seen = await elsewhere().chainStatus();
      assert.equal(seen.pending, 3);
      assert.equal(seen.oldestPendingAt, clock.now().toISOString());
      assert.equal(seen.overdue, false, 'just written');
      assert.deepEqual(seen.failure, { at: clock.now().toISOString(), message: 'simulated: chaining refused' });

      // What the console's audit page and a monitor read.
      const status = await p.app.inject({ url: '/api/v1/audit/status', headers: auditor });
      assert.equal(status.statusCode, 200, status.body);
      assert.equal(status.json().failure.message, 'simulated: chaining refused');
      assert.equal(status.json().pending, 3);
      const ready = await p.app.inject('/readyz');
      assert.equal(ready.statusCode, 200, 'audit rows are committed: the platform stays ready');
      assert.equal(ready.json().auditChain, 'failing');
      // Verification still answers (the chained part is intact), and says why rows wait.
      const verify = await p.app.inject({ url: '/api/v1/audit/verify', headers: auditor });
      assert.equal(verify.statusCode, 200, verify.body);
      assert.equal(verify.json().intact, true);
      assert.ok(verify.json().pending >= 3);
      assert.equal(verify.json().chaining.failure.message, 'simulated: chaining refused');

      clock.advance(121_000);
      assert.equal((await elsewhere().chainStatus()).overdue, true, 'waiting longer than a checkpoint’s interval');
    } finally {
      await repair();
    }

    // Another process's pass links the rows and ends the failure, for everyone.
    assert.ok((await elsewhere().chain()) >= 3);
    const after = await p.audit.chainStatus();
    assert.deepEqual(after, { pending: 0, oldestPendingAt: null, overdue: false, overdueAfterSeconds: 120, failure: null });
    assert.equal((await p.app.inject('/readyz')).json().auditChain, 'ok');
    const v = await p.audit.verify();
    assert.equal(v.intact, true, v.reason);
    const linked = await (p.db as unknown as Kysely<AuditTables>).selectFrom('audit_log').select('chain_pos').where('event', '=', 'test.chain_failure').execute();
    assert.equal(linked.length, 3);
    assert.ok(linked.every((r) => r.chain_pos !== null));
  });

  it('says rows overdue when no process links them, though no pass failed', async () => {
    await p.audit.recordAlone(ev(9));
    assert.equal((await p.audit.chainStatus()).overdue, false);
    clock.advance(121_000);
    const s = await elsewhere().chainStatus();
    assert.deepEqual([s.pending, s.overdue, s.failure], [1, true, null]);
    assert.equal((await p.app.inject('/readyz')).json().auditChain, 'failing');
    await p.audit.chain();
    assert.equal((await p.app.inject('/readyz')).json().auditChain, 'ok');
  });
});
