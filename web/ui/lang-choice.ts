/** Switching the language: the choice is stored and the page reloads (see i18n.ts). */
import { LANG_KEY, type Lang } from './i18n';

export const LANGS: readonly { value: Lang; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
];

export function chooseLang(lang: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // storage unavailable: the language stays as it is
  }
  window.location.reload();
}
