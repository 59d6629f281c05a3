/**
 * 审计日志's details in words (web/console/audit-details.ts): an account's roles before and after,
 * and a record transition's states, read as their labels, not as codes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditChanges, labelled } from '../web/console/audit-details.js';

describe('audit log details: a change in words', () => {
  it('shows roles and record states by their labels, 原值 and 新值', () => {
    assert.deepEqual(auditChanges({ before: ['submitter'], after: ['submitter', 'reviewer'] }), [{ label: '变更', before: '数据报送员', after: '数据报送员、审核员' }]);
    assert.deepEqual(auditChanges({ itemCode: 'CF', from: { in_publicity: 2 }, to: { withdrawn: 2 } }), [{ label: '状态', before: '公示中：2', after: '已撤销：2' }]);
    assert.deepEqual(auditChanges({ from: { none: 1 }, to: { received: 1 } }), [{ label: '状态', before: '（无）：1', after: '收到：1' }]);
  });

  it('keeps a value that has no label as written, and shows nothing for details without a change', () => {
    assert.equal(labelled('榕食许〔2026〕1号'), '榕食许〔2026〕1号');
    assert.equal(labelled(null), '—');
    assert.deepEqual(auditChanges({ itemCode: 'CF', batchId: 'b1' }), []);
  });
});
