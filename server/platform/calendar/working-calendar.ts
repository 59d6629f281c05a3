/**
 * Working-day arithmetic over the State Council's holiday schedules (放假调休): a day listed
 * `off` is a holiday, a day listed `work` is a weekend day worked (调休上班), every other
 * Saturday and Sunday is off. Years without data fall back to Mon–Fri, and say so once.
 * Dates are 'YYYY-MM-DD' strings: deadlines are calendar dates in China, not instants.
 */
export { chinaToday } from '../../../common/dates.js';

export type DayKind = 'off' | 'work';

const DAY_MS = 86_400_000;
/** Deadlines are days to years away; a longer span is a mistake (and would block the event loop). */
export const MAX_SPAN_DAYS = 366 * 10;

function toUtc(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a date: ${day}`);
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) throw new RangeError(`not a date: ${day}`);
  return t;
}

function fromUtc(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function addCalendarDays(day: string, n: number): string {
  return fromUtc(toUtc(day) + n * DAY_MS);
}

export class WorkingCalendar {
  private readonly warned = new Set<number>();

  /**
   * @param overrides the days that differ from the Mon–Fri rule, by date
   * @param years the years for which an official schedule is loaded
   * @param onMissingYear called once per year that has no schedule
   */
  constructor(
    private readonly overrides: ReadonlyMap<string, DayKind>,
    private readonly years: ReadonlySet<number>,
    private readonly onMissingYear: (year: number) => void = () => {},
  ) {}

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(day: string): boolean {
    const t = toUtc(day);
    const year = Number(day.slice(0, 4));
    if (!this.years.has(year) && !this.warned.has(year)) {
      this.warned.add(year);
      this.onMissingYear(year);
    }
    const override = this.overrides.get(day);
    if (override) return override === 'work';
    const weekday = new Date(t).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The n-th working day after `day` (n < 0: before). n = 0 returns `day` itself.
   * E.g. the 7-working-day publicity limit: addWorkingDays(decisionDate, 7).
   */
  addWorkingDays(day: string, n: number): string {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_SPAN_DAYS) throw new RangeError(`working days must be an integer within ±${MAX_SPAN_DAYS}: ${n}`);
    let t = toUtc(day);
    const step = n >= 0 ? DAY_MS : -DAY_MS;
    let left = Math.abs(n);
    while (left > 0) {
      t += step;
      if (this.isWorkingDay(fromUtc(t))) left--;
    }
    return fromUtc(t);
  }

  /**
   * How many working days `to` lies after `from`: the working days in (from, to]; when `to` is
   * earlier, minus the working days in [to, from). So for every n,
   * workingDaysBetween(d, addWorkingDays(d, n)) === n.
   */
  workingDaysBetween(from: string, to: string): number {
    const a = toUtc(from);
    const b = toUtc(to);
    if (Math.abs(b - a) > MAX_SPAN_DAYS * DAY_MS) throw new RangeError(`span over ${MAX_SPAN_DAYS} days: ${from} – ${to}`);
    let count = 0;
    if (b >= a) {
      for (let t = a + DAY_MS; t <= b; t += DAY_MS) if (this.isWorkingDay(fromUtc(t))) count++;
      return count;
    }
    for (let t = b; t < a; t += DAY_MS) if (this.isWorkingDay(fromUtc(t))) count++;
    return -count;
  }
}
