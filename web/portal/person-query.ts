/**
 * A resident ID number typed into the organization search: the portal does not look up natural
 * persons, and the number must not travel in an address (history, bookmarks) or an API URL. The
 * page is told the masked number instead (`#/search?person=110105********002X`) and says why.
 * A code that passes both checks is a credit code, as the API decides (common/identifiers).
 */
import { maskIdNumber, validateIdNumber } from '../../common/identifiers/id-number';
import { normalizeCode } from '../../common/identifiers/normalize';
import { validateUscc } from '../../common/identifiers/uscc';

/** The masked number when `text` is a valid resident ID number (and no valid USCC), else null. */
export function maskedPersonId(text: string): string | null {
  const code = normalizeCode(text);
  if (code.length !== 15 && code.length !== 18) return null;
  const id = validateIdNumber(code);
  if (!id.valid || validateUscc(code).valid) return null;
  return maskIdNumber(id.normalized);
}
