/**
 * The portal's shell and first screen in chromium (issue #12): the navigation links only to pages
 * that exist; the search box works on the first screen's code alone (the pages, antd and the chart
 * are later chunks), and a page whose chunk cannot be loaded says so and offers a reload instead of
 * emptying the portal; the plain-HTML language switch, the 375 px layout and the printout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CHROMIUM, browserAvailable, launchBrowser } from './browser.js';
import { ENGINE, startTestPlatform, type TestPlatform } from '../test/helpers.js';

describe(`the portal's first screen in a real browser on ${ENGINE}`, () => {
  let p: TestPlatform;
  let browser: Browser | undefined;
  let base = '';

  before(async () => {
    if (!browserAvailable) {
      await launchBrowser(); // throws in CI, where a missing browser is a failure
      return;
    }
    p = await startTestPlatform();
    await p.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
    browser = (await launchBrowser()) ?? undefined;
  });
  after(async () => {
    await browser?.close();
    if (p) await p.stop();
  });

  it('the navigation links only to pages that exist; the home page promises nothing that is not there', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    // The part of the home page where 「信用修复（即将开放）」 and the like were.
    await page.getByRole('link', { name: '工作人员登录管理后台' }).waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /即将开放/);
    const nav = page.getByRole('navigation', { name: '网站导航' });
    const links = nav.getByRole('link');
    // Every entry is a link (no greyed-out names of pages still to come).
    assert.equal(await nav.locator(':scope > *').count(), await links.count());
    const names = await links.allInnerTexts();
    assert.ok(names.includes('信用信息查询') && names.includes('双公示'), names.join(' '));
    for (const name of names) {
      const link = nav.getByRole('link', { name, exact: true });
      await link.click();
      await page.waitForFunction((n) => document.querySelector('nav a[aria-current="page"]')?.textContent === n, name);
      await page.locator('.xy-loading').waitFor({ state: 'detached' });
      // Not the home page an unknown address falls back to, unless the entry is 首页.
      assert.equal(await page.getByTestId('portal-home').count(), name === '首页' ? 1 : 0, `${name} opens its own page`);
    }
    await context.close();
  });

  it('the search box works on the first screen’s code alone; a page that cannot load says so and reloads', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    // Only the scripts index.html names (the entry and its module preloads) may load: no page, no antd.
    const html = await (await fetch(`${base}/`)).text();
    const firstScreen = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
    assert.ok(firstScreen.size > 0);
    const blocked: string[] = [];
    await page.route('**/assets/*.js', (route) => {
      const p = new URL(route.request().url()).pathname;
      if (firstScreen.has(p)) return route.continue();
      blocked.push(p);
      return route.abort();
    });
    await page.goto(`${base}/`);
    const box = page.getByLabel('信用信息查询', { exact: true });
    await box.fill('华为');
    await box.press('Enter');
    await page.waitForFunction(() => window.location.hash === `#/search?q=${encodeURIComponent('华为')}`);
    // The results page's chunk was refused: a sentence and a way out, the shell still there.
    const failed = page.getByRole('alert');
    await failed.getByText('页面未能加载，请检查网络后刷新页面。').waitFor();
    assert.ok(blocked.length > 0, 'the results page asked for its chunk');
    assert.ok(await page.getByRole('navigation', { name: '网站导航' }).isVisible());
    await page.unroute('**/assets/*.js');
    await failed.getByRole('button', { name: '刷新' }).click();
    await page.getByTestId('search-results').waitFor();
    await context.close();
  });

  it('on a phone: fits 375 px; switches to English and back; prints without navigation', async (t) => {
    if (!browserAvailable) return t.skip(`chromium not installed at ${CHROMIUM}`);
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const search = page.getByTestId('portal-search');
    await search.getByRole('button', { name: '查询' }).waitFor();
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(width.scroll <= width.client, `the page fits the screen (${width.scroll} > ${width.client})`);
    const button = await search.getByRole('button').boundingBox();
    assert.ok(button && button.x + button.width <= 375, 'the search button is in sight');

    const lang = page.getByRole('group', { name: '语言 / Language' });
    assert.equal(await lang.getByRole('button', { name: '简体中文' }).getAttribute('aria-pressed'), 'true');
    await lang.getByRole('button', { name: 'English' }).click();
    await page.getByRole('navigation', { name: 'Site navigation' }).getByRole('link', { name: 'Credit search' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await lang.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    await page.getByLabel('Credit search', { exact: true }).waitFor();
    await lang.getByRole('button', { name: '简体中文' }).click();
    await page.getByRole('navigation', { name: '网站导航' }).waitFor();

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('navigation', { name: '网站导航' }).isVisible(), false);
    assert.equal(await lang.isVisible(), false);
    assert.equal(await page.getByRole('contentinfo').isVisible(), false);
    assert.ok(await page.getByText('信用Xinyong', { exact: true }).isVisible(), 'the site’s name is printed');
    await context.close();
  });
});
