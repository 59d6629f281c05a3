-- How people know the submitter and the reviewer of a batch (李四（li.si）) for lists and details;
-- the *_name columns keep the account name the audit trail uses.
alter table import_batch
  add column submitted_by_display text,
  add column reviewed_by_display  text;
