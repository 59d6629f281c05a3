/**
 * Normalization applied before any identifier is validated: users paste codes from
 * Word documents, PDFs and IME full-width mode, so we accept what a clerk would type.
 */

/** Full-width ASCII (U+FF01–U+FF5E) → half-width; ideographic space → space. */
const FULL_WIDTH = /[\uff01-\uff5e\u3000]/;

export function toHalfWidth(input: string): string {
  // Most values have nothing to convert: skip the per-character copy (hot in collection).
  if (!FULL_WIDTH.test(input)) return input;
  let out = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xff01 && cp <= 0xff5e) out += String.fromCodePoint(cp - 0xfee0);
    else if (cp === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

// Spaces (incl. NBSP), and the hyphen/dash family people use to group digits.
const SEPARATORS = /[\s\u00a0\u2010-\u2015\u2212\-－]/g;

/** trim → full-width to half-width → strip spaces and hyphens → upper-case. */
export function normalizeCode(input: string): string {
  return toHalfWidth(input.trim()).replace(SEPARATORS, '').toUpperCase();
}
