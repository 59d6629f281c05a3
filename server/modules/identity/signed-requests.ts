/**
 * Signed requests for other government systems (approval systems, upper-level platforms).
 *
 *   X-App-Key:   the system account's key
 *   X-Timestamp: Unix time in seconds
 *   X-Nonce:     16–64 characters [A-Za-z0-9_-], never reused
 *   X-Signature: hex HMAC-SM3(secret, METHOD \n PATH?QUERY \n SM3-hex(body) \n timestamp \n nonce)
 *
 * A timestamp more than 5 minutes off, a nonce seen before, or a wrong signature → 401.
 */
import { normalizeName } from '../../../common/text.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { hmacSm3, sm3Hex, type FieldCipher } from '../../platform/crypto/index.js';
import { AppError } from '../../platform/errors.js';
import type { Principal, Role } from '../../platform/policy.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { IdentityTables } from './identity.tables.js';

export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface SignedHeaders {
  appKey: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export function stringToSign(method: string, pathAndQuery: string, body: Buffer | string, timestamp: string, nonce: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${sm3Hex(body)}\n${timestamp}\n${nonce}`;
}

/** What an integrator computes (also used by tests and the documentation example). */
export function sign(secret: string, method: string, pathAndQuery: string, body: Buffer | string, timestamp: string, nonce: string): string {
  return hmacSm3(Buffer.from(secret, 'utf8'), stringToSign(method, pathAndQuery, body, timestamp, nonce)).toString('hex');
}

/**
 * Told, inside the transaction that disables or enables a system account, whether the account may
 * receive again (the exchange holds or releases its deliveries: docs/exchange.md).
 */
export type AccountStatusListener = (trx: Kysely<unknown>, appKey: string, active: boolean) => Promise<unknown>;

export interface SystemAccountView {
  appKey: string;
  name: string;
  departmentId: string;
  roles: Role[];
  status: 'active' | 'disabled';
  createdAt: string;
}

export class SignedRequests {
  private readonly listeners: AccountStatusListener[] = [];

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly audit: AuditLog,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  async create(input: { name: string; departmentId: string }, actor: Actor): Promise<{ appKey: string; secret: string }> {
    const appKey = `xy_${randomBytes(9).toString('base64url')}`;
    const secret = randomBytes(32).toString('base64url');
    await this.db.transaction().execute(async (trx) => {
      const department = await trx.selectFrom('department').select(['name', 'status']).where('id', '=', input.departmentId).executeTakeFirst();
      if (!department) throw new AppError('USER_INVALID', [{ code: 'DEPARTMENT_UNKNOWN', message: '所选的部门不存在' }], '不能新增系统账号');
      if (department.status !== 'active') throw new AppError('USER_INVALID', [{ code: 'DEPARTMENT_DISABLED', message: `部门「${department.name}」已停用` }], '不能新增系统账号');
      await trx.insertInto('system_account').values({ app_key: appKey, name: normalizeName(input.name), department_id: input.departmentId, roles: ['system'], secret_enc: this.cipher.encrypt(secret) }).execute();
      await this.audit.record(trx, { category: 'security', event: 'system_account.create', actor, result: 'success', objectType: 'systemAccount', objectId: appKey, details: { name: input.name, departmentId: input.departmentId } });
    });
    return { appKey, secret };
  }

  async list(): Promise<SystemAccountView[]> {
    const rows = await this.db.selectFrom('system_account').select(['app_key', 'name', 'department_id', 'roles', 'status', 'created_at']).orderBy('name').execute();
    return rows.map(accountView);
  }

  /**
   * The account's status, its row locked against a disable or enable until the caller's transaction
   * ends (FOR SHARE): a subscription saved in it cannot miss a disable committing meanwhile.
   */
  async lockedStatus(trx: Kysely<unknown>, appKey: string): Promise<'active' | 'disabled' | undefined> {
    const row = await (trx as unknown as Kysely<IdentityTables>).selectFrom('system_account').select('status').where('app_key', '=', appKey).forShare().executeTakeFirst();
    return row?.status;
  }

  /** Called in the transaction of every disable / enable (the composition root wires the exchange). */
  onStatusChange(listener: AccountStatusListener): void {
    this.listeners.push(listener);
  }

  /**
   * 停用 / 启用 with a reason. A disabled account's signed requests are refused (verify) and the
   * exchange delivers nothing to it, holding what comes meanwhile (the listeners, same
   * transaction); enabling it sends that, in order. Audited in the same transaction.
   */
  async setStatus(appKey: string, status: 'active' | 'disabled', reason: string, actor: Actor): Promise<SystemAccountView> {
    return this.db.transaction().execute(async (trx) => {
      const account = await trx.selectFrom('system_account').selectAll().where('app_key', '=', appKey).forUpdate().executeTakeFirst();
      if (!account) throw new AppError('NOT_FOUND', undefined, `没有AppKey为「${appKey.slice(0, 64)}」的系统账号`);
      const verb = status === 'disabled' ? '停用' : '启用';
      const refusal = `不能${verb}系统账号「${account.name}」`;
      if (account.status === status) throw new AppError('USER_INVALID', [{ code: 'STATUS_UNCHANGED', message: `该系统账号已是${verb}状态` }], `${refusal}：它已是${verb}状态`);
      if (status === 'active') {
        const d = await trx.selectFrom('department').select(['name', 'status']).where('id', '=', account.department_id).executeTakeFirst();
        if (d?.status !== 'active') throw new AppError('USER_INVALID', [{ code: 'DEPARTMENT_DISABLED', message: `所属部门「${d?.name ?? ''}」已停用：请先启用该部门` }], `${refusal}：所属部门「${d?.name ?? ''}」已停用，请先启用该部门`);
      }
      const updated = await trx.updateTable('system_account').set({ status }).where('app_key', '=', appKey).returningAll().executeTakeFirstOrThrow();
      let subscriptions = 0;
      for (const listener of this.listeners) {
        const n = await listener(trx as unknown as Kysely<unknown>, appKey, status === 'active');
        if (typeof n === 'number') subscriptions += n;
      }
      await this.audit.record(trx, { category: 'security', event: `system_account.${status === 'disabled' ? 'disable' : 'enable'}`, actor, result: 'success', reason, objectType: 'systemAccount', objectId: appKey, details: { name: account.name, subscriptions } });
      return accountView(updated);
    });
  }

  /**
   * 重置密钥: a new secret, returned once; the old one stops working when this commits (every
   * request and every webhook signature is checked against the stored one). Audited without
   * either secret.
   */
  async newSecret(appKey: string, reason: string, actor: Actor): Promise<{ appKey: string; secret: string }> {
    const secret = randomBytes(32).toString('base64url');
    await this.db.transaction().execute(async (trx) => {
      const account = await trx.selectFrom('system_account').select(['name', 'status']).where('app_key', '=', appKey).forUpdate().executeTakeFirst();
      if (!account) throw new AppError('NOT_FOUND', undefined, `没有AppKey为「${appKey.slice(0, 64)}」的系统账号`);
      await trx.updateTable('system_account').set({ secret_enc: this.cipher.encrypt(secret) }).where('app_key', '=', appKey).execute();
      // Nonces seen under the old secret go with it: nothing signed with it is accepted again anyway.
      await trx.deleteFrom('request_nonce').where('app_key', '=', appKey).execute();
      await this.audit.record(trx, { category: 'security', event: 'system_account.secret_reset', actor, result: 'success', reason, objectType: 'systemAccount', objectId: appKey, details: { name: account.name, status: account.status } });
    });
    return { appKey, secret };
  }

  /**
   * The secrets of the given accounts that may still sign (active, department active), for the
   * platform's own signed requests to them (exchange webhooks, docs/exchange.md): the receiver
   * checks them exactly as the platform checks theirs.
   */
  async activeSecrets(appKeys: readonly string[]): Promise<Map<string, string>> {
    if (appKeys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('system_account as a')
      .innerJoin('department as d', 'd.id', 'a.department_id')
      .select(['a.app_key', 'a.secret_enc'])
      .where('a.app_key', 'in', [...new Set(appKeys)])
      .where('a.status', '=', 'active')
      .where('d.status', '=', 'active')
      .execute();
    return new Map(rows.map((r) => [r.app_key, this.cipher.decrypt(r.secret_enc)]));
  }

  /**
   * The claim a request makes before its signature is checked: nothing is looked up or decided on
   * it; `verify` (after the body is read) accepts or refuses, and audits a refusal.
   */
  provisional(appKey: string): Principal {
    return { kind: 'system', id: appKey.slice(0, 64), name: 'unverified', roles: [], departmentId: null, stage: 'password' };
  }

  /** Checks key, clock window, signature and nonce; the nonce is consumed only by a valid request. */
  async verify(h: SignedHeaders, method: string, pathAndQuery: string, body: Buffer, ip: string | null, requestId: string | null): Promise<Principal> {
    const deny = async (reason: string, message?: string): Promise<never> => {
      await this.audit.recordAlone({ category: 'security', event: 'auth.signed_request', actor: { id: h.appKey.slice(0, 64), name: 'system', roles: ['system'], departmentId: null, ip, requestId }, result: 'denied', reason });
      throw new AppError('SIGNATURE_INVALID', undefined, message);
    };
    const account = await this.db.selectFrom('system_account').selectAll().where('app_key', '=', h.appKey).executeTakeFirst();
    if (!account) return deny('unknown app key');
    const ts = Number(h.timestamp);
    if (!/^\d{9,11}$/.test(h.timestamp) || Math.abs(this.clock.now().getTime() - ts * 1000) > REPLAY_WINDOW_MS) return deny('timestamp outside the 5-minute window');
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(h.nonce)) return deny('malformed nonce');
    const expected = sign(this.cipher.decrypt(account.secret_enc), method, pathAndQuery, body, h.timestamp, h.nonce);
    const given = Buffer.from(h.signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) return deny('bad signature');
    // Only a caller holding the secret learns why a correctly signed request is refused: to anyone
    // else a disabled account looks like any wrong signature.
    if (account.status !== 'active') return deny('system account disabled', `系统账号「${account.name}」已被平台停用，签名请求一律拒绝：请联系平台的系统管理员`);
    // A disabled department's systems stop with its people (IdentityService.setDepartmentStatus).
    const department = await this.db.selectFrom('department').select(['name', 'status']).where('id', '=', account.department_id).executeTakeFirst();
    if (department?.status !== 'active') return deny('department disabled', `系统账号「${account.name}」所属的部门「${department?.name ?? ''}」已停用，签名请求一律拒绝：请联系平台的系统管理员`);
    const now = this.clock.now();
    await this.db.deleteFrom('request_nonce').where('seen_at', '<', new Date(now.getTime() - 2 * REPLAY_WINDOW_MS)).execute();
    const fresh = await this.db.insertInto('request_nonce').values({ app_key: h.appKey, nonce: h.nonce, seen_at: now }).onConflict((oc) => oc.doNothing()).returning('nonce').executeTakeFirst();
    if (!fresh) return deny('replayed nonce');
    return { kind: 'system', id: account.app_key, name: account.name, roles: account.roles, departmentId: account.department_id, stage: 'full' };
  }
}

function accountView(r: { app_key: string; name: string; department_id: string; roles: Role[]; status: 'active' | 'disabled'; created_at: Date }): SystemAccountView {
  return { appKey: r.app_key, name: r.name, departmentId: r.department_id, roles: r.roles, status: r.status, createdAt: new Date(r.created_at).toISOString() };
}
