import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import type { AuditEvent, AuditTables } from './index.js';

/**
 * Chaining after commit (docs/adr/0004): writers insert unchained rows in their own transactions;
 * the chainer links committed rows in the order they became visible. Ordering under concurrent
 * writers, a late commit of a lower number, a crash between commit and chaining, a partly chained
 * tail, and tampering around it.
 */
describe(`audit chaining after commit on ${ENGINE}`, () => {
  let p: TestPlatform;
  let db: Kysely<AuditTables>;
  let owner: Kysely<AuditTables>;
  const ev = (event: string, details: Record<string, unknown>): AuditEvent => ({ category: 'business', event, actor: { id: 'tester', name: 'tester', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null }, result: 'success', details });
  const chained = (event: string) => db.selectFrom('audit_log').selectAll().where('event', '=', event).orderBy('chain_pos').execute();

  before(async () => {
    p = await startTestPlatform();
    db = p.db as unknown as Kysely<AuditTables>;
    owner = p.owner as unknown as Kysely<AuditTables>;
  });
  after(async () => p.stop());
  beforeEach(async () => {
    p.audit.autoChain = true;
    await p.audit.checkpoint();
  });

  it('keeps each writer’s order under concurrent writers, in a contiguous chain that verifies', async () => {
    const WRITERS = 8;
    const EACH = 15;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let n = 0; n < EACH; n++) {
          await db.transaction().execute((trx) => p.audit.record(trx, ev('test.concurrent', { w, n })));
        }
      }),
    );
    await p.audit.chain();
    const rows = await chained('test.concurrent');
    assert.equal(rows.length, WRITERS * EACH);
    assert.ok(rows.every((r) => r.chain_pos !== null && r.hash !== null), 'every committed row is linked');
    for (let w = 0; w < WRITERS; w++) {
      const ns = rows.filter((r) => r.details.w === w).map((r) => r.details.n as number);
      assert.deepEqual(ns, [...ns].sort((a, b) => a - b), `writer ${w}'s rows in the order it committed them`);
    }
    const all = await db.selectFrom('audit_log').select(['chain_pos']).where('chain_pos', 'is not', null).orderBy('chain_pos').execute();
    assert.deepEqual(all.map((r) => r.chain_pos), all.map((_, i) => (all[0]?.chain_pos ?? 1) + i), 'positions are contiguous');
    const v = await p.audit.verify();
    assert.equal(v.intact, true, v.reason);
    assert.equal(v.pending, undefined);
  });

  it('links a row committed after a higher-numbered one after it, and leaves no gap for a rolled-back row', async () => {
    // A transaction that took its number first and commits last: on PGlite (one connection) its
    // number is taken, the others commit, then its row arrives with that number.
    const reserved = (await sql<{ seq: number }>`select nextval('audit_log_seq')::int as seq`.execute(db)).rows[0]!.seq;
    await p.audit.recordAlone(ev('test.late', { which: 'second' }));
    await assert.rejects(db.transaction().execute(async (trx) => {
      await p.audit.record(trx, ev('test.late', { which: 'rolled back' }));
      throw new Error('the audited change failed');
    }), /the audited change failed/);
    await p.audit.chain();
    await db.insertInto('audit_log').values({ seq: reserved, at: new Date(), category: 'business', event: 'test.late', actor_id: null, actor_name: null, actor_roles: [], department_id: null, ip: null, request_id: null, object_type: null, object_id: null, result: 'success', reason: null, purpose: null, authorization_ref: null, result_count: null, details: JSON.stringify({ which: 'first' }), chain_pos: null, prev_hash: null, hash: null }).execute();
    await p.audit.chain();
    const rows = await chained('test.late');
    assert.deepEqual(rows.map((r) => r.details.which), ['second', 'first']);
    assert.ok(rows[0]!.seq > rows[1]!.seq && rows[0]!.chain_pos! < rows[1]!.chain_pos!);
    assert.equal((await p.audit.verify()).intact, true);
  });

  it('on a server, a transaction still open is linked after it commits, behind rows committed meanwhile', async () => {
    if (ENGINE !== 'postgres') return; // PGlite has one connection: two transactions cannot overlap (the test above covers the chainer's side)
    const client = new pg.Client({ connectionString: p.config.databaseUrl });
    await client.connect();
    try {
      await client.query('begin');
      const open = await client.query<{ seq: string }>(`insert into audit_log (at, category, event, result, details) values (now(), 'business', 'test.open', 'success', '{"which":"open"}') returning seq`);
      await p.audit.recordAlone(ev('test.open', { which: 'committed' }));
      await p.audit.chain();
      assert.deepEqual((await chained('test.open')).map((r) => [r.details.which, r.chain_pos !== null]), [['committed', true]], 'the open row is not visible yet');
      await client.query('commit');
      await p.audit.chain();
      const rows = await chained('test.open');
      assert.deepEqual(rows.map((r) => r.details.which), ['committed', 'open']);
      assert.ok(Number(open.rows[0]!.seq) < rows[0]!.seq, 'the open transaction had the lower number');
      assert.equal((await p.audit.verify()).intact, true);
    } finally {
      await client.end();
    }
  });

  it('survives a crash between commit and chaining: the rows wait, verification says so, the next chainer links them', async () => {
    p.audit.autoChain = false; // the process dies before its chaining pass runs
    for (let i = 0; i < 5; i++) await p.audit.recordAlone(ev('test.crash', { i }));
    const before = await p.audit.verify({ chainFirst: false });
    assert.equal(before.intact, true, before.reason);
    assert.equal(before.pending, 5, 'committed, not yet chained: counted, not a break');
    const waiting = await chained('test.crash');
    assert.ok(waiting.every((r) => r.chain_pos === null && r.hash === null));
    // The next start: its first checkpoint chains what was left, then records the head.
    const head = await p.audit.checkpoint();
    const rows = await chained('test.crash');
    assert.deepEqual(rows.map((r) => r.details.i), [0, 1, 2, 3, 4]);
    assert.equal(head, rows.at(-1)!.chain_pos);
    const after = await p.audit.verify({ chainFirst: false });
    assert.equal(after.intact, true, after.reason);
    assert.equal(after.pending, undefined);
  });

  describe('tampering with a partly chained tail (as the owner)', () => {
    const asSuperuser = async (fn: () => Promise<unknown>) => {
      await sql`alter table audit_log disable trigger user`.execute(owner);
      try {
        await fn();
      } finally {
        await sql`alter table audit_log enable trigger user`.execute(owner);
      }
    };
    let snapshot: Awaited<ReturnType<typeof chained>>;
    let checkpoints: string;
    beforeEach(async () => {
      snapshot = await owner.selectFrom('audit_log').selectAll().orderBy('seq').execute();
      checkpoints = fs.readFileSync(p.config.auditCheckpointFile, 'utf8');
    });
    /** Puts the rows and the checkpoint file back as they were before the attack. */
    afterEach(async () => {
      p.audit.autoChain = true;
      await asSuperuser(async () => {
        await sql`delete from audit_log`.execute(owner);
        for (const r of snapshot) await owner.insertInto('audit_log').values({ ...r, details: JSON.stringify(r.details) }).execute();
      });
      fs.writeFileSync(p.config.auditCheckpointFile, checkpoints);
      assert.equal((await p.audit.verify()).intact, true, 'restored');
    });
    /** A checkpointed chain, then three rows committed and left unchained. */
    const setUp = async () => {
      for (let i = 0; i < 6; i++) await p.audit.recordAlone(ev('test.partly', { i }));
      const head = (await p.audit.checkpoint())!;
      p.audit.autoChain = false;
      // A background pass started before chaining was switched off may still be reading: wait for it
      // (this pass links nothing new), or it could link a row meant to stay pending.
      await p.audit.chain();
      for (let i = 0; i < 3; i++) await p.audit.recordAlone(ev('test.partly.pending', { i }));
      return head;
    };

    it('a changed chained row is found at its position though the tail is not chained', async () => {
      const head = await setUp();
      await asSuperuser(() => sql`update audit_log set reason = 'rewritten' where chain_pos = ${head - 2}`.execute(owner));
      const v = await p.audit.verify({ chainFirst: false });
      assert.equal(v.intact, false);
      assert.equal(v.firstBroken, head - 2);
      assert.match(v.reason ?? '', /内容与其哈希不符/);
      assert.equal(v.pending, 3);
      // Chaining the pending rows does not hide it.
      assert.equal((await p.audit.verify()).firstBroken, head - 2);
    });

    it('a deleted chained tail is found against the checkpoint, with rows waiting and after they are linked', async () => {
      const head = await setUp();
      await asSuperuser(() => sql`delete from audit_log where chain_pos >= ${head - 1}`.execute(owner));
      const waiting = await p.audit.verify({ chainFirst: false });
      assert.equal(waiting.firstBroken, head - 1);
      assert.match(waiting.reason ?? '', /尾部记录被删除/);
      // The chainer links the waiting rows onto the shortened chain: the checkpoint still disagrees.
      const linked = await p.audit.verify();
      assert.equal(linked.intact, false);
      assert.match(linked.reason ?? '', new RegExp(`第${head}条的哈希与外部检查点不符`));
    });

    it('a chained row unlinked to be chained again elsewhere leaves its position missing', async () => {
      const head = await setUp();
      await asSuperuser(() => sql`update audit_log set chain_pos = null, prev_hash = null, hash = null where chain_pos = ${head - 3}`.execute(owner));
      const v = await p.audit.verify();
      assert.equal(v.intact, false);
      assert.equal(v.firstBroken, head - 3);
      assert.match(v.reason ?? '', /记录缺失/);
    });

    it('the platform’s connection may link a row once, and change nothing else', async () => {
      const head = await setUp();
      const refused = /append-only|permission denied/;
      await assert.rejects(sql`update audit_log set hash = ${'f'.repeat(64)} where chain_pos = ${head}`.execute(db), refused);
      await assert.rejects(sql`update audit_log set chain_pos = null, prev_hash = null, hash = null where chain_pos = ${head}`.execute(db), refused);
      await assert.rejects(sql`update audit_log set chain_pos = 999999, prev_hash = 'x', hash = 'y', reason = 'changed' where chain_pos is null`.execute(db), refused);
      p.audit.autoChain = true;
      const v = await p.audit.verify();
      assert.equal(v.intact, true, v.reason);
      assert.equal(v.pending, undefined);
    });
  });
});
