/**
 * The transactional outbox: every committed change of a lifecycle object (a record now, a list
 * entry next) is written here by the transition that made it, in the same transaction, so a change
 * reaches other systems exactly when it happened and never when it was rolled back. The exchange
 * module (server/modules/exchange) numbers the rows in commit order, fans them out to subscriptions
 * as signed webhooks and serves them as a pull feed (docs/exchange.md). No personal data here.
 */
import { sql, type Generated, type Kysely } from 'kysely';

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

/** Rows per INSERT statement: well under PostgreSQL's 65 535 parameters (10 per row). */
const CHUNK = 1000;

/** Writes the changes into the outbox inside the caller's transaction (db must be a transaction). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the contract: any module's Kysely
export async function appendChanges(db: Kysely<any>, changes: readonly Change[]): Promise<void> {
  if (!db.isTransaction) throw new Error('appendChanges must run inside the transaction that makes the change');
  if (changes.length === 0) return;
  const outbox = db as unknown as Kysely<OutboxTables>;
  for (let i = 0; i < changes.length; i += CHUNK) {
    await outbox
      .insertInto('change_outbox')
      .values(
        changes.slice(i, i + CHUNK).map((c) => ({
          subject_id: c.subjectId,
          object_type: c.objectType,
          object_id: c.objectId,
          event: c.event,
          from_state: c.from,
          to_state: c.to,
          item_code: c.itemCode,
          visible_before: c.visibleBefore,
          visible_after: c.visibleAfter,
          at: c.at,
        })),
      )
      .execute();
  }
  // Wakes the dispatchers of every process (docs/exchange.md); they also poll, so a lost
  // notification only delays a delivery.
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(db);
}

