/**
 * An audit row's change in words: 原值 / 新值 (`before` / `after`, e.g. an account's roles) and a
 * record transition's 原状态 / 新状态 (`from` / `to`, counts per state), each code read as its label —
 * a role's (ROLE_LABELS), a record state's (RECORD_STATE_LABELS) — and the raw code only when it has
 * none. The JSON stays below it for integrators.
 */
import { RECORD_STATE_LABELS } from '../../common/records-api.js';
import { colon, t } from '../ui/i18n.js';
import { ROLE_LABELS } from '../ui/labels.js';

const LABELS: Readonly<Record<string, string>> = { ...RECORD_STATE_LABELS, ...ROLE_LABELS };

/** A code in words (through t(), so English reads English), or the value as written. */
export function labelled(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.map(labelled).join(t('、'));
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${labelled(k)}${colon()}${labelled(x)}`).join(t('；'));
  const s = String(v);
  // A record transition from no state: the record was received.
  if (s === 'none') return t('（无）');
  return LABELS[s] ? t(LABELS[s]) : s;
}

/** The rows of an audit row's change, in words; none when its details carry no before/after. */
export function auditChanges(details: Readonly<Record<string, unknown>>): { label: string; before: string; after: string }[] {
  if ('before' in details && 'after' in details) return [{ label: t('变更'), before: labelled(details.before), after: labelled(details.after) }];
  if (typeof details.from === 'object' && typeof details.to === 'object' && details.from && details.to) return [{ label: t('状态'), before: labelled(details.from), after: labelled(details.to) }];
  return [];
}
