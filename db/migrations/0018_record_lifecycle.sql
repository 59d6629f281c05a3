-- The life of a record as one state machine (issue #13 §1; server/modules/records/lifecycle.ts and
-- records.workflow.ts). One `state` replaces `status` (active/revoked/repaired/expired, of which
-- repaired and expired were never written) and `publication` (migration 0005); `disputed` is the
-- 异议处理中 mark that overlays any state until the objection is decided. `record_event` keeps every
-- transition: who, when, from → to, why, and on what (a batch, a decision number, a case).
-- Only the lifecycle writes these (server/modules/records/state-writes.test.ts fails otherwise).

alter table record
  add column state    text,
  add column disputed boolean not null default false;

update record set state = case
  when status = 'revoked' or publication = 'withdrawn' then 'withdrawn'
  when status = 'repaired' then 'repaired'
  when publication = 'published' then 'in_publicity'
  when publication = 'not_published' then 'not_public'
  when publication = 'ended' then 'publicity_ended'
  when publication = 'pending_review' then 'pending_review'
  when publication = 'rejected' then 'returned'
end;

alter table record
  alter column state set not null,
  alter column state set default 'received',
  add constraint record_state_check check (state in
    ('received', 'pending_review', 'returned', 'in_publicity', 'not_public', 'publicity_ended', 'withdrawn', 'repaired'));

create table record_event (
  id         bigserial primary key,
  record_id  uuid not null references record (id),
  event      text not null check (length(event) between 1 and 40),
  -- null: the record was created by this event.
  from_state text,
  to_state   text not null,
  -- The account that fired it; null with actor_name 'system' when the platform did (a scheduled end
  -- of publicity, the routing of a received record).
  actor_id   text,
  actor_name text not null,
  reason     text check (length(reason) <= 2000),
  -- What it was fired on: an import batch, a decision document, a case number.
  reference  text check (length(reference) <= 200),
  at         timestamptz not null
);
create index record_event_record on record_event (record_id, id);

-- A withdrawal's reason and time lived on the record; the event table holds them now (the state
-- before is not known any more).
insert into record_event (record_id, event, from_state, to_state, actor_id, actor_name, reason, reference, at)
select id, 'withdraw', null, 'withdrawn', null, 'migration 0018', withdrawn_reason, null, coalesce(withdrawn_at, updated_at)
from record where state = 'withdrawn' and withdrawn_reason is not null;

drop index record_publicity_end;
drop index record_publication_decision;
alter table record
  drop column status,
  drop column publication,
  drop column withdrawn_reason,
  drop column withdrawn_at,
  drop column ended_at;

-- The end of publicity looks for records in publicity past their last day (migration 0005's index).
create index record_publicity_end on record (publicity_end) where state = 'in_publicity';
-- The credit office's browse by state, newest decision first (migration 0015's by publication).
create index record_state_decision on record (state, decision_date, id);

-- A transition names the subjects it changed on `record_changed` itself (lifecycle.ts): it sets
-- xinyong.record_change_named for its own statements, and the statement trigger of migration 0009
-- then stays quiet. Every other write (a bulk load, an operator's SQL) still says '' — anything
-- may have changed.
create or replace function record_notify_change() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('xinyong.record_change_named', true), '') <> 'on' then
    perform pg_notify('record_changed', '');
  end if;
  return null;
end $$;
