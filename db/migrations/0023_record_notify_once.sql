-- A transition is one statement (server/modules/records/lifecycle.ts, `Lifecycle.fire`): its state
-- UPDATE, event rows, audit row, outbox rows and the notification naming the subjects go to the
-- database together. It quiets the record table's statement trigger (migrations 0009, 0018) for
-- that statement alone by setting xinyong.record_change_named to 'once' inside it; the trigger,
-- which fires at the end of that statement, stays quiet and turns the setting off, so every later
-- write in the same transaction (an operator's SQL, another module's statement) still says '' —
-- anything may have changed. 'on' (quiet until set 'off' again) is still what the records upsert
-- uses around its own statements.
create or replace function record_notify_change() returns trigger language plpgsql as $$
declare
  named text := coalesce(current_setting('xinyong.record_change_named', true), '');
begin
  if named = 'once' then
    perform set_config('xinyong.record_change_named', 'off', true);
  elsif named <> 'on' then
    perform pg_notify('record_changed', '');
  end if;
  return null;
end $$;
