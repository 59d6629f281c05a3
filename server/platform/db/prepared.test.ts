import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { ENGINE, freshDatabase } from '../../../test/helpers.js';
import { openEngine, type Engine } from './engine.js';
import { prepared } from './prepared.js';

interface T {
  thing: { id: number; kind: string; tags: string[]; at: string };
}

const byKindAndTag = prepared('test_things_by_kind_and_tag', (db: Kysely<T>, kind: string, tags: string[], limit: number) =>
  db.selectFrom('thing').select(['id', 'kind']).where('kind', '=', kind).where('hidden' as never, '=', false as never).where(sql<boolean>`tags && ${tags}::text[]`).orderBy('id').limit(limit),
);

describe(`prepared hot queries on ${ENGINE}`, () => {
  let engine: Engine<T>;
  let drop: () => Promise<void>;
  before(async () => {
    const d = await freshDatabase();
    drop = d.drop;
    engine = await openEngine<T>({ databaseUrl: d.url });
    await sql`create table thing (id int primary key, kind text not null, tags text[] not null, hidden boolean not null default false, at date)`.execute(engine.db);
    await sql`insert into thing (id, kind, tags, hidden) values (1, 'a', '{x}', false), (2, 'a', '{y}', false), (3, 'b', '{x}', false), (4, 'a', '{x,y}', true), (5, 'a', '{x}', false)`.execute(engine.db);
  });
  after(async () => {
    await engine.close();
    await drop();
  });

  it('runs with each call’s values, keeping the query’s own literals', async () => {
    assert.deepEqual(await byKindAndTag(engine.db, 'a', ['x'], 10), [{ id: 1, kind: 'a' }, { id: 5, kind: 'a' }]);
    assert.deepEqual(await byKindAndTag(engine.db, 'a', ['y'], 10), [{ id: 2, kind: 'a' }], 'hidden = false stays in the query');
    assert.deepEqual(await byKindAndTag(engine.db, 'b', ['x', 'y'], 10), [{ id: 3, kind: 'b' }]);
    assert.deepEqual(await byKindAndTag(engine.db, 'a', ['x', 'y'], 1), [{ id: 1, kind: 'a' }]);
  });

  it('is a named prepared statement of the connection on PostgreSQL', async (t) => {
    if (engine.kind !== 'postgres') return t.skip('PGlite runs it as an ordinary query');
    const names = await engine.db.connection().execute(async (c) => {
      await byKindAndTag(c, 'a', ['x'], 10);
      return (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(c)).rows.map((r) => r.name);
    });
    assert.ok(names.includes('test_things_by_kind_and_tag'), names.join(','));
  });

  it('refuses a placeholder that is not used as one parameter', async () => {
    const unused = prepared('test_unused', (db: Kysely<T>, kind: string, _tag: string) => db.selectFrom('thing').select('id').where('kind', '=', kind));
    await assert.rejects(unused(engine.db, 'a', 'x'), /each placeholder must be used as one parameter/);
  });
});
