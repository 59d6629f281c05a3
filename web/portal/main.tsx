import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { getLang, t } from '../ui/i18n';
import { App } from './App';

// The date pickers' months and weekdays in Chinese, weeks from Monday, as the console has them.
if (getLang() === 'zh-CN') dayjs.locale('zh-cn');

document.documentElement.lang = getLang();
document.title = t('信用Xinyong — 公共信用信息服务平台');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ConfigProvider locale={getLang() === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#c0392b' } }}>
      <App />
    </ConfigProvider>
  </StrictMode>,
);
