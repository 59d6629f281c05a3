/**
 * Serves the built web bundles (dist/web, built by `npm install` → prepare, or `npm start` →
 * prestart): the portal at /, the console at /console/ (SPA), hashed assets under /assets/ —
 * kept by browsers for a year (a new build has new names) and sent brotli- or gzip-compressed
 * from the .br/.gz files the build writes beside them (web/vite.config.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { homePage } from './home.js';

// WEB_DIST points a process at another build (e.g. one engineer's bundle beside another's).
export const WEB_DIST = process.env.WEB_DIST ? path.resolve(process.env.WEB_DIST) : path.resolve(import.meta.dirname, '../../dist/web');

// antd's CSS-in-JS inserts <style> elements, hence 'unsafe-inline' for styles only; no inline scripts.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

function html(req: FastifyRequest, reply: FastifyReply, body: string) {
  reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache');
  if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  return reply.send(body);
}

export async function registerWeb(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  const open = { policy: { public: true as const } };
  const read = (rel: string) => (fs.existsSync(path.join(dist, rel)) ? fs.readFileSync(path.join(dist, rel), 'utf8') : null);
  const portal = read('portal/index.html');
  const consoleHtml = read('console/index.html');
  if (fs.existsSync(path.join(dist, 'assets'))) {
    await app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
      wildcard: true,
      preCompressed: true,
      // One address, several encodings: a shared cache must not give brotli to a browser that asked for gzip.
      setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
    });
  }
  const missing = '<!doctype html><meta charset="utf-8"><title>管理后台</title><p>管理后台尚未构建：请运行 <code>npm run build:web</code>（<code>npm install</code> 会自动构建）。</p>';
  app.get('/', { config: open, schema: { hide: true } }, (req, reply) => html(req, reply, portal ?? homePage()));
  app.get('/console', { config: open, schema: { hide: true } }, (_req, reply) => reply.redirect('/console/'));
  app.get('/console/*', { config: open, schema: { hide: true } }, (req, reply) => html(req, reply, consoleHtml ?? missing));
}
