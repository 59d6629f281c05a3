-- The portal's in-memory name index (server/modules/subjects/name-index.ts) loads organizations
-- and then catches up on the ones changed since, in (updated_at, id) order.
create index subject_org_changes on subject (updated_at, id) where kind = 'organization';
