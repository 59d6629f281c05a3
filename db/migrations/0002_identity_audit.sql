-- Accounts, departments, sessions, system accounts, and the tamper-evident audit log.

create table department (
  id          uuid primary key default gen_random_uuid(),
  name        text not null unique check (length(name) between 2 and 100),
  uscc        char(18) not null unique,
  region_code char(6),
  parent_id   uuid references department (id),
  status      text not null default 'active' check (status in ('active', 'disabled')),
  version     integer not null default 1,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table app_user (
  id                  uuid primary key default gen_random_uuid(),
  username            text not null unique check (username ~ '^[a-z][a-z0-9_.-]{2,31}$'),
  display_name        text not null check (length(display_name) between 1 and 50),
  department_id       uuid references department (id),
  roles               text[] not null,
  password_hash       text not null,
  -- argon2id hashes of the previous passwords (newest first), for the "last 5 not reused" rule
  password_history    text[] not null default '{}',
  password_changed_at timestamptz not null,
  must_change_password boolean not null default true,
  totp_secret_enc     text,
  totp_enrolled_at    timestamptz,
  totp_last_step      bigint,
  recovery_codes      text[] not null default '{}',
  failed_logins       timestamptz[] not null default '{}',
  locked_until        timestamptz,
  status              text not null default 'active' check (status in ('active', 'disabled')),
  version             integer not null default 1,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index app_user_department on app_user (department_id);

-- Server-side sessions; the cookie carries a random token, the table only its SM3 hash.
create table user_session (
  id_hash      text primary key,
  user_id      uuid not null references app_user (id) on delete cascade,
  stage        text not null check (stage in ('password', 'full')),
  second_factor_ok boolean not null default false,
  csrf_token   text not null,
  created_at   timestamptz not null,
  last_seen_at timestamptz not null
);
create index user_session_user on user_session (user_id);

-- Other government systems (approval systems, upper-level platforms): signed requests.
create table system_account (
  app_key       text primary key check (app_key ~ '^[A-Za-z0-9_-]{8,64}$'),
  name          text not null,
  department_id uuid not null references department (id),
  roles         text[] not null,
  secret_enc    text not null,
  status        text not null default 'active' check (status in ('active', 'disabled')),
  created_at    timestamptz not null default now()
);

create table request_nonce (
  app_key text not null,
  nonce   text not null,
  seen_at timestamptz not null,
  primary key (app_key, nonce)
);

-- The audit log: append-only, hash-chained (SM3 over the canonical row and the previous hash).
create table audit_log (
  seq               bigint primary key,
  at                timestamptz not null,
  category          text not null check (category in ('security', 'query', 'business')),
  event             text not null,
  actor_id          text,
  actor_name        text,
  actor_roles       text[] not null default '{}',
  department_id     text,
  ip                text,
  request_id        text,
  object_type       text,
  object_id         text,
  result            text not null check (result in ('success', 'failure', 'denied')),
  reason            text,
  purpose           text,
  authorization_ref text,
  result_count      integer,
  details           jsonb not null default '{}',
  prev_hash         text not null,
  hash              text not null
);
create index audit_log_at on audit_log (at);
create index audit_log_event on audit_log (event, at);
create index audit_log_actor on audit_log (actor_id, at);

-- Rows cannot be changed or removed, not even by a superuser without disabling the trigger
-- (which the chain and the external checkpoints then reveal). The only deletion is the audited
-- retention purge, which marks its transaction first.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('xinyong.audit_purge', true) = 'on' then
    return old;
  end if;
  raise exception 'audit_log is append-only (% refused)', tg_op using errcode = '42501';
end $$;

create trigger audit_log_no_update_delete before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
