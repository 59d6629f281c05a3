-- A subject's standing (issue #13 §2): the per-subject read model the public profile, the search's
-- credit markers and, next, the credit check answer from, so that a subject never asked for before
-- costs one read by key instead of a search of the record table (server/modules/records/standing.ts).
--
-- One row per subject that has or had records:
-- - records: the records the public may see on some day — in publicity and not a minor's — each
--   with its window, newest decision first. The day is applied when it is read (a window ends by
--   date, without a write), with the same rule as the SQL form `visibleNow` (records.repo.ts).
-- - overflow: more than 400 such records (a rare subject): `records` is left empty and readers ask
--   the record table itself, so the row stays small to write on every transition.
-- - disputed: its records in force with 异议处理中.
-- List entries join the standing with the lists issue.
--
-- Kept by statement triggers on `record`, in the transaction of the write: every write — a
-- transition, an import's upsert, a bulk COPY of demo data, an operator's SQL — leaves the standing
-- of the subjects it touched as the record table says, so a missing row means a subject without
-- records and a row is never behind a commit.
create table subject_standing (
  subject_id uuid primary key,
  records    jsonb not null default '[]',
  overflow   boolean not null default false,
  disputed   integer not null default 0,
  updated_at timestamptz not null default now()
);

-- The standing of these subjects, read again from the record table. The rows are locked first (in
-- subject order) and read after: two transactions changing records of one subject take turns, and
-- the second reads what the first committed, so neither overwrites the other with an older view.
create function subject_standing_rebuild(ids uuid[]) returns void language plpgsql as $$
begin
  insert into subject_standing (subject_id)
  select distinct s.id from unnest(ids) s(id) where s.id is not null order by 1
  on conflict do nothing;
  perform 1 from subject_standing where subject_id = any(ids) order by subject_id for update;
  update subject_standing t
  set records = case when c.n > 400 then '[]'::jsonb else c.records end,
      overflow = c.n > 400,
      disputed = c.disputed,
      updated_at = now()
  from (
    select s.id,
      count(r.id) filter (where r.state = 'in_publicity' and not r.subject_minor) as n,
      coalesce(jsonb_agg(jsonb_build_object(
        'id', r.id, 'item_code', r.item_code, 'subject_id', r.subject_id, 'department_id', r.department_id,
        'document_number', r.document_number, 'decision_date', r.decision_date, 'data', r.data, 'severity', r.severity,
        'publicity_start', r.publicity_start, 'publicity_end', r.publicity_end, 'disputed', r.disputed)
        order by r.decision_date desc, r.id) filter (where r.state = 'in_publicity' and not r.subject_minor), '[]'::jsonb) as records,
      (count(r.id) filter (where r.disputed and r.state in ('in_publicity', 'not_public', 'publicity_ended')))::int as disputed
    from (select distinct unnest(ids) as id) s
    left join record r on r.subject_id = s.id
    group by s.id
  ) c
  where t.subject_id = c.id;
end $$;

create function record_standing_inserted() returns trigger language plpgsql as $$
begin
  perform subject_standing_rebuild(array(select distinct subject_id from new_rows));
  return null;
end $$;

create function record_standing_updated() returns trigger language plpgsql as $$
begin
  perform subject_standing_rebuild(array(select subject_id from new_rows union select subject_id from old_rows));
  return null;
end $$;

create function record_standing_deleted() returns trigger language plpgsql as $$
begin
  perform subject_standing_rebuild(array(select distinct subject_id from old_rows));
  return null;
end $$;

create trigger record_standing_insert after insert on record
  referencing new table as new_rows for each statement execute function record_standing_inserted();
create trigger record_standing_update after update on record
  referencing old table as old_rows new table as new_rows for each statement execute function record_standing_updated();
create trigger record_standing_delete after delete on record
  referencing old table as old_rows for each statement execute function record_standing_deleted();

-- Today's records, in one pass: the rebuild's aggregate over the whole table (a call of the function with every
-- subject would insert, lock and update a million rows instead of inserting them).
insert into subject_standing (subject_id, records, overflow, disputed)
select c.subject_id, case when c.n > 400 then '[]'::jsonb else c.records end, c.n > 400, c.disputed
from (
  select r.subject_id,
    count(*) filter (where r.state = 'in_publicity' and not r.subject_minor) as n,
    coalesce(jsonb_agg(jsonb_build_object(
      'id', r.id, 'item_code', r.item_code, 'subject_id', r.subject_id, 'department_id', r.department_id,
      'document_number', r.document_number, 'decision_date', r.decision_date, 'data', r.data, 'severity', r.severity,
      'publicity_start', r.publicity_start, 'publicity_end', r.publicity_end, 'disputed', r.disputed)
      order by r.decision_date desc, r.id) filter (where r.state = 'in_publicity' and not r.subject_minor), '[]'::jsonb) as records,
    (count(*) filter (where r.disputed and r.state in ('in_publicity', 'not_public', 'publicity_ended')))::int as disputed
  from record r
  group by r.subject_id
) c;
