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
import { preparedName } from './prepared.js';

export type EngineKind = 'pglite' | 'postgres';

/** What a listener hears: a notification, or that notifications may be missed from now on, or are heard again. */
export type ListenEvent = 'notify' | 'lost' | 'listening';
/** A listener: `payload` is the notification's text (with 'notify' only; '' when it carried none). */
export type Listener = (event: ListenEvent, payload?: string) => void;

export interface Engine<DB> {
  readonly kind: EngineKind;
  readonly db: Kysely<DB>;
  /** Where the data lives, without credentials: for logs and /readyz. */
  readonly location: string;
  /** Runs `before`, one parameterized statement, then the multi-statement `script`, in one transaction. */
  applyScript(before: string, statement: { sql: string; params: unknown[] }, script: string): Promise<void>;
  /** Bulk load CSV text (no header) with COPY, in its own transaction. */
  copyCsv(table: string, columns: string[], csv: string): Promise<void>;
  /** Several COPYs in one transaction: all rows or none (e.g. first-start demo data). */
  bulkLoad<T>(fn: (copy: (table: string, columns: string[], csv: string) => Promise<void>) => Promise<T>): Promise<T>;
  /**
   * Follows a notification channel (NOTIFY): `notify` after each commit that notified it, for this
   * process's own commits before the commit returns; `lost` when the listening connection is gone
   * and notifications may be missed, `listening` once they are heard again — anything kept on the
   * strength of them must not be trusted between the two, nor before the first `listening`.
   * Resolves after the first attempt (PostgreSQL keeps trying every second if it failed); returns
   * the function that stops it. Closing the engine stops it too. A 'notify' carries the payload.
   */
  listen(channel: string, on: Listener): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const RELISTEN_MS = 1000;
/** A listening connection answers `select 1` this often, within this long, or it counts as lost. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

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

async function copyWith(c: pg.PoolClient, table: string, columns: string[], csv: string): Promise<void> {
  const stream = c.query(copyFrom(`copy ${ident(table)} (${columns.map(ident).join(',')}) from stdin with (format csv)`));
  await pipeline(Readable.from([csv]), stream);
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
  // Followed channels. Each pooled connection listens too, before its first use: PostgreSQL tells a
  // listening session of its own commit before the commit returns, so this process never serves
  // what it has just changed. Others' commits arrive a moment later, on every listening connection.
  const followers = new Map<string, Set<Listener>>();
  /** The listeners' stop functions: closing the engine stops them too. */
  const stopping = new Set<() => Promise<void>>();
  const heard = new WeakMap<pg.PoolClient, Set<string>>();
  const deliver = (m: pg.Notification) => {
    for (const on of followers.get(m.channel) ?? []) on('notify', m.payload ?? '');
  };
  const checkout = async (): Promise<pg.PoolClient> => {
    const c = await pool.connect();
    if (followers.size === 0) return c;
    try {
      let channels = heard.get(c);
      if (!channels) {
        heard.set(c, (channels = new Set()));
        c.on('notification', deliver);
      }
      for (const channel of followers.keys()) {
        if (channels.has(channel)) continue;
        await c.query(`listen ${ident(channel)}`);
        channels.add(channel);
      }
      return c;
    } catch (err) {
      c.release(err as Error);
      throw err;
    }
  };
  // The registered hot queries (prepared.ts) run as named statements: parsed and planned once per connection.
  const named = {
    async connect() {
      const c = await checkout();
      return {
        query: ((text: unknown, values?: unknown[]) => {
          const name = typeof text === 'string' ? preparedName(text) : undefined;
          return name ? c.query({ name, text: text as string, values: values ?? [] }) : c.query(text as string, values);
        }) as pg.PoolClient['query'],
        release: () => c.release(),
      };
    },
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: named }) });
  return {
    kind: 'postgres',
    db,
    location,
    async applyScript(before, statement, script) {
      const c = await checkout();
      try {
        await c.query('begin');
        await c.query(before);
        await c.query(statement.sql, statement.params);
        await c.query(script);
        await c.query('commit');
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async copyCsv(table, columns, csv) {
      const c = await checkout();
      try {
        await copyWith(c, table, columns, csv);
      } finally {
        c.release();
      }
    },
    async bulkLoad(fn) {
      const c = await checkout();
      try {
        await c.query('begin');
        const result = await fn((table, columns, csv) => copyWith(c, table, columns, csv));
        await c.query('commit');
        return result;
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    /**
     * A connection of its own hears the channel even when the pool has none open, and tells when it
     * is lost (an error, its end, or a heartbeat unanswered: a server gone without a word); it is
     * opened again every second until it is back. Until it first opens, nothing is heard as listening.
     */
    async listen(channel, on) {
      const name = ident(channel);
      let stopped = false;
      let current: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      const open = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true, application_name: 'xinyong-listen' });
        const lost = () => {
          if (current !== c) return;
          current = undefined;
          clearInterval(heartbeat);
          void c.end().catch(() => {});
          if (stopped) return;
          on('lost');
          retry = setTimeout(() => void reopen(), RELISTEN_MS);
        };
        c.on('error', lost);
        c.on('end', lost);
        c.on('notification', (m) => m.channel === channel && on('notify', m.payload ?? ''));
        try {
          await c.connect();
          await c.query(`listen ${name}`);
        } catch (err) {
          void c.end().catch(() => {});
          throw err;
        }
        if (stopped) {
          await c.end().catch(() => {});
          return;
        }
        current = c;
        heartbeat = setInterval(() => void c.query({ text: 'select 1', query_timeout: HEARTBEAT_TIMEOUT_MS } as pg.QueryConfig).catch(lost), HEARTBEAT_MS);
        heartbeat.unref();
        on('listening');
      };
      const reopen = async () => {
        if (stopped) return;
        try {
          await open();
        } catch {
          if (!stopped) retry = setTimeout(() => void reopen(), RELISTEN_MS);
        }
      };
      let set = followers.get(channel);
      if (!set) followers.set(channel, (set = new Set()));
      set.add(on);
      // A server that cannot be listened to now does not stop the platform: it just keeps nothing
      // on the strength of notifications until the connection opens.
      await reopen();
      const stop = async () => {
        stopped = true;
        clearTimeout(retry);
        clearInterval(heartbeat);
        set.delete(on);
        if (set.size === 0) followers.delete(channel);
        stopping.delete(stop);
        const c = current;
        current = undefined;
        await c?.end().catch(() => {});
      };
      stopping.add(stop);
      return stop;
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await Promise.all([...stopping].map((stop) => stop()));
      await db.destroy(); // ends the pool
    },
  };
}

/**
 * PGlite does not stop a second process from opening the same directory, and two writers corrupt
 * it: a lock file beside the directory records the owner; a stale one (dead process) is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockFile, 'utf8'));
      let alive = false;
      try {
        alive = Number.isInteger(owner) && owner > 0 && owner !== process.pid && (process.kill(owner, 0), true);
      } catch {
        alive = false;
      }
      if (alive) {
        throw new ConfigError(`配置错误 / invalid configuration: the embedded database ${dir} is in use by process ${owner} — stop it first, or use DATABASE_URL`);
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new ConfigError(`配置错误 / invalid configuration: cannot lock the embedded database ${dir}`);
}

async function openPGlite<DB>(dir: string | undefined): Promise<Engine<DB>> {
  if (dir) fs.mkdirSync(path.dirname(dir), { recursive: true });
  const unlock = dir ? lockDataDir(dir) : () => {};
  const parsers = { [DATE]: (v: string) => v, [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => v };
  let pgl: PGlite;
  try {
    pgl = await PGlite.create(dir ?? 'memory://', { parsers });
  } catch (err) {
    unlock();
    throw new ConfigError(`配置错误 / invalid configuration: embedded database at ${dir} cannot be opened — ${(err as Error).message}`);
  }
  const mutex = new Mutex();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pgl, mutex) });
  const copy = async (table: string, columns: string[], csv: string): Promise<void> => {
    await pgl.query(`copy ${ident(table)} (${columns.map(ident).join(',')}) from '/dev/blob' with (format csv)`, [], { blob: new Blob([csv]) });
  };
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
    applyScript: (before, statement, script) =>
      locked(async () => {
        await pgl.exec('begin');
        try {
          await pgl.exec(before);
          await pgl.query(statement.sql, statement.params);
          await pgl.exec(script);
          await pgl.exec('commit');
        } catch (err) {
          await pgl.exec('rollback').catch(() => {});
          throw err;
        }
      }),
    copyCsv: (table, columns, csv) => locked(() => copy(table, columns, csv)),
    bulkLoad: (fn) =>
      locked(async () => {
        await pgl.exec('begin');
        try {
          const result = await fn(copy);
          await pgl.exec('commit');
          return result;
        } catch (err) {
          await pgl.exec('rollback').catch(() => {});
          throw err;
        }
      }),
    // One process, one session: every commit is this process's own, heard before it returns. Under
    // the lock, so LISTEN does not land inside (and roll back with) someone's open transaction.
    async listen(channel, on) {
      const unlisten = await locked(() => pgl.listen(ident(channel), (payload) => on('notify', payload)));
      on('listening');
      return () => locked(unlisten);
    },
    ping: () => locked(async () => void (await pgl.query('select 1'))),
    async close() {
      await locked(async () => pgl.close());
      unlock();
    },
  };
}
