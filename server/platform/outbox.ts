/**
 * The transactional outbox: every committed change of a lifecycle object (a record now, a list
 * entry next) is written here by the transition that made it, in the same transaction, so a change
 * reaches other systems exactly when it happened and never when it was rolled back. The exchange
 * module (server/modules/exchange) numbers the rows in commit order, fans them out to subscriptions
 * as signed webhooks and serves them as a pull feed (docs/exchange.md). No personal data here.
 */
import { sql, type Generated, type Kysely, type RawBuilder } from 'kysely';

/** One committed change of a lifecycle object, as subscribers and the pull feed see it (no personal data). */
export interface Change {
  subjectId: string;            // the subject whose standing changed
  objectType: string;           // 'record' now; 'listEntry' in the next issue
  objectId: string;
  event: string;                // the transition's event name, e.g. 'publish', 'withdraw', 'endPublicity'
  from: string | null;          // state before (null when created)
  to: string;                   // state after
  itemCode: string | null;      // catalog item (or list type) code, for subscription filters
  visibleBefore: boolean;       // publicly visible before the change
  visibleAfter: boolean;        // publicly visible after it; visibleBefore && !visibleAfter = a tombstone
  at: Date;
}

export interface OutboxTables {
  change_outbox: {
    id: Generated<number>;
    seq: number | null;
    subject_id: string;
    object_type: string;
    object_id: string;
    event: string;
    from_state: string | null;
    to_state: string;
    item_code: string | null;
    visible_before: boolean;
    visible_after: boolean;
    at: Date;
    created_at: Generated<Date>;
  };
}

/** Notified (empty payload) by every transaction that appended changes, when it commits. */
export const OUTBOX_CHANNEL = 'outbox_changed';

/**
 * The changes as one INSERT (any number of rows: each column goes as one array), for a caller that
 * folds it into its own statement as a data-modifying CTE (the lifecycle's transitions) inside the
 * transaction that makes the change. With it, the caller selects `wakeDispatchers` in the same
 * statement. Empty changes: an INSERT of no rows.
 */
export function changesInsert(changes: readonly Change[]): RawBuilder<unknown> {
  const col = <T>(f: (c: Change) => T) => changes.map(f);
  return sql`
    insert into change_outbox (subject_id, object_type, object_id, event, from_state, to_state, item_code, visible_before, visible_after, at)
    select * from unnest(${col((c) => c.subjectId)}::uuid[], ${col((c) => c.objectType)}::text[], ${col((c) => c.objectId)}::text[], ${col((c) => c.event)}::text[],
      ${col((c) => c.from)}::text[], ${col((c) => c.to)}::text[], ${col((c) => c.itemCode)}::text[], ${col((c) => c.visibleBefore)}::boolean[],
      ${col((c) => c.visibleAfter)}::boolean[], ${col((c) => c.at.toISOString())}::timestamptz[])`;
}

/**
 * Wakes the dispatchers of every process when the transaction commits (docs/exchange.md); they
 * also poll, so a lost notification only delays a delivery. An expression for a caller's SELECT.
 */
export const wakeDispatchers: RawBuilder<unknown> = sql`pg_notify(${OUTBOX_CHANNEL}, '')`;

/** Writes the changes into the outbox inside the caller's transaction (db must be a transaction): one statement. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the contract: any module's Kysely
export async function appendChanges(db: Kysely<any>, changes: readonly Change[]): Promise<void> {
  if (!db.isTransaction) throw new Error('appendChanges must run inside the transaction that makes the change');
  if (changes.length === 0) return;
  await sql`with c as (${changesInsert(changes)}) select ${wakeDispatchers}`.execute(db);
}
