/**
 * Masking rules, counted in code points (security.md): ID `110105********1234`, name `张*` /
 * `张**` / `欧阳**`, mobile `138****5678`. Applied by presenters only.
 */
export { maskIdNumber } from './identifiers/id-number.js';

// 复姓: the surname is two characters, so two are kept.
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '端木', '独孤', '南宫', '西门', '轩辕', '申屠', '太史', '澹台', '公冶', '宗政', '濮阳', '淳于', '单于', '呼延', '万俟', '闻人', '赫连', '钟离', '百里', '东郭', '谷梁', '拓跋', '第五',
]);

export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  const keep = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}

export function maskMobile(mobile: string): string {
  const chars = [...mobile];
  if (chars.length < 7) return '*'.repeat(chars.length);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}
