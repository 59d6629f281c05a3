-- Every statement that changes records (collection, review, withdrawal, the end of publicity, a
-- repair, or an operator's SQL) notifies the channel `record_changed` when it commits. The portal
-- keeps answers built from records only while it hears this channel, and drops them all on each
-- notification, so what leaves publicity leaves the portal at once (server/modules/portal/profile-cache.ts).
-- One notification per transaction: PostgreSQL folds identical ones, so a bulk import costs one.
create function record_notify_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('record_changed', '');
  return null;
end $$;

create trigger record_changed after insert or update or delete on record
  for each statement execute function record_notify_change();
create trigger record_truncated after truncate on record
  for each statement execute function record_notify_change();
