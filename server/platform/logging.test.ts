import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { startPlatform, type Platform } from '../app/platform.js';
import { loadConfig } from './config.js';
import { createLogger } from './logging.js';
import { as, freshDatabase, testAuthenticate, testKeyMaterial } from '../../test/helpers.js';

describe('request logs carry no personal data', () => {
  const lines: string[] = [];
  let platform: Platform;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(chunk.toString()), cb()) });
    const config = loadConfig({ ...(db.url ? { DATABASE_URL: db.url } : {}), DEMO_DATA: 'off' });
    platform = await startPlatform(config, createLogger('info', sink), { inMemory: true, keyMaterial: testKeyMaterial(), authenticate: testAuthenticate });
  });
  after(async () => {
    await platform.close();
    await drop();
  });

  it('logs route patterns, never paths, query strings or bodies', async () => {
    const id = '11010519491231002X';
    await platform.app.inject({ url: `/api/v1/subjects/${id}`, headers: { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' } });
    await platform.app.inject({ url: `/api/v1/no/${id}` });
    await platform.app.inject({ url: `/api/v1/calendar/working-days?from=2026-01-05&add=1&note=${id}` });
    await platform.app.inject({ method: 'POST', url: '/api/v1/subjects/search', payload: { idNumber: id }, headers: { ...as('creditOffice'), 'x-query-purpose': 'creditCheck' } });
    await platform.app.inject({ method: 'POST', url: '/api/v1/subjects', payload: { kind: 'person', name: '张三', idNumber: id }, headers: as('creditOffice') });
    const log = lines.join('');
    assert.ok(log.includes('/api/v1/subjects/:id'), 'request lines were logged');
    assert.ok(!log.includes(id) && !log.includes('张三'), 'an ID number or name reached the log');
  });
});
