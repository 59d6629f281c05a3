/** 简体中文 | English: stores the choice and reloads (see i18n.ts). */
import { Segmented } from 'antd';
import { getLang, LANG_KEY } from './i18n';

export function LangSwitch() {
  return (
    <Segmented
      size="small"
      value={getLang()}
      options={[{ label: '简体中文', value: 'zh-CN' }, { label: 'English', value: 'en' }]}
      onChange={(v) => {
        try {
          localStorage.setItem(LANG_KEY, String(v));
        } catch {
          // storage unavailable: the language stays as it is
        }
        window.location.reload();
      }}
    />
  );
}
