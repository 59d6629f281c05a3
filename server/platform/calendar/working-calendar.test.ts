import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCatalog } from '../../modules/catalog/index.js';
import { WorkingCalendar, chinaToday, type DayKind } from './working-calendar.js';

/** The shipped catalog/holidays data: the days that differ from Mon–Fri, and the years it covers. */
function shippedDays(): { days: Map<string, DayKind>; years: Set<number> } {
  const { bundle, problems } = readCatalog();
  assert.deepEqual(problems, []);
  const days = new Map<string, DayKind>();
  for (const { value: y } of bundle.holidayYears) {
    for (const h of y.holidays) {
      for (let d = h.off[0]; d <= h.off[1]; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) days.set(d, 'off');
      for (const w of h.work ?? []) days.set(w, 'work');
    }
  }
  return { days, years: new Set(bundle.holidayYears.map((y) => y.value.year)) };
}

/** The calendar built from the shipped data, as the platform builds it. */
function shippedCalendar(onMissing: (y: number) => void = () => {}): WorkingCalendar {
  const { days, years } = shippedDays();
  return new WorkingCalendar(days, years, onMissing);
}

describe('working-day calendar (official schedules with 调休)', () => {
  const cal = shippedCalendar();

  it('2026 National Day: the worked Sunday and Saturday count, the holiday week does not', () => {
    assert.equal(cal.isWorkingDay('2026-09-20'), true, 'Sunday 09-20 is a make-up working day');
    assert.equal(cal.isWorkingDay('2026-10-10'), true, 'Saturday 10-10 is a make-up working day');
    assert.equal(cal.isWorkingDay('2026-10-01'), false);
    assert.equal(cal.isWorkingDay('2026-10-07'), false);
    assert.equal(cal.isWorkingDay('2026-10-11'), false, 'an ordinary Sunday');
    assert.equal(cal.addWorkingDays('2026-09-18', 7), '2026-09-29');
    assert.equal(cal.addWorkingDays('2026-09-24', 5), '2026-10-09');
    assert.equal(cal.addWorkingDays('2026-09-24', 6), '2026-10-10');
    assert.equal(cal.workingDaysBetween('2026-09-30', '2026-10-08'), 1);
  });

  it('2026 Spring Festival: 02-15…02-23 off, Saturdays 02-14 and 02-28 worked', () => {
    assert.equal(cal.isWorkingDay('2026-02-14'), true);
    assert.equal(cal.isWorkingDay('2026-02-28'), true);
    for (let d = 15; d <= 23; d++) assert.equal(cal.isWorkingDay(`2026-02-${d}`), false, `02-${d}`);
    assert.equal(cal.addWorkingDays('2026-02-13', 1), '2026-02-14');
    assert.equal(cal.addWorkingDays('2026-02-14', 1), '2026-02-24');
    // Thu 02-12 → 13, 14 (worked Sat), 24, 25, 26, 27, 28 (worked Sat)
    assert.equal(cal.addWorkingDays('2026-02-12', 7), '2026-02-28');
    assert.equal(cal.addWorkingDays('2026-02-12', 8), '2026-03-02');
  });

  it('2025 Spring Festival: 01-28…02-04 off, Sunday 01-26 and Saturday 02-08 worked', () => {
    assert.equal(cal.isWorkingDay('2025-01-26'), true);
    assert.equal(cal.isWorkingDay('2025-02-08'), true);
    assert.equal(cal.isWorkingDay('2025-01-28'), false);
    assert.equal(cal.isWorkingDay('2025-02-04'), false);
    assert.equal(cal.addWorkingDays('2025-01-24', 7), '2025-02-10');
    assert.equal(cal.workingDaysBetween('2025-01-24', '2025-02-10'), 7);
  });

  it('2025 National Day and Mid-Autumn: 10-01…10-08 off, 09-28 and 10-11 worked', () => {
    assert.equal(cal.isWorkingDay('2025-09-28'), true);
    assert.equal(cal.isWorkingDay('2025-10-11'), true);
    assert.equal(cal.isWorkingDay('2025-10-08'), false);
    assert.equal(cal.addWorkingDays('2025-09-26', 2), '2025-09-29');
    assert.equal(cal.addWorkingDays('2025-09-30', 1), '2025-10-09');
    assert.equal(cal.addWorkingDays('2025-09-30', 3), '2025-10-11');
  });

  it('counts backwards and is consistent with workingDaysBetween', () => {
    assert.equal(cal.addWorkingDays('2026-09-29', -7), '2026-09-18');
    assert.equal(cal.addWorkingDays('2026-10-03', -3), '2026-09-28');
    assert.equal(cal.workingDaysBetween('2026-10-03', '2026-09-28'), -3);
    for (const [from, n] of [['2026-09-18', 7], ['2025-01-20', 15], ['2026-12-25', 10], ['2026-10-03', -3], ['2026-02-24', -5], ['2025-10-09', -4]] as const) {
      assert.equal(cal.workingDaysBetween(from, cal.addWorkingDays(from, n)), n);
    }
    assert.equal(cal.addWorkingDays('2026-10-01', 0), '2026-10-01');
  });

  it('counts spans across years exactly as day by day, warning for every year it crosses without a schedule', () => {
    const missing: number[] = [];
    const c = shippedCalendar((y) => missing.push(y));
    const { days } = shippedDays();
    const day = (n: number) => new Date(Date.parse('2023-06-01T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
    // The reference, built apart from the calendar: the schedule's own days, else Mon–Fri by the
    // date's weekday. Forwards the working days in (from, to], backwards minus those in [to, from).
    const working = (d: string) => (days.has(d) ? days.get(d) === 'work' : ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
    const count = (first: number, last: number) => {
      let n = 0;
      for (let i = first; i <= last; i++) if (working(day(i))) n++;
      return n;
    };
    for (const [a, b] of [[0, 1], [10, 400], [200, 1100], [580, 960], [0, 1400]] as const) {
      assert.equal(c.workingDaysBetween(day(a), day(b)), count(a + 1, b), `${day(a)} – ${day(b)}`);
      assert.equal(c.workingDaysBetween(day(b), day(a)), -count(a, b - 1), `${day(b)} – ${day(a)}`);
      const n = count(a + 1, b);
      assert.equal(c.workingDaysBetween(day(a), c.addWorkingDays(day(a), n)), n);
      assert.equal(c.workingDaysBetween(day(b), c.addWorkingDays(day(b), -n)), -n);
    }
    // Only the span functions were called: the years they crossed without a schedule were said once each.
    assert.deepEqual(missing, [2023, 2027], 'no schedule for 2023 or 2027: each said once');
  });

  it('falls back to Mon–Fri for a year without data and warns once per year', () => {
    const missing: number[] = [];
    const c = shippedCalendar((y) => missing.push(y));
    assert.equal(c.isWorkingDay('2027-10-01'), true, 'no 2027 schedule: an ordinary Friday');
    assert.equal(c.isWorkingDay('2027-10-02'), false);
    c.addWorkingDays('2027-03-01', 30);
    assert.deepEqual(missing, [2027]);
  });

  it('rejects malformed dates and spans beyond ten years', () => {
    assert.throws(() => cal.isWorkingDay('2026-02-30'), RangeError);
    assert.throws(() => cal.addWorkingDays('2026-13-01', 1), RangeError);
    assert.throws(() => cal.workingDaysBetween('0001-01-01', '9999-12-31'), RangeError);
    assert.throws(() => cal.addWorkingDays('2026-01-01', 100_000), RangeError);
  });

  it('knows the date in China', () => {
    assert.equal(chinaToday(Date.parse('2026-11-21T16:30:00Z')), '2026-11-22');
    assert.equal(chinaToday(Date.parse('2026-11-21T15:59:59Z')), '2026-11-21');
  });
});
