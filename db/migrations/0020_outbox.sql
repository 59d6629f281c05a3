-- Transactional outbox and the exchange of changes with other systems (issue #13 §3;
-- server/platform/outbox.ts writes, server/modules/exchange reads; docs/exchange.md).
--
-- change_outbox: one row per committed change of a lifecycle object (a record now, a list entry
-- next), written by the transition in the same transaction as the change itself, so a change is
-- in the outbox exactly when it happened. No personal data: ids, item code, states, event, time.
--
-- Two orderings. `id` (bigserial) is the insert order, taken inside the writing transaction; two
-- transactions may commit in the other order, so a reader following `id` could pass a row that
-- commits later and never see it. `seq` is the commit order: rows are inserted with `seq` null and
-- numbered after they commit by the exchange's sequencer (one at a time, under an advisory lock),
-- each batch after every number already given. `seq` is the pull feed's cursor and the
-- subscriptions' fan-out cursor: a row numbered is never preceded later by another.
create table change_outbox (
  id             bigserial primary key,
  seq            bigint unique,
  subject_id     uuid not null,
  object_type    text not null check (object_type ~ '^[a-zA-Z]{1,40}$'),
  object_id      text not null check (length(object_id) between 1 and 100),
  event          text not null check (length(event) between 1 and 60),
  from_state     text,
  to_state       text not null,
  item_code      text,
  visible_before boolean not null,
  visible_after  boolean not null,
  at             timestamptz not null,
  created_at     timestamptz not null default now()
);
-- The sequencer's work: rows committed and not yet numbered.
create index change_outbox_unsequenced on change_outbox (id) where seq is null;

-- A system account's subscription: all changes it is entitled to, or one subject's, or one
-- catalog item's (a list type's, next issue). With a webhook URL every matching change becomes a
-- delivery; without one the account reads the pull feed. `cursor_seq` is the last outbox `seq`
-- fanned out into deliveries, advanced in the same transaction that inserts them: a crash
-- neither loses nor doubles a change.
create table exchange_subscription (
  id          uuid primary key default gen_random_uuid(),
  app_key     text not null references system_account (app_key),
  filter_kind text not null check (filter_kind in ('all', 'subject', 'item')),
  subject_id  uuid,
  item_code   text,
  webhook_url text check (webhook_url is null or length(webhook_url) between 8 and 2000),
  status      text not null default 'active' check (status in ('active', 'paused', 'deleted')),
  cursor_seq  bigint not null default 0,
  created_by  text not null,
  created_at  timestamptz not null,
  updated_at  timestamptz not null,
  check ((filter_kind = 'subject') = (subject_id is not null)),
  check ((filter_kind = 'item') = (item_code is not null))
);
create index exchange_subscription_account on exchange_subscription (app_key, created_at);
create index exchange_subscription_live on exchange_subscription (status) where status = 'active';

-- One webhook delivery of one change to one subscription. Its id is the idempotency key sent with
-- every attempt. `pending` until acknowledged (`delivered`) or out of attempts (`dead`, listed in the
-- console with replay). A dispatcher claims due rows with FOR UPDATE SKIP LOCKED and a lease
-- (`lease_until`, `lease_token`); a process killed mid-delivery leaves a lease that expires, and the
-- row is tried again under the same id. Per subject, a row is not sent while an earlier one of the
-- same subscription is still pending.
create table exchange_delivery (
  id              uuid primary key default gen_random_uuid(),
  subscription_id uuid not null references exchange_subscription (id),
  seq             bigint not null,
  subject_id      uuid not null,
  status          text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts        integer not null default 0,
  due_at          timestamptz not null,
  lease_until     timestamptz,
  lease_token     uuid,
  last_status     integer,
  last_error      text,
  created_at      timestamptz not null,
  delivered_at    timestamptz,
  dead_at         timestamptz,
  unique (subscription_id, seq)
);
create index exchange_delivery_due on exchange_delivery (due_at, seq) where status = 'pending';
create index exchange_delivery_order on exchange_delivery (subscription_id, subject_id, seq) where status = 'pending';
create index exchange_delivery_dead on exchange_delivery (dead_at desc, id) where status = 'dead';
