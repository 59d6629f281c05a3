/**
 * antd for the portal's pages, loaded with the first page that needs it (never with the first
 * screen): the locale (zh-CN or English), the portal's red, and the date pickers' Chinese months
 * and weekdays, weeks from Monday, as the console has them.
 */
import type { ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { getLang } from '../ui/i18n';

if (getLang() === 'zh-CN') dayjs.locale('zh-cn');

export function WithAntd({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider locale={getLang() === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#c0392b' } }}>
      {children}
    </ConfigProvider>
  );
}
