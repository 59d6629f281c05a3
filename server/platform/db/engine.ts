/**
 * The two database engines behind one surface: embedded PGlite (PostgreSQL in WASM, the
 * default) and a PostgreSQL server via `pg`. Same SQL dialect, same Kysely query builder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ConfigError } from '../config.js';
import { Mutex } from './mutex.js';
import { PGliteDialect } from './pglite-dialect.js';

export type EngineKind = 'pglite' | 'postgres';

export interface Engine<DB> {
  readonly kind: EngineKind;
  readonly db: Kysely<DB>;
  /** Where the data lives, without credentials: for logs and /readyz. */
  readonly location: string;
  /** Runs a multi-statement script and one parameterized statement in one transaction. */
  applyScript(script: string, then: { sql: string; params: unknown[] }): Promise<void>;
  /** Bulk load CSV text (no header) with COPY. */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// Same value shapes on both engines: DATE as 'YYYY-MM-DD' (no time-zone shifts), INT8 as number
// (counts and sequences stay far below 2^53), NUMERIC as string (amounts in 万元 keep their digits).
const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;
pg.types.setTypeParser(DATE, (v: string) => v);
pg.types.setTypeParser(INT8, (v: string) => Number(v));
pg.types.setTypeParser(NUMERIC, (v: string) => v);

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return name;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** Directory for PGlite; omitted = in memory (tests). */
  pgliteDir?: string | undefined;
}

export async function openEngine<DB>(options: OpenOptions): Promise<Engine<DB>> {
  return options.databaseUrl ? openPostgres<DB>(options.databaseUrl) : openPGlite<DB>(options.pgliteDir);
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (unparsable URL)';
  }
}

async function openPostgres<DB>(url: string): Promise<Engine<DB>> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, application_name: 'xinyong' });
  const location = describeUrl(url);
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ConfigError(`配置错误 / invalid configuration: DATABASE_URL (${location}) is unreachable — ${(err as Error).message}`);
  }
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    location,
    async applyScript(script, then) {
      const c = await pool.connect();
      try {
        await c.query('begin');
        await c.query(script);
        await c.query(then.sql, then.params);
        await c.query('commit');
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async copyCsv(table, columns, csv) {
      const c = await pool.connect();
      try {
        const stream = c.query(copyFrom(`copy ${ident(table)} (${columns.map(ident).join(',')}) from stdin with (format csv)`));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        c.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await db.destroy(); // ends the pool
    },
  };
}

async function openPGlite<DB>(dir: string | undefined): Promise<Engine<DB>> {
  if (dir) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const parsers = { [DATE]: (v: string) => v, [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => v };
  let pgl: PGlite;
  try {
    pgl = await PGlite.create(dir ?? 'memory://', { parsers });
  } catch (err) {
    throw new ConfigError(`配置错误 / invalid configuration: embedded database at ${dir} cannot be opened — ${(err as Error).message}`);
  }
  const mutex = new Mutex();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pgl, mutex) });
  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await mutex.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  return {
    kind: 'pglite',
    db,
    location: dir ? `PGlite ${dir}` : 'PGlite (in memory)',
    applyScript: (script, then) =>
      locked(async () => {
        await pgl.exec('begin');
        try {
          await pgl.exec(script);
          await pgl.query(then.sql, then.params);
          await pgl.exec('commit');
        } catch (err) {
          await pgl.exec('rollback').catch(() => {});
          throw err;
        }
      }),
    copyCsv: (table, columns, csv) =>
      locked(async () => {
        await pgl.query(`copy ${ident(table)} (${columns.map(ident).join(',')}) from '/dev/blob' with (format csv)`, [], {
          blob: new Blob([csv]),
        });
      }),
    ping: () => locked(async () => void (await pgl.query('select 1'))),
    async close() {
      await locked(async () => pgl.close());
    },
  };
}
