import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, freshDatabase } from '../../../test/helpers.js';
import { openEngine, type Engine } from './engine.js';
import { MIGRATIONS_DIR, migrate, pendingMigrations } from './migrate.js';

describe(`migrations on ${ENGINE}`, () => {
  let engine: Engine<unknown>;
  let drop: () => Promise<void>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-mig-'));
  before(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    engine = await openEngine<unknown>({ databaseUrl: db.url });
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  });
  after(async () => {
    await engine.close();
    await drop();
  });

  it('applies all migrations once, then nothing is pending', async () => {
    const applied = await migrate(engine, dir);
    assert.ok(applied.length >= 1);
    assert.deepEqual(await migrate(engine, dir), []);
    assert.equal((await pendingMigrations(engine, dir)).length, 0);
  });

  it('a failing migration is rolled back whole and not recorded', async () => {
    fs.writeFileSync(path.join(dir, '9998_half.sql'), 'create table half_done (x int);\nselect no_such_function();');
    await assert.rejects(migrate(engine, dir));
    const t = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'half_done'`.execute(engine.db);
    assert.equal(t.rows[0]?.n, 0);
    fs.unlinkSync(path.join(dir, '9998_half.sql'));
  });

  it('refuses to run when an applied migration file was edited', async () => {
    const first = fs.readdirSync(dir).sort()[0] as string;
    fs.appendFileSync(path.join(dir, first), '\n-- edited\n');
    await assert.rejects(migrate(engine, dir), /was changed after it was applied/);
  });
});
