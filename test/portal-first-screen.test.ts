/**
 * The portal's first screen stays small (issue #12): the web bundle is built from the current
 * sources, and the JavaScript the portal's index.html loads before the app starts — its entry and
 * every chunk it imports statically, i.e. the module preload graph — must come to at most 250 KB as
 * sent compressed. antd, ECharts and the pages are lazily loaded chunks and do not count; importing
 * one of them into the shell makes this fail. Sizes, not timings (bench/portal-first-screen.ts
 * measures the time). The same build is then served as production serves it: compressed, kept a year.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { registerWeb } from '../server/app/web.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUDGET = 250 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}

describe('the portal first screen budget', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-web-'));
  let manifest: Record<string, ManifestChunk>;
  let firstScreen: string[];
  let app: FastifyInstance;

  before(async () => {
    // Its own build (a few seconds), so the budget is checked on these sources, not on an older dist/web.
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--manifest', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, WEB_DIST: dist },
    });
    manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
    // The entry and everything it imports statically, recursively: what runs before the first render.
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const k of manifest[key]?.imports ?? []) visit(k);
    };
    visit('portal/index.html');
    firstScreen = [...seen].map((k) => manifest[k]!.file);
    app = Fastify({ logger: false });
    await registerWeb(app, dist);
  });
  after(async () => {
    await app?.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('loads at most 250 KB of compressed JavaScript before the search box', () => {
    // The preload graph in the page is the manifest's: the browser asks for exactly these before the app runs.
    const html = fs.readFileSync(path.join(dist, 'portal/index.html'), 'utf8');
    const loaded = [...html.matchAll(/<(?:script type="module"[^>]* src|link rel="modulepreload"[^>]* href)="\/([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual([...loaded].sort(), [...firstScreen].sort());
    // gzip: what a browser without brotli gets, the larger of the two the server sends.
    const sizes = firstScreen.map((f) => ({ f, gz: fs.statSync(path.join(dist, `${f}.gz`)).size, br: fs.statSync(path.join(dist, `${f}.br`)).size }));
    const total = sizes.reduce((s, x) => s + x.gz, 0);
    assert.ok(total <= BUDGET, `the first screen needs ${(total / 1024).toFixed(1)} KB of compressed JavaScript (budget 250 KB): ${sizes.map((x) => `${x.f} ${(x.gz / 1024).toFixed(1)} KB`).join(', ')}`);
    // The pages, antd and the chart come later, as their own chunks.
    for (const lazy of ['portal/antd.tsx', 'portal/HomeMore.tsx', 'portal/Figures.tsx', 'portal/SearchPage.tsx', 'portal/ProfilePage.tsx', 'portal/PublicityPage.tsx']) {
      assert.ok(manifest[lazy] && !firstScreen.includes(manifest[lazy].file), `${lazy} is loaded lazily`);
    }
  });

  it('serves the first screen’s scripts compressed and cacheable for a year', async () => {
    const entry = manifest['portal/index.html']!.file.replace(/^assets\//, '');
    const raw = fs.readFileSync(path.join(dist, 'assets', entry));
    const br = await app.inject({ url: `/assets/${entry}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.deepEqual(br.rawPayload, fs.readFileSync(path.join(dist, 'assets', `${entry}.br`)));
    assert.match(String(br.headers['content-type']), /javascript/);
    assert.match(String(br.headers['cache-control']), /max-age=31536000/);
    assert.match(String(br.headers['cache-control']), /immutable/);
    assert.match(String(br.headers.vary), /accept-encoding/i);
    const gz = await app.inject({ url: `/assets/${entry}`, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.rawPayload), raw);
    const plain = await app.inject({ url: `/assets/${entry}` });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.rawPayload, raw);
  });
});
