/**
 * 双公示: the public permits or penalties, newest decision first, filtered by 关键字 (part of a party's
 * name, or a 决定文书号), department, decision date and category. The filters show what the address
 * says (a link or Back sets them). Each record's number opens its own page, which links back here
 * with the same filters. On a phone each record is a short card instead of a table row.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Grid, Input, List, Pagination, Segmented, Select, Space, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { PublicDepartment, PublicityResult } from '../../common/portal-api';
import { api, describeError } from '../ui/api';
import { colon, t } from '../ui/i18n';
import { RecordPage, recordHref } from './RecordPage';
import { go, subjectHref, type Route } from './route';

/** The code table of each kind's category field (catalog CF_CFLB / XK_XKLB), for the category filter. */
const CATEGORY_TABLE = { penalties: 'CFLB', permits: 'XKLB' } as const;

const PAGE_SIZE = 20;

/** The keyword's least length, as the API asks (a name's part or a number's beginning): one character is not searched. */
const tooShort = (q: string) => q !== '' && [...q].length < 2;

/** A date or a label with its value never breaks inside (「2027-\n12-01」 on a phone). */
const NOWRAP = { whiteSpace: 'nowrap' } as const;

/** #/publicity/<kind> is the list; #/publicity/<kind>/<record id> one record's page (RecordPage). */
export function PublicityPage({ route, kind }: { route: Route; kind: 'permits' | 'penalties' }) {
  const id = route.path[2];
  return id ? <RecordPage route={route} kind={kind} id={id} /> : <PublicityList route={route} kind={kind} />;
}

function PublicityList({ route, kind }: { route: Route; kind: 'permits' | 'penalties' }) {
  const p = route.params;
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const category = p.get('category') ?? '';
  const department = p.get('department') ?? '';
  const keyword = p.get('q') ?? '';
  const page = Math.max(1, Number(p.get('page') ?? 1) || 1);
  const [result, setResult] = useState<PublicityResult | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [departments, setDepartments] = useState<PublicDepartment[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [keywordText, setKeywordText] = useState(keyword);
  // Typed but not searched: any change of the address puts back what it says.
  const address = p.toString();
  useEffect(() => setKeywordText(keyword), [keyword, kind, address]);
  const narrow = !Grid.useBreakpoint().sm;
  const reversed = from !== '' && to !== '' && from > to;
  // One character is answered here (the API would refuse it in its own words), and nothing is listed.
  const short = tooShort(keyword);
  const nav = (o: Record<string, string | number | undefined>) => go(`publicity/${kind}`, { q: keyword, department, from, to, category, ...o });
  const filters = new URLSearchParams({ ...(keyword ? { q: keyword } : {}), ...(department ? { department } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(category ? { category } : {}) }).toString();
  // A record's page gets the list's address (filters and page), to link back to exactly this list.
  const listAddress = new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(filters)), ...(page > 1 ? { page: String(page) } : {}) }).toString();

  useEffect(() => {
    api<{ items: PublicDepartment[] }>('GET', '/api/public/v1/departments')
      .then((r) => setDepartments(r.items))
      .catch(() => setDepartments([])); // the filter is then empty; the list itself still works
  }, []);

  useEffect(() => {
    let current = true;
    api<{ content: { values?: { value: string }[] } }>('GET', `/api/v1/catalog/code-tables/${CATEGORY_TABLE[kind]}`)
      .then((r) => current && setCategories((r.content.values ?? []).map((v) => v.value)))
      .catch(() => current && setCategories([])); // the filter then offers none; a category in the address still applies
    return () => {
      current = false;
    };
  }, [kind]);

  useEffect(() => {
    setError('');
    if (short) {
      setResult(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    const q = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE), ...Object.fromEntries(new URLSearchParams(filters)) });
    let current = true; // an answer for filters no longer in the address is dropped
    api<PublicityResult>('GET', `/api/public/v1/publicity/${kind}?${q.toString()}`)
      .then((r) => current && setResult(r))
      .catch((err) => {
        if (!current) return;
        setResult(null); // the refused filters' message, not the last list under it
        setError(describeError(err));
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [kind, filters, page, short]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card>
        {/* On a phone one filter a line, each as wide as the card: the keyword box's hint is read whole. */}
        <Space wrap={!narrow} direction={narrow ? 'vertical' : 'horizontal'} style={narrow ? { width: '100%' } : undefined}>
          <Input.Search allowClear aria-label={t('行政相对人名称或决定文书号')} placeholder={t('企业名称或决定文书号')} value={keywordText}
            onChange={(e) => setKeywordText(e.target.value)} onSearch={(v) => nav({ q: v.trim(), page: 1 })} style={{ width: narrow ? '100%' : 360 }} data-testid="publicity-keyword" />
          <Segmented value={kind} onChange={(v) => go(`publicity/${String(v)}`)} options={[{ value: 'permits', label: t('行政许可|tab') }, { value: 'penalties', label: t('行政处罚|tab') }]} />
          <Select allowClear showSearch optionFilterProp="label" aria-label={t('数据来源部门')} placeholder={t('全部部门')} style={narrow ? { width: '100%' } : { minWidth: 220 }}
            value={department || undefined} options={departments.map((d) => ({ value: d.id, label: d.name }))}
            onChange={(v?: string) => nav({ department: v ?? '', page: 1 })} />
          {narrow ? (
            // A range picker shows two months side by side, wider than a phone: two pickers instead.
            <Space.Compact style={{ width: '100%' }}>
              <DatePicker aria-label={t('决定日期自')} placeholder={t('开始日期')} value={from ? dayjs(from) : null} onChange={(d) => nav({ from: d?.format('YYYY-MM-DD'), page: 1 })} />
              <DatePicker aria-label={t('决定日期至')} placeholder={t('结束日期')} value={to ? dayjs(to) : null} onChange={(d) => nav({ to: d?.format('YYYY-MM-DD'), page: 1 })} />
            </Space.Compact>
          ) : (
            <DatePicker.RangePicker aria-label={t('决定日期')} allowEmpty={[true, true]} value={from || to ? [from ? dayjs(from) : null, to ? dayjs(to) : null] : null}
              onChange={(v) => nav({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD'), page: 1 })} />
          )}
          <Select allowClear aria-label={t('类别')} placeholder={t(kind === 'penalties' ? '全部处罚类别' : '全部许可类别')} style={narrow ? { width: '100%' } : { minWidth: 180 }}
            value={category || undefined} options={categories.map((c) => ({ value: c, label: c }))} onChange={(v?: string) => nav({ category: v ?? '', page: 1 })} />
        </Space>
      </Card>
      {short && <Alert type="info" showIcon message={t('请至少输入两个字：企业名称的一部分，或决定文书号')} data-testid="publicity-keyword-short" />}
      {error && <Alert type="error" showIcon message={error} />}
      {reversed && <Alert type="warning" showIcon message={t('开始日期晚于结束日期，没有记录在这个范围内')} />}
      {!short && <Card title={<span style={{ whiteSpace: 'normal' }}>{t(kind === 'penalties' ? '行政处罚（公示期内）' : '行政许可（公示期内）')}</span>}
        extra={<Button icon={<DownloadOutlined />} href={`/api/public/v1/publicity/${kind}.csv${filters ? `?${filters}` : ''}`} data-testid="publicity-export">{t('导出CSV')}</Button>}>
        {narrow ? (
          <>
            <List loading={loading} dataSource={result?.items ?? []} data-testid="publicity-list" locale={{ emptyText: t('暂无数据') }}
              renderItem={(r) => (
                <List.Item>
                  <Space direction="vertical" size={0} style={{ width: '100%' }}>
                    {r.subject.uscc ? <Typography.Link href={subjectHref(r.subject.uscc)} strong>{r.subject.name}</Typography.Link> : <Typography.Text strong>{r.subject.name}</Typography.Text>}
                    <Typography.Link href={recordHref(kind, r.id, listAddress)}>{r.documentNumber}</Typography.Link>
                    <Typography.Text type="secondary">
                      <span style={NOWRAP}>{t('决定日期')}{colon()}{r.decisionDate}</span> · <span style={NOWRAP}>{t('公示截止日期')}{colon()}{r.publicityEnd ?? t('长期')}</span>
                    </Typography.Text>
                    {r.source && <Typography.Text type="secondary">{t('数据来源')}{colon()}{r.source}</Typography.Text>}
                  </Space>
                </List.Item>
              )} />
            {(result?.total ?? 0) > 0 && <Pagination simple style={{ marginTop: 12 }} current={page} pageSize={PAGE_SIZE} total={result?.total ?? 0} onChange={(n) => nav({ page: n })} />}
            <Typography.Text type="secondary">{t('共{n}条', { n: result?.total ?? 0 })}</Typography.Text>
          </>
        ) : (
          <Table rowKey="id" size="small" loading={loading} dataSource={result?.items ?? []} scroll={{ x: 720 }} data-testid="publicity-table"
            pagination={{ current: page, pageSize: PAGE_SIZE, total: result?.total ?? 0, showSizeChanger: false, onChange: (n) => nav({ page: n }), showTotal: (n) => t('共{n}条', { n }) }}
            columns={[
              { title: t('行政相对人'), dataIndex: ['subject', 'name'], render: (name: string, r) => (r.subject.uscc ? <Typography.Link href={subjectHref(r.subject.uscc)}>{name}</Typography.Link> : name) },
              { title: t('决定文书号'), dataIndex: 'documentNumber', render: (n: string, r) => <Typography.Link href={recordHref(kind, r.id, listAddress)}>{n}</Typography.Link> },
              { title: t('决定日期'), dataIndex: 'decisionDate', width: 110 },
              { title: t('数据来源'), dataIndex: 'source' },
              { title: t('公示截止日期'), dataIndex: 'publicityEnd', width: 120, render: (d: string | null) => d ?? t('长期') },
            ]} />
        )}
      </Card>}
    </Space>
  );
}
