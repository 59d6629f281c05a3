import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../config.js';
import { FieldCipher, sm3Hex } from './index.js';
import { generateKeyFileContent, loadKeyFile, parseKeyMaterial } from './key-file.js';

function tmpFile(content?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-key-'));
  const file = path.join(dir, 'keys.json');
  if (content !== undefined) fs.writeFileSync(file, content);
  return file;
}

describe('国密 crypto', () => {
  it('SM3 matches the GB/T 32905-2016 example "abc"', () => {
    assert.equal(sm3Hex('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('SM4 field encryption round-trips, is randomized, and detects tampering', () => {
    const { material } = loadKeyFile(tmpFile(generateKeyFileContent()), false);
    const c = new FieldCipher(material);
    const a = c.encrypt('11010519491231002X');
    const b = c.encrypt('11010519491231002X');
    assert.notEqual(a, b);
    assert.ok(!a.includes('11010519491231002X'));
    assert.equal(c.decrypt(a), '11010519491231002X');
    const flipped = a.slice(0, -3) + (a.at(-3) === 'A' ? 'B' : 'A') + a.slice(-2);
    assert.throws(() => c.decrypt(flipped), /authentication/);
  });

  it('blind index is deterministic per key and domain', () => {
    const { material } = loadKeyFile(tmpFile(generateKeyFileContent()), false);
    const c = new FieldCipher(material);
    assert.equal(c.blindIndex('X', 'idNumber'), c.blindIndex('X', 'idNumber'));
    assert.notEqual(c.blindIndex('X', 'idNumber'), c.blindIndex('X', 'mobile'));
    const other = new FieldCipher(loadKeyFile(tmpFile(generateKeyFileContent()), false).material);
    assert.notEqual(c.blindIndex('X', 'idNumber'), other.blindIndex('X', 'idNumber'));
  });

  it('old ciphertexts still decrypt after the current key rotates', () => {
    const file = tmpFile(generateKeyFileContent());
    const v1 = new FieldCipher(loadKeyFile(file, false).material);
    const token = v1.encrypt('secret');
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    content.keys['2'] = { enc: 'ab'.repeat(16), mac: 'cd'.repeat(32) };
    content.current = 2;
    fs.writeFileSync(file, JSON.stringify(content));
    const v2 = new FieldCipher(loadKeyFile(file, false).material);
    assert.equal(v2.decrypt(token), 'secret');
    assert.match(v2.encrypt('x'), /^sm4:v2:/);
  });

  it('creates a 0600 key file only where allowed; a missing explicit or malformed file is a one-line ConfigError', () => {
    const created = tmpFile();
    assert.equal(loadKeyFile(created, true).created, true);
    assert.equal(fs.statSync(created).mode & 0o777, 0o600);
    assert.throws(() => loadKeyFile(tmpFile(), false), (e: unknown) => e instanceof ConfigError && /does not exist/.test(e.message));
    assert.throws(() => loadKeyFile(tmpFile('{not json'), false), (e: unknown) => e instanceof ConfigError && /not valid JSON/.test(e.message));
    const bad = JSON.parse(generateKeyFileContent());
    bad.keys['1'].enc = 'abc';
    assert.throws(
      () => loadKeyFile(tmpFile(JSON.stringify(bad)), false),
      (e: unknown) => e instanceof ConfigError && /keys\.1\.enc/.test(e.message) && !e.message.includes('\n'),
    );
  });

  it('accepts key material from KEY_MATERIAL and never echoes the value in an error', () => {
    const content = generateKeyFileContent();
    const m = parseKeyMaterial(content, 'KEY_MATERIAL');
    assert.equal(new FieldCipher(m).decrypt(new FieldCipher(m).encrypt('x')), 'x');
    const secret = JSON.parse(content);
    secret.blindIndex = 'zz' + secret.blindIndex.slice(2);
    const text = JSON.stringify(secret);
    assert.throws(
      () => parseKeyMaterial(text, 'KEY_MATERIAL'),
      (e: unknown) => e instanceof ConfigError && /KEY_MATERIAL is malformed at blindIndex/.test(e.message) && !e.message.includes(secret.blindIndex),
    );
    assert.throws(() => parseKeyMaterial(`${content.slice(0, 40)}`, 'KEY_MATERIAL'), (e: unknown) => e instanceof ConfigError && !e.message.includes(content.slice(20, 40)));
  });
});
