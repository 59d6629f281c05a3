/**
 * The big search box of the home page and the results page, in plain HTML (no antd): it is the
 * portal's first screen, usable before anything else has loaded. Enter or 查询 goes to the results.
 */
import { useEffect, useState } from 'react';
import { t } from '../ui/i18n';
import { maskedPersonId } from './person-query';
import { go } from './route';

export function SearchBox({ initial = '', autoFocus = false }: { initial?: string; autoFocus?: boolean }) {
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  return (
    <form role="search" className="xy-search" data-testid="portal-search"
      onSubmit={(e) => {
        e.preventDefault();
        const person = maskedPersonId(text);
        go('search', person ? { person } : { q: text.trim() });
      }}>
      {/* The placeholder is short enough to be read whole on a 375 px phone, in either language. */}
      <input type="search" value={text} onChange={(e) => setText(e.target.value)} autoFocus={autoFocus} maxLength={100}
        placeholder={t('企业名称或信用代码')} aria-label={t('信用信息查询')} />
      <button type="submit">{t('查询')}</button>
    </form>
  );
}
