/**
 * Forward-only migrations: db/migrations/NNNN_name.sql, applied in order, each in its own
 * transaction with its bookkeeping row. An applied file that changed is refused, not re-run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { ConfigError } from '../config.js';
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

/**
 * The one line an operator reads when the platform's own (least-privilege) role meets work only
 * the owner may do: what to run, in order, instead of a permission error from the middle of a script.
 */
function ownerNeeded(role: string, what: string, zh: string): ConfigError {
  return new ConfigError(
    `迁移须由数据库所有者执行：${zh}，而角色${role}不能修改表结构。请以所有者先运行 DATABASE_URL=<owner> npm run db:migrate，再运行 DATABASE_URL=<owner> npm run db:grant -- ${role}，然后重新启动 / migrations need the owner: ${what}, and the database role ${role} may not change the schema — run \`DATABASE_URL=<owner> npm run db:migrate\`, then \`DATABASE_URL=<owner> npm run db:grant -- ${role}\`, then start again`,
  );
}

async function currentRole<DB>(engine: Engine<DB>): Promise<string> {
  return (await sql<{ role: string }>`select current_user as role`.execute(engine.db)).rows[0]?.role ?? '?';
}

/** Superuser, or the owner (directly or through membership) of the schema's bookkeeping table. */
async function mayMigrate<DB>(engine: Engine<DB>): Promise<{ role: string; ok: boolean }> {
  const r = await sql<{ role: string; ok: boolean }>`
    select current_user as role,
           coalesce((select rolsuper from pg_roles where rolname = current_user), false)
             or pg_has_role(current_user, (select relowner from pg_class where oid = 'schema_migration'::regclass), 'USAGE') as ok`.execute(engine.db);
  return { role: r.rows[0]?.role ?? '?', ok: r.rows[0]?.ok ?? false };
}

async function ensureTable<DB>(engine: Engine<DB>): Promise<void> {
  // A least-privilege role may not create anything, not even "if not exists": look first.
  const exists = await sql<{ t: string | null }>`select to_regclass('schema_migration')::text as t`.execute(engine.db);
  if (exists.rows[0]?.t) return;
  try {
    // Under the lock: concurrent "create table if not exists" can still collide in the catalog.
    await engine.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(73786)`.execute(trx);
      await sql`create table if not exists schema_migration (
        version integer primary key, name text not null, checksum text not null,
        applied_at timestamptz not null default now())`.execute(trx);
    });
  } catch (err) {
    if ((err as { code?: string }).code === '42501') throw ownerNeeded(await currentRole(engine), 'the database has no schema yet', '数据库还没有表结构');
    throw err;
  }
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

/**
 * Applies what is pending. With nothing pending it only reads schema_migration, so the platform's
 * least-privilege role starts on a database the owner has migrated; with something pending, that
 * role is refused before it touches anything (where public is still writable by everyone, as on
 * databases created before PostgreSQL 15, it could otherwise create tables it would then own).
 */
export async function migrate<DB>(engine: Engine<DB>, dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const todo = await pendingMigrations(engine, dir);
  if (todo.length === 0) return [];
  const who = await mayMigrate(engine);
  if (!who.ok) {
    const names = todo.map((f) => `${String(f.version).padStart(4, '0')}_${f.name}`);
    throw ownerNeeded(who.role, `${todo.length} migration${todo.length > 1 ? 's' : ''} pending (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`, `还有${todo.length}个迁移未执行`);
  }
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
      // A role that owns the bookkeeping table but not everything the migration touches.
      if (code === '42501') throw ownerNeeded(await currentRole(engine), `migration ${String(f.version).padStart(4, '0')}_${f.name} was refused a privilege (${(err as Error).message})`, `迁移${String(f.version).padStart(4, '0')}_${f.name}缺少权限`);
      throw err;
    }
  }
  return applied;
}
