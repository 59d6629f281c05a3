-- History of a record keeps the versions it replaced; the current version is the record row
-- itself. Writing a history row for every first version cost a quarter of a first load's time
-- (bench/README.md), and first versions are nearly all of what departments submit.
-- record.updated_at is when the current version was written (withdrawal and the end of
-- publicity have their own columns), so it becomes the replaced version's changed_at. Withdrawal
-- used to touch updated_at: the history row of the current version knows the real time.
update record r set updated_at = v.changed_at
  from record_version v
  where v.record_id = r.id and v.version = r.version and r.updated_at is distinct from v.changed_at;
delete from record_version v using record r where v.record_id = r.id and v.version = r.version;

create function record_keep_replaced_version() returns trigger language plpgsql as $$
begin
  insert into record_version (record_id, version, subject_id, data, batch_id, changed_at)
  values (old.id, old.version, old.subject_id, old.data, old.batch_id, old.updated_at);
  return null;
end $$;

create trigger record_keep_replaced_version after update of data, subject_id on record
  for each row when (old.data is distinct from new.data or old.subject_id is distinct from new.subject_id)
  execute function record_keep_replaced_version();
