/**
 * The catalog and calendar held in memory follow the database (issue #13 §4): a change committed by
 * another CatalogService — another process starting with newer files — is reloaded from the
 * notification `catalog_changed`, on PGlite (one process) through the same path as on PostgreSQL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { CATALOG_CHANGES_CHANNEL, CATALOG_DIR, CatalogService } from './index.js';

async function within(ms: number, check: () => boolean): Promise<boolean> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

describe(`the catalog reloaded on a change made elsewhere, on ${ENGINE}`, () => {
  let p: TestPlatform;
  let dir = '';
  before(async () => {
    p = await startTestPlatform();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-catalog-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
  });
  after(async () => {
    await p?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tells nobody when files bring nothing new', async () => {
    const heard: string[] = [];
    const stop = await p.engine.listen(CATALOG_CHANGES_CHANNEL, (e) => heard.push(e));
    try {
      heard.length = 0;
      await CatalogService.start(p.db, pino({ level: 'silent' }), dir);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(heard.length, 0);
    } finally {
      await stop();
    }
  });

  it('serves a new item version written by another instance, keeping unchanged entries as they were', async () => {
    const cf = p.catalog.get('infoItem', 'CF');
    const before = p.catalog.get('infoItem', 'XYCN');
    assert.equal(before?.content.name, '信用承诺及履约信息');
    const file = path.join(dir, 'info-items', 'XYCN.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('name: 信用承诺及履约信息', 'name: 信用承诺及履约信息（修订）'));
    await CatalogService.start(p.db, pino({ level: 'silent' }), dir);
    assert.ok(await within(1000, () => p.catalog.get('infoItem', 'XYCN')?.content.name === '信用承诺及履约信息（修订）'), 'reloaded');
    assert.equal(p.catalog.get('infoItem', 'XYCN')?.version, (before?.version ?? 0) + 1);
    assert.equal(p.catalog.get('infoItem', 'CF'), cf, 'an unchanged item is the same object (kept profiles stay valid)');
    const listed = (await p.app.inject({ method: 'GET', url: '/api/v1/catalog/info-items' })).json() as { code: string; content: { name: string } }[];
    assert.equal(listed.find((e) => e.code === 'XYCN')?.content.name, '信用承诺及履约信息（修订）');
  });

  it('serves a calendar year written by another instance', async () => {
    const other = await CatalogService.start(p.db, pino({ level: 'silent' }), dir);
    assert.equal(p.catalog.calendar.hasYear(2098), false);
    await other.putHolidayYear({ year: 2098, notice: '国务院办公厅关于2098年部分节假日安排的通知', verified: false, holidays: [{ name: '元旦', off: ['2098-01-01', '2098-01-03'] }] }, 'test');
    assert.ok(await within(1000, () => p.catalog.calendar.hasYear(2098)), 'reloaded');
    assert.equal(p.catalog.calendar.isWorkingDay('2098-01-02'), false);
  });
});
