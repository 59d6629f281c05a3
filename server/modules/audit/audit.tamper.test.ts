import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { rowHash, type AuditTables } from './index.js';

const ROWS = 60;

/**
 * Tamper detection, acting as the database's owner (triggers disabled where needed) — what a
 * database administrator could do, and the platform's own role cannot: every attack is detected
 * and reported at the right sequence number; an intact chain verifies.
 */
describe(`audit chain tamper detection on ${ENGINE}`, () => {
  let p: TestPlatform;
  /** The owner's connection (on PGlite, its only user): the attacker's. */
  let db: Kysely<AuditTables>;
  let snapshot: Selectable<AuditTables['audit_log']>[];
  let checkpoints: string;

  before(async () => {
    p = await startTestPlatform();
    db = p.owner as unknown as Kysely<AuditTables>;
    const base = (await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
    for (let i = base + 1; i <= ROWS; i++) {
      await p.audit.recordAlone({ category: 'business', event: 'test.event', actor: { id: `u${i % 3}`, name: `user${i % 3}`, roles: ['creditOffice'], departmentId: null, ip: '127.0.0.1', requestId: `r${i}` }, result: 'success', objectType: 'subject', objectId: `s${i}`, details: { n: i, note: '测试' } });
      if (i % 10 === 0) await p.audit.checkpoint();
    }
    snapshot = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    checkpoints = fs.readFileSync(p.config.auditCheckpointFile, 'utf8');
  });
  after(async () => p.stop());

  /** Puts the original rows and checkpoint file back between attacks. */
  beforeEach(async () => {
    await sql`alter table audit_log disable trigger user`.execute(db);
    await sql`delete from audit_log`.execute(db);
    for (const r of snapshot) await db.insertInto('audit_log').values({ ...r, details: JSON.stringify(r.details) }).execute();
    await sql`alter table audit_log enable trigger user`.execute(db);
    fs.writeFileSync(p.config.auditCheckpointFile, checkpoints);
  });

  const asSuperuser = async (fn: () => Promise<unknown>) => {
    await sql`alter table audit_log disable trigger user`.execute(db);
    try {
      await fn();
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(db);
    }
  };

  it('an intact chain verifies', async () => {
    const v = await p.audit.verify();
    assert.deepEqual({ intact: v.intact, count: v.count, lastSeq: v.lastSeq, checkpoints: v.checkpoints }, { intact: true, count: ROWS, lastSeq: ROWS, checkpoints: 7 }, 'one at start-up, one every 10 events');
  });

  it('the append-only triggers stop even the owner until they are disabled', async () => {
    await assert.rejects(sql`update audit_log set reason = 'x' where seq = 5`.execute(db), /append-only/);
    await assert.rejects(sql`delete from audit_log where seq = 5`.execute(db), /append-only/);
    await assert.rejects(sql`truncate audit_log`.execute(db), /append-only/);
  });

  it('the platform’s own connection cannot update, delete or truncate audit rows', async () => {
    // On a server its role has no such privilege at all (least-privilege.test.ts); PGlite's one
    // user meets the triggers.
    const refused = ENGINE === 'postgres' ? /permission denied for table audit_log/ : /append-only/;
    await assert.rejects(sql`update audit_log set reason = 'x' where seq = 5`.execute(p.db), refused);
    await assert.rejects(sql`delete from audit_log where seq = 5`.execute(p.db), refused);
    await assert.rejects(sql`truncate audit_log`.execute(p.db), refused);
  });

  it('detects a changed field at its row', async () => {
    await asSuperuser(() => sql`update audit_log set result = 'failure' where seq = 25`.execute(db));
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.equal(v.firstBroken, 25);
  });

  it('detects a deleted middle row', async () => {
    await asSuperuser(() => sql`delete from audit_log where seq = 30`.execute(db));
    const v = await p.audit.verify();
    assert.equal(v.firstBroken, 30);
    assert.match(v.reason ?? '', /第30条记录缺失/);
  });

  it('detects two swapped rows', async () => {
    await asSuperuser(async () => {
      await sql`update audit_log set seq = -40 where seq = 40`.execute(db);
      await sql`update audit_log set seq = 40 where seq = 41`.execute(db);
      await sql`update audit_log set seq = 41 where seq = -40`.execute(db);
    });
    assert.equal((await p.audit.verify()).firstBroken, 40);
  });

  it('detects a deleted tail against the external checkpoint', async () => {
    await asSuperuser(() => sql`delete from audit_log where seq > 55`.execute(db));
    const v = await p.audit.verify();
    assert.equal(v.firstBroken, 56);
    assert.match(v.reason ?? '', /尾部记录被删除/);
  });

  it('detects a recomputed chain against the external checkpoints', async () => {
    await asSuperuser(async () => {
      await sql`update audit_log set reason = 'rewritten' where seq = 35`.execute(db);
      const rows = await db.selectFrom('audit_log').selectAll().orderBy('chain_pos').execute();
      let prev = rows[33]!.hash ?? '';
      for (const r of rows.slice(34)) {
        const { prev_hash: _p, hash: _h, ...rest } = r;
        const hash = rowHash(prev, rest);
        await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('chain_pos', '=', r.chain_pos).execute();
        prev = hash;
      }
    });
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.equal(v.firstBroken, 31, 'the first row after the last matching checkpoint (30)');
    assert.match(v.reason ?? '', /第40条的哈希与外部检查点不符/);
  });

  it('detects an edited checkpoint file', async () => {
    const lines = checkpoints.trim().split('\n');
    const forged = JSON.parse(lines[2] as string);
    forged.hash = 'f'.repeat(64);
    lines[2] = JSON.stringify(forged);
    fs.writeFileSync(p.config.auditCheckpointFile, `${lines.join('\n')}\n`);
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.match(v.reason ?? '', /检查点文件第3行/);
  });

  it('checkpoints are SM2-signed, and a forged signature is detected', async () => {
    const lines = checkpoints.trim().split('\n').map((l) => JSON.parse(l) as { sig?: string; seq: number });
    assert.ok(lines.every((l) => typeof l.sig === 'string' && l.sig.length === 128), 'every checkpoint carries an SM2 signature');
    const forged = [...lines];
    const target = forged[3] as { sig: string };
    target.sig = (target.sig[0] === 'a' ? 'b' : 'a') + target.sig.slice(1);
    fs.writeFileSync(p.config.auditCheckpointFile, `${forged.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const v = await p.audit.verify();
    assert.equal(v.intact, false);
    assert.match(v.reason ?? '', /检查点文件第4行/);
  });

  it('refuses an audit event that carries an ID number', async () => {
    await assert.rejects(p.audit.recordAlone({ category: 'query', event: 'x', actor: null, result: 'success', details: { q: '11010519491231002X' } }), /ID number/);
  });
});
