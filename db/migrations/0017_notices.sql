-- 信用动态 / 通知公告 (issue #12): the credit office writes notices in the console, publishes them and
-- withdraws them (撤回, with a reason); the portal shows published notices only
-- (server/modules/notices). Every change is also in the audit log, written in the same transaction.
-- Attachments are files in the notice file vault (DATA_DIR/notice-files, SM4-CTR like uploads), named
-- here by the SM3 of their content; a row says which notice shows which file under which name.
-- The application role gets its rights from `npm run db:grant` (all tables of the schema), re-run
-- after this migration like after every upgrade that adds tables.
create table notice (
  id                uuid primary key default gen_random_uuid(),
  title             text not null,
  body              text not null,
  status            text not null default 'draft' check (status in ('draft', 'published', 'withdrawn')),
  -- bumped by every change: an edit or transition names the version it was made on
  version           integer not null default 1,
  created_by        text not null,
  created_by_name   text not null,
  created_at        timestamptz not null,
  updated_at        timestamptz not null,
  updated_by_name   text not null,
  published_at      timestamptz,
  published_by_name text,
  withdrawn_at      timestamptz,
  withdrawn_by_name text,
  withdraw_reason   text,
  -- what the public sees is exactly the published state with its date
  check (status <> 'published' or published_at is not null),
  check (status <> 'withdrawn' or (withdrawn_at is not null and withdraw_reason is not null))
);
-- The portal's list: published notices, newest first.
create index notice_published on notice (published_at desc, id) where status = 'published';
create index notice_updated on notice (updated_at desc, id);

create table notice_attachment (
  id         uuid primary key default gen_random_uuid(),
  notice_id  uuid not null references notice (id),
  -- the vault file: SM3 of the content, so the same file attached twice is stored once
  file_id    text not null check (file_id ~ '^[0-9a-f]{64}$'),
  name       text not null,
  media_type text not null,
  size       integer not null check (size > 0),
  created_at timestamptz not null
);
create index notice_attachment_notice on notice_attachment (notice_id, created_at, id);
create index notice_attachment_file on notice_attachment (file_id);
