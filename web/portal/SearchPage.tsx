/** 信用信息查询: organizations by name, part of a name or USCC; each hit links to its credit profile. */
import { useEffect, useState } from 'react';
import { Alert, Card, Empty, Input, List, Pagination, Select, Space, Tag, Typography } from 'antd';
import type { SubjectSearchResult, PublicRegion } from '../../common/portal-api';
import { api, describeError } from '../ui/api';
import { t } from '../ui/i18n';
import { go, subjectHref, type Route } from './route';

const TYPES = [
  { value: '', label: '全部类型' },
  { value: 'enterprise', label: '企业' },
  { value: 'individualBusiness', label: '个体工商户' },
  { value: 'publicInstitution', label: '事业单位' },
  { value: 'socialOrganization', label: '社会组织' },
  { value: 'governmentBody', label: '机关' },
  { value: 'other', label: '其他组织' },
];
const PAGE_SIZE = 10;

export function typeLabel(orgType: string | null): string {
  return t(TYPES.find((x) => x.value === orgType)?.label ?? '其他组织');
}

/** The big search box of the home page and the results page. */
export function SearchBox({ initial = '', autoFocus = false }: { initial?: string; autoFocus?: boolean }) {
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  return (
    <Input.Search size="large" value={text} onChange={(e) => setText(e.target.value)} autoFocus={autoFocus} maxLength={100}
      placeholder={t('请输入企业名称或统一社会信用代码')} enterButton={t('查询')} aria-label={t('信用信息查询')}
      onSearch={(v) => v.trim() && go('search', { q: v.trim() })} data-testid="portal-search" />
  );
}

export function SearchPage({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  const type = route.params.get('type') ?? '';
  const region = route.params.get('region') ?? '';
  const [regions, setRegions] = useState<PublicRegion[]>([]);
  const page = Math.max(1, Number(route.params.get('page') ?? 1) || 1);
  const [result, setResult] = useState<SubjectSearchResult | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!q.trim()) return;
    setLoading(true);
    setError('');
    const query = new URLSearchParams({ q, page: String(page), pageSize: String(PAGE_SIZE), ...(type ? { type } : {}), ...(region ? { region } : {}) });
    api<SubjectSearchResult>('GET', `/api/public/v1/subjects?${query.toString()}`)
      .then(setResult)
      .catch((err) => {
        setResult(null);
        setError(describeError(err));
      })
      .finally(() => setLoading(false));
  }, [q, type, region, page]);

  useEffect(() => {
    api<{ items: PublicRegion[] }>('GET', '/api/public/v1/regions')
      .then((r) => setRegions(r.items))
      .catch(() => setRegions([])); // the filter is then empty; the search itself still works
  }, []);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          <SearchBox initial={q} />
          <Space wrap>
            <Select value={type} style={{ minWidth: 160 }} aria-label={t('主体类型')} onChange={(v) => go('search', { q, type: v, region })}
              options={TYPES.map((x) => ({ value: x.value, label: t(x.label) }))} />
            <Select allowClear showSearch optionFilterProp="label" value={region || undefined} style={{ minWidth: 200 }} aria-label={t('所在地区')} placeholder={t('全部地区')}
              onChange={(v?: string) => go('search', { q, type, region: v ?? '' })}
              options={regions.map((r) => ({ value: r.code, label: `${r.name}（${r.count.toLocaleString('zh-CN')}）` }))} />
          </Space>
        </Space>
      </Card>
      {error && <Alert type="error" showIcon message={error} />}
      {result && (
        <Card title={result.totalCapped ? t('找到{n}个以上主体，请输入更完整的名称', { n: result.total }) : t('共找到{n}个主体', { n: result.total })} data-testid="search-results">
          {result.items.length === 0 ? (
            <Empty description={t('没有找到匹配的主体，请检查名称或代码')} />
          ) : (
            <List loading={loading} dataSource={result.items} renderItem={(s) => (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Link href={subjectHref(s.uscc ?? '')} strong style={{ fontSize: 16 }}>{s.name}</Typography.Link>
                  <Typography.Text type="secondary">
                    {t('统一社会信用代码')}：{s.uscc} · {t('法定代表人')}：{s.legalRepresentative?.name ?? '—'} · {s.region?.name ?? s.region?.code ?? '—'}
                  </Typography.Text>
                  <Space size={4} wrap><Tag>{typeLabel(s.orgType)}</Tag>{s.status !== 'active' && <Tag color="default">{t('非存续')}</Tag>}</Space>
                </Space>
              </List.Item>
            )} />
          )}
          {result.total > PAGE_SIZE && (
            <Pagination style={{ marginTop: 16 }} current={page} pageSize={PAGE_SIZE} total={Math.min(result.total, PAGE_SIZE * 1000)} showSizeChanger={false}
              onChange={(p) => go('search', { q, type, region, page: p })} />
          )}
        </Card>
      )}
    </Space>
  );
}
