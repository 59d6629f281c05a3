/**
 * 公民身份号码 per GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence
 * (odd = male), check character by ISO 7064 MOD 11-2. 15-digit numbers issued before
 * 1999 (YYMMDD births, all 19xx) are recognised and converted to 18 digits.
 */
import { chinaToday } from '../dates.js';
import { normalizeCode } from './normalize.js';
import type { CodeIssue, CodeValidation, IdNumberParts, RegionLookup } from './types.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_MAP = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1850;

export function idCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_MAP[sum % 11] as string;
}

/** Converts a 15-digit legacy number (assumed valid in form) to its 18-digit equivalent. */
export function convertLegacyId(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + (idCheckCharacter(first17) as string);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export interface IdValidationOptions {
  regionName?: RegionLookup;
  /** YYYY-MM-DD; defaults to today in China. */
  today?: string;
}

export function validateIdNumber(input: string, options: IdValidationOptions = {}): CodeValidation<IdNumberParts> {
  let normalized = normalizeCode(input);
  const errors: CodeIssue[] = [];
  const warnings: CodeIssue[] = [];
  let convertedFrom15 = false;
  const result = (parts: IdNumberParts | null): CodeValidation<IdNumberParts> => ({
    valid: errors.length === 0,
    kind: 'id',
    normalized,
    parts: errors.length === 0 ? parts : null,
    errors,
    warnings,
  });

  if (normalized.length === 0) {
    errors.push({ code: 'ID_EMPTY', message: '身份证号码不能为空' });
    return result(null);
  }
  if (normalized.length === 15) {
    const bad = [...normalized].findIndex((ch) => !/\d/.test(ch));
    if (bad >= 0) {
      errors.push({ code: 'ID_CHARSET', message: `第${bad + 1}位应为数字（15位旧号码全部为数字）`, position: bad + 1 });
      return result(null);
    }
    convertedFrom15 = true;
    normalized = convertLegacyId(normalized);
    warnings.push({ code: 'ID_CONVERTED_FROM_15', message: '15位旧身份证号码已按GB 11643-1999转换为18位' });
  } else if (normalized.length !== 18) {
    errors.push({ code: 'ID_LENGTH', message: `身份证号码应为18位（或15位旧号码），实际为${normalized.length}位` });
    return result(null);
  }

  [...normalized.slice(0, 17)].forEach((ch, i) => {
    if (!/\d/.test(ch)) errors.push({ code: 'ID_CHARSET', message: `第${i + 1}位应为数字，实际为「${ch}」`, position: i + 1 });
  });
  const last = normalized[17] as string;
  if (!/[\dX]/.test(last)) {
    errors.push({ code: 'ID_CHARSET', message: `第18位应为数字或X，实际为「${last}」`, position: 18 });
  }
  if (errors.length > 0) return result(null);

  const regionCode = normalized.slice(0, 6);
  let regionLabel: string | null = null;
  if (options.regionName) {
    regionLabel = options.regionName(regionCode) ?? null;
    if (regionLabel === null) {
      warnings.push({
        code: 'ID_REGION_UNKNOWN',
        message: `第1–6位地址码「${regionCode}」不在现行GB/T 2260代码表中（可能是已调整的旧区划）`,
        position: 1,
      });
    }
  }

  const y = Number(normalized.slice(6, 10));
  const m = Number(normalized.slice(10, 12));
  const d = Number(normalized.slice(12, 14));
  const birthDate = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  const today = options.today ?? chinaToday();
  if (!isRealDate(y, m, d)) {
    // The digits are not echoed: error bodies carry no part of a person's number beyond one character.
    errors.push({ code: 'ID_BIRTH_DATE_INVALID', message: '第7–14位出生日期不是有效日期', position: 7 });
  } else if (birthDate > today) {
    errors.push({ code: 'ID_BIRTH_DATE_FUTURE', message: '第7–14位出生日期晚于今天', position: 7 });
  } else if (y < EARLIEST_BIRTH_YEAR) {
    errors.push({ code: 'ID_BIRTH_DATE_INVALID', message: `第7–14位出生日期早于${EARLIEST_BIRTH_YEAR}年`, position: 7 });
  }

  const expected = idCheckCharacter(normalized.slice(0, 17)) as string;
  if (expected !== last) {
    errors.push({ code: 'ID_CHECK', message: `第18位校验码应为${expected}，实际为${last}`, position: 18 });
  }

  return result({
    region: { code: regionCode, name: regionLabel },
    birthDate,
    sequence: normalized.slice(14, 17),
    sex: Number(normalized[16]) % 2 === 1 ? 'male' : 'female',
    checkCharacter: last,
    ...(convertedFrom15 ? { convertedFrom15: true } : {}),
  });
}

/** `110105********002X`: region kept, birth date and sequence hidden, last 4 kept. */
export function maskIdNumber(normalized: string): string {
  if (normalized.length < 10) return '*'.repeat(normalized.length);
  return normalized.slice(0, 6) + '*'.repeat(normalized.length - 10) + normalized.slice(-4);
}

/** Whether free text carries an 18- or 15-digit run that passes the ID number checks (e.g. a reason bound for the audit log, which refuses them). */
export function holdsIdNumber(text: string): boolean {
  return [...text.matchAll(/(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])/g)].some((m) => validateIdNumber(m[0]).valid);
}
