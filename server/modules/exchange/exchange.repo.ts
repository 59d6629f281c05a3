/**
 * The only code touching the exchange's tables (and reading change_outbox). Times come from the
 * caller's clock, never the database's `now()`, so tests move time by hand and several processes
 * agree on what is due.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { wakeDispatchers } from '../../platform/outbox.js';
import type { ExchangeTables } from './exchange.tables.js';

export type SubscriptionRow = Selectable<ExchangeTables['exchange_subscription']>;
export type ChangeRow = Selectable<ExchangeTables['change_outbox']> & { seq: number };

/** Lock for numbering the outbox in commit order: one sequencer at a time across processes. */
const SEQUENCER_LOCK = 2_020_894_830;
/** Rows numbered per sequencer transaction. */
const SEQUENCE_BATCH = 10_000;
/**
 * The due time of a paused or deleted subscription's pending deliveries: beyond the lease's walk,
 * which would otherwise read them on every lease and lease none of them. Resuming makes them due.
 */
const HELD = new Date('9999-12-31T00:00:00Z');
/** Advisory lock class for saving one account's subscriptions (with hashtext(app_key)). */
const SUBSCRIPTION_LOCK = 2_020_894_831;

/**
 * What a system account may receive: a change of what is, or was, public. A change that never
 * touched public information (received → pending review) stays inside the platform.
 */
const ENTITLED = sql<boolean>`(c.visible_before or c.visible_after)`;

export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  appKey: string;
  webhookUrl: string;
  attempts: number;
  change: ChangeRow;
}

export interface DeadLetterRow {
  id: string;
  subscription_id: string;
  app_key: string;
  webhook_url: string | null;
  seq: number;
  subject_id: string;
  object_type: string;
  object_id: string;
  event: string;
  item_code: string | null;
  visible_before: boolean;
  visible_after: boolean;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  dead_at: Date;
}

/**
 * The lease statement; run it through `claim` (which plans it as it must be planned), or `explainClaim`.
 *
 * It walks the `pending` index (due_at, seq) in order and stops after `limit` rows it can lease;
 * the per-subject rule and the subscription's state are per-row subqueries (one index probe each),
 * which the planner does not turn into joins. Planned any other way — from the subscription, or
 * as a bitmap scan of every due row then sorted — it reads the whole backlog per lease.
 */
function claimStatement(now: Date, leaseUntil: Date, limit: number, token: string) {
  return sql<{ delivery_id: string; subscription_id: string; attempts: number; app_key: string; webhook_url: string } & ChangeRow>`
      with claimed as (
        update exchange_delivery d set lease_until = ${leaseUntil}, lease_token = ${token}, attempts = d.attempts + 1
        from (
          select d2.id from exchange_delivery d2
          where d2.status = 'pending' and d2.due_at <= ${now} and (d2.lease_until is null or d2.lease_until <= ${now})
            and d2.seq = (
              select e.seq from exchange_delivery e
              where e.subscription_id = d2.subscription_id and e.subject_id = d2.subject_id and e.status = 'pending'
              order by e.seq limit 1)
            and (select s.status = 'active' and s.account_active and s.webhook_url is not null from exchange_subscription s where s.id = d2.subscription_id)
          order by d2.due_at, d2.seq
          limit ${limit}
          for update of d2 skip locked) picked
        where d.id = picked.id
        returning d.id, d.subscription_id, d.attempts, d.seq)
      select c.*, claimed.id as delivery_id, claimed.subscription_id, claimed.attempts, s.app_key, s.webhook_url
      from claimed
      join exchange_subscription s on s.id = claimed.subscription_id
      join change_outbox c on c.seq = claimed.seq`;
}

/**
 * Plans the lease statement without a sort, in the transaction that runs it: the only plan left is
 * the ordered walk above. Without this the plan follows the table's statistics, and a delivery
 * table's statistics usually say "nothing pending" (gathered between bursts, when everything was
 * delivered); when a backlog then arrives the planner takes it for a few rows and picks a plan
 * that reads and sorts all of them on every lease — a backlog of 100 000 drained at a third of the
 * rate of fresh deliveries (bench/README.md). The statement itself sorts nothing.
 */
const WALK_IN_INDEX_ORDER = sql`select set_config('enable_sort', 'off', true)`;

export class ExchangeRepo {
  constructor(private readonly db: Kysely<ExchangeTables>) {}

  /**
   * Numbers committed, unnumbered outbox rows after every number already given, in one
   * transaction under an advisory lock (skipped when another process holds it: it is doing this
   * work). Rows still uncommitted are not seen and get a later number once they commit, so a
   * reader at cursor N never has a row below N appear afterwards. Returns how many it numbered.
   */
  async sequence(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // Planned without a sort (as the lease, below): the unnumbered rows in the order of their own
      // index, whatever the statistics say (a bitmap scan here re-read every numbered row's old
      // version, left behind until vacuum, on every round).
      const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) as ok, set_config('enable_sort', 'off', true)`.execute(trx);
      if (!got.rows[0]?.ok) return 0;
      const r = await sql`
        with pending as (
          select id, row_number() over (order by id) as rn
          from change_outbox where seq is null order by id limit ${SEQUENCE_BATCH}
        ), base as (select coalesce(max(seq), 0) as m from change_outbox)
        update change_outbox c set seq = base.m + pending.rn
        from pending, base where c.id = pending.id`.execute(trx);
      return Number(r.numAffectedRows ?? 0);
    });
  }

  async highestSeq(): Promise<number> {
    const r = await this.db.selectFrom('change_outbox').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  /** Entitled changes after `since`, up to `high`, at most `limit`, in order. */
  async changesAfter(since: number, high: number, limit: number): Promise<ChangeRow[]> {
    const r = await sql<ChangeRow>`
      select c.* from change_outbox c
      where c.seq > ${since} and c.seq <= ${high} and ${ENTITLED}
      order by c.seq limit ${limit}`.execute(this.db);
    return r.rows;
  }

  // ---- subscriptions -------------------------------------------------------------------------

  async createSubscription(db: Kysely<ExchangeTables>, row: Omit<SubscriptionRow, 'id' | 'cursor_seq' | 'status' | 'account_active'>): Promise<SubscriptionRow> {
    // A subscription starts at the present: what is already numbered is not re-sent to it.
    const high = await sql<{ m: number | null }>`select max(seq) as m from change_outbox`.execute(db);
    return db
      .insertInto('exchange_subscription')
      .values({ ...row, status: 'active', cursor_seq: Number(high.rows[0]?.m ?? 0) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * A live subscription of the account with the same filter and the same delivery (the same
   * webhook URL, or both pull only): a second one would send every change twice. Called after
   * `lockAccount`, so two saves of the same subscription at once cannot both find none.
   */
  async sameSubscription(db: Kysely<ExchangeTables>, row: Pick<SubscriptionRow, 'app_key' | 'filter_kind' | 'subject_id' | 'item_code' | 'webhook_url'>): Promise<SubscriptionRow | undefined> {
    return db
      .selectFrom('exchange_subscription')
      .selectAll()
      .where('app_key', '=', row.app_key)
      .where('status', '<>', 'deleted')
      .where('filter_kind', '=', row.filter_kind)
      .where(sql<boolean>`subject_id is not distinct from ${row.subject_id}::uuid`)
      .where(sql<boolean>`item_code is not distinct from ${row.item_code}::text`)
      .where(sql<boolean>`webhook_url is not distinct from ${row.webhook_url}::text`)
      .orderBy('created_at')
      .executeTakeFirst();
  }

  /** Serializes the saves of one account's subscriptions, to the end of the transaction. */
  async lockAccount(db: Kysely<ExchangeTables>, appKey: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(${SUBSCRIPTION_LOCK}, hashtext(${appKey}))`.execute(db);
  }

  /** Every process's dispatchers are woken when the caller's transaction commits. */
  async wakeDispatchersOnCommit(trx: Kysely<ExchangeTables>): Promise<void> {
    await sql`select ${wakeDispatchers}`.execute(trx);
  }

  /**
   * The account disabled (`active` false) or enabled again, in the transaction that changes it: its
   * subscriptions' rows (locked here, so a fan-out in progress finishes first or sees the change),
   * and their pending deliveries held, or — of the subscriptions not paused — due now. Returns the
   * subscriptions changed.
   */
  async setAccountActive(db: Kysely<ExchangeTables>, appKey: string, active: boolean, now: Date): Promise<number> {
    const subs = await db
      .updateTable('exchange_subscription')
      .set({ account_active: active })
      .where('app_key', '=', appKey)
      .where('status', '<>', 'deleted')
      .where('account_active', '=', !active)
      .returning(['id', 'status'])
      .execute();
    for (const sub of subs) {
      if (active && sub.status !== 'active') continue; // still paused: held until resumed
      await this.holdDeliveries(db, sub.id, !active, now);
    }
    return subs.length;
  }

  async subscription(db: Kysely<ExchangeTables>, id: string, forUpdate = false): Promise<SubscriptionRow | undefined> {
    let q = db.selectFrom('exchange_subscription').selectAll().where('id', '=', id).where('status', '<>', 'deleted');
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async setStatus(db: Kysely<ExchangeTables>, id: string, status: SubscriptionRow['status'], now: Date): Promise<SubscriptionRow> {
    return db.updateTable('exchange_subscription').set({ status, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * A subscription paused or deleted (`held`): its pending deliveries move out of the lease's way;
   * resumed: they are due now. In the transaction that changes the subscription's status.
   */
  async holdDeliveries(db: Kysely<ExchangeTables>, subscriptionId: string, held: boolean, now: Date): Promise<void> {
    let q = db
      .updateTable('exchange_delivery')
      .set({ due_at: held ? HELD : now })
      .where('subscription_id', '=', subscriptionId)
      .where('status', '=', 'pending');
    if (!held) q = q.where('due_at', '=', HELD);
    await q.execute();
  }

  async subscriptions(appKey?: string): Promise<(SubscriptionRow & { pending: number; dead: number; delivered: number })[]> {
    let q = this.db
      .selectFrom('exchange_subscription as s')
      .selectAll('s')
      .select([
        sql<number>`(select count(*) from exchange_delivery d where d.subscription_id = s.id and d.status = 'pending')::int`.as('pending'),
        sql<number>`(select count(*) from exchange_delivery d where d.subscription_id = s.id and d.status = 'dead')::int`.as('dead'),
        sql<number>`(select count(*) from exchange_delivery d where d.subscription_id = s.id and d.status = 'delivered')::int`.as('delivered'),
      ])
      .where('s.status', '<>', 'deleted');
    if (appKey) q = q.where('s.app_key', '=', appKey);
    return q.orderBy('s.created_at', 'desc').orderBy('s.id').execute();
  }

  /**
   * Turns the changes after a subscription's cursor into deliveries and advances the cursor, in
   * one transaction holding the subscription's row: a crash before the commit leaves neither, so
   * no change is lost or doubled; a second process skips a subscription being fanned out.
   */
  async fanOut(subscriptionId: string, now: Date, batch: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const sub = await trx
        .selectFrom('exchange_subscription')
        .selectAll()
        .where('id', '=', subscriptionId)
        .where('status', '=', 'active')
        .where('account_active', '=', true)
        .where('webhook_url', 'is not', null)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!sub) return 0;
      const top = await sql<{ m: number | null }>`select max(seq) as m from change_outbox`.execute(trx);
      const high = Math.min(Number(top.rows[0]?.m ?? 0), sub.cursor_seq + batch);
      if (high <= sub.cursor_seq) return 0;
      const filter =
        sub.filter_kind === 'subject' ? sql`and c.subject_id = ${sub.subject_id}` : sub.filter_kind === 'item' ? sql`and c.item_code = ${sub.item_code}` : sql``;
      const r = await sql`
        insert into exchange_delivery (subscription_id, seq, subject_id, due_at, created_at)
        select ${sub.id}, c.seq, c.subject_id, ${now}, ${now} from change_outbox c
        where c.seq > ${sub.cursor_seq} and c.seq <= ${high} and ${ENTITLED} ${filter}
        order by c.seq`.execute(trx);
      await trx.updateTable('exchange_subscription').set({ cursor_seq: high }).where('id', '=', sub.id).execute();
      return Number(r.numAffectedRows ?? 0);
    });
  }

  async webhookSubscriptionIds(): Promise<string[]> {
    const rows = await this.db.selectFrom('exchange_subscription').select('id').where('status', '=', 'active').where('account_active', '=', true).where('webhook_url', 'is not', null).execute();
    return rows.map((r) => r.id);
  }

  // ---- deliveries ----------------------------------------------------------------------------

  /**
   * Leases up to `limit` due deliveries of active subscriptions, each the earliest still pending
   * of its subscription and subject (per-subject order), counting the attempt now: a process
   * killed mid-send has used it, and its lease expires at `leaseUntil`.
   */
  async claim(now: Date, leaseUntil: Date, limit: number): Promise<{ token: string; deliveries: ClaimedDelivery[] }> {
    const token = randomUUID();
    const r = await this.db.transaction().execute(async (trx) => {
      await WALK_IN_INDEX_ORDER.execute(trx);
      return claimStatement(now, leaseUntil, limit, token).execute(trx);
    });
    return {
      token,
      deliveries: [...r.rows].sort((x, y) => Number(x.seq) - Number(y.seq)).map((row) => ({
        id: row.delivery_id,
        subscriptionId: row.subscription_id,
        appKey: row.app_key,
        webhookUrl: row.webhook_url,
        attempts: row.attempts,
        change: row,
      })),
    };
  }

  /**
   * The lease statement's plan as it runs (EXPLAIN ANALYZE, its root node; rolled back: nothing is leased),
   * for the test that checks a lease reads about `limit` rows whatever the statistics say.
   */
  async explainClaim(now: Date, limit: number): Promise<unknown> {
    let plan: unknown;
    const rollback = new Error('explain only');
    await this.db
      .transaction()
      .execute(async (trx) => {
        await WALK_IN_INDEX_ORDER.execute(trx);
        const r = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${claimStatement(now, now, limit, randomUUID())}`.execute(trx);
        plan = r.rows[0]?.['QUERY PLAN'];
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    const doc = (typeof plan === 'string' ? JSON.parse(plan) : plan) as [{ Plan: unknown }];
    return doc[0].Plan;
  }

  /** Acknowledged: done. Only while the lease is still this claim's (a re-claimed row is the other's). */
  async delivered(ids: readonly string[], token: string, status: number, now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('exchange_delivery')
      .set({ status: 'delivered', delivered_at: now, lease_until: null, lease_token: null, last_status: status, last_error: null })
      .where('id', 'in', [...ids])
      .where('lease_token', '=', token)
      .execute();
  }

  /** Not acknowledged: due again at `retryAt` (held still if its subscription was paused meanwhile), or dead once out of attempts. */
  async failed(id: string, token: string, outcome: { status: number | null; error: string }, retryAt: Date, maxAttempts: number, now: Date): Promise<'retry' | 'dead'> {
    const r = await sql<{ status: string }>`
      update exchange_delivery set
        status = case when attempts >= ${maxAttempts}::int then 'dead' else 'pending' end,
        dead_at = case when attempts >= ${maxAttempts}::int then ${now}::timestamptz else null end,
        due_at = case when due_at = ${HELD}::timestamptz then due_at else ${retryAt}::timestamptz end, lease_until = null, lease_token = null,
        last_status = ${outcome.status}::int, last_error = ${outcome.error.slice(0, 500)}
      where id = ${id} and lease_token = ${token}
      returning status`.execute(this.db);
    return r.rows[0]?.status === 'dead' ? 'dead' : 'retry';
  }

  /**
   * A claimed delivery that could not be sent for want of a secret (its account or the account's
   * department disabled meanwhile): back to pending, the attempt its claim counted given back, so
   * however long the account stays off, nothing becomes a dead letter for it.
   */
  async unsendable(id: string, token: string, retryAt: Date): Promise<void> {
    await sql`
      update exchange_delivery set
        attempts = greatest(attempts - 1, 0),
        due_at = case when due_at = ${HELD}::timestamptz then due_at else ${retryAt}::timestamptz end, lease_until = null, lease_token = null,
        last_error = ${'系统账号或其所属部门已停用：暂不投递，启用后继续'}
      where id = ${id} and lease_token = ${token}`.execute(this.db);
  }

  async deadLetters(limit: number, offset: number): Promise<{ rows: DeadLetterRow[]; total: number }> {
    const total = await this.db.selectFrom('exchange_delivery').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'dead').executeTakeFirst();
    const r = await sql<DeadLetterRow>`
      select d.id, d.subscription_id, s.app_key, s.webhook_url, d.seq, d.subject_id, c.object_type, c.object_id, c.event, c.item_code, c.visible_before, c.visible_after,
             d.attempts, d.last_status, d.last_error, d.created_at, d.dead_at
      from exchange_delivery d
      join exchange_subscription s on s.id = d.subscription_id
      join change_outbox c on c.seq = d.seq
      where d.status = 'dead'
      order by d.dead_at desc, d.id
      limit ${limit} offset ${offset}`.execute(this.db);
    return { rows: r.rows, total: Number(total?.n ?? 0) };
  }

  /** A dead delivery due again now (once resumed, if its subscription is paused or its account disabled), with its attempts counted afresh; the same id (idempotency key). */
  async replay(db: Kysely<ExchangeTables>, id: string, now: Date): Promise<{ id: string; subscription_id: string; seq: number } | undefined> {
    return db
      .updateTable('exchange_delivery')
      .set({
        status: 'pending',
        attempts: 0,
        due_at: sql<Date>`case when (select s.status = 'active' and s.account_active from exchange_subscription s where s.id = exchange_delivery.subscription_id) then ${now}::timestamptz else ${HELD}::timestamptz end`,
        dead_at: null,
        lease_until: null,
        lease_token: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .returning(['id', 'subscription_id', 'seq'])
      .executeTakeFirst();
  }

  /** The earliest pending delivery's due time (the dispatcher sleeps until then at most). */
  async nextDue(): Promise<Date | undefined> {
    const r = await this.db.selectFrom('exchange_delivery').select((eb) => eb.fn.min('due_at').as('due')).where('status', '=', 'pending').executeTakeFirst();
    return r?.due ? new Date(r.due as unknown as string) : undefined;
  }

  async counts(): Promise<{ pending: number; delivered: number; dead: number }> {
    const rows = await this.db.selectFrom('exchange_delivery').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
    return { pending: by.get('pending') ?? 0, delivered: by.get('delivered') ?? 0, dead: by.get('dead') ?? 0 };
  }
}
