-- Foundation: settings, catalogs (legal-basis registry), working-day calendar, regions,
-- subjects with encrypted identifiers, and the records table the demo data fills.
-- Runs on PostgreSQL >= 15 and PGlite alike; forward-only.

create table app_setting (
  key        text primary key,
  value      text not null,
  updated_at timestamptz not null default now()
);

-- Every catalog entry (information item, measure, list type, legal instrument, period rule,
-- time limit, code table) as loaded from catalog/, versioned: a changed file yields a new
-- version and supersedes the old one, which stays for records decided under it.
create table catalog_entry (
  kind          text not null check (kind in ('infoItem', 'measure', 'listType', 'legalInstrument', 'periodRule', 'timeLimit', 'codeTable')),
  code          text not null,
  version       integer not null check (version > 0),
  content       jsonb not null,
  content_hash  text not null,
  source_file   text not null,
  loaded_at     timestamptz not null default now(),
  superseded_at timestamptz,
  primary key (kind, code, version)
);
create unique index catalog_entry_current on catalog_entry (kind, code) where superseded_at is null;

create table calendar_year (
  year        integer primary key,
  notice      text not null,
  notice_date date,
  verified    boolean not null,
  source_file text not null,
  loaded_at   timestamptz not null default now()
);

create table calendar_day (
  day     date primary key,
  year    integer not null references calendar_year (year) on delete cascade,
  kind    text not null check (kind in ('off', 'work')),
  holiday text not null
);

create table region (
  code   char(6) primary key,
  name   text not null,
  level  text not null check (level in ('country', 'province', 'city', 'county')),
  parent char(6)
);

-- Name normalization shared by the stored search vector and the query: lower-case, no
-- spaces or punctuation (ASCII and full-width), so 「华为（深圳）」 finds 「华为(深圳)」.
create function name_norm(t text) returns text
  language sql immutable strict parallel safe
  as $$ select lower(regexp_replace(t, '[[:space:][:punct:]（）【】《》「」、，。·：；“”‘’！？]', '', 'g')) $$;

-- Overlapping character bigrams: '华为技术' -> '华为 为技 技术'. A GIN index over these serves
-- 2-character Chinese queries, which pg_trgm cannot.
create function cjk_bigrams(t text) returns text
  language sql immutable strict parallel safe
  as $$
    select coalesce(string_agg(substr(s, i, 2), ' ' order by i), '')
    from (select name_norm(t) as s) n, generate_series(1, greatest(length(s) - 1, 1)) as i
  $$;

create table subject (
  id               uuid primary key default gen_random_uuid(),
  kind             text not null check (kind in ('organization', 'person')),
  org_type         text check (org_type in ('enterprise', 'individualBusiness', 'publicInstitution', 'socialOrganization', 'governmentBody', 'other')),
  name             text not null check (length(name) between 1 and 200),
  uscc             char(18) unique,
  -- Natural persons' ID numbers: SM4 ciphertext, keyed SM3 blind index, masked form. Never clear.
  id_number_enc    text,
  id_number_index  text unique,
  id_number_masked text,
  legal_rep_id     uuid references subject (id),
  region_code      char(6),
  industry_code    text,
  status           text not null default 'active' check (status in ('active', 'revoked', 'cancelled', 'deceased', 'other')),
  version          integer not null default 1,
  name_tsv         tsvector generated always as (to_tsvector('simple', cjk_bigrams(name))) stored,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  check ((kind = 'organization' and org_type is not null and id_number_enc is null)
      or (kind = 'person' and org_type is null and uscc is null))
);
create index subject_name_tsv on subject using gin (name_tsv);
create index subject_legal_rep on subject (legal_rep_id) where legal_rep_id is not null;

-- Legacy identifiers (工商注册号, 组织机构代码, 税务登记号, 事业单位证书号, 社会组织登记证号) mapped to the subject.
create table subject_identifier (
  scheme     text not null check (scheme in ('regNo', 'orgCode', 'taxNo', 'institutionCertNo', 'socialOrgCertNo')),
  value      text not null,
  subject_id uuid not null references subject (id),
  primary key (scheme, value)
);
create index subject_identifier_subject on subject_identifier (subject_id);

-- Every version of a subject as it was (masked identifiers only), for change history.
create table subject_version (
  subject_id uuid not null references subject (id),
  version    integer not null,
  data       jsonb not null,
  changed_at timestamptz not null default now(),
  changed_by text not null,
  primary key (subject_id, version)
);

-- Records of catalogued information (permits, penalties, …). The collection issue adds
-- batches, quality and publicity on top; the natural key keeps re-submissions from duplicating.
create table record (
  id              uuid primary key default gen_random_uuid(),
  item_code       text not null,
  item_version    integer not null,
  subject_id      uuid not null references subject (id),
  provider_uscc   char(18) not null,
  document_number text not null,
  decision_date   date not null,
  data            jsonb not null,
  status          text not null default 'active' check (status in ('active', 'revoked', 'repaired', 'expired')),
  version         integer not null default 1,
  created_at      timestamptz not null default now(),
  unique (item_code, provider_uscc, document_number)
);
create index record_subject on record (subject_id);
create index record_item_decision on record (item_code, decision_date);
