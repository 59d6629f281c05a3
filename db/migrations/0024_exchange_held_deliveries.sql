-- A paused or deleted subscription's pending deliveries are held: due at 9999-12-31, beyond the
-- dispatcher's lease, which walks the pending deliveries in due order and would otherwise read them
-- on every lease without leasing any (server/modules/exchange/exchange.repo.ts, `holdDeliveries`;
-- resuming makes them due again). The service holds them from now on; this holds those of the
-- subscriptions paused or deleted before.
update exchange_delivery d set due_at = timestamptz '9999-12-31 00:00:00+00'
from exchange_subscription s
where s.id = d.subscription_id and s.status <> 'active' and d.status = 'pending';
