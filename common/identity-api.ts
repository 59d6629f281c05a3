/** Shapes the identity API answers with, shared by the server and the console. */
import { validateUscc, type CodeIssue, type RegionLookup } from './identifiers/index.js';

export type Role =
  | 'creditOffice' // 信用办
  | 'submitter' // 数据报送员
  | 'reviewer' // 审核员
  | 'implementer' // 惩戒/激励实施部门
  | 'sysAdmin' // 系统管理员
  | 'secAdmin' // 安全管理员
  | 'auditAdmin' // 审计管理员
  | 'system'; // 系统账号 (approval systems, upper-level platforms)

/** totp: enter a code; changePassword: forced change; enrolTotp: enrol a factor; done: signed in. */
export type NextStep = 'totp' | 'changePassword' | 'enrolTotp' | 'done';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  departmentId: string | null;
  roles: Role[];
  status: 'active' | 'disabled';
  totpEnrolled: boolean;
  mustChangePassword: boolean;
  /** The latest end of a sign-in lock from some source address; other addresses can still sign in. */
  lockedUntil: string | null;
  version: number;
  createdAt: string;
}

export interface DepartmentView {
  id: string;
  name: string;
  uscc: string;
  regionCode: string | null;
  /** The region's name in GB/T 2260 (catalog/regions.csv); null when the code is not in the table. */
  regionName: string | null;
  parentId: string | null;
  /** disabled: the department no longer works on the platform; its accounts cannot sign in or submit. */
  status: 'active' | 'disabled';
  version: number;
}

/**
 * A current sign-in lock or delay, as the security administrator sees it. `source`: one address
 * (or IPv6 /64) locked for this account; null: the account's progressive delay for unknown
 * addresses. `username` is null when no account has the name that was typed.
 */
export interface LoginLockView {
  id: string;
  username: string | null;
  displayName: string | null;
  source: string | null;
  /** Failed checks within the window (from this source, or from every source for the delay). */
  failures: number;
  /** The lock's end, or for the delay the earliest next check from an unknown address. */
  until: string;
}

/**
 * A department's own code, checked as the importer checks every row's provider code (GB 32100),
 * and stricter on one point: the organization code's check character (GB 11714, position 17) is
 * an error here, not a warning. A department is an organ with a genuine organization code; a wrong
 * one would be flagged on every row it submits. Used by the server and by the console's form.
 */
export function departmentCodeIssues(input: string, regionName?: RegionLookup): { normalized: string; issues: CodeIssue[] } {
  const v = validateUscc(input, regionName);
  const orgCode = v.warnings.filter((w) => w.code === 'USCC_ORG_CODE_CHECK');
  return { normalized: v.normalized, issues: [...v.errors, ...orgCode] };
}

/** The three separated administrators (三员分立); the server's policy (server/platform/policy.ts) lists the same. */
export const ADMINISTRATOR_ROLES: readonly Role[] = ['sysAdmin', 'secAdmin', 'auditAdmin'];
/** Roles that run the platform's business: each needs a department. */
export const BUSINESS_ROLES: readonly Role[] = ['creditOffice', 'submitter', 'reviewer', 'implementer'];

/**
 * Whether an account may hold these roles (三员分立: an administrator holds exactly one
 * administrator role and no business role). The server refuses with these; the console explains
 * them before anyone can send the change.
 */
export function roleIssues(roles: readonly Role[], departmentId: string | null): { code: string; message: string }[] {
  const issues: { code: string; message: string }[] = [];
  if (roles.length === 0) issues.push({ code: 'ROLES_EMPTY', message: '每个账户至少要有一个角色' });
  if (roles.includes('system')) issues.push({ code: 'ROLE_SYSTEM', message: '系统账号角色只能用于系统账号' });
  const admin = roles.filter((r) => ADMINISTRATOR_ROLES.includes(r));
  if (admin.length > 0 && roles.length > 1) issues.push({ code: 'ROLES_SEPARATION', message: '系统管理员、安全管理员、审计管理员三员分立：管理员只能拥有一个管理员角色，且不得兼任业务角色' });
  if (roles.some((r) => BUSINESS_ROLES.includes(r)) && !departmentId) issues.push({ code: 'DEPARTMENT_REQUIRED', message: '业务角色须归属一个部门' });
  return issues;
}
