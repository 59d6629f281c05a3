/** Shapes the identity API answers with, shared by the server and the console. */

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
  parentId: string | null;
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
