-- Sign-in failures are kept per (account, source address) and per account, no longer on app_user
-- (issue #11): a guesser's failures lock only its own address for that account, and slow the
-- account down for unknown addresses (server/modules/identity/login-throttle.ts). An account is
-- keyed by an HMAC of the typed, normalized user name, so a name nobody holds is throttled like a
-- real one without storing what was typed (it may be a password typed into the wrong field).
-- Locks and counts of the old columns are not carried over: they name no source, and are at most
-- one lockout period old.

create table login_source (
  id           uuid primary key default gen_random_uuid(),
  account_key  text not null,
  source       text not null,
  -- the account of that name when the row was written; null when no account has it
  user_id      uuid references app_user (id) on delete cascade,
  -- failed checks within the window (password, second factor, current password)
  failures     timestamptz[] not null default '{}',
  locked_until timestamptz,
  -- the last completed sign-in from this source: a known source is not slowed by the account's delay
  signed_in_at timestamptz,
  -- once past, the row says nothing any more and is removed
  keep_until   timestamptz not null,
  unique (account_key, source)
);
create index login_source_keep on login_source (keep_until);
create index login_source_user on login_source (user_id);

create table login_account (
  id            uuid primary key default gen_random_uuid(),
  account_key   text not null unique,
  user_id       uuid references app_user (id) on delete cascade,
  -- failed checks from every source within the window
  failures      timestamptz[] not null default '{}',
  -- no check from an unknown source before this time
  next_check_at timestamptz,
  keep_until    timestamptz not null
);
create index login_account_keep on login_account (keep_until);

alter table app_user drop column failed_logins, drop column locked_until;
