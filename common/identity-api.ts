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
