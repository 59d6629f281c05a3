/**
 * Forward-only migrations: db/migrations/NNNN_name.sql, applied in order, each in its own
 * transaction with its bookkeeping row. An applied file that changed is refused, not re-run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { sm3Hex } from '../crypto/index.js';
import type { Engine } from './engine.js';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../db/migrations');

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(f);
      if (!m) throw new Error(`migration file name ${f} must look like 0001_name.sql`);
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return { version: Number(m[1]), name: m[2] as string, sql: text, checksum: sm3Hex(text) };
    });
}

async function ensureTable<DB>(engine: Engine<DB>): Promise<void> {
  // A least-privilege role may not create anything, not even "if not exists": look first.
  const exists = await sql<{ t: string | null }>`select to_regclass('schema_migration')::text as t`.execute(engine.db);
  if (exists.rows[0]?.t) return;
  // Under the lock: concurrent "create table if not exists" can still collide in the catalog.
  await engine.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(73786)`.execute(trx);
    await sql`create table if not exists schema_migration (
      version integer primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`.execute(trx);
  });
}

async function applied<DB>(engine: Engine<DB>): Promise<Map<number, string>> {
  const r = await sql<{ version: number; checksum: string }>`select version, checksum from schema_migration`.execute(engine.db);
  return new Map(r.rows.map((row) => [row.version, row.checksum]));
}

export async function pendingMigrations<DB>(engine: Engine<DB>, dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  await ensureTable(engine);
  const done = await applied(engine);
  const files = readMigrations(dir);
  for (const f of files) {
    const sum = done.get(f.version);
    if (sum !== undefined && sum !== f.checksum) {
      throw new Error(`migration ${f.version}_${f.name} was changed after it was applied; add a new migration instead`);
    }
  }
  return files.filter((f) => !done.has(f.version));
}

export async function migrate<DB>(engine: Engine<DB>, dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const todo = await pendingMigrations(engine, dir);
  const applied: MigrationFile[] = [];
  for (const f of todo) {
    try {
      // The lock serializes instances starting together; the bookkeeping row is written first,
      // so an instance that waited for the lock fails on it (unique) instead of re-running the DDL.
      await engine.applyScript('select pg_advisory_xact_lock(73786)', {
        sql: 'insert into schema_migration (version, name, checksum) values ($1, $2, $3)',
        params: [f.version, f.name, f.checksum],
      }, f.sql);
      applied.push(f);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '23505') continue; // applied meanwhile by another instance
      if (code === '42501') {
        throw new Error(`迁移 ${f.version}_${f.name} 需要所有者权限，当前数据库角色不能建表：用所有者角色运行 npm run db:migrate 和 npm run db:grant -- <应用角色>，再启动平台`);
      }
      throw err;
    }
  }
  return applied;
}
