import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRealDate, whyNotADate } from './dates.js';

describe('dates: why a written date is no date', () => {
  it('names the impossible part of the date, in words', () => {
    assert.equal(whyNotADate('2026-02-30'), '2月没有30日');
    assert.equal(whyNotADate('2026-04-31'), '4月没有31日');
    assert.equal(whyNotADate('2026-02-29'), '2026年不是闰年，2月没有29日');
    assert.equal(whyNotADate('2026-13-05'), '月份应为1–12，没有13月');
    assert.equal(whyNotADate('2026-00-05'), '月份应为1–12，没有0月');
    assert.equal(whyNotADate('2026-03-00'), '日应从1日起，没有0日');
    assert.equal(whyNotADate('2026年2月30日'), '2月没有30日');
    assert.equal(whyNotADate('20260230'), '2月没有30日');
  });

  it('has nothing to say of a real date or of text that is no date at all', () => {
    for (const d of ['2024-02-29', '2000-02-29', '2026-12-31', '2026/1/31']) assert.equal(whyNotADate(d), null, d);
    assert.equal(whyNotADate('1900-02-29'), '1900年不是闰年，2月没有29日', 'a century is a leap year only every 400 years');
    for (const x of ['', 'x', '2026-2', '长期']) assert.equal(whyNotADate(x), null, x);
    assert.equal(isRealDate('2026-02-30'), false);
  });
});
