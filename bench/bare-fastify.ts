/**
 * The physical baselines of bench:portal: a bare Fastify route answering a small JSON document
 * (`/bare`), and, with DATABASE_URL, a bare route reading one organization from PostgreSQL by its
 * code (`/bare-db`: plain pg, a prepared statement, 10 connections like the platform's pool), the
 * floor of any page that reads the database once.
 */
import Fastify from 'fastify';
import pg from 'pg';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ items: [{ name: '福州测试贸易有限公司', uscc: '91350100MA2XXXXX0X' }], total: 1 }));
if (process.env.DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const codes = (await pool.query<{ uscc: string }>(`select uscc from subject where kind = 'organization' order by random() limit 2000`)).rows.map((r) => r.uscc);
  let n = 0;
  app.get('/bare-db', async () => {
    const r = await pool.query({ name: 'bare', text: 'select id, name, uscc from subject where uscc = $1', values: [codes[n++ % codes.length]] });
    return { items: r.rows, total: r.rowCount };
  });
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
