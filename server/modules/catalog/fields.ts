import type { CatalogField } from './catalog.schema.js';

/**
 * Text fields this long hold free text (违法事实, 处罚内容, 备注 …): what departments write names,
 * ID numbers and phone numbers into. Shorter text fields are names and codes, kept on one line.
 * Collection normalizes by it, the public presenter scrubs by it.
 */
export const FREE_TEXT_MIN_LENGTH = 1000;

export function isFreeText(f: CatalogField): boolean {
  return f.type === 'text' && (f.maxLength ?? 0) >= FREE_TEXT_MIN_LENGTH;
}
