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

  it('instances migrating at the same time apply each migration exactly once', async () => {
    const db = await freshDatabase();
    const a = await openEngine<unknown>({ databaseUrl: db.url });
    // On PostgreSQL a second connection pool races the first; PGlite has one in-process connection.
    const b = db.url ? await openEngine<unknown>({ databaseUrl: db.url }) : a;
    try {
      const [x, y] = await Promise.all([migrate(a, dir), migrate(b, dir)]);
      assert.equal(x.length + y.length, fs.readdirSync(dir).length);
      const rows = await sql<{ n: number }>`select count(*)::int as n from schema_migration`.execute(a.db);
      assert.equal(rows.rows[0]?.n, fs.readdirSync(dir).length);
    } finally {
      if (b !== a) await b.close();
      await a.close();
      await db.drop();
    }
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

describe('the embedded database directory', () => {
  it('cannot be opened by a second process while one holds it; a stale lock is taken over', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xy-lock-')), 'pg');
    const first = await openEngine<unknown>({ pgliteDir: dir });
    try {
      // The lock names this process; pretend another live process (our parent) holds it.
      fs.writeFileSync(`${dir}.lock`, String(process.ppid));
      await assert.rejects(openEngine<unknown>({ pgliteDir: dir }), /is in use by process/);
    } finally {
      await first.close();
    }
    fs.writeFileSync(`${dir}.lock`, '999999999');
    const again = await openEngine<unknown>({ pgliteDir: dir });
    await again.close();
    assert.equal(fs.existsSync(`${dir}.lock`), false);
  });
});
