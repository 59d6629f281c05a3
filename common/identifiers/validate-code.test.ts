import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idCheckCharacter, usccCheckCharacter, validateCode } from './index.js';

describe('validateCode: validate against the kind the field expects', () => {
  it('infers the kind when none is given and says so', () => {
    assert.equal(validateCode('91350100M000100Y43', undefined).kind, 'uscc');
    const id = validateCode('11010519491231002X', undefined, { today: '2026-11-21' });
    assert.equal(id.kind, 'id');
    assert.equal(id.inferred, true);
  });

  it('an 18-digit string valid as a USCC is invalid as an ID number when the field expects one', () => {
    // Build an all-digit USCC (authority 1, type 1) whose positions 7–14 are not a date.
    let code = '';
    for (let n = 0; ; n++) {
      const first17 = `111000${String(n).padStart(11, '0')}`;
      const check = usccCheckCharacter(first17);
      if (check && /\d/.test(check)) {
        code = first17 + check;
        break;
      }
    }
    assert.equal(validateCode(code, 'uscc').valid, true);
    const asId = validateCode(code, 'id', { today: '2026-11-21' });
    assert.equal(asId.valid, false);
    assert.equal(asId.kind, 'id');
  });

  it('and the reverse: a valid ID number fails when a USCC is expected', () => {
    const first17 = '11010519900307001';
    const id = first17 + idCheckCharacter(first17);
    assert.equal(validateCode(id, 'id', { today: '2026-11-21' }).valid, true);
    assert.equal(validateCode(id, 'uscc').valid, false);
  });
});
