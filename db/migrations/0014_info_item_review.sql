-- The credit office (信用办) switches review (审核) on or off per information item in the console
-- (issue #12), no longer by editing catalog/info-items/*.yaml and restarting. The file's `review:`
-- stays the default; an item's latest row here overrides it for batches created from `set_at` on
-- (CatalogService.reviewRequired). Rows are only added: together they say who changed
-- what, when and why (each change is also in the audit log, written in the same transaction).
create table info_item_review (
  id             bigint generated always as identity primary key,
  item_code      text not null,
  review         boolean not null,
  reason         text not null,
  set_by         text not null,
  set_by_name    text not null,
  set_by_display text not null,
  set_at         timestamptz not null
);
create index info_item_review_item on info_item_review (item_code, set_at desc, id desc);
