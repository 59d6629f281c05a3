/**
 * When a collected record is public, from the catalog alone: its severity follows the item's
 * `severityRules`; the period rule in force on the decision date (periods.yaml) gives the window
 * for that severity. Counted from the decision date, the decision day being the first day, so a
 * 12-month window of a 2026-06-15 decision ends on 2027-06-14. Permits are public while valid.
 */
import type { InfoItem, PeriodRule } from '../catalog/index.js';

export type Severity = 'positive' | 'minor' | 'general' | 'serious';

export interface Publicity {
  severity: Severity;
  /** What the rule says; the record waits for review before it becomes public. */
  publishable: boolean;
  /** Last day of publicity, or null when open-ended. */
  end: string | null;
  rule: string | null;
  warning?: string;
}

/** YYYY-MM-DD plus whole months, clamped to the month's last day (01-31 + 1 month → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const values = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function severityOf(item: InfoItem, data: Readonly<Record<string, string | string[]>>, person: boolean): Severity {
  if (item.severities.length === 1) return item.severities[0] as Severity;
  for (const r of item.severityRules ?? []) {
    const vs = values(data[r.when.field]);
    if (r.when.includes && !vs.some((v) => r.when.includes?.includes(v))) continue;
    if (r.when.only && (vs.length === 0 || !vs.every((v) => r.when.only?.includes(v)))) continue;
    if (r.maxAmount) {
      const amount = Number(values(data[r.maxAmount.field])[0] ?? '0');
      if (!(amount <= (person ? r.maxAmount.person : r.maxAmount.organization))) continue;
    }
    return r.severity;
  }
  return item.defaultSeverity ?? 'general';
}

export function publicityOf(item: InfoItem, rule: PeriodRule | undefined, data: Readonly<Record<string, string | string[]>>, decisionDate: string, person: boolean): Publicity {
  const severity = severityOf(item, data, person);
  const inactive = item.inactiveWhen !== undefined && values(data[item.inactiveWhen.field]).some((v) => item.inactiveWhen?.in.includes(v));
  const period = rule?.severities[severity];
  if (!rule || !period) return { severity, publishable: !inactive, end: null, rule: rule?.code ?? null };
  if (period.whileValid) {
    const until = item.validUntilField ? values(data[item.validUntilField])[0] : undefined;
    return { severity, publishable: period.published && !inactive, end: until === undefined || until === '长期' ? null : until, rule: rule.code };
  }
  const max = period.maxMonths === undefined ? null : addDays(addMonths(decisionDate, period.maxMonths), -1);
  const base = { severity, publishable: period.published && !inactive, end: max, rule: rule.code };
  const asked = item.publicityEndField ? values(data[item.publicityEndField])[0] : undefined;
  if (asked === undefined) return base;
  const min = addDays(addMonths(decisionDate, period.minMonths ?? 0), -1);
  if (asked >= min && (max === null || asked <= max)) return { ...base, end: asked };
  return {
    ...base,
    warning: `公示截止期${asked}不在「${rule.name}」对${SEVERITY_LABEL[severity]}信息的范围内（${min}至${max ?? '不限'}），已按规则取${max ?? '不限'}`,
  };
}

export const SEVERITY_LABEL: Record<Severity, string> = { positive: '守信', minor: '轻微失信', general: '一般失信', serious: '严重失信' };
