/**
 * Whose eyes a console account reads records with (the visibility rule's audiences, records.workflow.ts):
 * the credit office sees every department's records; a department's submitter and reviewer see every
 * record their department provided, in any state (谁产生、谁负责). What each audience sees is
 * `visibleNow` / `visibleTo`; this only says which audience an account is.
 */
import { AppError } from '../../platform/errors.js';
import type { Principal } from '../../platform/policy.js';
import type { Audience } from './records.workflow.js';

export function consoleAudience(p: Pick<Principal, 'roles' | 'departmentId'> | null): Audience {
  if (p?.roles.includes('creditOffice')) return { kind: 'creditOffice' };
  if (!p?.departmentId) throw new AppError('FORBIDDEN', undefined, '账号未归属部门，不能查看记录：请联系系统管理员为账号设置所属部门');
  return { kind: 'department', departmentId: p.departmentId };
}
