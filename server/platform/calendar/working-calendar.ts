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

/** Days since 1970-01-01, a Thursday. */
const weekdayOf = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7;
const yearOf = (dayNumber: number) => new Date(dayNumber * DAY_MS).getUTCFullYear();

export class WorkingCalendar {
  private readonly warned = new Set<number>();
  /** The overrides by day number: counting a year's working days visits no date strings. */
  private readonly byNumber = new Map<number, boolean>();

  /**
   * @param overrides the days that differ from the Mon–Fri rule, by date
   * @param years the years for which an official schedule is loaded
   * @param onMissingYear called once per year that has no schedule
   */
  constructor(
    overrides: ReadonlyMap<string, DayKind>,
    private readonly years: ReadonlySet<number>,
    private readonly onMissingYear: (year: number) => void = () => {},
  ) {
    for (const [day, kind] of overrides) this.byNumber.set(toUtc(day) / DAY_MS, kind === 'work');
  }

  /** Says once per year without a schedule that it falls back to Mon–Fri. */
  private checkYears(fromDay: number, toDay: number): void {
    for (let y = yearOf(Math.min(fromDay, toDay)); y <= yearOf(Math.max(fromDay, toDay)); y++) {
      if (!this.years.has(y) && !this.warned.has(y)) {
        this.warned.add(y);
        this.onMissingYear(y);
      }
    }
  }

  private working(dayNumber: number): boolean {
    const override = this.byNumber.get(dayNumber);
    if (override !== undefined) return override;
    const weekday = weekdayOf(dayNumber);
    return weekday !== 0 && weekday !== 6;
  }

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(day: string): boolean {
    const n = toUtc(day) / DAY_MS;
    this.checkYears(n, n);
    return this.working(n);
  }

  /**
   * The n-th working day after `day` (n < 0: before). n = 0 returns `day` itself.
   * E.g. the 7-working-day publicity limit: addWorkingDays(decisionDate, 7).
   */
  addWorkingDays(day: string, n: number): string {
    if (!Number.isInteger(n) || Math.abs(n) > MAX_SPAN_DAYS) throw new RangeError(`working days must be an integer within ±${MAX_SPAN_DAYS}: ${n}`);
    let d = toUtc(day) / DAY_MS;
    const step = n >= 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      d += step;
      if (this.working(d)) left--;
    }
    if (n !== 0) this.checkYears(toUtc(day) / DAY_MS + step, d);
    return fromUtc(d * DAY_MS);
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
    const [da, db] = [a / DAY_MS, b / DAY_MS];
    let count = 0;
    if (db >= da) {
      if (db > da) this.checkYears(da + 1, db);
      for (let d = da + 1; d <= db; d++) if (this.working(d)) count++;
      return count;
    }
    this.checkYears(db, da - 1);
    for (let d = db; d < da; d++) if (this.working(d)) count++;
    return -count;
  }
}
