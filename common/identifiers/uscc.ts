/**
 * 统一社会信用代码 (USCC) per GB 32100-2015.
 * 18 characters: 1 registration authority, 2 entity type, 3–8 region (GB/T 2260),
 * 9–17 organization code (GB 11714, with its own check at 17), 18 check character.
 */
import { normalizeCode } from './normalize.js';
import type { CodeIssue, CodeValidation, RegionLookup, UsccParts } from './types.js';
import { USCC_AUTHORITIES } from './uscc-authorities.js';

/** The 31 characters of GB 32100 (no I, O, Z, S, V); a character's value is its index. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const FORBIDDEN_LETTERS = 'IOZSV';

/** Check character (position 18) for the first 17 characters, or null if one is outside the charset. */
export function usccCheckCharacter(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] as number);
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31] as string;
}

/** GB 11714 check character (the organization code's 9th character) for its first 8 characters. */
export function orgCodeCheckCharacter(first8: string): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i] ?? '';
    // GB 11714 values letters over the whole alphabet (A=10 … Z=35), unlike GB 32100.
    const v = /[0-9]/.test(ch) ? Number(ch) : /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : -1;
    if (v < 0) return null;
    sum += v * (ORG_CODE_WEIGHTS[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function validateUscc(input: string, regionName?: RegionLookup): CodeValidation<UsccParts> {
  const normalized = normalizeCode(input);
  const errors: CodeIssue[] = [];
  const warnings: CodeIssue[] = [];
  const result = (parts: UsccParts | null): CodeValidation<UsccParts> => ({
    valid: errors.length === 0,
    kind: 'uscc',
    normalized,
    parts: errors.length === 0 ? parts : null,
    errors,
    warnings,
  });

  if (normalized.length === 0) {
    errors.push({ code: 'USCC_EMPTY', message: '统一社会信用代码不能为空' });
    return result(null);
  }
  if (normalized.length !== 18) {
    errors.push({ code: 'USCC_LENGTH', message: `统一社会信用代码应为18位，实际为${normalized.length}位` });
  }
  // Report every character outside the charset, each with its position.
  [...normalized].forEach((ch, i) => {
    if (!USCC_CHARSET.includes(ch)) {
      const why = FORBIDDEN_LETTERS.includes(ch) ? `字母${ch}不用于统一社会信用代码` : `字符「${ch}」不是允许的字符`;
      errors.push({ code: 'USCC_CHARSET', message: `第${i + 1}位${why}`, position: i + 1 });
    }
  });
  if (errors.length > 0) return result(null);

  const authorityCode = normalized[0] as string;
  const typeCode = normalized[1] as string;
  const authority = USCC_AUTHORITIES[authorityCode];
  if (!authority) {
    errors.push({ code: 'USCC_AUTHORITY', message: `第1位登记管理部门代码「${authorityCode}」不存在`, position: 1 });
  } else if (!authority.entityTypes[typeCode]) {
    errors.push({
      code: 'USCC_ENTITY_TYPE',
      message: `第2位机构类别代码「${typeCode}」不属于登记管理部门「${authority.name}」（可用：${Object.keys(authority.entityTypes).join('、')}）`,
      position: 2,
    });
  }

  const regionCode = normalized.slice(2, 8);
  let regionLabel: string | null = null;
  if (!/^\d{6}$/.test(regionCode)) {
    const bad = [...regionCode].findIndex((ch) => !/\d/.test(ch));
    errors.push({ code: 'USCC_REGION_FORMAT', message: `第${bad + 3}位应为数字：第3–8位是行政区划码`, position: bad + 3 });
  } else if (regionName) {
    const province = regionName(`${regionCode.slice(0, 2)}0000`);
    if (province === undefined) {
      errors.push({
        code: 'USCC_REGION_UNKNOWN_PROVINCE',
        message: `第3–4位省级行政区划码「${regionCode.slice(0, 2)}」不存在`,
        position: 3,
      });
    } else {
      regionLabel = regionName(regionCode) ?? null;
      if (regionLabel === null) {
        warnings.push({
          code: 'USCC_REGION_NOT_IN_TABLE',
          message: `第3–8位行政区划码「${regionCode}」不在现行GB/T 2260代码表中（可能是已调整的旧区划）`,
          position: 3,
        });
      }
    }
  }

  const expected = usccCheckCharacter(normalized.slice(0, 17)) as string;
  const actual = normalized[17] as string;
  if (expected !== actual) {
    errors.push({ code: 'USCC_CHECK', message: `第18位校验码应为${expected}，实际为${actual}`, position: 18 });
  }

  const orgCode = normalized.slice(8, 17);
  const orgCheck = orgCodeCheckCharacter(orgCode.slice(0, 8));
  if (orgCheck !== orgCode[8]) {
    // Many codes (e.g. 个体工商户) carry no genuine GB 11714 code here, so this only warns.
    warnings.push({
      code: 'USCC_ORG_CODE_CHECK',
      message: `第9–17位组织机构代码的校验位（第17位）按GB 11714应为${orgCheck ?? '?'}，实际为${orgCode[8]}`,
      position: 17,
    });
  }

  return result({
    registrationAuthority: { code: authorityCode, name: authority?.name ?? '' },
    entityType: { code: typeCode, name: authority?.entityTypes[typeCode] ?? '' },
    region: { code: regionCode, name: regionLabel },
    organizationCode: orgCode,
    checkCharacter: actual,
  });
}
