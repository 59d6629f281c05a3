/**
 * A webhook receiver on 127.0.0.1 for tests and the benchmark, written as docs/exchange.md tells
 * an integrator to write one: it checks the signature with the documented snippet (sm-crypto-v2),
 * applies each delivery once by its idempotency key, and can be told to fail (500), to time out,
 * or to apply and then time out (so the platform sends the same delivery again).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sm3 } from 'sm-crypto-v2';
import type { WebhookBody } from '../common/exchange-api.js';

// ---- the documented snippet (docs/exchange.md → 验签), kept word for word --------------------
/** True when the request was signed by the platform with this subscription's account secret. */
export function verifyWebhook(secret: string, method: string, pathAndQuery: string, rawBody: string, headers: Record<string, string | string[] | undefined>): boolean {
  const h = (name: string) => String(headers[name] ?? '');
  const toSign = [method.toUpperCase(), pathAndQuery, sm3(rawBody), h('x-timestamp'), h('x-nonce')].join('\n');
  const expected = sm3(toSign, { key: new TextEncoder().encode(secret) });
  return expected === h('x-signature') && Math.abs(Date.now() / 1000 - Number(h('x-timestamp'))) <= 300;
}
// ---------------------------------------------------------------------------------------------

export type Behaviour = 'ok' | 'fail' | 'hang' | 'applyThenHang';

export interface Received {
  key: string;
  attempt: number;
  body: WebhookBody;
  verified: boolean;
  behaviour: Behaviour;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  received: Received[];
  /** Applied once each, by idempotency key, in the order applied. */
  applied: WebhookBody[];
  close(): Promise<void>;
}

export async function startReceiver(opts: { secret?: string; behave?: (r: { key: string; body: WebhookBody; seen: number }) => Behaviour; path?: string; keep?: boolean }): Promise<Receiver> {
  const received: Received[] = [];
  const applied: WebhookBody[] = [];
  const appliedKeys = new Set<string>();
  const seen = new Map<string, number>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = String(req.headers['idempotency-key'] ?? '');
      const body = JSON.parse(raw) as WebhookBody;
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      const behaviour = opts.behave?.({ key, body, seen: count }) ?? 'ok';
      const verified = opts.secret === undefined ? true : verifyWebhook(opts.secret, req.method ?? '', req.url ?? '', raw, req.headers);
      if (opts.keep !== false) received.push({ key, attempt: Number(req.headers['x-xinyong-attempt']), body, verified, behaviour });
      const apply = () => {
        // The receiver's duty: apply a delivery once, however often it arrives.
        if (appliedKeys.has(key)) return;
        appliedKeys.add(key);
        applied.push(body);
      };
      if (!verified) {
        res.writeHead(401).end();
        return;
      }
      if (behaviour === 'fail') {
        res.writeHead(500).end('{"error":"down"}');
        return;
      }
      if (behaviour === 'hang' || behaviour === 'applyThenHang') {
        if (behaviour === 'applyThenHang') apply();
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      apply();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${opts.path ?? '/hooks/xinyong?source=test'}`,
    received,
    applied,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
