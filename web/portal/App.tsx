/** The public portal: home (search box, code check), search results, credit profiles, 双公示. */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Input, Layout, List, Radio, Row, Space, Tag, Typography } from 'antd';
import { api, describeError } from '../ui/api';
import { colon, inBrackets, t } from '../ui/i18n';
import { LangSwitch } from '../ui/LangSwitch';
import { ProfilePage } from './ProfilePage';
import { PublicityPage } from './PublicityPage';
import { useRoute, type Route } from './route';
import { SearchBox, SearchPage } from './SearchPage';

interface Issue {
  code: string;
  message: string;
  position?: number;
}
interface Validation {
  valid: boolean;
  kind: 'uscc' | 'id';
  kindInferred: boolean;
  normalized: string;
  parts: Record<string, unknown> | null;
  errors: Issue[];
  warnings: Issue[];
}

// ECharts only for the home page's figures, loaded after the page itself.
const Figures = lazy(() => import('./Figures').then((m) => ({ default: m.Figures })));

/** Top navigation; entries without a page yet are shown, not linked, until their issues. */
const NAV: { label: string; href?: string; key?: string }[] = [
  { label: '首页', href: '#/', key: '' },
  { label: '信用信息查询', href: '#/search', key: 'search' },
  { label: '双公示', href: '#/publicity/penalties', key: 'publicity' },
  { label: '信用名单' }, { label: '信用修复' }, { label: '异议申诉' }, { label: '信用承诺' }, { label: '信用报告' }, { label: '政策法规' },
];

function CodeCheck() {
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'auto' | 'uscc' | 'id'>('auto');
  const [result, setResult] = useState<Validation | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);

  const check = async () => {
    setLoading(true);
    setError('');
    try {
      setResult(await api<Validation>('POST', '/api/v1/codes/validate', { code, ...(kind === 'auto' ? {} : { kind }) }));
    } catch (err) {
      setResult(null);
      setError(describeError(err));
    } finally {
      setLoading(false);
    }
  };

  const parts = result?.parts as
    | { registrationAuthority?: { name: string }; entityType?: { name: string }; region?: { code: string; name: string | null }; organizationCode?: string; birthDate?: string; sex?: string }
    | null
    | undefined;

  return (
    <Card title={t('代码校验')} id="code-check">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} optionType="button" size="small"
          options={[{ label: t('自动识别'), value: 'auto' }, { label: t('统一社会信用代码'), value: 'uscc' }, { label: t('身份证号码'), value: 'id' }]} />
        <Input.Search
          aria-label={t('待校验的代码')}
          placeholder={t('输入18位统一社会信用代码或身份证号码（支持全角）')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          onSearch={check}
          enterButton={t('校验')}
          loading={loading}
          maxLength={40}
        />
        {error && <Alert type="error" message={error} showIcon />}
        {result && (
          <>
            <Alert
              type={result.valid ? 'success' : 'error'}
              showIcon
              message={`${t(result.valid ? '校验通过' : '校验未通过')}${colon()}${t(result.kind === 'uscc' ? '统一社会信用代码' : '身份证号码')}${result.kindInferred ? inBrackets(t('自动识别')) : ''} ${result.normalized}`}
            />
            {result.errors.length > 0 && <List size="small" dataSource={result.errors} renderItem={(e) => <List.Item><Tag color="red">{t('错误')}</Tag>{e.message}</List.Item>} />}
            {result.warnings.length > 0 && <List size="small" dataSource={result.warnings} renderItem={(e) => <List.Item><Tag color="orange">{t('提示')}</Tag>{e.message}</List.Item>} />}
            {result.valid && parts && result.kind === 'uscc' && (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t('登记管理部门')}>{parts.registrationAuthority && t(parts.registrationAuthority.name)}</Descriptions.Item>
                <Descriptions.Item label={t('机构类别')}>{parts.entityType && t(parts.entityType.name)}</Descriptions.Item>
                <Descriptions.Item label={t('登记管理机关行政区划')}>{parts.region?.name ?? parts.region?.code}</Descriptions.Item>
                <Descriptions.Item label={t('主体标识码（组织机构代码）')}>{parts.organizationCode}</Descriptions.Item>
              </Descriptions>
            )}
            {result.valid && result.kind === 'id' && <Typography.Text type="secondary">{t('身份证号码的出生日期、性别等信息不在此处显示。')}</Typography.Text>}
          </>
        )}
      </Space>
    </Card>
  );
}

function Home() {
  return (
    <>
      <Card style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <SearchBox autoFocus />
          <Space wrap>
            <Button type="link" href="#/publicity/penalties" style={{ paddingLeft: 0 }}>{t('行政处罚公示')}</Button>
            <Button type="link" href="#/publicity/permits">{t('行政许可公示')}</Button>
          </Space>
        </Space>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24}><Suspense fallback={null}><Figures /></Suspense></Col>
        <Col xs={24} md={14}><CodeCheck /></Col>
        <Col xs={24} md={10}>
          <Card title={t('服务')}>
            <List size="small" dataSource={['信用修复（即将开放）', '异议申诉（即将开放）', '信用报告（即将开放）'].map((s) => t(s))} renderItem={(s) => <List.Item>{s}</List.Item>} />
            <Space direction="vertical" size={0}>
              <Typography.Link href="/docs">{t('开放接口文档')}</Typography.Link>
              <Typography.Link href="/console/">{t('工作人员登录管理后台')}</Typography.Link>
            </Space>
          </Card>
        </Col>
      </Row>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const [first, second] = route.path;
  if (first === 'search') return <SearchPage route={route} />;
  if (first === 'subject' && second) return <ProfilePage uscc={second} />;
  if (first === 'publicity') return <PublicityPage route={route} kind={second === 'permits' ? 'permits' : 'penalties'} />;
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
    <Layout style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Layout.Header style={{ background: '#c0392b', padding: '0 16px', height: 'auto', lineHeight: 1.5 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ color: '#fff', margin: '12px 0 4px' }}>{t('信用Xinyong')}</Typography.Title>
          <span className="no-print"><LangSwitch /></span>
        </div>
        <nav className="no-print" aria-label={t('网站导航')} style={{ display: 'flex', flexWrap: 'wrap', gap: 16, paddingBottom: 8 }}>
          {NAV.map((n) =>
            n.href ? (
              <a key={n.label} href={n.href} style={{ color: '#fff', fontWeight: n.key === current || (n.key === 'search' && current === 'subject') ? 700 : 400 }}>{t(n.label)}</a>
            ) : (
              <span key={n.label} style={{ color: '#fff', opacity: 0.6 }}>{t(n.label)}</span>
            ),
          )}
        </nav>
      </Layout.Header>
      <Layout.Content style={{ maxWidth: 1000, width: '100%', margin: '0 auto', padding: 16 }}>
        {/* Layout.Content is the page's <main>; this is where focus goes on a new page. */}
        <div ref={main} tabIndex={-1} aria-label={t('页面内容')} style={{ outline: 'none' }}>
          <Page route={route} />
        </div>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        {t('信用Xinyong 开源公共信用信息平台')} · <Typography.Link href="/docs">{t('开放接口文档')}</Typography.Link>
      </Layout.Footer>
    </Layout>
  );
}
