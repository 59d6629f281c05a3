/** The physical baseline of bench:portal: a bare Fastify route answering a small JSON document. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ items: [{ name: '福州测试贸易有限公司', uscc: '91350100MA2XXXXX0X' }], total: 1 }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`);
