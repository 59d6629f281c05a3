/** Today's date in China (UTC+8, no daylight saving): deadlines and birth dates are Chinese dates. */
export function chinaToday(now: number = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}
