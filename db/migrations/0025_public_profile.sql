-- The public profile as sent (issue #13 §2): the portal's read model of an organization's profile
-- page — its header, registration facts and the records the public may see — stored as the JSON
-- answer with its ETag, so a profile nobody has asked for before is one read by key
-- (server/modules/portal/public-profiles.ts).
--
-- One row per organization. `generation` counts the changes to what the answer is built from; it is
-- raised, and the stored answer dropped, in the transaction of the change, by the triggers below:
-- - the subject's standing (migration 0022: its records in publicity, rebuilt by every write of
--   records, transitions and imports alike);
-- - the organization's own row (name, type, status, region, representative, registration facts).
-- An answer is stored after commit by the portal (a background pass, and after a profile was built
-- for a request), and only for the generation it read before reading the data it was built from: a
-- change committed meanwhile raised the generation, so the late answer is not stored. A withdrawal
-- or repair therefore never leaves a stored answer that still shows the record.
-- What no row of the database says is kept beside the answer and compared when it is read:
-- `basis` (the catalog items and code tables, the department names, the answer's format) and the
-- days it holds for (`valid_from` … `valid_until`: a publicity window starts or ends by date).
create table public_profile (
  subject_id       uuid primary key,
  generation       bigint not null default 1,
  -- The generation the stored answer was built at; null with no answer.
  built_generation bigint,
  answer           text,
  tag              text,
  basis            text,
  valid_from       date,
  -- null: no window in it ends or starts (long-term publicity, or no records).
  valid_until      date,
  built_at         timestamptz
);

-- These subjects' profiles changed: a new generation, the stored answer dropped. A row is created
-- for an organization without one, so a build that began before this change (and found no row)
-- cannot store its answer after it. Natural persons have no public profile, and no row.
create function public_profile_changed(ids uuid[]) returns void language sql as $$
  insert into public_profile (subject_id)
  select s.id from subject s where s.id = any(ids) and s.kind = 'organization' order by 1
  on conflict (subject_id) do update
  set generation = public_profile.generation + 1, built_generation = null, answer = null, tag = null
$$;

create function public_profile_standing_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform public_profile_changed(array(select subject_id from old_rows));
  else
    perform public_profile_changed(array(select subject_id from new_rows));
  end if;
  return null;
end $$;

create trigger public_profile_standing_insert after insert on subject_standing
  referencing new table as new_rows for each statement execute function public_profile_standing_changed();
create trigger public_profile_standing_update after update on subject_standing
  referencing new table as new_rows for each statement execute function public_profile_standing_changed();
create trigger public_profile_standing_delete after delete on subject_standing
  referencing old table as old_rows for each statement execute function public_profile_standing_changed();

-- An organization's own row: only a change of what the profile shows (an import touching the row
-- without changing it raises nothing).
create function public_profile_subject_changed() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform public_profile_changed(array(select id from new_rows where kind = 'organization'));
  else
    perform public_profile_changed(array(
      select n.id from new_rows n join old_rows o on o.id = n.id
      where n.kind = 'organization'
        and (n.name, n.uscc, n.org_type, n.region_code, n.industry_code, n.status, n.legal_rep_name,
             n.established_on, n.address, n.registration_status, n.registered_capital, n.business_scope)
            is distinct from
            (o.name, o.uscc, o.org_type, o.region_code, o.industry_code, o.status, o.legal_rep_name,
             o.established_on, o.address, o.registration_status, o.registered_capital, o.business_scope)));
  end if;
  return null;
end $$;

create trigger public_profile_subject_insert after insert on subject
  referencing new table as new_rows for each statement execute function public_profile_subject_changed();
create trigger public_profile_subject_update after update on subject
  referencing old table as old_rows new table as new_rows for each statement execute function public_profile_subject_changed();

create function public_profile_subject_deleted() returns trigger language plpgsql as $$
begin
  delete from public_profile where subject_id in (select id from old_rows);
  return null;
end $$;

create trigger public_profile_subject_delete after delete on subject
  referencing old table as old_rows for each statement execute function public_profile_subject_deleted();

-- Today's organizations, each waiting for its first answer.
insert into public_profile (subject_id) select id from subject where kind = 'organization';
