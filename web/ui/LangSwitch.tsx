/** 简体中文 | English (antd, for the console): stores the choice and reloads (see i18n.ts). */
import { Segmented } from 'antd';
import { getLang, type Lang } from './i18n';
import { chooseLang, LANGS } from './lang-choice';

export function LangSwitch() {
  return <Segmented size="small" value={getLang()} options={LANGS.map((l) => ({ ...l }))} onChange={(v) => chooseLang(v as Lang)} />;
}
