-- A record the reviewer returned and the department sent again unchanged becomes a new version
-- (it waits for review again, records.repo.ts submit): the version it replaced is kept in history
-- like any other, so the trigger also fires when the version moves without a change of data.
drop trigger record_keep_replaced_version on record;
create trigger record_keep_replaced_version after update of data, subject_id, version on record
  for each row when (old.data is distinct from new.data or old.subject_id is distinct from new.subject_id or old.version is distinct from new.version)
  execute function record_keep_replaced_version();
