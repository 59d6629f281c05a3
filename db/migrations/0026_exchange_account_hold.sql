-- A disabled system account receives nothing (docs/exchange.md → Subscribing): its subscriptions
-- keep their own status (active / paused, the credit office's) and say beside it whether their
-- account may receive. While it may not, nothing is fanned out (the cursor waits) and the pending
-- deliveries are held (due 9999-12-31, as a paused subscription's, migration 0024); enabling the
-- account again sends them, in order. Set in the transaction that disables or enables the account
-- (server/modules/exchange/exchange.repo.ts, `setAccountActive`).
alter table exchange_subscription add column account_active boolean not null default true;

-- Accounts disabled before this column existed (none could be, through the API; a database edit could).
update exchange_subscription s set account_active = false
from system_account a
where a.app_key = s.app_key and a.status <> 'active';

update exchange_delivery d set due_at = timestamptz '9999-12-31 00:00:00+00'
from exchange_subscription s
where s.id = d.subscription_id and not s.account_active and d.status = 'pending';
