import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ENGINE, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { makeIdNumber } from '../../../test/fixtures.js';
import { AUDIT_LIMITS } from './audit.service.js';

// An audit row cannot be removed before its retention ends: whatever a caller sends is cut to size.
describe(`audit rows stay bounded on ${ENGINE}`, () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform();
  });
  after(async () => p?.stop());

  it('cuts a huge reason, long lists, wide objects and deep nesting, says how much there was, and still verifies', async () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 50; i++) at = (at.next = {}) as Record<string, unknown>;
    await p.audit.recordAlone({
      category: 'business',
      event: 'test.huge',
      actor: null,
      result: 'failure',
      reason: '表头'.repeat(500_000),
      details: {
        columns: Array.from({ length: 500_000 }, (_, i) => `第${i + 1}列`),
        wide: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
        deep,
      },
    });
    const row = (await sql<{ reason: string; details: Record<string, unknown> }>`select reason, details from audit_log where event = 'test.huge'`.execute(p.db)).rows[0];
    assert.ok(row);
    assert.ok([...row.reason].length <= AUDIT_LIMITS.text + 40, `reason of ${row.reason.length}`);
    assert.match(row.reason, /共1000000字，其余从略/);
    const columns = row.details.columns as string[];
    assert.equal(columns.length, AUDIT_LIMITS.items + 1);
    assert.match(columns.at(-1) ?? '', /另有499900项从略/);
    assert.equal(Object.keys(row.details.wide as object).length, AUDIT_LIMITS.items + 1);
    assert.ok(JSON.stringify(row.details).length <= AUDIT_LIMITS.detailsChars, 'details within the limit');
    assert.equal((await p.audit.verify()).intact, true);
  });

  it('records a file digest whose digits happen to pass the ID checksum (it is no ID number)', async () => {
    const id = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => makeIdNumber('110105', '19800101', n)).find((x) => /\d$/.test(x)) ?? '';
    const digest = `a${id}${'f'.repeat(63 - id.length)}`;
    assert.equal(digest.length, 64);
    await p.audit.recordAlone({ category: 'business', event: 'test.digest', actor: null, result: 'failure', details: { fileSm3: digest } });
    const legacy = `b${id.slice(0, 6)}${id.slice(8, 17)}${'e'.repeat(48)}`;
    await p.audit.recordAlone({ category: 'business', event: 'test.digest', actor: null, result: 'failure', details: { fileSm3: legacy } });
  });

  it('refuses an ID number anywhere in a huge event, also past the point where it is cut', async () => {
    await assert.rejects(
      p.audit.recordAlone({ category: 'business', event: 'test.id', actor: null, result: 'failure', reason: `${'x'.repeat(AUDIT_LIMITS.text - 5)} ${makeIdNumber('110105', '19800101', 1)}` }),
      /ID number in clear/,
    );
  });
});
