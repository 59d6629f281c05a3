-- An organization's registration facts as the registry (登记机关) gives them, shown on its portal
-- profile (issue #12): 成立日期, 住所, 登记状态 (the registry's own wording, e.g. 存续 / 吊销 / 注销),
-- 注册资本 in 万元, 经营范围. Null where not collected: the portal shows only what is held.
alter table subject add column established_on date;
alter table subject add column address text;
alter table subject add column registration_status text;
alter table subject add column registered_capital numeric(18, 4);
alter table subject add column business_scope text;
alter table subject add constraint subject_registration_of_organization check (
  kind = 'organization' or (established_on is null and address is null and registration_status is null and registered_capital is null and business_scope is null)
);
alter table subject add constraint subject_registered_capital_not_negative check (registered_capital >= 0);

-- The portal's search list and its profile named an organization's legal representative from two
-- places: the organization's legal_rep_name (set only when a record gave the representative's ID
-- number), and, on the profile alone, the newest record naming one. From now on collection keeps a
-- representative named without an ID number on the organization too (subjects.resolve.ts), and
-- both read that one column. Organizations collected before: the newest active, published record
-- that names one (the national 双公示 fields CF_FRDB / XK_FRDB). A 个体工商户's operator only as
-- stored masked (ADR 0002); nothing with a digit in it (not a name).
update subject s set legal_rep_name = named.name, updated_at = now()
from (
  select distinct on (subject_id) subject_id, name
  from (
    select subject_id, decision_date, id, btrim(coalesce(nullif(btrim(data ->> 'CF_FRDB'), ''), data ->> 'XK_FRDB')) as name
    from record
    where status = 'active' and publication = 'published' and (data ? 'CF_FRDB' or data ? 'XK_FRDB')
  ) r
  where name <> '' and name !~ '[0-9０-９]'
  order by subject_id, decision_date desc, id
) named
where s.id = named.subject_id and s.kind = 'organization' and s.legal_rep_id is null and s.legal_rep_name is null
  and (s.org_type is distinct from 'individualBusiness' or position('*' in named.name) > 0);
