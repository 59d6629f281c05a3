/**
 * Accounts, departments, sign-in and sessions. Every change and every sign-in event is audited in
 * the same transaction as the change itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { normalizeCode } from '../../../common/identifiers/index.js';
import { normalizeName } from '../../../common/text.js';
import type { Clock } from '../../platform/clock.js';
import { hmacSm3, sm3Hex, type FieldCipher } from '../../platform/crypto/index.js';
import { getSetting, putSetting, type SettingsTables } from '../../platform/db/settings.js';
import { AppError } from '../../platform/errors.js';
import { ADMIN_ROLES, STAFF_ROLES, type Principal, type Role } from '../../platform/policy.js';
import type { Actor, AuditLog, AuditTables } from '../audit/index.js';
import { hashPassword, oneTimePassword, passwordIssues, reused, verifyPassword } from './password.js';
import { DEFAULT_SECURITY_POLICY, securityPolicySchema, type SecurityPolicy } from './security-policy.js';
import type { IdentityTables } from './identity.tables.js';
import { TotpFactor, type Enrolment, type SecondFactor } from './second-factor.js';
import { LoginThrottle, normalizeUsername, sourceOf } from './login-throttle.js';
import { regionsFromCatalogFiles, type RegionLookup } from './regions.js';

type Db = Kysely<IdentityTables & AuditTables & SettingsTables>;
type UserRow = Selectable<IdentityTables['app_user']>;
type SessionRow = Selectable<IdentityTables['user_session']>;
type DepartmentRow = Selectable<IdentityTables['department']>;

import { departmentCodeIssues, roleIssues, type DepartmentView, type LoginLockView, type NextStep, type UserView } from '../../../common/identity-api.js';
import type { SignInEventView } from '../../../common/sign-in-api.js';

export type { DepartmentView, LoginLockView, NextStep, UserView };
export { roleIssues };

/** A sign-in step's outcome; `session` is the new token pair when sign-in completed. */
export interface StepResult {
  next: NextStep;
  session?: { token: string; csrfToken: string };
}



const MINUTE = 60_000;
/** Wrong second-factor codes one password check allows. */
export const SECOND_FACTOR_TRIES = 3;
/** The most the policy can ask for (passwordHistory ≤ 24). */
const HISTORY_KEPT = 24;
/** Verified against when no real check happens, so every refusal costs as long as a wrong password. */
const DUMMY_HASH = hashPassword('xinyong-dummy-password-Aa1!');

/**
 * Every refusal of a sign-in step names both causes (a wrong entry, or a pause from this address),
 * so the answer cannot tell them apart.
 */
const WRONG_CURRENT_PASSWORD = '当前密码错误，或因多次失败已暂停从此地址登录；请稍后再试，或请安全管理员解除';

function userView(u: UserRow, lockedUntil: Date | undefined): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    departmentId: u.department_id,
    roles: u.roles,
    status: u.status,
    totpEnrolled: u.totp_enrolled_at !== null,
    mustChangePassword: u.must_change_password,
    lockedUntil: lockedUntil ? lockedUntil.toISOString() : null,
    version: u.version,
    createdAt: u.created_at.toISOString(),
  };
}

function departmentView(d: DepartmentRow, regionName: RegionLookup): DepartmentView {
  return { id: d.id, name: d.name, uscc: d.uscc, regionCode: d.region_code, regionName: d.region_code ? (regionName(d.region_code) ?? null) : null, parentId: d.parent_id, status: d.status, version: d.version };
}

/** A refusal's detail: which field, which rule, and why, in a sentence. */
type Issue = { field?: string; code: string; message: string; position?: number };

const isAdmin = (roles: readonly Role[]) => roles.some((r) => ADMIN_ROLES.includes(r));

export class IdentityService {
  private readonly throttle: LoginThrottle;
  private regionName: RegionLookup = regionsFromCatalogFiles;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly factor: SecondFactor = new TotpFactor(),
  ) {
    this.throttle = new LoginThrottle(db, audit, cipher.deriveKey('login throttle'), clock);
  }

  /** The catalog's region table, once it is loaded (see regions.ts). */
  useRegions(lookup: RegionLookup): void {
    this.regionName = lookup;
  }

  private departmentView(d: DepartmentRow): DepartmentView {
    return departmentView(d, this.regionName);
  }

  /** `db`: the caller's transaction when there is one (PGlite has a single connection). */
  private async view(u: UserRow, db: Db = this.db): Promise<UserView> {
    return userView(u, (await this.throttle.lockedUntil(db, [u.id])).get(u.id));
  }

  private recoveryHash(code: string): string {
    return hmacSm3(this.cipher.deriveKey('recovery codes'), code.replace(/[\s-]/g, '').toUpperCase()).toString('hex');
  }

  async policy(): Promise<SecurityPolicy> {
    const raw = await getSetting(this.db, 'security_policy');
    return raw ? securityPolicySchema.parse(JSON.parse(raw)) : DEFAULT_SECURITY_POLICY;
  }

  async setPolicy(p: SecurityPolicy, actor: Actor): Promise<SecurityPolicy> {
    const before = await this.policy();
    await this.db.transaction().execute(async (trx) => {
      await putSetting(trx, 'security_policy', JSON.stringify(p));
      await this.audit.record(trx, { category: 'security', event: 'policy.update', actor, result: 'success', objectType: 'securityPolicy', details: { before, after: p } });
    });
    return p;
  }

  // ---- bootstrap and recovery -------------------------------------------------------------

  /** First start: no accounts exist, so create the system administrator with a one-time password. */
  async bootstrap(): Promise<{ username: string; password: string } | null> {
    const any = await this.db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
    if (any) return null;
    const password = oneTimePassword();
    const hashed = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      const u = await trx
        .insertInto('app_user')
        .values({ username: 'admin', display_name: '系统管理员', department_id: null, roles: ['sysAdmin'], password_hash: hashed, password_changed_at: this.clock.now(), totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit.record(trx, { category: 'security', event: 'user.bootstrap', actor: null, result: 'success', objectType: 'user', objectId: u.id, details: { username: 'admin', roles: ['sysAdmin'] } });
    });
    return { username: 'admin', password };
  }

  /** `npm run cli -- admin reset`: new one-time password, second factor re-enrolled, sign-in locks and delay lifted. */
  async resetAdministrator(username: string): Promise<string> {
    const user = await this.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
    if (!user || !user.roles.some((r) => ADMIN_ROLES.includes(r))) throw new AppError('NOT_FOUND', undefined, `没有名为「${username}」的管理员`);
    const password = oneTimePassword();
    const hashed = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('app_user')
        .set({ password_hash: hashed, password_history: [user.password_hash, ...user.password_history].slice(0, HISTORY_KEPT), password_changed_at: this.clock.now(), must_change_password: true, totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null, recovery_codes: [], status: 'active', version: sql`version + 1`, updated_at: this.clock.now() })
        .where('id', '=', user.id)
        .execute();
      await trx.deleteFrom('user_session').where('user_id', '=', user.id).execute();
      const locksLifted = await this.throttle.clearAccount(trx, this.throttle.accountKey(user.username));
      await this.audit.record(trx, { category: 'security', event: 'user.admin_reset', actor: { id: 'cli', name: '命令行', roles: [], departmentId: null, ip: null, requestId: null }, result: 'success', objectType: 'user', objectId: user.id, details: { username, locksLifted } });
    });
    return password;
  }

  // ---- departments and users --------------------------------------------------------------

  /**
   * A department's code, checked as the importer checks a provider's code (with the organization
   * code's check an error: departmentCodeIssues), and a region someone typed, which must be in the
   * table. `region` is the typed one, or where the code was issued (positions 3–8).
   */
  private departmentCode(uscc: string, typedRegion: string | undefined, refusal: string): { uscc: string; region: string } {
    const { normalized, issues } = departmentCodeIssues(uscc, this.regionName);
    const details: Issue[] = issues.map((e) => ({ field: 'uscc', ...e, message: e.message.startsWith('统一社会信用代码') ? e.message : `统一社会信用代码${e.message}` }));
    if (typedRegion !== undefined && !this.regionName(typedRegion)) details.push({ field: 'regionCode', code: 'REGION_UNKNOWN', message: `行政区划代码「${typedRegion}」不在GB/T 2260代码表中` });
    if (details.length > 0) throw new AppError('DEPARTMENT_INVALID', details, refusal);
    return { uscc: normalized, region: typedRegion ?? normalized.slice(2, 8) };
  }

  /** The parent exists and is not the department itself or one of its own sub-departments. */
  private async checkParent(trx: Db, departmentId: string | null, parentId: string, refusal: string): Promise<void> {
    const seen = new Set<string>();
    for (let at: string | null = parentId; at !== null && !seen.has(at); ) {
      if (at === departmentId) throw new AppError('DEPARTMENT_INVALID', [{ field: 'parentId', code: 'PARENT_CYCLE', message: '上级部门不能是本部门或其下级部门' }], refusal);
      seen.add(at);
      const row: { parent_id: string | null } | undefined = await trx.selectFrom('department').select('parent_id').where('id', '=', at).executeTakeFirst();
      if (!row && at === parentId) throw new AppError('DEPARTMENT_INVALID', [{ field: 'parentId', code: 'PARENT_UNKNOWN', message: '所选的上级部门不存在' }], refusal);
      at = row?.parent_id ?? null;
    }
  }

  /** Names and codes are unique: the name is every record's data source, the code its provider. */
  private async checkClash(trx: Db, departmentId: string | null, name: string, uscc: string): Promise<void> {
    const clash = await trx
      .selectFrom('department')
      .select(['id', 'name', 'uscc'])
      .where((eb) => eb.or([eb('name', '=', name), eb('uscc', '=', uscc)]))
      .$if(departmentId !== null, (q) => q.where('id', '!=', departmentId as string))
      .executeTakeFirst();
    if (!clash) return;
    const byName = clash.name === name;
    throw new AppError('DUPLICATE', [{ field: byName ? 'name' : 'uscc', message: byName ? `已有名为「${name}」的部门` : `统一社会信用代码${uscc}已登记为部门「${clash.name}」` }], byName ? '部门名称已被使用' : '该统一社会信用代码已登记为另一个部门');
  }

  async createDepartment(input: { name: string; uscc: string; regionCode?: string | undefined; parentId?: string | undefined }, actor: Actor): Promise<DepartmentView> {
    // The name the platform shows as every record's data source: NFKC, one line (common/text.ts).
    const name = normalizeName(input.name);
    const refusal = `不能新增部门「${name}」`;
    const code = this.departmentCode(input.uscc, input.regionCode, refusal);
    return this.db.transaction().execute(async (trx) => {
      if (input.parentId) await this.checkParent(trx, null, input.parentId, refusal);
      await this.checkClash(trx, null, name, code.uscc);
      const d = await trx
        .insertInto('department')
        .values({ name, uscc: code.uscc, region_code: code.region, parent_id: input.parentId ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(trx, { category: 'business', event: 'department.create', actor, result: 'success', objectType: 'department', objectId: d.id, details: { name: d.name, uscc: d.uscc, regionCode: d.region_code, parentId: d.parent_id } });
      return this.departmentView(d);
    });
  }

  /**
   * Name, code, region and parent. A changed code applies to what the department submits from now
   * on; records it submitted before keep the code they were submitted under (docs/architecture.md).
   * `regionCode: null` derives the region from the code again.
   */
  async updateDepartment(
    id: string,
    patch: { name?: string | undefined; uscc?: string | undefined; regionCode?: string | null | undefined; parentId?: string | null | undefined; version: number },
    actor: Actor,
  ): Promise<DepartmentView> {
    return this.db.transaction().execute(async (trx) => {
      const d = await trx.selectFrom('department').selectAll().where('id', '=', id).executeTakeFirst();
      if (!d) throw new AppError('NOT_FOUND', undefined, '没有这个部门');
      const refusal = `不能修改部门「${d.name}」`;
      const name = patch.name === undefined ? d.name : normalizeName(patch.name);
      // A region kept from before is not checked again (it may predate the current table).
      const typedRegion = typeof patch.regionCode === 'string' && patch.regionCode !== d.region_code ? patch.regionCode : undefined;
      const code = patch.uscc === undefined && typedRegion === undefined ? { uscc: d.uscc, region: d.region_code } : this.departmentCode(patch.uscc ?? d.uscc, typedRegion, refusal);
      const regionCode = patch.regionCode === undefined ? d.region_code : patch.regionCode === null ? code.uscc.slice(2, 8) : patch.regionCode;
      const parentId = patch.parentId === undefined ? d.parent_id : patch.parentId;
      if (parentId !== null && parentId !== d.parent_id) await this.checkParent(trx, id, parentId, refusal);
      await this.checkClash(trx, id, name, code.uscc);
      const updated = await trx
        .updateTable('department')
        .set({ name, uscc: code.uscc, region_code: regionCode, parent_id: parentId, version: sql`version + 1`, updated_at: this.clock.now() })
        .where('id', '=', id)
        .where('version', '=', patch.version)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new AppError('VERSION_CONFLICT');
      const before = { name: d.name, uscc: d.uscc, regionCode: d.region_code, parentId: d.parent_id };
      const after = { name: updated.name, uscc: updated.uscc, regionCode: updated.region_code, parentId: updated.parent_id };
      await this.audit.record(trx, { category: 'business', event: 'department.update', actor, result: 'success', objectType: 'department', objectId: id, details: { before, after } });
      return this.departmentView(updated);
    });
  }

  /**
   * A disabled department no longer works on the platform (merged or abolished): its accounts
   * and system accounts cannot sign in or submit, and their sessions end now. What it published
   * stays public under the catalog's rules; enabling it again restores its active accounts.
   */
  async setDepartmentStatus(id: string, status: 'active' | 'disabled', reason: string, actor: Actor): Promise<DepartmentView> {
    return this.db.transaction().execute(async (trx) => {
      const d = await trx.selectFrom('department').selectAll().where('id', '=', id).executeTakeFirst();
      if (!d) throw new AppError('NOT_FOUND', undefined, '没有这个部门');
      const verb = status === 'disabled' ? '停用' : '启用';
      if (d.status === status) throw new AppError('DEPARTMENT_INVALID', [{ field: 'status', code: 'STATUS_UNCHANGED', message: `该部门已是${verb}状态` }], `不能${verb}部门「${d.name}」`);
      const updated = await trx.updateTable('department').set({ status, version: sql`version + 1`, updated_at: this.clock.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      const sessionsEnded =
        status === 'disabled'
          ? Number((await trx.deleteFrom('user_session').where('user_id', 'in', trx.selectFrom('app_user').select('id').where('department_id', '=', id)).executeTakeFirst()).numDeletedRows)
          : 0;
      await this.audit.record(trx, { category: 'security', event: `department.${status === 'disabled' ? 'disable' : 'enable'}`, actor, result: 'success', reason, objectType: 'department', objectId: id, details: { name: d.name, sessionsEnded } });
      return this.departmentView(updated);
    });
  }

  /** By id, or by the department's own USCC (what operators type on the command line). */
  async department(idOrUscc: string): Promise<DepartmentView | undefined> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrUscc);
    const d = await this.db
      .selectFrom('department')
      .selectAll()
      .where(uuid ? 'id' : 'uscc', '=', uuid ? idOrUscc : normalizeCode(idOrUscc))
      .executeTakeFirst();
    return d ? this.departmentView(d) : undefined;
  }

  async departments(): Promise<DepartmentView[]> {
    return (await this.db.selectFrom('department').selectAll().orderBy('name').execute()).map((d) => this.departmentView(d));
  }

  /** A department a user is put in: it exists and works (not disabled). */
  private async departmentIssue(trx: Db, departmentId: string): Promise<Issue | null> {
    const d = await trx.selectFrom('department').select(['name', 'status']).where('id', '=', departmentId).executeTakeFirst();
    if (!d) return { field: 'departmentId', code: 'DEPARTMENT_UNKNOWN', message: '所选的部门不存在' };
    if (d.status !== 'active') return { field: 'departmentId', code: 'DEPARTMENT_DISABLED', message: `部门「${d.name}」已停用，不能再添加账户` };
    return null;
  }

  /**
   * The system administrator creates accounts with business roles. An administrator role can be
   * given here only while nobody holds it yet (setting up 三员分立 after the first start);
   * afterwards only the security administrator assigns roles.
   */
  async createUser(input: { username: string; displayName: string; departmentId?: string | undefined; roles: Role[] }, actor: Actor): Promise<{ user: UserView; oneTimePassword: string }> {
    const username = input.username.trim().toLowerCase();
    const issues = roleIssues(input.roles, input.departmentId ?? null);
    for (const r of input.roles.filter((x) => ADMIN_ROLES.includes(x))) {
      const holder = await this.db.selectFrom('app_user').select('id').where(sql<boolean>`${r} = any(roles)`).where('status', '=', 'active').executeTakeFirst();
      if (holder) issues.push({ code: 'ADMIN_ROLE_TAKEN', message: `已有用户担任${r === 'sysAdmin' ? '系统管理员' : r === 'secAdmin' ? '安全管理员' : '审计管理员'}：管理员角色此后只能由安全管理员分配` });
    }
    if (!/^[a-z][a-z0-9_.-]{2,31}$/.test(username)) issues.push({ code: 'USERNAME_FORMAT', message: '用户名须为3–32位小写字母、数字、点、下划线或连字符，以字母开头' });
    const refusal = `不能新增用户${username}`;
    if (issues.length > 0) throw new AppError('USER_INVALID', issues, refusal);
    const password = oneTimePassword();
    const hashed = await hashPassword(password);
    const user = await this.db.transaction().execute(async (trx) => {
      const departmentIssue = input.departmentId ? await this.departmentIssue(trx, input.departmentId) : null;
      if (departmentIssue) throw new AppError('USER_INVALID', [departmentIssue], refusal);
      if (await trx.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()) {
        throw new AppError('DUPLICATE', [{ field: 'username', message: `用户名${username}已被使用` }]);
      }
      const u = await trx
        .insertInto('app_user')
        .values({ username, display_name: normalizeName(input.displayName), department_id: input.departmentId ?? null, roles: input.roles, password_hash: hashed, password_changed_at: this.clock.now(), totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.audit.record(trx, { category: 'security', event: 'user.create', actor, result: 'success', objectType: 'user', objectId: u.id, details: { username, roles: input.roles, departmentId: u.department_id } });
      return u;
    });
    return { user: userView(user, undefined), oneTimePassword: password };
  }

  async users(): Promise<UserView[]> {
    const locks = await this.throttle.lockedUntil(this.db);
    return (await this.db.selectFrom('app_user').selectAll().orderBy('username').execute()).map((u) => userView(u, locks.get(u.id)));
  }

  /** Only the security administrator changes roles (enforced by the route policy). */
  async setRoles(userId: string, roles: Role[], version: number, actor: Actor): Promise<UserView> {
    return this.db.transaction().execute(async (trx) => {
      const u = await trx.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!u) throw new AppError('NOT_FOUND', undefined, '没有这个用户');
      const refusal = `不能修改用户${u.username}的角色`;
      if (u.id === actor.id) throw new AppError('USER_INVALID', [{ code: 'OWN_ROLES', message: '不能修改自己的角色' }], refusal);
      const issues = roleIssues(roles, u.department_id);
      if (issues.length > 0) throw new AppError('USER_INVALID', issues, refusal);
      const updated = await trx.updateTable('app_user').set({ roles, version: sql`version + 1`, updated_at: this.clock.now() }).where('id', '=', userId).where('version', '=', version).returningAll().executeTakeFirst();
      if (!updated) throw new AppError('VERSION_CONFLICT');
      await trx.deleteFrom('user_session').where('user_id', '=', userId).execute();
      await this.audit.record(trx, { category: 'security', event: 'user.roles', actor, result: 'success', objectType: 'user', objectId: userId, details: { before: u.roles, after: roles } });
      return this.view(updated, trx);
    });
  }

  /**
   * The system administrator corrects an account's display name and moves it between
   * departments. Another administrator's account is not theirs to change (三员分立).
   */
  async updateUser(userId: string, patch: { displayName?: string | undefined; departmentId?: string | null | undefined; version: number }, actor: Actor): Promise<UserView> {
    return this.db.transaction().execute(async (trx) => {
      const u = await trx.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!u) throw new AppError('NOT_FOUND', undefined, '没有这个用户');
      const refusal = `不能修改用户${u.username}的信息`;
      if (u.id !== actor.id && isAdmin(u.roles)) throw new AppError('FORBIDDEN', undefined, `${refusal}：管理员之间互不代管账户（三员分立）`);
      const displayName = patch.displayName === undefined ? u.display_name : normalizeName(patch.displayName);
      const departmentId = patch.departmentId === undefined ? u.department_id : patch.departmentId;
      const issues: Issue[] = [];
      if (departmentId !== null && departmentId !== u.department_id) {
        const issue = await this.departmentIssue(trx, departmentId);
        if (issue) issues.push(issue);
      }
      if (departmentId === null && u.roles.some((r) => STAFF_ROLES.includes(r))) issues.push({ field: 'departmentId', code: 'DEPARTMENT_REQUIRED', message: '该用户有业务角色，须归属一个部门' });
      if (issues.length > 0) throw new AppError('USER_INVALID', issues, refusal);
      const updated = await trx
        .updateTable('app_user')
        .set({ display_name: displayName, department_id: departmentId, version: sql`version + 1`, updated_at: this.clock.now() })
        .where('id', '=', userId)
        .where('version', '=', patch.version)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new AppError('VERSION_CONFLICT');
      await this.audit.record(trx, {
        category: 'security', event: 'user.update', actor, result: 'success', objectType: 'user', objectId: userId,
        details: { before: { displayName: u.display_name, departmentId: u.department_id }, after: { displayName, departmentId } },
      });
      return this.view(updated, trx);
    });
  }

  async resetPassword(userId: string, actor: Actor): Promise<string> {
    const password = oneTimePassword();
    const hashed = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      const u = await trx.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!u) throw new AppError('NOT_FOUND');
      if (u.roles.some((r) => ADMIN_ROLES.includes(r))) {
        // One administrator does not take over another's account: recovery is `npm run cli -- admin reset`.
        throw new AppError('FORBIDDEN', undefined, '管理员账户不能在此重置，请在服务器上运行 npm run cli -- admin reset <用户名>');
      }
      await trx
        .updateTable('app_user')
        .set({ password_hash: hashed, password_history: [u.password_hash, ...u.password_history].slice(0, HISTORY_KEPT), password_changed_at: this.clock.now(), must_change_password: true, version: sql`version + 1`, updated_at: this.clock.now() })
        .where('id', '=', userId)
        .execute();
      await trx.deleteFrom('user_session').where('user_id', '=', userId).execute();
      // A new password starts without the failures and pauses of the old one, as it always has.
      const locksLifted = await this.throttle.clearAccount(trx, this.throttle.accountKey(u.username));
      await this.audit.record(trx, { category: 'security', event: 'user.password_reset', actor, result: 'success', objectType: 'user', objectId: userId, details: { locksLifted } });
    });
    return password;
  }

  /** Disabling ends the account's sessions at once; the reason is kept in the audit log. */
  async setStatus(userId: string, status: 'active' | 'disabled', reason: string, actor: Actor): Promise<UserView> {
    return this.db.transaction().execute(async (trx) => {
      const target = await trx.selectFrom('app_user').select(['username', 'roles', 'status', 'department_id']).where('id', '=', userId).executeTakeFirst();
      if (!target) throw new AppError('NOT_FOUND', undefined, '没有这个用户');
      const verb = status === 'disabled' ? '停用' : '启用';
      const refusal = `不能${verb}用户${target.username}`;
      if (isAdmin(target.roles)) throw new AppError('FORBIDDEN', undefined, `${refusal}：管理员账户不能在此停用或启用，管理员之间互不代管账户（三员分立）`);
      if (target.status === status) throw new AppError('USER_INVALID', [{ code: 'STATUS_UNCHANGED', message: `该用户已是${verb}状态` }], refusal);
      if (status === 'active' && target.department_id) {
        const d = await trx.selectFrom('department').select(['name', 'status']).where('id', '=', target.department_id).executeTakeFirst();
        if (d?.status === 'disabled') throw new AppError('USER_INVALID', [{ code: 'DEPARTMENT_DISABLED', message: `所在部门「${d.name}」已停用：请先启用该部门，或把用户调到其他部门` }], refusal);
      }
      const u = await trx.updateTable('app_user').set({ status, version: sql`version + 1`, updated_at: this.clock.now() }).where('id', '=', userId).returningAll().executeTakeFirstOrThrow();
      if (status === 'disabled') await trx.deleteFrom('user_session').where('user_id', '=', userId).execute();
      await this.audit.record(trx, { category: 'security', event: status === 'disabled' ? 'user.disable' : 'user.enable', actor, result: 'success', reason, objectType: 'user', objectId: userId });
      return this.view(u, trx);
    });
  }
  // ---- sign-in ---------------------------------------------------------------------------

  /** Accounts of a disabled department cannot sign in; an account without one (an administrator) can. */
  private async departmentWorks(departmentId: string | null): Promise<boolean> {
    if (departmentId === null) return true;
    const d = await this.db.selectFrom('department').select('status').where('id', '=', departmentId).executeTakeFirst();
    return d?.status === 'active';
  }

  private actorFor(u: UserRow, ip: string | null, requestId: string | null): Actor {
    return { id: u.id, name: u.username, roles: u.roles, departmentId: u.department_id, ip, requestId };
  }

  /** Pure: callers read the policy first (never inside a transaction: PGlite has one connection). */
  private nextStep(u: UserRow, s: Pick<SessionRow, 'second_factor_ok'>, p: SecurityPolicy): NextStep {
    const enrolled = u.totp_enrolled_at !== null;
    if (enrolled && !s.second_factor_ok) return 'totp';
    const expired = u.roles.some((r) => ADMIN_ROLES.includes(r)) && this.clock.now().getTime() - u.password_changed_at.getTime() > p.adminPasswordMaxAgeDays * 1440 * MINUTE;
    if (u.must_change_password || expired) return 'changePassword';
    if (!enrolled) return 'enrolTotp';
    return 'done';
  }

  /**
   * Password check, throttled per (account, source) and per account (login-throttle.ts). Returns a
   * new session token (cookie) and the next step.
   */
  async login(username: string, password: string, ip: string | null, requestId: string | null): Promise<{ token: string; csrfToken: string; next: NextStep; user: UserView }> {
    const now = this.clock.now();
    const p = await this.policy();
    const key = this.throttle.accountKey(username);
    const source = sourceOf(ip);
    const u = await this.db.selectFrom('app_user').selectAll().where('username', '=', normalizeUsername(username)).executeTakeFirst();
    // What was typed as a user name is not stored: it may be a password or an ID number typed into the wrong field.
    const anonymous: Actor = { id: 'anonymous', name: 'anonymous', roles: [], departmentId: null, ip, requestId };
    const actor = u ? this.actorFor(u, ip, requestId) : anonymous;
    const object = u ? { objectType: 'user', objectId: u.id } : {};
    // Every refusal below is the same answer after about the same time (one argon2 check): an
    // unknown name, a disabled account, a wrong password and a pause cannot be told apart.
    const gate = await this.throttle.gate(key, source, p);
    if (!gate.open) {
      await verifyPassword(await DUMMY_HASH, password);
      await this.audit.recordAlone({ category: 'security', event: 'auth.login', actor, result: 'denied', reason: gate.reason, ...object, details: { source } });
      throw new AppError('INVALID_CREDENTIALS');
    }
    const departmentWorks = u ? await this.departmentWorks(u.department_id) : false;
    const active = u?.status === 'active' && departmentWorks ? u : undefined;
    const ok = active ? await verifyPassword(active.password_hash, password) : await verifyPassword(await DUMMY_HASH, password).then(() => false);
    if (!active || !ok) {
      const reason = !u ? 'unknown user' : u.status !== 'active' ? 'disabled' : !departmentWorks ? 'department disabled' : 'wrong password';
      await this.throttle.failure({ key, source, userId: u?.id ?? null, actor, reason }, p, object);
      throw new AppError('INVALID_CREDENTIALS');
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const session = { id_hash: sm3Hex(token), user_id: active.id, stage: 'password' as const, second_factor_ok: false, csrf_token: csrfToken, created_at: now, last_seen_at: now };
    const next = this.nextStep(active, session, p);
    await this.db.transaction().execute(async (trx) => {
      // Failures are forgiven only when sign-in is complete: a correct password must not reset
      // the count of wrong second-factor codes.
      if (next === 'done') await this.throttle.success(trx, key, source, active.id);
      await trx.insertInto('user_session').values({ ...session, stage: next === 'done' ? 'full' : 'password' }).execute();
      await this.audit.record(trx, { category: 'security', event: 'auth.login', actor, result: 'success', objectType: 'user', objectId: active.id, details: { next } });
    });
    return { token, csrfToken, next, user: await this.view(active) };
  }

  /**
   * The throttle's gate for a step after the password (second factor, password change). A closed
   * gate is audited under the step's event and answered like a wrong entry.
   */
  private async stepGate(user: UserRow, actor: Actor, event: string, p: SecurityPolicy): Promise<{ key: string; source: string; open: boolean }> {
    const key = this.throttle.accountKey(user.username);
    const source = sourceOf(actor.ip);
    const gate = await this.throttle.gate(key, source, p, { delay: false });
    if (!gate.open) await this.audit.recordAlone({ category: 'security', event, actor, result: 'denied', reason: gate.reason, objectType: 'user', objectId: user.id, details: { source } });
    return { key, source, open: gate.open };
  }

  /** The security administrator's view of sign-in locks and delays. */
  async loginLocks(): Promise<LoginLockView[]> {
    return this.throttle.list(await this.policy());
  }

  async liftLoginLock(id: string, reason: string, actor: Actor): Promise<void> {
    await this.throttle.lift(id, reason, actor);
  }

  /** Resolves a session cookie: idle and absolute timeouts, CSRF on state-changing requests. */
  async sessionPrincipal(
    token: string,
    csrf: string | undefined,
    unsafe: boolean,
    request: { ip: string | null; requestId: string | null; route: string } = { ip: null, requestId: null, route: '' },
  ): Promise<{ principal: Principal; user: UserRow; session: SessionRow } | null> {
    const now = this.clock.now();
    const session = await this.db.selectFrom('user_session').selectAll().where('id_hash', '=', sm3Hex(token)).executeTakeFirst();
    if (!session) return null;
    const user = await this.db.selectFrom('app_user').selectAll().where('id', '=', session.user_id).executeTakeFirst();
    if (!user || user.status !== 'active' || !(await this.departmentWorks(user.department_id))) return null;
    const p = await this.policy();
    const idle = (user.roles.some((r) => ADMIN_ROLES.includes(r)) ? p.adminIdleMinutes : p.userIdleMinutes) * MINUTE;
    const idleFor = now.getTime() - session.last_seen_at.getTime();
    const age = now.getTime() - session.created_at.getTime();
    if (idleFor > idle || age > p.absoluteSessionHours * 60 * MINUTE) {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_session').where('id_hash', '=', session.id_hash).execute();
        await this.audit.record(trx, { category: 'security', event: 'auth.session_expired', actor: this.actorFor(user, null, null), result: 'success', reason: idleFor > idle ? 'idle' : 'absolute', objectType: 'user', objectId: user.id });
      });
      throw new AppError('SESSION_EXPIRED');
    }
    if (unsafe) {
      const ok = csrf !== undefined && csrf.length === session.csrf_token.length && timingSafeEqual(Buffer.from(csrf), Buffer.from(session.csrf_token));
      if (!ok) {
        // Audited like every other denial; the token sent is not written anywhere.
        await this.audit.recordAlone({ category: 'security', event: 'access.denied', actor: this.actorFor(user, request.ip, request.requestId), result: 'denied', reason: csrf === undefined ? 'csrf token missing' : 'csrf token wrong', objectType: 'route', objectId: request.route });
        throw new AppError('CSRF_FAILED');
      }
    }
    await this.db.updateTable('user_session').set({ last_seen_at: now }).where('id_hash', '=', session.id_hash).execute();
    return {
      principal: { kind: 'user', id: user.id, name: user.username, displayName: user.display_name, roles: user.roles, departmentId: user.department_id, stage: session.stage },
      user,
      session,
    };
  }

  private async sessionOf(token: string): Promise<{ user: UserRow; session: SessionRow }> {
    const session = await this.db.selectFrom('user_session').selectAll().where('id_hash', '=', sm3Hex(token)).executeTakeFirst();
    const user = session ? await this.db.selectFrom('app_user').selectAll().where('id', '=', session.user_id).executeTakeFirst() : undefined;
    if (!session || !user) throw new AppError('UNAUTHENTICATED');
    return { user, session };
  }

  /** Moves the session on after a step; 'full' once nothing remains. */
  /**
   * Moves the session on after a step. When sign-in completes, the session gets a new token and
   * CSRF token (no session fixation: whatever token existed before sign-in stops working).
   */
  private async advance(trx: Db, user: UserRow, session: SessionRow, patch: { second_factor_ok?: boolean }, p: SecurityPolicy, ip: string | null): Promise<StepResult> {
    const next = this.nextStep(user, { second_factor_ok: patch.second_factor_ok ?? session.second_factor_ok }, p);
    if (next !== 'done') {
      await trx.updateTable('user_session').set({ ...patch, stage: 'password' }).where('id_hash', '=', session.id_hash).execute();
      return { next };
    }
    await this.throttle.success(trx, this.throttle.accountKey(user.username), sourceOf(ip), user.id);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await trx.updateTable('user_session').set({ ...patch, stage: 'full', id_hash: sm3Hex(token), csrf_token: csrfToken }).where('id_hash', '=', session.id_hash).execute();
    return { next, session: { token, csrfToken } };
  }

  async me(token: string): Promise<{ user: UserView; next: NextStep; csrfToken: string }> {
    const { user, session } = await this.sessionOf(token);
    return { user: await this.view(user), next: this.nextStep(user, session, await this.policy()), csrfToken: session.csrf_token };
  }

  async changePassword(token: string, current: string, next: string, ip: string | null, requestId: string | null): Promise<StepResult> {
    const { user, session } = await this.sessionOf(token);
    const actor = this.actorFor(user, ip, requestId);
    const p = await this.policy();
    if (this.nextStep(user, session, p) === 'totp') throw new AppError('LOGIN_STEP_REQUIRED');
    const gate = await this.stepGate(user, actor, 'auth.password_change', p);
    if (!gate.open) {
      await verifyPassword(await DUMMY_HASH, current);
      throw new AppError('INVALID_CREDENTIALS', undefined, WRONG_CURRENT_PASSWORD);
    }
    if (!(await verifyPassword(user.password_hash, current))) {
      await this.throttle.failure({ key: gate.key, source: gate.source, userId: user.id, actor, reason: 'wrong current password' }, p, { objectType: 'user', objectId: user.id });
      throw new AppError('INVALID_CREDENTIALS', undefined, WRONG_CURRENT_PASSWORD);
    }
    const issues = passwordIssues(next, user.username);
    if (await reused(next, [user.password_hash, ...user.password_history].slice(0, p.passwordHistory))) {
      issues.push({ code: 'PASSWORD_REUSED', message: `不得使用最近${p.passwordHistory}次用过的密码` });
    }
    if (issues.length > 0) throw new AppError('PASSWORD_POLICY', issues);
    const hashed = await hashPassword(next);
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('app_user')
        .set({ password_hash: hashed, password_history: [user.password_hash, ...user.password_history].slice(0, HISTORY_KEPT), password_changed_at: this.clock.now(), must_change_password: false, version: sql`version + 1`, updated_at: this.clock.now() })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      // Other sessions of this user end with the old password.
      await trx.deleteFrom('user_session').where('user_id', '=', user.id).where('id_hash', '!=', session.id_hash).execute();
      // Session row before the audit lock, like every other transaction here: one lock order, no deadlock.
      const result = await this.advance(trx, updated, session, {}, p, ip);
      await this.audit.record(trx, { category: 'security', event: 'auth.password_change', actor, result: 'success', objectType: 'user', objectId: user.id });
      return result;
    });
  }

  async startTotpEnrolment(token: string): Promise<Enrolment['display']> {
    const { user } = await this.sessionOf(token);
    if (user.totp_enrolled_at) throw new AppError('USER_INVALID', [{ code: 'TOTP_ENROLLED', message: '已绑定动态验证码；如需重新绑定，请联系系统管理员重置' }]);
    const enrolment = await this.factor.startEnrolment(user.username);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('app_user').set({ totp_secret_enc: this.cipher.encrypt(enrolment.material) }).where('id', '=', user.id).execute();
      await this.audit.record(trx, { category: 'security', event: 'auth.totp_enrol_start', actor: this.actorFor(user, null, null), result: 'success', objectType: 'user', objectId: user.id });
    });
    return enrolment.display;
  }

  async confirmTotpEnrolment(token: string, code: string, ip: string | null, requestId: string | null): Promise<StepResult & { recoveryCodes: string[] }> {
    const { user, session } = await this.sessionOf(token);
    const actor = this.actorFor(user, ip, requestId);
    if (user.totp_enrolled_at || !user.totp_secret_enc) throw new AppError('USER_INVALID', [{ code: 'TOTP_NOT_STARTED', message: '请先开始绑定动态验证码' }]);
    const step = this.factor.verify(this.cipher.decrypt(user.totp_secret_enc), code, this.clock.now(), null);
    if (step === null) {
      await this.audit.recordAlone({ category: 'security', event: 'auth.totp_enrol', actor, result: 'failure', objectType: 'user', objectId: user.id });
      throw new AppError('SECOND_FACTOR_INVALID', undefined, '动态验证码错误，请确认手机时间准确后输入新的验证码');
    }
    const p = await this.policy();
    const recoveryCodes = Array.from({ length: 10 }, () => {
      const raw = randomBytes(5).toString('hex').toUpperCase();
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('app_user')
        .set({ totp_enrolled_at: this.clock.now(), totp_last_step: step, recovery_codes: recoveryCodes.map((c) => this.recoveryHash(c)) })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const result = await this.advance(trx, updated, session, { second_factor_ok: true }, p, ip);
      await this.audit.record(trx, { category: 'security', event: 'auth.totp_enrol', actor, result: 'success', objectType: 'user', objectId: user.id });
      return { ...result, recoveryCodes };
    });
  }

  /** The second factor: a TOTP code, or a one-time recovery code. Failures count toward the (account, source) lock. */
  async verifySecondFactor(token: string, input: { code?: string | undefined; recoveryCode?: string | undefined }, ip: string | null, requestId: string | null): Promise<StepResult> {
    const { user, session } = await this.sessionOf(token);
    const actor = this.actorFor(user, ip, requestId);
    const p = await this.policy();
    if (!user.totp_enrolled_at || !user.totp_secret_enc) throw new AppError('LOGIN_STEP_REQUIRED');
    const gate = await this.stepGate(user, actor, 'auth.totp', p);
    if (!gate.open) throw new AppError('SECOND_FACTOR_INVALID');
    const step = input.code ? this.factor.verify(this.cipher.decrypt(user.totp_secret_enc), input.code, this.clock.now(), user.totp_last_step) : null;
    const recovery = step === null && input.recoveryCode ? this.recoveryHash(input.recoveryCode) : null;
    const next = await this.db.transaction().execute(async (trx) => {
      // Conditional updates: of two concurrent uses of one code, only one changes a row.
      const updated =
        step !== null
          ? await trx.updateTable('app_user').set({ totp_last_step: step }).where('id', '=', user.id).where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).returningAll().executeTakeFirst()
          : recovery !== null
            ? await trx.updateTable('app_user').set({ recovery_codes: sql<string[]>`array_remove(recovery_codes, ${recovery})` }).where('id', '=', user.id).where(sql<boolean>`${recovery} = any(recovery_codes)`).returningAll().executeTakeFirst()
            : undefined;
      if (!updated) return null;
      const n = await this.advance(trx, updated, session, { second_factor_ok: true }, p, ip);
      await this.audit.record(trx, { category: 'security', event: recovery ? 'auth.recovery_code' : 'auth.totp', actor, result: 'success', objectType: 'user', objectId: user.id, ...(recovery ? { details: { recoveryCodesLeft: updated.recovery_codes.length } } : {}) });
      return n;
    });
    if (next === null) {
      await this.throttle.failure({ key: gate.key, source: gate.source, userId: user.id, actor, reason: 'wrong second factor' }, p, { objectType: 'user', objectId: user.id });
      // Codes are tried within one password check: after a few, the session ends and the password
      // must be checked again (and that check is slowed by the account's delay, from any address).
      const ended = await this.db.transaction().execute(async (trx) => {
        const s = await trx.updateTable('user_session').set({ second_factor_failures: sql`second_factor_failures + 1` }).where('id_hash', '=', session.id_hash).returning('second_factor_failures').executeTakeFirst();
        if (!s || s.second_factor_failures < SECOND_FACTOR_TRIES) return false;
        await trx.deleteFrom('user_session').where('id_hash', '=', session.id_hash).execute();
        await this.audit.record(trx, { category: 'security', event: 'auth.session_ended', actor, result: 'success', reason: 'too many wrong second-factor codes', objectType: 'user', objectId: user.id });
        return true;
      });
      if (ended) throw new AppError('UNAUTHENTICATED', undefined, `动态验证码或恢复码连续错误${SECOND_FACTOR_TRIES}次，本次登录已结束：请重新输入用户名和密码`);
      throw new AppError('SECOND_FACTOR_INVALID');
    }
    return next;
  }

  async logout(token: string, ip: string | null, requestId: string | null): Promise<void> {
    const { user, session } = await this.sessionOf(token);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_session').where('id_hash', '=', session.id_hash).execute();
      await this.audit.record(trx, { category: 'security', event: 'auth.logout', actor: this.actorFor(user, ip, requestId), result: 'success', objectType: 'user', objectId: user.id });
    });
  }

  /**
   * The account's own latest sign-in attempts (password and second-factor checks), so its owner
   * notices one that was not theirs. Read from the audit log, where every attempt on a known
   * account is recorded under its id; attempts with a name no account has stay out.
   */
  async recentSignIns(userId: string, limit = 10): Promise<SignInEventView[]> {
    const { rows } = await this.audit.list({ category: 'security', event: 'auth.login', actorId: userId, limit, offset: 0 });
    return rows.map((r) => ({ at: r.at.toISOString(), ip: r.ip, result: r.result, reason: r.result === 'success' ? null : (SIGN_IN_REASONS[r.reason ?? ''] ?? null) }));
  }
}

/** The audit reasons of a refused sign-in (login-throttle.ts, login above), as the owner is told them. */
const SIGN_IN_REASONS: Record<string, SignInEventView['reason']> = {
  'wrong password': 'wrongPassword',
  'wrong second factor': 'wrongSecondFactor',
  locked: 'paused',
  delayed: 'paused',
  disabled: 'disabled',
  'department disabled': 'disabled',
};
