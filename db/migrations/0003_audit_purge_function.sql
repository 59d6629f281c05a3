-- The retention purge as the only way audit rows leave, with the legal floors enforced in the
-- database: security events are kept at least 6 months (网络安全法 Art. 21), everything else
-- (query registrations, sharing and business events) at least 5 years. The function runs with
-- its owner's rights, so the application's role needs no DELETE on audit_log at all
-- (docs/operations.md → Least privilege). `as_of` lets the platform's clock drive the purge but
-- can never reach past the database's own clock: a caller cannot purge young rows by claiming a
-- later date.
create function audit_log_purge(through_seq bigint, as_of timestamptz) returns bigint
  language plpgsql security definer set search_path = public as $$
declare
  cutoff_time timestamptz := least(as_of, now());
  removed bigint;
begin
  if exists (
    select 1 from audit_log
    where seq <= through_seq
      and ((category = 'security' and at > cutoff_time - interval '6 months')
        or (category <> 'security' and at > cutoff_time - interval '5 years'))
  ) then
    raise exception 'audit rows through % are not all past their retention period', through_seq
      using errcode = '42501';
  end if;
  perform set_config('xinyong.audit_purge', 'on', true);
  delete from audit_log where seq <= through_seq;
  get diagnostics removed = row_count;
  perform set_config('xinyong.audit_purge', 'off', true);
  return removed;
end $$;

revoke all on function audit_log_purge(bigint, timestamptz) from public;
