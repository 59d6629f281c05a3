/**
 * Sign-in throttling (issue #11). Failures lock an (account, source) pair, so a guesser locks out
 * only its own address and the real user elsewhere still signs in. Failures from all sources
 * together slow the account down for addresses it has not signed in from, so a guesser with many
 * addresses still gets few real checks. A name nobody holds is throttled exactly like a real one,
 * keyed by an HMAC of the normalized name: what was typed is never stored (it may be a password).
 *
 * The numbers (security policy defaults in brackets):
 * - Lock: lockoutThreshold [5] failed checks from one source within lockoutWindowMinutes [15]
 *   pause that source for that account for lockoutMinutes [30]. Attempts during the pause are
 *   refused without a check and not counted.
 * - Delay: once the account has lockoutThreshold [5] failed checks from all sources within the
 *   window, an unknown source gets one real check per 2^(n − threshold + 1) seconds, n being those
 *   failures (2, 4, 8, 16, 32 s, then loginDelayMaxSeconds [60]). Attempts inside the delay are
 *   refused without a check and do not extend it. A guesser with any number of addresses thus gets
 *   about 5 + 5 + 14 ≈ 24 real checks in the first 15 minutes and about one a minute after that.
 * - A source is known for KNOWN_SOURCE_DAYS [30] after a completed sign-in from it; known sources
 *   are not delayed (the real user keeps signing in during an attack), only locked.
 * - Wrong second-factor codes and wrong current passwords count like wrong passwords, and are held
 *   by the lock; the delay holds password checks at sign-in only (see gate).
 */
import { sql, type Kysely } from 'kysely';
import type { LoginLockView } from '../../../common/identity-api.js';
import type { Clock } from '../../platform/clock.js';
import { hmacSm3 } from '../../platform/crypto/index.js';
import type { SettingsTables } from '../../platform/db/settings.js';
import { AppError } from '../../platform/errors.js';
import type { Actor, AuditLog, AuditTables } from '../audit/index.js';
import type { IdentityTables } from './identity.tables.js';
import type { SecurityPolicy } from './security-policy.js';

/** The service's database type, so its transactions can be passed in. */
type Db = Kysely<IdentityTables & AuditTables & SettingsTables>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 1440 * MINUTE;
export const KNOWN_SOURCE_DAYS = 30;

/** How user names are compared: the same for the account lookup and for the throttle's key. */
export function normalizeUsername(typed: string): string {
  return typed.trim().toLowerCase();
}

/**
 * The source a failure counts against: an IPv4 address, or an IPv6 address's /64 (one subscriber's
 * prefix, which it can fill with addresses at will).
 */
export function sourceOf(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The wait before the next check from an unknown source, after n failures within the window. */
export function delayMs(n: number, p: SecurityPolicy): number {
  if (n < p.lockoutThreshold) return 0;
  return Math.min(p.loginDelayMaxSeconds, 2 ** Math.min(n - p.lockoutThreshold + 1, 30)) * SECOND;
}

export type Gate = { open: true } | { open: false; reason: 'locked' | 'delayed' };

export interface Failure {
  key: string;
  source: string;
  userId: string | null;
  actor: Actor;
  /** Audit reason: 'unknown user', 'disabled', 'wrong password', 'wrong second factor', … */
  reason: string;
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly hmacKey: Buffer,
    private readonly clock: Clock,
  ) {}

  /** HMAC-SM3 of the normalized name: known and unknown names alike, never the name itself. */
  accountKey(typed: string): string {
    return hmacSm3(this.hmacKey, normalizeUsername(typed)).toString('hex');
  }

  /**
   * Whether a real check may happen now. When the account is in its delay, this takes the one
   * check the delay allows (a conditional update, so concurrent attempts cannot share it).
   * `delay: false` for the steps after the password (second factor, password change): a password
   * check, itself delayed, opened their session, and the real user must not find the check they
   * just used blocking their next step.
   */
  async gate(key: string, source: string, p: SecurityPolicy, opts: { delay: boolean } = { delay: true }): Promise<Gate> {
    const now = this.clock.now();
    const pair = await this.db.selectFrom('login_source').select(['locked_until', 'signed_in_at']).where('account_key', '=', key).where('source', '=', source).executeTakeFirst();
    if (pair?.locked_until && pair.locked_until > now) return { open: false, reason: 'locked' };
    if (!opts.delay || (pair?.signed_in_at && pair.signed_in_at.getTime() > now.getTime() - KNOWN_SOURCE_DAYS * DAY)) return { open: true };
    const account = await this.db.selectFrom('login_account').select('failures').where('account_key', '=', key).executeTakeFirst();
    const windowStart = now.getTime() - p.lockoutWindowMinutes * MINUTE;
    const n = (account?.failures ?? []).filter((f) => f.getTime() > windowStart).length;
    const delay = delayMs(n, p);
    if (delay === 0) return { open: true };
    const taken = await this.db
      .updateTable('login_account')
      .set({ next_check_at: new Date(now.getTime() + delay) })
      .where('account_key', '=', key)
      .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now)]))
      .returning('id')
      .executeTakeFirst();
    return taken ? { open: true } : { open: false, reason: 'delayed' };
  }

  /**
   * Counts a failed check against the pair and the account, atomically (concurrent failures all
   * count); the pair locks at the threshold, the account's delay grows. Audited in the same
   * transaction. The account's sessions are left alone: a guesser must not sign the real user out.
   */
  async failure(f: Failure, p: SecurityPolicy, object: { objectType?: string; objectId?: string } = {}): Promise<void> {
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - p.lockoutWindowMinutes * MINUTE);
    const windowEnd = new Date(now.getTime() + p.lockoutWindowMinutes * MINUTE);
    const kept = (table: 'login_source' | 'login_account') => sql<Date[]>`array_append(array(select x from unnest(${sql.ref(`${table}.failures`)}) x where x > ${windowStart}), ${now}::timestamptz)`;
    await this.db.transaction().execute(async (trx) => {
      const pair = await trx
        .insertInto('login_source')
        .values({ account_key: f.key, source: f.source, user_id: f.userId, failures: sql`array[${now}::timestamptz]`, keep_until: windowEnd })
        .onConflict((oc) => oc.columns(['account_key', 'source']).doUpdateSet({ failures: kept('login_source'), user_id: f.userId, keep_until: sql`greatest(login_source.keep_until, ${windowEnd}::timestamptz)` }))
        .returning(['id', 'locked_until', sql<number>`cardinality(failures)`.as('n')])
        .executeTakeFirstOrThrow();
      // A failure that raced past the gate while the lock was being set does not lock again.
      const alreadyLocked = pair.locked_until !== null && pair.locked_until > now;
      const lockedUntil = pair.n >= p.lockoutThreshold && !alreadyLocked ? new Date(now.getTime() + p.lockoutMinutes * MINUTE) : null;
      if (lockedUntil) {
        await trx.updateTable('login_source').set({ locked_until: lockedUntil, keep_until: sql`greatest(keep_until, ${lockedUntil}::timestamptz)` }).where('id', '=', pair.id).execute();
      }
      const account = await trx
        .insertInto('login_account')
        .values({ account_key: f.key, user_id: f.userId, failures: sql`array[${now}::timestamptz]`, keep_until: windowEnd })
        .onConflict((oc) => oc.column('account_key').doUpdateSet({ failures: kept('login_account'), user_id: f.userId, keep_until: windowEnd }))
        .returning(['id', sql<number>`cardinality(failures)`.as('n')])
        .executeTakeFirstOrThrow();
      const delay = delayMs(account.n, p);
      if (delay > 0) await trx.updateTable('login_account').set({ next_check_at: new Date(now.getTime() + delay) }).where('id', '=', account.id).execute();
      await this.audit.record(trx, { category: 'security', event: 'auth.login', actor: f.actor, result: 'failure', reason: f.reason, ...object, details: { source: f.source, failuresFromSource: pair.n, failuresOnAccount: account.n } });
      if (lockedUntil) await this.audit.record(trx, { category: 'security', event: 'auth.lockout', actor: f.actor, result: 'success', ...object, details: { source: f.source, until: lockedUntil.toISOString() } });
    });
    await this.removeStale(now);
  }

  /**
   * Rows past keep_until say nothing any more. Removed after the failure's own transaction, and
   * skipping rows another transaction holds, so removal never waits for or deadlocks with a sign-in.
   */
  private async removeStale(now: Date): Promise<void> {
    for (const table of ['login_source', 'login_account'] as const) {
      await sql`delete from ${sql.table(table)} where id in (select id from ${sql.table(table)} where keep_until < ${now} limit 1000 for update skip locked)`.execute(this.db);
    }
  }

  /**
   * A completed sign-in: the pair's failures and lock go, and the source becomes known. The
   * account's failures stay: they are the guessers' too, and age out of the window by themselves.
   */
  async success(trx: Db, key: string, source: string, userId: string): Promise<void> {
    const now = this.clock.now();
    const keep = new Date(now.getTime() + KNOWN_SOURCE_DAYS * DAY);
    await trx
      .insertInto('login_source')
      .values({ account_key: key, source, user_id: userId, signed_in_at: now, keep_until: keep })
      .onConflict((oc) => oc.columns(['account_key', 'source']).doUpdateSet({ failures: [], locked_until: null, signed_in_at: now, user_id: userId, keep_until: keep }))
      .execute();
  }

  /** Every lock and delay of one account ends (administrator recovery, password reset); returns how many were in force. */
  async clearAccount(trx: Db, key: string): Promise<number> {
    const now = this.clock.now();
    const locked = await trx.selectFrom('login_source').select('id').where('account_key', '=', key).where('locked_until', '>', now).execute();
    const delayed = await trx.selectFrom('login_account').select('id').where('account_key', '=', key).where('next_check_at', '>', now).execute();
    await trx.updateTable('login_source').set({ failures: [], locked_until: null }).where('account_key', '=', key).execute();
    await trx.updateTable('login_account').set({ failures: [], next_check_at: null }).where('account_key', '=', key).execute();
    return locked.length + delayed.length;
  }

  /** Locks in force and accounts in their delay, newest end first. */
  async list(p: SecurityPolicy): Promise<LoginLockView[]> {
    const now = this.clock.now();
    const windowStart = now.getTime() - p.lockoutWindowMinutes * MINUTE;
    const locks = await this.db
      .selectFrom('login_source')
      .leftJoin('app_user', 'app_user.id', 'login_source.user_id')
      .select(['login_source.id', 'login_source.source', 'login_source.failures', 'login_source.locked_until', 'app_user.username', 'app_user.display_name'])
      .where('login_source.locked_until', '>', now)
      .execute();
    const delays = await this.db
      .selectFrom('login_account')
      .leftJoin('app_user', 'app_user.id', 'login_account.user_id')
      .select(['login_account.id', 'login_account.failures', 'login_account.next_check_at', 'app_user.username', 'app_user.display_name'])
      .where('login_account.next_check_at', 'is not', null)
      .execute();
    const views: LoginLockView[] = [
      ...locks.map((r) => ({ id: r.id, username: r.username, displayName: r.display_name, source: r.source, failures: r.failures.length, until: (r.locked_until as Date).toISOString() })),
      ...delays
        .map((r) => ({ r, n: r.failures.filter((f) => f.getTime() > windowStart).length }))
        // In its delay while the failures within the window reach the threshold, or a wait is still running.
        .filter(({ r, n }) => n >= p.lockoutThreshold || (r.next_check_at as Date) > now)
        .map(({ r, n }) => ({ id: r.id, username: r.username, displayName: r.display_name, source: null, failures: n, until: (r.next_check_at as Date).toISOString() })),
    ];
    return views.sort((a, b) => b.until.localeCompare(a.until));
  }

  /** The security administrator lifts one lock or delay; audited in the same transaction. */
  async lift(id: string, reason: string, actor: Actor): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const lock = await trx.updateTable('login_source').set({ failures: [], locked_until: null }).where('id', '=', id).where('locked_until', '>', now).returning(['user_id', 'source']).executeTakeFirst();
      const delay = lock ? undefined : await trx.updateTable('login_account').set({ failures: [], next_check_at: null }).where('id', '=', id).where('next_check_at', 'is not', null).returning('user_id').executeTakeFirst();
      const lifted = lock ?? delay;
      if (!lifted) throw new AppError('NOT_FOUND', undefined, '该锁定已解除或已到期，请刷新列表');
      const object = lifted.user_id ? { objectType: 'user', objectId: lifted.user_id } : { objectType: 'loginLock', objectId: id };
      await this.audit.record(trx, { category: 'security', event: 'auth.lock_lift', actor, result: 'success', reason, ...object, details: { source: lock?.source ?? null, scope: lock ? 'source' : 'account' } });
    });
  }

  /** Per account, the latest end of a lock in force from some source; `db`: the caller's transaction, if any. */
  async lockedUntil(db: Db, userIds?: string[]): Promise<Map<string, Date>> {
    if (userIds && userIds.length === 0) return new Map();
    let q = db
      .selectFrom('login_source')
      .select(['user_id', sql<Date>`max(locked_until)`.as('until')])
      .where('locked_until', '>', this.clock.now())
      .where('user_id', 'is not', null)
      .groupBy('user_id');
    if (userIds) q = q.where('user_id', 'in', userIds);
    const rows = await q.execute();
    return new Map(rows.map((r) => [r.user_id as string, new Date(r.until)]));
  }
}
