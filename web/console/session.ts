export type NextStep = 'totp' | 'changePassword' | 'enrolTotp' | 'done';

export interface User {
  id: string;
  username: string;
  displayName: string;
  departmentId: string | null;
  roles: string[];
  status: 'active' | 'disabled';
  totpEnrolled: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  version: number;
  createdAt: string;
}

export interface Me {
  user: User;
  next: NextStep;
  csrfToken: string;
}
