-- Publication (公示) of collected records: severity, the publicity window computed from the catalog's
-- period rules, reviewer approval per batch, withdrawal (撤销) and the end of publicity.

alter table record
  add column severity         text check (severity in ('positive', 'minor', 'general', 'serious')),
  -- pending_review: waiting for the department's reviewer; published: public within its window;
  -- not_published: the rule says so (e.g. minor penalties); ended: past its window; withdrawn: revoked
  -- by the department; rejected: its batch was rejected by the reviewer.
  add column publication      text not null default 'published'
    check (publication in ('pending_review', 'published', 'not_published', 'ended', 'withdrawn', 'rejected')),
  -- What the rule decided, kept while the batch waits for review.
  add column publishable      boolean not null default true,
  add column publicity_start  date,
  -- null: open-ended (a permit valid 长期, or until the list entry is removed).
  add column publicity_end    date,
  add column publicity_rule   text,
  add column withdrawn_reason text,
  add column withdrawn_at     timestamptz,
  add column ended_at         timestamptz;
create index record_publicity_end on record (publicity_end) where publication = 'published';

alter table import_batch
  add column review_status    text not null default 'none' check (review_status in ('none', 'pending', 'approved', 'rejected')),
  add column reviewed_by      text,
  add column reviewed_by_name text,
  add column reviewed_at      timestamptz,
  add column review_reason    text;
create index import_batch_review on import_batch (department_id, review_status) where review_status = 'pending';
