/** The console shell: sign-in gate, navigation by role, pages by hash route (#/users …). */
import { Fragment, lazy, Suspense, useCallback, useEffect, useState, type ReactElement } from 'react';
import { Button, ConfigProvider, Drawer, Grid, Layout, Menu, Result, Space, Spin, Tag, Typography } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { api, setCsrfToken } from '../ui/api';
import { t } from '../ui/i18n';
import { LangSwitch } from '../ui/LangSwitch';
import { ROLE_LABELS } from '../ui/labels';
import { PAGE_ROLES } from './access';
import { Login } from './Login';
import type { Me, NextStep } from './session';
import { AuditPage, QueriesPage } from './pages/Audit';
import { BatchesPage } from './pages/Batches';
import { CatalogPage } from './pages/Catalog';
import { DepartmentsPage } from './pages/Departments';
import { GrantsPage } from './pages/Grants';
import { RecordsPage } from './pages/Records';
import { HomePage } from './pages/Home';
import { LoginLocksPage } from './pages/LoginLocks';
import { JobsPage } from './pages/Jobs';
import { NoticesPage } from './pages/Notices';
import { DeadLettersPage, SubscriptionsPage } from './pages/Exchange';
import { ReviewPage } from './pages/Review';
import { SecurityPolicyPage } from './pages/SecurityPolicy';
import { SubmitPage } from './pages/Submit';
import { SystemAccountsPage } from './pages/SystemAccounts';
import { UsersPage } from './pages/Users';

// Loaded when first opened: its charts bring echarts, which the other pages do without.
const QualityPage = lazy(() => import('./pages/Quality').then((m) => ({ default: m.QualityPage })));

interface Page {
  key: string;
  label: string;
  group: string;
  roles: string[] | 'any';
  render: (me: Me) => ReactElement;
}

const BUSINESS = ['creditOffice', 'submitter', 'reviewer', 'implementer'];

// Labels in the current language (fixed for the life of the page, see ui/i18n.ts).
const PAGES: Page[] = [
  { key: 'home', label: t('工作台'), group: '', roles: 'any', render: (me) => <HomePage me={me} /> },
  { key: 'catalog', label: t('信息目录与措施清单'), group: t('目录管理'), roles: [...BUSINESS, 'sysAdmin', 'secAdmin'], render: (me) => <CatalogPage roles={me.user.roles} /> },
  { key: 'submit', label: t('数据报送'), group: t('数据归集'), roles: ['submitter'], render: (me) => <SubmitPage me={me} /> },
  { key: 'batches', label: t('报送批次'), group: t('数据归集'), roles: ['submitter', 'reviewer', 'creditOffice'], render: (me) => <BatchesPage me={me} /> },
  { key: 'review', label: t('审核'), group: t('数据归集'), roles: ['reviewer'], render: () => <ReviewPage /> },
  { key: 'grants', label: t('报送目录'), group: t('数据归集'), roles: ['creditOffice'], render: () => <GrantsPage /> },
  { key: 'records', label: t('信息记录'), group: t('数据归集'), roles: ['creditOffice'], render: (me) => <RecordsPage me={me} /> },
  { key: 'notices', label: t('信用动态'), group: t('门户内容'), roles: ['creditOffice'], render: () => <NoticesPage /> },
  { key: 'subscriptions', label: t('数据订阅'), group: t('数据共享'), roles: ['creditOffice'], render: () => <SubscriptionsPage /> },
  { key: 'dead-letters', label: t('投递失败'), group: t('数据共享'), roles: [...PAGE_ROLES['dead-letters']], render: () => <DeadLettersPage /> },
  { key: 'quality', label: t('归集质量'), group: t('数据归集'), roles: ['creditOffice', 'submitter', 'reviewer'], render: (me) => <QualityPage me={me} /> },
  { key: 'departments', label: t('部门'), group: t('系统管理'), roles: ['sysAdmin'], render: () => <DepartmentsPage /> },
  { key: 'users', label: t('用户'), group: t('系统管理'), roles: ['sysAdmin', 'secAdmin'], render: (me) => <UsersPage me={me} /> },
  { key: 'system-accounts', label: t('系统账号|page'), group: t('系统管理'), roles: ['sysAdmin'], render: () => <SystemAccountsPage /> },
  { key: 'jobs', label: t('后台任务'), group: t('系统管理'), roles: [...PAGE_ROLES.jobs], render: () => <JobsPage /> },
  { key: 'security', label: t('密码与会话策略'), group: t('安全策略'), roles: ['secAdmin'], render: () => <SecurityPolicyPage /> },
  { key: 'login-locks', label: t('登录锁定'), group: t('安全策略'), roles: ['secAdmin'], render: () => <LoginLocksPage /> },
  { key: 'audit', label: t('审计日志'), group: t('安全审计'), roles: ['auditAdmin'], render: () => <AuditPage /> },
  { key: 'queries', label: t('查询登记'), group: t('安全审计'), roles: ['auditAdmin'], render: () => <QueriesPage /> },
];

function allowed(page: Page, roles: string[]): boolean {
  return page.roles === 'any' || page.roles.some((r) => roles.includes(r));
}

/**
 * Below antd's lg breakpoint (992 px) the side menu would squeeze the content: it moves into a
 * drawer opened from the header. Before antd has measured the screen, the media query decides.
 */
function useNarrow(): boolean {
  const screens = Grid.useBreakpoint();
  return screens.lg === undefined ? window.matchMedia('(max-width: 991.98px)').matches : !screens.lg;
}

/**
 * antd draws a shadow at the edge where a table scrolls on (scroll.x), in its split-line colour,
 * which is too faint to notice; a darker one shows that a table goes on past the screen's edge.
 */
const THEME = { components: { Table: { colorSplit: 'rgba(0, 0, 0, 0.18)' } } };

/** The page a hash names: #/batches?batch=… is 报送批次 (the page reads what follows 「?」 itself). */
const routeOf = (hash: string) => hash.replace(/^#\/?/, '').split('?')[0] || 'home';

function useHashRoute(): string {
  const [hash, setHash] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const on = () => setHash(routeOf(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [step, setStep] = useState<NextStep | 'password' | 'loading'>('loading');
  const route = useHashRoute();
  const screens = Grid.useBreakpoint();
  const narrow = useNarrow();
  const [menuOpen, setMenuOpen] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const m = await api<Me>('GET', '/api/v1/auth/me');
      setCsrfToken(m.csrfToken);
      setMe(m);
      setStep(m.next);
    } catch {
      setMe(null);
      setStep('password');
    }
  }, []);

  useEffect(() => {
    void refresh();
    const signedOut = () => {
      setMe(null);
      setStep('password');
    };
    window.addEventListener('xy:signed-out', signedOut);
    return () => window.removeEventListener('xy:signed-out', signedOut);
  }, [refresh]);

  if (step === 'loading') return <Spin fullscreen tip={t('加载中')} />;
  if (step !== 'done' || !me) return <Login step={step} onProgress={setStep} onDone={refresh} />;

  const pages = PAGES.filter((p) => allowed(p, me.user.roles));
  const page = pages.find((p) => p.key === route);
  const groups = [...new Set(pages.map((p) => p.group))];
  const roleNames = me.user.roles.map((r) => t(ROLE_LABELS[r] ?? r)).join(t('、'));
  const items = groups.flatMap((g) => {
    const children = pages.filter((p) => p.group === g).map((p) => ({ key: p.key, label: p.label }));
    return g ? [{ key: g, label: g, type: 'group' as const, children }] : children;
  });

  const title = t('信用Xinyong 管理后台');
  const menu = (
    <Menu mode="inline" selectedKeys={[page?.key ?? '']} items={items} style={{ borderInlineEnd: 'none' }}
      onClick={(e) => { window.location.hash = `#/${e.key}`; setMenuOpen(false); }} />
  );

  return (
    <ConfigProvider theme={THEME}>
      <Layout style={{ minHeight: '100vh' }}>
        {!narrow && (
          <Layout.Sider theme="light" width={200}>
            <div style={{ padding: 16, fontWeight: 600, color: '#c0392b' }}>{title}</div>
            {menu}
          </Layout.Sider>
        )}
        <Layout>
          {/* The header grows and wraps rather than overflowing; a phone drops the role tags (they stay in the name's tooltip). */}
          <Layout.Header style={{ background: '#fff', display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', alignItems: 'center', gap: 8, paddingInline: narrow ? 12 : 16, paddingBlock: 8, height: 'auto', minHeight: 64, lineHeight: 'normal' }}>
            {narrow ? (
              <Space size={8} style={{ minWidth: 0 }}>
                <Button icon={<MenuOutlined />} aria-label={t('打开菜单')} aria-expanded={menuOpen} aria-controls="console-menu" data-testid="menu-button" onClick={() => setMenuOpen(true)} />
                <Typography.Text strong data-testid="console-title" style={{ color: '#c0392b', fontSize: 16 }}>{title}</Typography.Text>
              </Space>
            ) : null}
            <Space wrap size={[8, 8]} style={{ justifyContent: 'flex-end', minWidth: 0, marginInlineStart: 'auto' }}>
              <LangSwitch />
              <Typography.Text data-testid="current-user" title={roleNames} style={{ overflowWrap: 'anywhere' }}>
                {t('{name}（{username}）', { name: me.user.displayName, username: me.user.username })}
              </Typography.Text>
              {screens.sm && me.user.roles.map((r) => <Tag key={r} color="blue" style={{ marginInlineEnd: 0 }}>{t(ROLE_LABELS[r] ?? r)}</Tag>)}
              <Button size="small" onClick={async () => { await api('POST', '/api/v1/auth/logout', {}).catch(() => undefined); setMe(null); setStep('password'); }}>{t('退出')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ margin: narrow ? 12 : 16, minWidth: 0 }}>
            <Suspense fallback={<div style={{ textAlign: 'center', padding: 48 }}><Spin /></div>}>
              {/* Keyed by route: a page never inherits another route's state (two routes may share a component). */}
              {page ? <Fragment key={page.key}>{page.render(me)}</Fragment> : <Result status="403" title={t('无权访问')} subTitle={t('当前角色不能使用该页面。')} />}
            </Suspense>
          </Layout.Content>
        </Layout>
        {narrow && (
          <Drawer id="console-menu" placement="left" size={240} title={title} open={menuOpen} onClose={() => setMenuOpen(false)} styles={{ body: { padding: 0 } }}>
            {menu}
          </Drawer>
        )}
      </Layout>
    </ConfigProvider>
  );
}
