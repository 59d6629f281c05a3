/** Today's date in China (UTC+8, no daylight saving): deadlines and birth dates are Chinese dates. */
export function chinaToday(now: number = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Whether `s` is a date that exists, written YYYY-MM-DD (2026-02-30 and 2026-13-45 are not). Years
 * before 1000 are refused too: no record is that old, and a database would refuse year 0.
 */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1000 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}
