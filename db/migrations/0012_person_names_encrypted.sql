-- Natural persons' names are kept like their ID numbers (docs/adr/0002-natural-person-names-encrypted.md):
-- `name` holds the masked name (张*, 欧阳**), `name_enc` the SM4 ciphertext (encrypt-then-MAC, as
-- id_number_enc) and `name_index` a keyed SM3 blind index of the name without spaces, for a staff
-- search by exact name. Names written before this migration are converted by the platform at start
-- (server/app/person-names-upgrade.ts): it needs the key file, which SQL does not have.
alter table subject add column name_enc text;
alter table subject add column name_index text;
create index subject_person_name on subject (name_index) where name_index is not null;

-- An organization's legal representative as its registration publishes it (企业信息公示暂行条例):
-- a company's in clear, a 个体工商户's operator masked. Kept on the organization, set when the
-- representative is linked, so the portal shows it without reading the person's encrypted name.
alter table subject add column legal_rep_name text;
alter table subject add constraint subject_legal_rep_name_of_organization check (kind = 'organization' or legal_rep_name is null);

-- From now on a person is written encrypted and masked, or not at all. NOT VALID: the rows written
-- before are converted at start, after this migration; every new or changed row is checked.
alter table subject add constraint subject_person_name_protected check (
  kind <> 'person' or (name_enc is not null and name_index is not null and (position('*' in name) > 0 or char_length(name) <= 1))
) not valid;

-- The conversion rewrites record.data in place (the party's name masked): that is not a new version
-- of the decision, and its history must not receive the clear name it removes. The converting
-- transaction says so with a setting local to it; every other change keeps its replaced version.
create or replace function record_keep_replaced_version() returns trigger language plpgsql as $$
begin
  if current_setting('xinyong.masking_legacy_names', true) = 'on' then
    return null;
  end if;
  insert into record_version (record_id, version, subject_id, data, batch_id, changed_at)
  values (old.id, old.version, old.subject_id, old.data, old.batch_id, old.updated_at);
  return null;
end $$;
