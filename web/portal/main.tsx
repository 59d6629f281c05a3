import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { getLang } from '../ui/i18n';
import { App } from './App';

document.documentElement.lang = getLang();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ConfigProvider locale={getLang() === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#c0392b' } }}>
      <App />
    </ConfigProvider>
  </StrictMode>,
);
