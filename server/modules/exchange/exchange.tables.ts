/** The exchange's tables (migration 0020); change_outbox is written by platform/outbox.ts. */
import type { Generated } from 'kysely';
import type { OutboxTables } from '../../platform/outbox.js';

export interface ExchangeTables extends OutboxTables {
  exchange_subscription: {
    id: Generated<string>;
    app_key: string;
    filter_kind: 'all' | 'subject' | 'item';
    subject_id: string | null;
    item_code: string | null;
    webhook_url: string | null;
    status: 'active' | 'paused' | 'deleted';
    /** False while the system account is disabled: nothing fanned out, deliveries held (migration 0026). */
    account_active: Generated<boolean>;
    cursor_seq: number;
    created_by: string;
    created_at: Date;
    updated_at: Date;
  };
  exchange_delivery: {
    id: Generated<string>;
    subscription_id: string;
    seq: number;
    subject_id: string;
    status: Generated<'pending' | 'delivered' | 'dead'>;
    attempts: Generated<number>;
    due_at: Date;
    lease_until: Date | null;
    lease_token: string | null;
    last_status: number | null;
    last_error: string | null;
    created_at: Date;
    delivered_at: Date | null;
    dead_at: Date | null;
  };
}
