import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { FileVault, TooLarge } from './file-vault.js';

async function text(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('file vault', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-vault-'));
  const vault = new FileVault(dir, randomBytes(32));
  const plain = Buffer.from(Array.from({ length: 3000 }, (_, i) => `第${i}行,110105198001010012\n`).join(''));

  it('stores encrypted under the SM3 of the plaintext, and reads it back from any offset', async () => {
    const { id, size } = await vault.store(Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]), 10_000_000);
    assert.equal(size, plain.length);
    assert.match(id, /^[0-9a-f]{64}$/);
    const onDisk = fs.readFileSync(path.join(dir, `${id}.sm4`));
    assert.ok(!onDisk.includes(Buffer.from('110105198001010012')), 'no ID number in clear on disk');
    assert.deepEqual(await text(vault.read(id)), plain);
    for (const [start, end] of [[1, 40], [15, 15], [16, 31], [17, 5000], [plain.length - 3, plain.length - 1]] as const) {
      assert.deepEqual(await text(vault.read(id, start, end)), plain.subarray(start, end + 1), `${start}–${end}`);
    }
  });

  it('closes the file when a reader stops early (no descriptor left open per upload)', async () => {
    const { id } = await vault.store(Readable.from([plain]), 10_000_000);
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) {
      const r = vault.read(id);
      for await (const _ of r) break; // the first chunk, then the reader is destroyed
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(open() - before < 5, `${open() - before} descriptors left open`);
  });

  it('stops as soon as the size limit is passed and leaves nothing behind', async () => {
    await assert.rejects(vault.store(Readable.from([plain]), 100), TooLarge);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.incoming')), []);
  });
});
