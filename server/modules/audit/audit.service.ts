/**
 * The audit log. `record` writes one row in the caller's transaction (so the audited change and
 * its audit row commit or fail together), numbered by a sequence and not yet chained; moments after
 * commit `chain` links the committed rows into the hash chain, one chainer at a time under an
 * advisory lock (docs/adr/0004: writers no longer queue behind a lock held to their commit).
 * `checkpoint` chains, then appends the chain head, MAC'd, to a file outside the database; `verify`
 * chains, recomputes the chain and compares it with those checkpoints, so deleting the tail or
 * recomputing the whole chain is detected too.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { ChainStatus, Verification } from '../../../common/audit-api.js';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { validateIdNumber } from '../../../common/identifiers/index.js';
import { limitText } from '../../../common/text.js';
import { eventCodesMatching, searchTerms } from '../../../common/audit-events.js';
import type { Clock } from '../../platform/clock.js';
import { hmacSm3 } from '../../platform/crypto/index.js';
import { verifySm2, type Signer } from '../../platform/crypto/sm2.js';
import { getSetting, putSetting } from '../../platform/db/settings.js';
import { GENESIS_HASH, canonical, rowHash, type ChainRow } from './audit.chain.js';
import type { AuditCategory, AuditResult, AuditTables } from './audit.tables.js';

export interface Actor {
  id: string;
  name: string;
  /** For business records that show who acted (not written to the audit log, which keeps `name`). */
  displayName?: string | undefined;
  roles: readonly string[];
  departmentId: string | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEvent {
  category: AuditCategory;
  event: string;
  actor: Actor | null;
  objectType?: string;
  objectId?: string;
  result: AuditResult;
  reason?: string;
  purpose?: string;
  authorizationRef?: string;
  resultCount?: number;
  details?: Record<string, unknown>;
}

export type { Verification } from '../../../common/audit-api.js';

const checked = Symbol('audit row checked');
/** An event `AuditLog.auditRow` checked and cut, ready for `insertRows`: made nowhere else. */
export interface AuditRow {
  readonly [checked]: AuditEvent;
}

/** A Kysely instance or transaction over any tables that include audit_log. */
export type KyselyLike = Pick<Kysely<object>, 'isTransaction'>;

// Digits standing alone, not inside a longer token: an SM3 or SHA hex digest (a file's id) has runs
// of digits that now and then pass the ID checksum, and refusing its audit row would fail the request.
const ID_LIKE = /(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;
const LEGACY_ID_LIKE = /(?<![0-9A-Za-z])[0-9]{15}(?![0-9A-Za-z])/g;
const CHECKPOINT_LOCK = 73788;
/** Rows linked per chaining transaction. */
const CHAIN_BATCH = 2000;
/** A chaining pass starts this soon after a write (ms): rows written meanwhile share it. */
const CHAIN_DELAY_MS = 2;
/**
 * Under sustained writes a process starts its background passes at most this often (ms), each
 * linking what the interval gathered: a pass is six statements and a commit, and one pass per
 * audited transaction doubled the cost of a lifecycle transition (bench/transitions.ts).
 */
const CHAIN_INTERVAL_MS = 25;

/** What a checkpoint line asserts; MAC'd and SM2-signed. */
function checkpointStatement(type: 'head' | 'purge', seq: number, hash: string, at: string): string {
  return `${type === 'purge' ? 'purge\n' : ''}${seq}\n${hash}\n${at}`;
}
const PURGE_SETTING = 'audit_purged_through';
/**
 * The last failed chaining pass of any process ({ at, message }), in the database so that every
 * process and every later start sees it; removed by the next pass that commits.
 */
const CHAIN_FAILURE_SETTING = 'audit_chain_failure';
/**
 * A row unlinked for longer than this is overdue: every process chains moments after a write and
 * again at each checkpoint (every minute), so only failing passes, or no process at all, leave one.
 */
const CHAIN_OVERDUE_MS = 120_000;

/** A programming guard: audit rows must never carry an ID number (18- or 15-digit, security.md). */
function assertNoIdNumbers(value: unknown): void {
  const text = canonical(value);
  for (const m of text.matchAll(ID_LIKE)) {
    if (validateIdNumber(m[0]).valid) throw new Error('audit event carries an ID number in clear');
  }
  for (const m of text.matchAll(LEGACY_ID_LIKE)) {
    if (validateIdNumber(m[0]).valid) throw new Error('audit event carries an ID number in clear');
  }
}

/**
 * Strings as the database will store them: a lone UTF-16 surrogate (e.g. in a typed user name)
 * would be stored as U+FFFD but hashed as sent, and the row would never verify again.
 */
function wellFormed<T>(v: T): T {
  if (typeof v === 'string') return v.toWellFormed() as T;
  if (Array.isArray(v)) return v.map(wellFormed) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toWellFormed(), wellFormed(x)])) as T;
  return v;
}

/**
 * What one audit row may hold. A row cannot be removed before its retention ends, so whatever a
 * caller sends (a header of 500 000 columns quoted in a refusal) must not become a row of tens of
 * megabytes: strings, lists and objects are cut, each saying how much there was.
 */
// items: a staff search shows at most 100 subjects and registers each (subjects.routes.ts): keep them equal.
export const AUDIT_LIMITS = { text: 2000, items: 100, depth: 8, detailsChars: 32_000 } as const;

function bounded(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return limitText(v, AUDIT_LIMITS.text);
  if (Array.isArray(v)) {
    const kept = v.slice(0, AUDIT_LIMITS.items).map((x) => (depth >= AUDIT_LIMITS.depth ? '…' : bounded(x, depth + 1)));
    return v.length > AUDIT_LIMITS.items ? [...kept, `……另有${v.length - AUDIT_LIMITS.items}项从略`] : kept;
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const entries = Object.entries(v);
    const kept = entries.slice(0, AUDIT_LIMITS.items).map(([k, x]) => [limitText(k, 100), depth >= AUDIT_LIMITS.depth ? '…' : bounded(x, depth + 1)]);
    if (entries.length > AUDIT_LIMITS.items) kept.push(['…', `另有${entries.length - AUDIT_LIMITS.items}项从略`]);
    return Object.fromEntries(kept);
  }
  return v;
}

function boundedEvent(e: AuditEvent): AuditEvent {
  let details = bounded(e.details ?? {}) as Record<string, unknown>;
  const size = JSON.stringify(details).length;
  if (size > AUDIT_LIMITS.detailsChars) details = { truncated: `详情共${size}字，超过${AUDIT_LIMITS.detailsChars}字的上限，从略`, keys: Object.keys(details).slice(0, 20) };
  return {
    ...e,
    details,
    ...(e.reason !== undefined ? { reason: limitText(e.reason, AUDIT_LIMITS.text) } : {}),
    ...(e.objectId !== undefined ? { objectId: limitText(e.objectId, 200) } : {}),
    ...(e.authorizationRef !== undefined ? { authorizationRef: limitText(e.authorizationRef, 200) } : {}),
  };
}

export class AuditLog {
  private chainTimer: NodeJS.Timeout | undefined;
  private chaining: Promise<number> | undefined;
  /** The last error of a background chaining pass, kept until a pass succeeds (rows wait meanwhile, nothing is lost). */
  lastChainError: Error | undefined;
  /** `autoChain` false: rows are chained only by `chain`, `checkpoint` and `verify` (tests of a crash before chaining). */
  autoChain = true;

  constructor(
    private readonly db: Kysely<AuditTables>,
    private readonly clock: Clock,
    private readonly checkpointFile: string,
    private readonly checkpointKey: Buffer,
    private readonly signer?: Signer,
  ) {}

  /** Appends one event inside `trx` (a transaction of the caller). Throws if it cannot: fail closed. */
  async record(tx: KyselyLike, event: AuditEvent): Promise<number> {
    // Callers pass their own transaction, typed with their own tables as well as ours.
    const trx = tx as unknown as Kysely<AuditTables>;
    const inserted = await this.recordStatement(event).execute(trx);
    const seq = inserted.rows[0]?.seq;
    if (seq === undefined) throw new Error('audit row not written');
    return Number(seq);
  }

  /**
   * The same row as `record` writes, as one INSERT … RETURNING seq that the caller folds into its
   * own statement (a data-modifying CTE: `with a as (${audit.recordStatement(e)}) …`), so a change and
   * its audit row go to the database in one round trip (the lifecycle's transitions,
   * bench/transitions.ts). The caller must run it in the transaction that makes the change; the
   * table is still written only by this module's SQL. Throws before anything is sent if the event
   * may not be written (an ID number in clear): fail closed.
   */
  recordStatement(event: AuditEvent): RawBuilder<{ seq: number | string }> {
    return this.insertRows([this.auditRow(event)]);
  }

  /**
   * One event checked and cut to what a row may hold (`AUDIT_LIMITS`), for `insertRows`: throws if
   * it may not be written (an ID number in clear), before anything is sent — a caller writing the
   * rows of several users' actions in one statement (the transition queue) learns whose it was.
   */
  auditRow(event: AuditEvent): AuditRow {
    // The guard sees the event whole: cut first, an ID number at the cut would slip through as a prefix.
    assertNoIdNumbers([event.reason, event.objectId, event.objectType, event.purpose, event.authorizationRef, event.actor, event.details ?? {}]);
    return { [checked]: wellFormed(boundedEvent(event)) };
  }

  /**
   * Checked rows (`auditRow`) as one INSERT … RETURNING seq, in order, for the caller's own
   * statement in the transaction that makes the change, as `recordStatement`.
   */
  insertRows(rows: readonly AuditRow[]): RawBuilder<{ seq: number | string }> {
    if (rows.length === 0) throw new Error('insertRows: no audit row');
    const at = this.clock.now().toISOString();
    const values = rows.map(({ [checked]: e }) => sql`(${at}::timestamptz, ${e.category}, ${e.event}, ${e.actor?.id ?? null}::text, ${e.actor?.name ?? null}::text,
        ${[...(e.actor?.roles ?? [])]}::text[], ${e.actor?.departmentId ?? null}::text, ${e.actor?.ip ?? null}::text, ${e.actor?.requestId ?? null}::text,
        ${e.objectType ?? null}::text, ${e.objectId ?? null}::text, ${e.result}, ${e.reason ?? null}::text, ${e.purpose ?? null}::text,
        ${e.authorizationRef ?? null}::text, ${e.resultCount ?? null}::integer, ${JSON.stringify(e.details ?? {})}::jsonb)`);
    // No lock and no chain here: the rows are linked after commit by `chain` (docs/adr/0004).
    const insert = sql<{ seq: number | string }>`
      insert into audit_log (at, category, event, actor_id, actor_name, actor_roles, department_id, ip, request_id,
        object_type, object_id, result, reason, purpose, authorization_ref, result_count, details)
      values ${sql.join(values)}
      returning seq`;
    // The caller commits after running it: a pass shortly after picks the rows up (or the next one does).
    this.chainSoon();
    return insert;
  }

  /** When this process's last background pass started (performance.now()). */
  private lastPassAt = -Infinity;

  private chainSoon(delay = CHAIN_DELAY_MS): void {
    if (!this.autoChain || this.chainTimer) return;
    const wait = Math.max(delay, this.lastPassAt + CHAIN_INTERVAL_MS - performance.now());
    this.chainTimer = setTimeout(() => {
      this.chainTimer = undefined;
      // Turned off meanwhile (`autoChain` false): rows wait for an explicit pass.
      if (!this.autoChain) return;
      this.lastPassAt = performance.now();
      this.chain().then(
        () => (this.lastChainError = undefined),
        (err: Error) => {
          // Rows stay unchained, not lost: the next write, checkpoint or verification chains them.
          this.lastChainError = err;
        },
      );
    }, wait);
    this.chainTimer.unref();
  }

  /** Stops background chaining (at shutdown, before the database closes). */
  stopChaining(): void {
    this.autoChain = false;
    if (this.chainTimer) clearTimeout(this.chainTimer);
    this.chainTimer = undefined;
  }

  /**
   * Links every committed row not yet in the chain, in sequence order, after the chain's head.
   * One chainer at a time across all processes (an advisory lock; a pass that finds it taken tries
   * again shortly, since the holder may not see rows committed after it started). Rows committed
   * later than a row with a higher number (a longer transaction) take the next places: the chain's
   * order is the order rows became visible, which keeps each writer's own order. Returns the number
   * of rows linked.
   */
  async chain(): Promise<number> {
    // One pass per process at a time; a caller arriving meanwhile waits for it and then runs its own,
    // so rows it committed before calling are linked when it returns.
    while (this.chaining) await this.chaining.catch(() => 0);
    const pass = this.chainPass();
    this.chaining = pass;
    try {
      return await pass;
    } catch (err) {
      await this.noteChainFailure(err as Error);
      throw err;
    } finally {
      if (this.chaining === pass) this.chaining = undefined;
    }
  }

  private async chainPass(): Promise<number> {
    let total = 0;
    for (;;) {
      const linked = await this.db.transaction().execute(async (trx) => {
        const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) as ok`.execute(trx);
        if (!got.rows[0]?.ok) return -1;
        const pending = await trx.selectFrom('audit_log').selectAll().where('chain_pos', 'is', null).orderBy('seq').limit(CHAIN_BATCH).execute();
        if (pending.length === 0) {
          // Nothing waits: any failure recorded is over.
          await sql`delete from app_setting where key = ${CHAIN_FAILURE_SETTING}`.execute(trx);
          return 0;
        }
        const head = await this.chainHead(trx);
        let pos = head.seq;
        let prev = head.hash;
        const seqs: number[] = [];
        const positions: number[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of pending) {
          // Hashed as stored and read back, exactly as `verify` will read it.
          const { chain_pos: _c, prev_hash: _p, hash: _h, ...row } = r;
          const hash = rowHash(prev, row);
          seqs.push(r.seq);
          positions.push(++pos);
          prevs.push(prev);
          hashes.push(hash);
          prev = hash;
        }
        // A pass that commits ends any failure recorded (in the same statement: no extra round trip).
        await sql`
          with recovered as (delete from app_setting where key = ${CHAIN_FAILURE_SETTING})
          update audit_log a set chain_pos = v.pos, prev_hash = v.prev, hash = v.hash
          from (select unnest(${seqs}::bigint[]) as seq, unnest(${positions}::bigint[]) as pos, unnest(${prevs}::text[]) as prev, unnest(${hashes}::text[]) as hash) v
          where a.seq = v.seq and a.chain_pos is null`.execute(trx);
        return pending.length;
      });
      if (linked < 0) {
        // Another process is chaining; its pass may have started before our rows were committed.
        this.chainSoon(20);
        return total;
      }
      total += linked;
      if (linked < CHAIN_BATCH) return total;
    }
  }

  /**
   * Records a failed pass in the database (best effort: a database that cannot be reached cannot
   * take it, and then the rows it could not link show as overdue once it can).
   */
  private async noteChainFailure(err: Error): Promise<void> {
    const failure = { at: this.clock.now().toISOString(), message: limitText(err.message || String(err), 500) };
    await putSetting(this.db, CHAIN_FAILURE_SETTING, JSON.stringify(failure)).catch(() => {});
  }

  /**
   * Whether rows are being chained, from the database alone: the rows waiting, the oldest one's
   * age, and the last failure any process recorded. The same answer on every process and after a
   * restart; it runs no pass itself.
   */
  async chainStatus(): Promise<ChainStatus> {
    const waiting = await this.db
      .selectFrom('audit_log')
      .select([sql<number>`count(*)::int`.as('n'), sql<Date | string | null>`min(at)`.as('oldest')])
      .where('chain_pos', 'is', null)
      .executeTakeFirstOrThrow();
    const raw = await getSetting(this.db, CHAIN_FAILURE_SETTING);
    let failure: ChainStatus['failure'] = null;
    if (raw) {
      try {
        const f = JSON.parse(raw) as { at?: unknown; message?: unknown };
        failure = { at: String(f.at ?? ''), message: String(f.message ?? '') };
      } catch {
        failure = { at: '', message: raw.slice(0, 500) };
      }
    }
    const oldest = waiting.oldest === null ? null : new Date(waiting.oldest);
    return {
      pending: waiting.n,
      oldestPendingAt: oldest?.toISOString() ?? null,
      overdue: oldest !== null && this.clock.now().getTime() - oldest.getTime() > CHAIN_OVERDUE_MS,
      overdueAfterSeconds: CHAIN_OVERDUE_MS / 1000,
      failure,
    };
  }

  /** The last chained row (its position and hash), or where the chain starts: genesis or the purge boundary. */
  private async chainHead(db: KyselyLike = this.db): Promise<{ seq: number; hash: string }> {
    const trx = db as unknown as Kysely<AuditTables>;
    const head = await trx.selectFrom('audit_log').select(['chain_pos', 'hash']).where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirst();
    if (head?.chain_pos != null && head.hash !== null) return { seq: head.chain_pos, hash: head.hash };
    return this.purgedThrough(db);
  }

  /** Records an event in its own transaction (logins, denials: nothing else changes). */
  async recordAlone(e: AuditEvent): Promise<number> {
    return this.db.transaction().execute((trx) => this.record(trx, e));
  }

  /** Where the chain starts: genesis, or the last row removed by a retention purge. */
  private async purgedThrough(db: KyselyLike = this.db): Promise<{ seq: number; hash: string }> {
    const raw = await getSetting(db, PURGE_SETTING);
    return raw ? (JSON.parse(raw) as { seq: number; hash: string }) : { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Retention: removes the oldest rows once every one of them is past its category's period
   * (security events `securityMonths`, query registrations and business events `otherYears`).
   * Only a prefix of the chain can go, so the rest still verifies from the recorded boundary.
   * The purge is itself audited in the same transaction.
   */
  /** `actor` null: the scheduled daily purge. */
  async purge(requested: { securityMonths: number; otherYears: number }, actor: Actor | null): Promise<{ removed: number; through: number }> {
    // Legal floors (网络安全法 Art. 21; query and sharing logs 5 years): configuration may lengthen, never shorten.
    const policy = { securityMonths: Math.max(6, requested.securityMonths), otherYears: Math.max(5, requested.otherYears) };
    const now = this.clock.now();
    const securityCutoff = new Date(now);
    securityCutoff.setUTCMonth(securityCutoff.getUTCMonth() - policy.securityMonths);
    const otherCutoff = new Date(now);
    otherCutoff.setUTCFullYear(otherCutoff.getUTCFullYear() - policy.otherYears);
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`.execute(trx);
      const keep = await trx
        .selectFrom('audit_log')
        .select(sql<number | null>`min(chain_pos)`.as('seq'))
        .where((eb) => eb.not(eb.or([eb.and([eb('category', '=', 'security'), eb('at', '<', securityCutoff)]), eb.and([eb('category', '!=', 'security'), eb('at', '<', otherCutoff)])])))
        .executeTakeFirstOrThrow();
      // Positions in the chain: only a prefix of it can go; rows not yet chained always stay.
      const chained = await trx.selectFrom('audit_log').select(['chain_pos']).where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirst();
      const head = chained?.chain_pos ?? null;
      const start = await this.purgedThrough(trx);
      // Never remove the head: the next row must chain onto a row that is still there or recorded.
      const through = Math.min(keep.seq === null ? (head ?? start.seq) : keep.seq - 1, (head ?? 1) - 1);
      if (through <= start.seq) {
        await this.record(trx, { category: 'security', event: 'audit.purge', actor, result: 'success', details: { removed: 0, ...policy } });
        return { removed: 0, through: start.seq };
      }
      const row = await trx.selectFrom('audit_log').select(['chain_pos', 'hash']).where('chain_pos', '=', through).executeTakeFirstOrThrow();
      const boundary = { seq: through, hash: row.hash ?? '' };
      // The database checks the legal floors again and deletes with its owner's rights.
      const removed = await sql<{ n: string }>`select audit_log_purge(${through}, ${now}) as n`.execute(trx);
      await putSetting(trx, PURGE_SETTING, JSON.stringify({ seq: boundary.seq, hash: boundary.hash }));
      // The boundary also goes, MAC'd, into the checkpoint file: a boundary set by hand in the
      // database (to hide deleted history) has no matching line and fails verification.
      this.appendCheckpoint({ type: 'purge', seq: boundary.seq, hash: boundary.hash });
      const count = Number(removed.rows[0]?.n ?? 0);
      await this.record(trx, { category: 'security', event: 'audit.purge', actor, result: 'success', details: { removed: count, through, ...policy } });
      return { removed: count, through };
    });
  }

  private mac(seq: number, hash: string, at: string, type: 'head' | 'purge' = 'head'): string {
    return hmacSm3(this.checkpointKey, checkpointStatement(type, seq, hash, at)).toString('hex');
  }

  private appendCheckpoint(c: { type: 'head' | 'purge'; seq: number; hash: string }): void {
    const at = this.clock.now().toISOString();
    fs.mkdirSync(path.dirname(this.checkpointFile), { recursive: true });
    const mac = this.mac(c.seq, c.hash, at, c.type);
    // SM2 signature over the same statement: verifiable with the public key alone, away from this host.
    const sig = this.signer ? { sig: this.signer.sign(checkpointStatement(c.type, c.seq, c.hash, at)) } : {};
    const line = { ...(c.type === 'purge' ? { type: 'purge' } : {}), seq: c.seq, hash: c.hash, at, mac, ...sig };
    fs.appendFileSync(this.checkpointFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  /**
   * Chains what is committed, then appends the chain head to the checkpoint file if it moved.
   * Returns the chain position written (a checkpoint's `seq` is a position in the chain).
   */
  async checkpoint(): Promise<number | null> {
    await this.chain();
    const chained = await this.db.selectFrom('audit_log').select(['chain_pos', 'hash']).where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirst();
    if (chained?.chain_pos == null || chained.hash === null) return null;
    const head = { seq: chained.chain_pos, hash: chained.hash };
    const last = this.readCheckpoints().filter((c) => c.type !== 'purge').at(-1);
    if (last && last.seq >= head.seq) return null;
    this.appendCheckpoint({ type: 'head', seq: head.seq, hash: head.hash });
    return head.seq;
  }

  private readCheckpoints(): { type?: 'purge'; seq: number; hash: string; at: string; mac: string; sig?: string; line: number }[] {
    if (!fs.existsSync(this.checkpointFile)) return [];
    return fs
      .readFileSync(this.checkpointFile, 'utf8')
      .split('\n')
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.trim() !== '')
      .map(({ l, i }) => {
        try {
          return { ...(JSON.parse(l) as { type?: 'purge'; seq: number; hash: string; at: string; mac: string; sig?: string }), line: i + 1 };
        } catch {
          return { seq: -1, hash: '', at: '', mac: '', line: i + 1 };
        }
      });
  }

  /**
   * Recomputes the whole chain in chain order and checks it against the external checkpoints.
   * `chainFirst` (default): links the committed rows not yet chained first, so the answer covers
   * every committed row; without it, rows still waiting are counted as `pending` and are no break.
   */
  async verify(opts: { chainFirst?: boolean } = {}): Promise<Verification> {
    // A failing chainer is no break of the chain: its rows are counted as pending, and the failure
    // is recorded for chainStatus.
    if (opts.chainFirst !== false) await this.chain().catch(() => 0);
    const checkpoints = this.readCheckpoints();
    for (const c of checkpoints) {
      const type = c.type === 'purge' ? 'purge' : 'head';
      const badSig = c.sig !== undefined && (!this.signer || !verifySm2(checkpointStatement(type, c.seq, c.hash, c.at), c.sig, this.signer.publicKey));
      if (c.seq < 1 || c.mac !== this.mac(c.seq, c.hash, c.at, type) || badSig) {
        return { intact: false, count: 0, lastSeq: 0, checkpoints: checkpoints.length, firstBroken: Math.max(c.seq, 1), reason: `检查点文件第${c.line}行被篡改或无效` };
      }
    }
    const start = await this.purgedThrough();
    if (start.seq > 0 && !checkpoints.some((c) => c.type === 'purge' && c.seq === start.seq && c.hash === start.hash)) {
      return { intact: false, count: 0, lastSeq: 0, checkpoints: checkpoints.length, firstBroken: 1, reason: `清理边界（第${start.seq}条）在检查点文件中没有签名记录：第1至${start.seq}条可能被删除` };
    }
    // Checkpoints of purged rows cannot be compared any more; the signed boundary stands in for them.
    const live = checkpoints.filter((c) => c.type !== 'purge' && c.seq > start.seq);
    const wanted = new Set(live.map((c) => c.seq));
    const seen = new Map<number, string>();
    let expected = start.seq + 1;
    let prev = start.hash;
    let count = 0;
    // Rows committed but not linked yet (a chainer had not run, or it failed): not a break, and said.
    const waiting = await this.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('chain_pos', 'is', null).executeTakeFirstOrThrow();
    const pending = waiting.n > 0 ? { pending: waiting.n } : {};
    const broken = (seq: number, reason: string): Verification => ({ intact: false, count, lastSeq: expected - 1, checkpoints: checkpoints.length, ...pending, firstBroken: seq, reason });
    for (;;) {
      const rows = await this.db.selectFrom('audit_log').selectAll().where('chain_pos', '>=', expected).orderBy('chain_pos').limit(5000).execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const pos = r.chain_pos ?? 0;
        // Positions are the chain's numbers; a row's own sequence number is named where it differs.
        const own = r.seq === pos ? '' : `（审计序号${r.seq}）`;
        if (pos !== expected) return broken(expected, `第${expected}条记录缺失（下一条为第${pos}条）`);
        if (r.prev_hash !== prev) return broken(pos, `第${pos}条记录${own}的前序哈希与链不符`);
        const { chain_pos: _c, prev_hash: _p, hash: stored, ...rest } = r;
        if (stored === null || rowHash(prev, rest as ChainRow) !== stored) return broken(pos, `第${pos}条记录${own}的内容与其哈希不符`);
        if (wanted.has(pos)) seen.set(pos, stored);
        prev = stored;
        expected++;
        count++;
      }
    }
    const lastSeq = expected - 1;
    let lastGood = start.seq;
    for (const c of live) {
      if (c.seq > lastSeq) {
        return { intact: false, count, lastSeq, checkpoints: checkpoints.length, ...pending, firstBroken: lastSeq + 1, reason: `检查点记录到第${c.seq}条，数据库只到第${lastSeq}条：尾部记录被删除` };
      }
      if (seen.get(c.seq) !== c.hash) {
        return {
          intact: false,
          count,
          lastSeq,
          checkpoints: checkpoints.length,
          ...pending,
          firstBroken: lastGood + 1,
          reason: `第${c.seq}条的哈希与外部检查点不符：第${lastGood + 1}至${c.seq}条之间的记录被改动且整链被重算`,
        };
      }
      lastGood = c.seq;
    }
    return { intact: true, count, lastSeq, checkpoints: checkpoints.length, ...pending };
  }

  /**
   * A page of the log, newest first. `event`: one code exactly; `words`: a search in words, each
   * part of an event's Chinese name or of its code (「登录」 → auth.login, auth.logout …), resolved
   * to codes here so the count and the pages are those of the matching events.
   */
  async list(q: { category?: AuditCategory; event?: string; words?: string; actorId?: string; from?: Date; to?: Date; limit: number; offset: number }) {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (q.category) query = query.where('category', '=', q.category);
    if (q.event) query = query.where('event', '=', q.event);
    const terms = q.words ? searchTerms(q.words) : [];
    if (terms.length > 0) {
      const codes = eventCodesMatching(q.words ?? '');
      // A code without a name (written by an older version) is still found by part of the code.
      const contains = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`; // a backslash is LIKE's default escape
      query = query.where((eb) => eb.or([...(codes.length > 0 ? [eb('event', 'in', codes)] : []), eb.and(terms.map((w) => eb('event', 'like', contains(w))))]));
    }
    if (q.actorId) query = query.where('actor_id', '=', q.actorId);
    if (q.from) query = query.where('at', '>=', q.from);
    if (q.to) query = query.where('at', '<', q.to);
    const total = await query.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const rows = await query.orderBy('seq', 'desc').limit(q.limit).offset(q.offset).execute();
    return { total: total.n, rows };
  }
}

/** The audit actor of a request: its principal (if any), client address and request id. */
export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  return {
    id: p?.id ?? 'anonymous',
    name: p?.name ?? 'anonymous',
    displayName: p?.displayName,
    roles: p?.roles ?? [],
    departmentId: p?.departmentId ?? null,
    ip: req.ip ?? null,
    requestId: req.id ?? null,
  };
}
