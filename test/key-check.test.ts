import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { loadConfig } from '../server/platform/config.js';
import type { KeyMaterial } from '../server/platform/crypto/index.js';
import { ENGINE, freshDatabase, testKeyMaterial } from './helpers.js';

describe(`key material must match the database, on ${ENGINE}`, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-keys-'));
  let drop = async () => {};
  after(async () => {
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a changed field key or a missing key version, accepts an added version', async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const config = loadConfig({ DATA_DIR: dataDir, DEMO_DATA: 'off', ...(db.url ? { DATABASE_URL: db.url } : {}) });
    const start = async (keyMaterial: KeyMaterial) => (await startPlatform(config, pino({ level: 'silent' }), { keyMaterial })).close();

    const original = testKeyMaterial();
    await start(original);

    const v1 = original.keys.get(1)!;
    const changedEnc: KeyMaterial = { ...original, keys: new Map([[1, { ...v1, enc: randomBytes(16) }]]) };
    await assert.rejects(start(changedEnc), /v1 key differs/);

    const otherIndex: KeyMaterial = { ...original, blindIndex: randomBytes(32) };
    await assert.rejects(start(otherIndex), /blindIndex key differs/);

    const withoutV1: KeyMaterial = { current: 2, keys: new Map([[2, { id: 2, enc: randomBytes(16), mac: randomBytes(32) }]]), blindIndex: original.blindIndex };
    await assert.rejects(start(withoutV1), /key v1 used by this database is missing/);

    const rotated: KeyMaterial = { current: 2, keys: new Map([...original.keys, [2, { id: 2, enc: randomBytes(16), mac: randomBytes(32) }]]), blindIndex: original.blindIndex };
    await start(rotated);
    await assert.rejects(start(original), /key v2 used by this database is missing/, 'once v2 is recorded it must stay');
  });
});
