import type { Generated } from 'kysely';
import type { Role } from '../../platform/policy.js';

export interface IdentityTables {
  department: {
    id: Generated<string>;
    name: string;
    uscc: string;
    region_code: string | null;
    parent_id: string | null;
    status: Generated<'active' | 'disabled'>;
    version: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  app_user: {
    id: Generated<string>;
    username: string;
    display_name: string;
    department_id: string | null;
    roles: Role[];
    password_hash: string;
    password_history: Generated<string[]>;
    password_changed_at: Date;
    must_change_password: Generated<boolean>;
    totp_secret_enc: string | null;
    totp_enrolled_at: Date | null;
    totp_last_step: number | null;
    recovery_codes: Generated<string[]>;
    status: Generated<'active' | 'disabled'>;
    version: Generated<number>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  user_session: {
    id_hash: string;
    user_id: string;
    stage: 'password' | 'full';
    second_factor_ok: Generated<boolean>;
    /** Wrong second-factor codes in this session: at SECOND_FACTOR_TRIES the session ends. */
    second_factor_failures: Generated<number>;
    csrf_token: string;
    created_at: Date;
    last_seen_at: Date;
  };
  system_account: {
    app_key: string;
    name: string;
    department_id: string;
    roles: Role[];
    secret_enc: string;
    status: Generated<'active' | 'disabled'>;
    created_at: Generated<Date>;
  };
  request_nonce: { app_key: string; nonce: string; seen_at: Date };
  /** Sign-in failures and locks per (account, source): login-throttle.ts. */
  login_source: {
    id: Generated<string>;
    account_key: string;
    source: string;
    user_id: string | null;
    failures: Generated<Date[]>;
    locked_until: Date | null;
    signed_in_at: Date | null;
    keep_until: Date;
  };
  /** Failures across sources and the progressive delay per account: login-throttle.ts. */
  login_account: {
    id: Generated<string>;
    account_key: string;
    user_id: string | null;
    failures: Generated<Date[]>;
    next_check_at: Date | null;
    keep_until: Date;
  };
}
