/**
 * The portal's first screen, as a citizen's first visit meets it: chromium (playwright-core) opens
 * the home page with an empty cache and the time is taken from navigation to a usable search box —
 * visible, enabled, not read-only — then the box is checked to accept input and to navigate when
 * submitted (a run whose box does neither is reported as failed, not timed). The JavaScript bytes
 * transferred before that moment — the scripts the page had received by then — are summed from the
 * DevTools protocol's Network events (encodedDataLength: compressed as sent, headers included),
 * with the platform serving its assets as in production. In the same run, the same is measured on a bare static page (the search box in
 * plain HTML, no script): the floor of any first screen on this machine and browser.
 * Target (issue #12): usable in under 1 s, with at most 250 KB of compressed JavaScript before it.
 *
 *   npm run build:web && node --import tsx bench/portal-first-screen.ts [--runs 7]
 *   WEB_DIST=/tmp/other-dist node --import tsx bench/portal-first-screen.ts     (another build)
 *
 * The platform runs in this process on embedded PGlite (or DATABASE_URL's PostgreSQL), empty: the
 * first screen reads no data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import type { Browser, CDPSession } from 'playwright-core';
import { launchBrowser } from '../e2e/browser.js';
import { WEB_DIST } from '../server/app/web.js';
import { startTestPlatform } from '../test/helpers.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!fs.existsSync(path.join(WEB_DIST, 'portal/index.html'))) {
  console.error(`no portal build in ${WEB_DIST}: run npm run build:web (or set WEB_DIST)`);
  process.exit(1);
}

/** The search box's accessible name on both pages: the portal's and the baseline's. */
const LABEL = '信用信息查询';

/** The floor: the same search box in static HTML, a form that navigates on submit. */
const BARE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>信用</title>
<form action="/bare"><input type="search" name="q" aria-label="${LABEL}" placeholder="请输入企业名称或统一社会信用代码"><button>查询</button></form>`;

interface Sample {
  ms: number;
  jsBytes: number;
  jsFiles: number;
  /** How the scripts came: br, gzip or identity. */
  encodings: string[];
}

/**
 * Watches from the first parsed byte for the search box to become usable and notes the moment
 * (performance.now(): milliseconds from the navigation's start).
 */
const WATCH = `(() => {
  const check = () => {
    const box = document.querySelector('input[aria-label="${LABEL}"]');
    if (!box || box.disabled || box.readOnly) return false;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(box).visibility === 'hidden') return false;
    window.__usableAt = performance.now();
    // What had arrived by then, by the page's own account (the protocol's events give the bytes).
    window.__arrived = performance.getEntriesByType('resource').map((e) => e.name);
    return true;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

async function measure(browser: Browser, url: string, navigated: (href: string) => boolean): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.addInitScript(WATCH);
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  // Each script's bytes as they came over the wire (compressed, with headers), by address.
  const scripts = new Map<string, string>();
  const bytes = new Map<string, number>();
  const encodings = new Map<string, string>();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type !== 'Script') return;
    scripts.set(e.requestId, e.response.url);
    const encoding = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding')?.[1];
    encodings.set(e.response.url, encoding ?? 'identity');
  });
  cdp.on('Network.loadingFinished', (e) => {
    const script = scripts.get(e.requestId);
    if (script) bytes.set(script, (bytes.get(script) ?? 0) + e.encodedDataLength);
  });
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => (window as unknown as { __usableAt?: number }).__usableAt !== undefined, undefined, { timeout: 30_000 });
  const { ms, arrived } = await page.evaluate(() => {
    const w = window as unknown as { __usableAt: number; __arrived: string[] };
    return { ms: w.__usableAt, arrived: w.__arrived };
  });
  // Usable means usable: it takes text, and submitting it goes to the results.
  const box = page.getByLabel(LABEL, { exact: true });
  await box.fill('华为');
  await box.press('Enter');
  await page.waitForURL((u) => navigated(u.href), { timeout: 10_000 });
  // The scripts that had arrived when the box became usable (later ones — the chart, other pages — do not count).
  const before = [...new Set(arrived)].filter((u) => bytes.has(u));
  await context.close();
  return { ms, jsBytes: before.reduce((sum, u) => sum + (bytes.get(u) ?? 0), 0), jsFiles: before.length, encodings: [...new Set(before.map((u) => encodings.get(u) ?? '?'))] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const platform = await startTestPlatform({ env: { PORTAL_RATE_LIMIT: '100000' } });
await platform.app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(platform.app.server.address() as { port: number }).port}`;
const bare = Fastify({ logger: false });
bare.get('/bare', (_req, reply) => reply.type('text/html; charset=utf-8').send(BARE));
await bare.listen({ port: 0, host: '127.0.0.1' });
const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
const browser = await launchBrowser();
if (!browser) {
  console.error('chromium not found (apt-get install chromium fonts-wqy-microhei)');
  process.exit(1);
}

try {
  // One visit each first, unmeasured: the browser's own first-use costs are not the page's.
  await measure(browser, `${bareBase}/bare`, (h) => h.includes('q='));
  await measure(browser, `${base}/`, (h) => h.includes('#/search?q='));
  const portal: Sample[] = [];
  const floor: Sample[] = [];
  // Interleaved, so a busy moment of the machine falls on both.
  for (let i = 0; i < runs; i++) {
    floor.push(await measure(browser, `${bareBase}/bare`, (h) => h.includes('q=')));
    portal.push(await measure(browser, `${base}/`, (h) => h.includes('#/search?q=')));
  }
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  console.log(`build: ${WEB_DIST}; ${runs} runs each, empty cache, 1280×900`);
  for (const [name, xs] of [['bare static page', floor], ['portal home', portal]] as const) {
    console.log(
      `${name.padEnd(17)} usable search box: median ${median(xs.map((x) => x.ms)).toFixed(0)} ms (${xs.map((x) => x.ms.toFixed(0)).join(', ')}); ` +
        `JavaScript before it: ${kb(median(xs.map((x) => x.jsBytes)))} in ${median(xs.map((x) => x.jsFiles))} files (${[...new Set(xs.flatMap((x) => x.encodings))].join(', ') || '—'})`,
    );
  }
  console.log(`ratio portal / bare page (time): ${(median(portal.map((x) => x.ms)) / median(floor.map((x) => x.ms))).toFixed(1)}`);
} finally {
  await browser.close();
  await bare.close();
  await platform.stop();
}
