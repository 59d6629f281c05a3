import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { ENGINE, freshDatabase } from '../../../test/helpers.js';
import { openEngine, type Engine, type ListenEvent } from './engine.js';

interface T {
  thing: { id: number };
}

/** Waits until no notification has arrived for `quietMs`: the earlier commits' late copies are in. */
async function settled(count: () => number, quietMs = 300): Promise<void> {
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((r) => setTimeout(r, 20));
    if (count() !== last) [last, since] = [count(), Date.now()];
  }
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`notification channels on ${ENGINE}`, () => {
  let engine: Engine<T>;
  let url: string | undefined;
  let drop: () => Promise<void>;
  const events: ListenEvent[] = [];
  let stop: () => Promise<void>;
  const notified = () => events.filter((e) => e === 'notify').length;

  before(async () => {
    const d = await freshDatabase();
    drop = d.drop;
    url = d.url;
    engine = await openEngine<T>({ databaseUrl: d.url });
    await sql`create table thing (id int primary key)`.execute(engine.db);
    stop = await engine.listen('thing_changed', (e) => events.push(e));
  });
  after(async () => {
    await stop();
    await engine.close();
    await drop();
  });

  it('is listening once listen resolves', () => {
    assert.deepEqual(events, ['listening']);
  });

  it('hears this process’s own commit before the commit returns', async () => {
    for (let i = 1; i <= 3; i++) {
      const before = notified();
      await engine.db.transaction().execute(async (trx) => {
        await sql`insert into thing values (${i})`.execute(trx);
        await sql`select pg_notify('thing_changed', '')`.execute(trx);
        // The connection that commits listens itself: PostgreSQL tells it before the commit's answer.
        if (engine.kind === 'postgres') {
          const channels = await sql<{ c: string }>`select pg_listening_channels() as c`.execute(trx);
          assert.deepEqual(channels.rows.map((r) => r.c), ['thing_changed']);
        }
      });
      assert.ok(notified() > before, `commit ${i} was heard by the time it returned`);
    }
  });

  it('hears nothing of a transaction rolled back, nor of other channels', async () => {
    // A commit is heard at once on the connection that made it, and a moment later on every other
    // listening connection: let the earlier tests' copies arrive before counting.
    await settled(notified);
    const before = notified();
    await assert.rejects(
      engine.db.transaction().execute(async (trx) => {
        await sql`select pg_notify('thing_changed', '')`.execute(trx);
        throw new Error('roll back');
      }),
    );
    await sql`select pg_notify('other_channel', '')`.execute(engine.db);
    await settled(notified);
    assert.equal(notified(), before);
  });

  it('hears another connection’s commit', async (t) => {
    if (!url) return t.skip('PGlite has one session: every commit is this process’s own');
    const before = notified();
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query(`select pg_notify('thing_changed', '')`);
    await other.end();
    await until('the other connection’s notification', () => notified() > before);
  });

  it('stops listening when the engine closes, even if never told to stop', async (t) => {
    if (!url) return t.skip('PGlite has no connection of its own for listening');
    const listening = async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = 'xinyong-listen' and datname = current_database()`.execute(engine.db)).rows[0]?.n);
    const before = await listening();
    const second = await openEngine<T>({ databaseUrl: url });
    await second.listen('thing_changed', () => {});
    assert.equal(await listening(), before + 1);
    await second.close();
    const end = Date.now() + 5000;
    while ((await listening()) !== before) {
      assert.ok(Date.now() < end, 'its listening connection closed with it');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('says when its connection is lost, and when it listens again', async (t) => {
    if (!url) return t.skip('PGlite runs in this process: there is no connection to lose');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'xinyong-listen' and datname = current_database()`);
      assert.equal(killed.rowCount, 1, 'one listening connection');
      await until('lost', () => events.includes('lost'));
      const lostAt = events.lastIndexOf('lost');
      await until('listening again', () => events.lastIndexOf('listening') > lostAt);
      // And it hears again: from another connection (the pool's own connections may hear too).
      const before = notified();
      await admin.query(`select pg_notify('thing_changed', '')`);
      await until('a notification after reconnecting', () => notified() > before);
    } finally {
      await admin.end();
    }
  });
});
