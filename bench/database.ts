/** A database of its own for one benchmark run on a PostgreSQL server: created now, dropped by `drop()`. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  name: string;
  url: string;
  drop: () => Promise<void>;
}

/** `reuse`: a database an earlier run kept (its name), used as it is. */
export async function benchDatabase(serverUrl: string, reuse?: string): Promise<BenchDatabase> {
  if (reuse !== undefined && !/^xinyong_bench_[0-9a-f]{6}$/.test(reuse)) throw new Error(`not a benchmark database: ${reuse}`);
  const name = reuse ?? `xinyong_bench_${randomBytes(3).toString('hex')}`;
  const run = async (statement: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  if (reuse === undefined) await run(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
