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

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Which part of a written date cannot be (「2月没有30日」, 「2026年不是闰年，2月没有29日」, 「月份应为
 * 1–12，没有13月」), or null when the year, month and day can all be; for messages that say what is
 * wrong rather than only that it is.
 */
export function impossibleDatePart(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12) return `月份应为1–12，没有${m}月`;
  if (d < 1) return `日应从1日起，没有${d}日`;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (m === 2 && d === 29 && !leap) return `${y}年不是闰年，2月没有29日`;
  if (d > (DAYS_IN_MONTH[m - 1] ?? 31)) return `${m}月没有${d}日`;
  return null;
}

/**
 * Why a text written as a date (2026-02-30, 2026/2/30, 2026年2月30日, 20260230) is no date: the
 * impossible part, or null when it is not written as a date at all or is a real one.
 */
export function whyNotADate(text: string): string | null {
  const p = dateParts(text);
  return p ? impossibleDatePart(...p) : null;
}

/** Year, month and day of a text written as a date (possible or not), or null when it is not written as one. */
export function dateParts(text: string): [number, number, number] | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(text.trim()) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}
