-- A subject's standing holds what decides visibility by day and no more (issue #13: the standing
-- halved ingest, bench/README.md → bench/ingest.ts): each record in publicity as its id, item,
-- decision date, window and 异议 mark. Its content (data, document number, department) is read by
-- primary key when an answer is built — since migration 0025 a profile is built once and stored,
-- not on every request — so a write rewrites a few hundred bytes per subject instead of a few KB.
create or replace function subject_standing_rebuild(ids uuid[]) returns void language plpgsql as $$
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
        'id', r.id, 'item_code', r.item_code, 'decision_date', r.decision_date,
        'publicity_start', r.publicity_start, 'publicity_end', r.publicity_end, 'disputed', r.disputed)
        order by r.decision_date desc, r.id) filter (where r.state = 'in_publicity' and not r.subject_minor), '[]'::jsonb) as records,
      (count(r.id) filter (where r.disputed and r.state in ('in_publicity', 'not_public', 'publicity_ended')))::int as disputed
    from (select distinct unnest(ids) as id) s
    left join record r on r.subject_id = s.id
    group by s.id
  ) c
  where t.subject_id = c.id;
end $$;

-- Today's standings slimmed in place (same records, same order). What a profile shows does not
-- change, so the stored profiles (migration 0025) are left standing meanwhile.
alter table subject_standing disable trigger public_profile_standing_update;
update subject_standing t
set records = (
  select coalesce(jsonb_agg(jsonb_build_object(
    'id', e -> 'id', 'item_code', e -> 'item_code', 'decision_date', e -> 'decision_date',
    'publicity_start', e -> 'publicity_start', 'publicity_end', e -> 'publicity_end', 'disputed', e -> 'disputed') order by i), '[]'::jsonb)
  from jsonb_array_elements(t.records) with ordinality as a(e, i))
where jsonb_array_length(t.records) > 0;
alter table subject_standing enable trigger public_profile_standing_update;
