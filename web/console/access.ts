/**
 * Which roles may open a page that another page links to: the menu (App.tsx) and the 工作台's
 * links read the same list, so a link is shown only where the page it opens works (the server
 * refuses the rest anyway: a hidden link is never the only protection).
 */
import type { Role } from '../../common/identity-api';

export const PAGE_ROLES = {
  jobs: ['sysAdmin', 'creditOffice'],
  'dead-letters': ['creditOffice'],
} as const satisfies Record<string, readonly Role[]>;

export function mayOpen(page: keyof typeof PAGE_ROLES, roles: readonly string[]): boolean {
  return (PAGE_ROLES[page] as readonly string[]).some((r) => roles.includes(r));
}
