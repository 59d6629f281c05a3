/**
 * Canary crawl: demo data with canary natural persons (rare names, one outside the BMP; their ID
 * numbers and phones written into free text, as departments do), then every public API answer
 * and export and every public page in the browser is searched for any canary's full ID number, its middle
 * eight digits, the full given name or the phone. The canaries' penalties must be there, masked:
 * otherwise the crawl would prove nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeIdNumber } from '../test/fixtures.js';
import { CHROMIUM, browserAvailable, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

const CANARIES = [
  { name: '欧阳翀彧', given: '翀彧', masked: '欧阳**', idNumber: makeIdNumber('350102', '19850612', 41), phone: '13912345678' },
  { name: '张𠮷𠮷', given: '𠮷𠮷', masked: '张**', idNumber: makeIdNumber('350103', '19900101', 42), phone: '15800001234' },
  { name: '尉迟龑', given: '龑', masked: '尉迟*', idNumber: makeIdNumber('350104', '19770315', 43), phone: '18600005678' },
];
const LEAKS = CANARIES.flatMap((c) => [c.idNumber, c.idNumber.slice(6, 14), c.given, c.phone, c.name]);

function assertClean(where: string, text: string): void {
  for (const leak of LEAKS) assert.ok(!text.includes(leak), `${where} shows 「${leak}」`);
}

describe(`canary crawl of the public portal on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';
  const usccs = new Set<string>();

  before(async () => {
    p = await startTestPlatform({ env: { DEMO_DATA: 'on', PORTAL_RATE_LIMIT: '100000' }, demo: { subjects: 400, records: 4000, seed: 11, canaries: CANARIES } });
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    if (browserAvailable) browser = (await launchBrowser()) ?? undefined;
    else await launchBrowser(); // throws in CI, where a missing browser is a failure
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  const get = async (url: string) => {
    const r = await fetch(`${base}${url}`);
    const text = await r.text();
    return { status: r.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  it('no API answer shows a canary; their penalties are there, masked', async () => {
    let seenMasked = 0;
    for (const kind of ['penalties', 'permits']) {
      for (let page = 1; ; page++) {
        const r = await get(`/api/public/v1/publicity/${kind}?pageSize=50&page=${page}`);
        assert.equal(r.status, 200, r.text);
        assertClean(`${kind} page ${page}`, r.text);
        const body = r.json() as { items: { subject: { name: string; uscc: string | null } }[]; total: number };
        for (const i of body.items) {
          if (i.subject.uscc) usccs.add(i.subject.uscc);
          if (CANARIES.some((c) => c.masked === i.subject.name)) seenMasked++;
        }
        if (page * 50 >= body.total) break;
      }
    }
    assert.ok(seenMasked >= CANARIES.length, `the canaries' penalties are listed, masked (${seenMasked})`);
    for (const kind of ['penalties', 'permits']) {
      const csv = await get(`/api/public/v1/publicity/${kind}.csv`);
      assert.equal(csv.status, 200, csv.text.slice(0, 200));
      assertClean(`${kind}.csv`, csv.text);
      if (kind === 'penalties') for (const c of CANARIES) assert.ok(csv.text.includes(`\n${c.masked},`), `${c.masked} exported, masked`);
    }
    assert.ok(usccs.size > 20, `organizations found: ${usccs.size}`);
    for (const uscc of usccs) {
      const r = await get(`/api/public/v1/subjects/${uscc}`);
      assert.equal(r.status, 200);
      assertClean(`profile ${uscc}`, r.text);
    }
    for (const q of [...LEAKS, '有限公司', '个体', '食品']) {
      const r = await get(`/api/public/v1/subjects?q=${encodeURIComponent(q)}&pageSize=50`);
      assertClean(`search 「${q}」`, r.text);
      if (LEAKS.includes(q)) assert.equal((r.json() as { total?: number }).total ?? 0, 0, `search 「${q}」 finds nobody`);
    }
  });

  it('lists the demo’s departments, and 双公示 filtered by each shows its records only, masked', async () => {
    const departments = (await get('/api/public/v1/departments')).json() as { items: { id: string; name: string }[] };
    assert.ok(departments.items.length >= 5, `demo departments registered: ${departments.items.length}`);
    const all = (await get('/api/public/v1/publicity/penalties?pageSize=1')).json() as { total: number };
    let sum = 0;
    for (const d of departments.items) {
      const r = await get(`/api/public/v1/publicity/penalties?pageSize=50&department=${d.id}`);
      assertClean(`penalties of ${d.name}`, r.text);
      const body = r.json() as { total: number; items: { source: string | null }[] };
      assert.ok(body.items.every((i) => i.source === d.name), `${d.name}: only its own records`);
      sum += body.total;
    }
    assert.equal(sum, all.total, 'every penalty in publicity comes from one registered department');
  });

  it('no page in the browser shows a canary', async (t) => {
    if (!browser) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/`);
    assertClean('home', await page.content());
    for (let n = 1; ; n++) {
      await page.goto(`${base}/#/publicity/penalties?page=${n}`);
      const table = page.getByTestId('publicity-table');
      await table.locator('tbody tr.ant-table-row').first().waitFor();
      await page.waitForLoadState('networkidle');
      assertClean(`双公示 page ${n}`, await page.content());
      if (!(await page.locator('.ant-pagination-next').isVisible()) || (await page.locator('.ant-pagination-next').getAttribute('aria-disabled')) === 'true') break;
      assert.ok(n < 100);
    }
    if (usccs.size === 0) {
      // Run on its own: the organizations of the first page of penalties.
      const first = (await get('/api/public/v1/publicity/penalties?pageSize=50')).json() as { items: { subject: { uscc: string | null } }[] };
      for (const i of first.items) if (i.subject.uscc) usccs.add(i.subject.uscc);
    }
    for (const uscc of [...usccs].slice(0, 40)) {
      await page.goto(`${base}/#/subject/${uscc}`);
      await page.getByTestId('profile').waitFor();
      for (const tab of await page.getByRole('tab').all()) await tab.click();
      assertClean(`profile ${uscc}`, await page.content());
    }
    for (const c of CANARIES) {
      await page.goto(`${base}/#/search?q=${encodeURIComponent(c.name)}`);
      await page.getByTestId('search-results').waitFor();
      // The query itself is in the search box; nothing else may show it.
      const shown = await page.getByTestId('search-results').innerText();
      assertClean(`search results for a canary`, shown);
    }
  });
});
