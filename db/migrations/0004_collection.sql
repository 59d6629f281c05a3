-- Collection (归集): which department submits which catalog item, import batches with their
-- resume point, rejected rows (masked) for the error report, and the version history of records.

-- 谁产生、谁负责: a department submits only the items it is granted (by the credit office).
create table department_item (
  department_id uuid not null references department (id),
  item_code     text not null,
  granted_at    timestamptz not null default now(),
  primary key (department_id, item_code)
);

create table import_batch (
  id                uuid primary key default gen_random_uuid(),
  department_id     uuid not null references department (id),
  item_code         text not null,
  item_version      integer not null,
  source            text not null check (source in ('file', 'api')),
  file_name         text,
  file_format       text,
  -- SM3 of the file as received (or of the API request's records): re-running the same file resumes its batch.
  content_sm3       text not null,
  content_size      bigint not null,
  idempotency_key   text,
  status            text not null default 'importing' check (status in ('importing', 'imported', 'failed')),
  failure           text,
  rows_total        integer,
  accepted          integer not null default 0,
  rejected          integer not null default 0,
  created_records   integer not null default 0,
  updated_records   integer not null default 0,
  unchanged_records integer not null default 0,
  warnings          integer not null default 0,
  -- The first data row not yet committed: progress is written with each chunk, in its transaction.
  next_row          integer not null default 1,
  submitted_by      text not null,
  submitted_by_name text,
  created_at        timestamptz not null default now(),
  finished_at       timestamptz,
  unique (department_id, idempotency_key)
);
create index import_batch_department on import_batch (department_id, created_at desc);
create index import_batch_content on import_batch (department_id, item_code, content_sm3);

-- Rejected rows and row warnings; values of personal fields are stored masked.
create table import_row_issue (
  batch_id   uuid not null references import_batch (id),
  row_number integer not null,
  kind       text not null check (kind in ('rejected', 'warning')),
  problems   jsonb not null,
  row_data   jsonb,
  primary key (batch_id, row_number, kind)
);

-- No foreign keys on department_id and batch_id: neither departments nor batches are ever
-- deleted, and the two checks per row cost a fifth of the import's insert time (bench/README.md).
alter table record
  add column department_id uuid,
  add column batch_id      uuid,
  add column subject_minor boolean not null default false,
  add column updated_at    timestamptz not null default now();
create index record_batch on record (batch_id);

-- Every version of a record as submitted (the current one included), for history and diffs.
create table record_version (
  record_id  uuid not null references record (id),
  version    integer not null,
  subject_id uuid not null,
  data       jsonb not null,
  batch_id   uuid,
  changed_at timestamptz not null default now(),
  primary key (record_id, version)
);

-- Organizations without a code are found by their exact name when records name them.
create index subject_uncoded_org_name on subject (name) where kind = 'organization' and uscc is null;
