/**
 * 简体中文 | English for the portal's header, in plain HTML: the first screen loads no antd (the
 * console's LangSwitch is antd's Segmented). The current language is the pressed button.
 */
import { getLang } from '../ui/i18n';
import { chooseLang, LANGS } from '../ui/lang-choice';

export function LangButtons() {
  const current = getLang();
  return (
    <span className="xy-lang" role="group" aria-label="语言 / Language">
      {LANGS.map((l) => (
        <button key={l.value} type="button" lang={l.value} aria-pressed={l.value === current} onClick={() => l.value !== current && chooseLang(l.value)}>
          {l.label}
        </button>
      ))}
    </span>
  );
}
