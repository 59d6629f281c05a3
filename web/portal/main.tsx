// The first screen's code only: React, the shell and the search box. antd, dayjs and ECharts come
// with the pages that use them (App.tsx → lazyPage), after the search box is usable.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getLang, t } from '../ui/i18n';
import { App } from './App';

document.documentElement.lang = getLang();
document.title = t('信用Xinyong — 公共信用信息服务平台');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
