-- Durable jobs (issue #13 §3; server/platform/jobs.ts, docs/adr/0003-durable-jobs.md).
--
-- Work that outlives a request: an import, the end of publicity, maintenance. A job is written
-- in the same transaction as the change that needs it, so it exists exactly when that change
-- committed. A worker takes due jobs with FOR UPDATE SKIP LOCKED and holds a lease
-- (locked_until), renewed while it works; a lease that runs out (the process was killed) makes
-- the job due again. Failures are retried with exponential back-off up to max_attempts, then
-- the job stays as 'failed' with its last error (a message, no data) until someone retries it.
-- A job that is done is deleted: the table is the list of work still to do, and of failures.
create table job (
  id            bigserial primary key,
  kind          text not null check (kind ~ '^[a-z][a-zA-Z0-9.]{0,59}$'),
  -- Ids and counts only: never personal data.
  payload       jsonb not null default '{}'::jsonb,
  -- Enqueuing the same key again while a job with it waits or runs is one job.
  unique_key    text check (length(unique_key) between 1 and 200),
  status        text not null default 'queued' check (status in ('queued', 'running', 'failed')),
  due_at        timestamptz not null,
  attempts      integer not null default 0 check (attempts >= 0),
  -- null: the runner's JOB_MAX_ATTEMPTS.
  max_attempts  integer check (max_attempts between 1 and 100),
  locked_by     text,
  locked_until  timestamptz,
  last_error    text check (length(last_error) <= 2000),
  created_at    timestamptz not null,
  updated_at    timestamptz not null,
  check ((status = 'running') = (locked_until is not null))
);
-- A failed job keeps its key but no longer blocks a new one (a recurring job's next run).
create unique index job_unique_key on job (unique_key) where unique_key is not null and status <> 'failed';
-- The worker's two questions: what is due, whose lease has run out.
create index job_due on job (due_at) where status = 'queued';
create index job_lease on job (locked_until) where status = 'running';
create index job_failed on job (updated_at desc) where status = 'failed';

-- File imports left unfinished by an older version were resumed at start from import_batch; now
-- the job table is the resume list, so each gets its job. (An API batch of that time has no stored
-- records: it resumes when its sender retries with the same idempotency key, as before.)
insert into job (kind, payload, unique_key, status, due_at, created_at, updated_at)
select 'import', jsonb_build_object('batchId', id::text), 'import:' || id::text, 'queued', now(), now(), now()
  from import_batch
 where status = 'importing' and source = 'file';
