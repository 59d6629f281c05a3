import type { NextStep, UserView } from '../../common/identity-api';

export type { NextStep };
export type User = UserView;

export interface Me {
  user: User;
  next: NextStep;
  csrfToken: string;
}
