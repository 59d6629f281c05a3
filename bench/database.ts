/** A database of its own for one benchmark run on a PostgreSQL server: created now, dropped by `drop()`. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function benchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `xinyong_bench_${randomBytes(3).toString('hex')}`;
  const run = async (statement: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await run(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
