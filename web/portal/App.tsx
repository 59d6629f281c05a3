/**
 * The public portal's shell — header, navigation, footer — and the home page's first screen (the
 * search box and quick links), in plain React and CSS (portal.css): a citizen's first visit can
 * search before antd, ECharts or any other page has loaded. Every page, and the rest of the home
 * page, is a lazily loaded chunk with antd (lazyPage).
 */
import { Component, lazy, Suspense, useEffect, useRef, type ComponentType, type ReactNode } from 'react';
import { t } from '../ui/i18n';
import { LangButtons } from './LangButtons';
import { useRoute, type Route } from './route';
import { SearchBox } from './SearchBox';

/** A page loaded when first shown, with antd (its locale and theme) loaded beside it. */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => {
    const [{ WithAntd }, Page] = await Promise.all([import('./antd'), load()]);
    return { default: (props: P) => <WithAntd><Page {...props} /></WithAntd> };
  });
}

const HomeMore = lazyPage(() => import('./HomeMore').then((m) => m.HomeMore));
const SearchPage = lazyPage(() => import('./SearchPage').then((m) => m.SearchPage));
const ProfilePage = lazyPage(() => import('./ProfilePage').then((m) => m.ProfilePage));
const PublicityPage = lazyPage(() => import('./PublicityPage').then((m) => m.PublicityPage));
const PoliciesPage = lazyPage(() => import('./PoliciesPage').then((m) => m.PoliciesPage));
const NoticesPage = lazyPage(() => import('./NoticesPage').then((m) => m.NoticesPage));

/** Top navigation: only pages that exist. `key` is the route's first part that marks the entry as current. */
const NAV: { label: string; href: string; key: string }[] = [
  { label: '首页', href: '#/', key: '' },
  { label: '信用信息查询', href: '#/search', key: 'search' },
  { label: '双公示', href: '#/publicity/penalties', key: 'publicity' },
  { label: '信用动态', href: '#/notices', key: 'notices' },
  { label: '政策法规', href: '#/policies', key: 'policies' },
];

/**
 * A page's code that cannot be loaded (offline, or a tab left open across an upgrade asks for a
 * chunk that no longer exists) says so and offers a reload, instead of emptying the whole portal;
 * a `quiet` part (the home page below its search box) is left out.
 */
class LoadFailed extends Component<{ children: ReactNode; quiet?: boolean }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (!this.state.failed) return this.props.children;
    if (this.props.quiet) return null;
    return (
      <section className="xy-card" role="alert">
        <p>{t('页面未能加载，请检查网络后刷新页面。')}</p>
        <button type="button" className="xy-button" onClick={() => window.location.reload()}>{t('刷新')}</button>
      </section>
    );
  }
}

function Home() {
  return (
    <>
      <section className="xy-card" data-testid="portal-home">
        <SearchBox autoFocus />
        <p className="xy-quick">
          <a href="#/publicity/penalties">{t('行政处罚公示')}</a>
          <a href="#/publicity/permits">{t('行政许可公示')}</a>
        </p>
      </section>
      {/* The figures, the chart and the code check: after the search box, never before it, and never in its way. */}
      <LoadFailed quiet><Suspense fallback={null}><HomeMore /></Suspense></LoadFailed>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const [first, second] = route.path;
  if (first === 'search') return <SearchPage route={route} />;
  if (first === 'subject' && second) return <ProfilePage uscc={second} />;
  if (first === 'publicity') return <PublicityPage route={route} kind={second === 'permits' ? 'permits' : 'penalties'} />;
  if (first === 'policies') return <PoliciesPage route={route} />;
  if (first === 'notices') return <NoticesPage route={route} />;
  return <Home />;
}

export function App() {
  const route = useRoute();
  const current = route.path[0] ?? '';
  // After following a link to another page, the keyboard starts at the new page's content, as a
  // screen reader expects; the first page keeps its own focus (the home page's search box).
  const main = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  // A new page, not a switch within one (permits ↔ penalties keeps the focus on the switch).
  const pageKey = current === 'subject' ? route.path.join('/') : current;
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus({ preventScroll: true });
  }, [pageKey]);
  return (
    <div className="xy-portal">
      <header className="xy-header">
        <div className="xy-header-top">
          <p className="xy-brand">{t('信用Xinyong')}</p>
          <span className="no-print"><LangButtons /></span>
        </div>
        <nav className="no-print" aria-label={t('网站导航')}>
          {NAV.map((n) => (
            <a key={n.href} href={n.href} aria-current={n.key === current || (n.key === 'search' && current === 'subject') ? 'page' : undefined}>{t(n.label)}</a>
          ))}
        </nav>
      </header>
      <main className="xy-main">
        {/* Where focus goes on a new page. */}
        <div ref={main} tabIndex={-1} aria-label={t('页面内容')} className="xy-content">
          <LoadFailed key={pageKey}>
            <Suspense fallback={<p className="xy-loading" role="status">{t('加载中')}…</p>}>
              <Page route={route} />
            </Suspense>
          </LoadFailed>
        </div>
      </main>
      <footer className="xy-footer no-print">
        {t('信用Xinyong 开源公共信用信息平台')} · <a href="/docs">{t('开放接口文档')}</a>
      </footer>
    </div>
  );
}
