/**
 * An organization's registration facts (登记信息) as the registry gives them: 成立日期, 住所,
 * 登记状态, 注册资本 (万元), 经营范围 — each null where not collected, and shown only where held.
 */
import type { RegistrationFacts } from '../../../common/portal-api.js';
import { normalizeFreeText, normalizeName } from '../../../common/text.js';
import type { RegistrationColumns } from './subjects.repo.js';
import type { SubjectStatus } from './subjects.tables.js';

/** As the staff API takes them and the presenters give them (the shape the portal's profile shows). */
export type { RegistrationFacts };

/** As the staff API takes them: 注册资本 a number of 万元 (at most four decimals). */
export type RegistrationInput = Partial<Omit<RegistrationFacts, 'registeredCapital'>> & { registeredCapital?: number | null | undefined };

/**
 * The platform's status of an organization the registry calls so: 存续 (在营、开业、在册) is active,
 * a 注销 (also 「吊销，已注销」) cancelled, a 吊销 or 撤销 revoked; anything else (迁出, 停业) other.
 */
export function statusOfRegistration(text: string): SubjectStatus {
  if (text.includes('注销')) return 'cancelled';
  if (text.includes('吊销') || text.includes('撤销')) return 'revoked';
  if (/存续|在营|在业|开业|在册/.test(text)) return 'active';
  return 'other';
}

/** "500.0000" → "500", "12.5000" → "12.5". */
function wan(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

export function presentRegistration(row: RegistrationColumns): RegistrationFacts {
  return {
    establishmentDate: row.established_on,
    address: row.address,
    status: row.registration_status,
    registeredCapital: row.registered_capital === null ? null : wan(row.registered_capital),
    businessScope: row.business_scope,
  };
}

/** The columns an input sets: a field given as null clears what was held; one left out is kept. */
export function registrationColumns(input: RegistrationInput): Partial<RegistrationColumns> {
  const text = (v: string | null) => (v === null ? null : normalizeName(v) || null);
  const out: Partial<RegistrationColumns> = {};
  if (input.establishmentDate !== undefined) out.established_on = input.establishmentDate;
  if (input.address !== undefined) out.address = text(input.address);
  if (input.status !== undefined) out.registration_status = text(input.status);
  // Four decimals at most (the route checks), so the number prints without an exponent or a float's tail.
  if (input.registeredCapital !== undefined) out.registered_capital = input.registeredCapital === null ? null : input.registeredCapital.toFixed(4);
  if (input.businessScope !== undefined) out.business_scope = input.businessScope === null ? null : normalizeFreeText(input.businessScope).trim() || null;
  return out;
}
