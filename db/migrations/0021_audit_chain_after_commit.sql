-- The audit hash chain is linked after commit by one chainer at a time (docs/adr/0004): a writer
-- inserts its audit row in its own transaction with a sequence number and no chain columns, so
-- writers no longer queue behind one lock held until each commit. The chainer gives committed rows
-- their place in the chain (chain_pos, contiguous from 1 or the purge boundary) with prev_hash and
-- hash, once; nothing else about a row can ever change.

create sequence audit_log_seq;
select setval('audit_log_seq', coalesce((select max(seq) from audit_log), 0) + 1, false);
alter table audit_log alter column seq set default nextval('audit_log_seq');
alter sequence audit_log_seq owned by audit_log.seq;

alter table audit_log add column chain_pos bigint;
alter table audit_log alter column prev_hash drop not null, alter column hash drop not null;

-- Rows written before this migration were chained in sequence order: their position is their number.
alter table audit_log disable trigger audit_log_no_update_delete;
update audit_log set chain_pos = seq;
alter table audit_log enable trigger audit_log_no_update_delete;

alter table audit_log add constraint audit_log_chain_whole
  check ((chain_pos is null) = (hash is null) and (hash is null) = (prev_hash is null));
create unique index audit_log_chain_pos on audit_log (chain_pos);
-- What the chainer looks for: small, as rows wait there for milliseconds.
create index audit_log_unchained on audit_log (seq) where chain_pos is null;

-- Append-only, except the chainer's one update of a row not yet chained, which may set the three
-- chain columns and nothing else. (The application role is also granted UPDATE on those three
-- columns only: `npm run db:grant`.)
create or replace function audit_log_append_only() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and current_setting('xinyong.audit_purge', true) = 'on' then
    return old;
  end if;
  if tg_op = 'UPDATE' and old.chain_pos is null and new.chain_pos is not null
     and (to_jsonb(new) - 'chain_pos' - 'prev_hash' - 'hash') = (to_jsonb(old) - 'chain_pos' - 'prev_hash' - 'hash') then
    return new;
  end if;
  raise exception 'audit_log is append-only (% refused)', tg_op using errcode = '42501';
end $$;

-- The retention purge removes a prefix of the chain: `through_seq` is now a chain position (the
-- same number as the sequence number for every row written before this migration). Rows not yet
-- chained are never removed.
create or replace function audit_log_purge(through_seq bigint, as_of timestamptz) returns bigint
  language plpgsql security definer set search_path = public as $$
declare
  cutoff_time timestamptz := least(as_of, now());
  removed bigint;
begin
  if exists (
    select 1 from audit_log
    where chain_pos <= through_seq
      and ((category = 'security' and at > cutoff_time - interval '6 months')
        or (category <> 'security' and at > cutoff_time - interval '5 years'))
  ) then
    raise exception 'audit rows through % are not all past their retention period', through_seq
      using errcode = '42501';
  end if;
  perform set_config('xinyong.audit_purge', 'on', true);
  delete from audit_log where chain_pos <= through_seq;
  get diagnostics removed = row_count;
  perform set_config('xinyong.audit_purge', 'off', true);
  return removed;
end $$;
