/**
 * Identifier validation shared by server and web. Validate against the kind the field
 * expects: an 18-digit string can be a valid USCC and an invalid ID number, or the reverse.
 */
import { validateIdNumber } from './id-number.js';
import { normalizeCode } from './normalize.js';
import type { CodeKind, CodeValidation, IdNumberParts, RegionLookup, UsccParts } from './types.js';
import { validateUscc } from './uscc.js';

export * from './types.js';
export { normalizeCode, toHalfWidth } from './normalize.js';
export { validateUscc, usccCheckCharacter, orgCodeCheckCharacter, USCC_CHARSET } from './uscc.js';
export { validateIdNumber, idCheckCharacter, convertLegacyId, maskIdNumber, holdsIdNumber } from './id-number.js';
export { USCC_AUTHORITIES } from './uscc-authorities.js';

export type AnyCodeValidation = CodeValidation<UsccParts> | CodeValidation<IdNumberParts>;

export interface ValidateCodeOptions {
  regionName?: RegionLookup;
  today?: string;
}

/**
 * Validates as `kind`, or infers it when absent: the kind whose rules the code passes;
 * if neither, the more likely one by shape (letters beyond a final X mean USCC).
 * `inferred` tells the caller the kind was a guess.
 */
export function validateCode(
  input: string,
  kind: CodeKind | undefined,
  options: ValidateCodeOptions = {},
): AnyCodeValidation & { inferred: boolean } {
  if (kind === 'uscc') return { ...validateUscc(input, options.regionName), inferred: false };
  if (kind === 'id') return { ...validateIdNumber(input, options), inferred: false };
  const asUscc = validateUscc(input, options.regionName);
  const asId = validateIdNumber(input, options);
  if (asUscc.valid && !asId.valid) return { ...asUscc, inferred: true };
  if (asId.valid && !asUscc.valid) return { ...asId, inferred: true };
  if (asUscc.valid && asId.valid) {
    const warning = { code: 'CODE_AMBIGUOUS', message: '该代码同时符合统一社会信用代码和身份证号码规则，已按统一社会信用代码校验；请指定kind' };
    return { ...asUscc, warnings: [...asUscc.warnings, warning], inferred: true };
  }
  const n = normalizeCode(input);
  const looksLikeId = n.length === 15 || /^\d{17}[\dX]$/.test(n);
  return { ...(looksLikeId ? asId : asUscc), inferred: true };
}
