import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { getLang, t } from '../ui/i18n';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { App } from './App';

if (getLang() === 'zh-CN') dayjs.locale('zh-cn');

document.documentElement.lang = getLang();
document.title = t('信用Xinyong 管理后台');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ConfigProvider locale={getLang() === 'en' ? enUS : zhCN}>
      <AntApp>
        <App />
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
