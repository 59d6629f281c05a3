import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { SourceRefs } from './source-refs.js';

describe('error workbook references (来源引用)', () => {
  const refs = new SourceRefs(randomBytes(32));
  const batch = randomUUID();

  it('verifies what it signed, as Excel may give it back (spaces, upper case)', () => {
    const ref = refs.sign(batch, 12);
    assert.match(ref, /^v1\.[0-9a-f-]{36}\.12\.[0-9a-f]{32}$/);
    assert.deepEqual(refs.verify(ref), { batchId: batch, rowNumber: 12 });
    assert.deepEqual(refs.verify(` ${ref.toUpperCase().replace(/^V1/, 'v1')} `), { batchId: batch, rowNumber: 12 });
  });

  it('refuses a reference moved to another row or batch, signed with another key, or cut short', () => {
    const ref = refs.sign(batch, 12);
    assert.equal(refs.verify(ref.replace('.12.', '.13.')), null, 'another row');
    assert.equal(refs.verify(ref.replace(batch, randomUUID())), null, 'another batch');
    assert.equal(new SourceRefs(randomBytes(32)).verify(ref), null, 'another platform’s key');
    assert.equal(refs.verify(ref.slice(0, -1)), null);
    assert.equal(refs.verify(`${ref.slice(0, -1)}${ref.endsWith('0') ? '1' : '0'}`), null);
    for (const junk of ['', 'v1', 'v1.x.1.00', `v1.${batch}.0.${'0'.repeat(32)}`, `v2.${batch}.12.${'0'.repeat(32)}`]) assert.equal(refs.verify(junk), null, junk);
  });
});
