/**
 * 双公示: the public permits or penalties, newest decision first, filtered by department, decision
 * date and category. The filters show what the address says (a link or Back sets them). On a phone
 * each record is a short card instead of a table row.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Grid, Input, List, Pagination, Segmented, Select, Space, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { PublicDepartment, PublicityResult } from '../../common/portal-api';
import { api, describeError } from '../ui/api';
import { colon, t } from '../ui/i18n';
import { go, subjectHref, type Route } from './route';

const PAGE_SIZE = 20;

export function PublicityPage({ route, kind }: { route: Route; kind: 'permits' | 'penalties' }) {
  const p = route.params;
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const category = p.get('category') ?? '';
  const department = p.get('department') ?? '';
  const page = Math.max(1, Number(p.get('page') ?? 1) || 1);
  const [result, setResult] = useState<PublicityResult | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);
  const [departments, setDepartments] = useState<PublicDepartment[]>([]);
  const [categoryText, setCategoryText] = useState(category);
  // Typed but not searched: any change of the address puts back what it says.
  const address = p.toString();
  useEffect(() => setCategoryText(category), [category, kind, address]);
  const narrow = !Grid.useBreakpoint().sm;
  const reversed = from !== '' && to !== '' && from > to;
  const nav = (o: Record<string, string | number | undefined>) => go(`publicity/${kind}`, { department, from, to, category, ...o });
  const filters = new URLSearchParams({ ...(department ? { department } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(category ? { category } : {}) }).toString();

  useEffect(() => {
    api<{ items: PublicDepartment[] }>('GET', '/api/public/v1/departments')
      .then((r) => setDepartments(r.items))
      .catch(() => setDepartments([])); // the filter is then empty; the list itself still works
  }, []);

  useEffect(() => {
    setLoading(true);
    setError('');
    const q = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE), ...(department ? { department } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(category ? { category } : {}) });
    let current = true; // an answer for filters no longer in the address is dropped
    api<PublicityResult>('GET', `/api/public/v1/publicity/${kind}?${q.toString()}`)
      .then((r) => current && setResult(r))
      .catch((err) => current && setError(describeError(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [kind, department, from, to, category, page]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card>
        <Space wrap>
          <Segmented value={kind} onChange={(v) => go(`publicity/${String(v)}`)} options={[{ value: 'permits', label: t('行政许可|tab') }, { value: 'penalties', label: t('行政处罚|tab') }]} />
          <Select allowClear showSearch optionFilterProp="label" aria-label={t('数据来源部门')} placeholder={t('全部部门')} style={{ minWidth: 220 }}
            value={department || undefined} options={departments.map((d) => ({ value: d.id, label: d.name }))}
            onChange={(v?: string) => nav({ department: v ?? '', page: 1 })} />
          {narrow ? (
            // A range picker shows two months side by side, wider than a phone: two pickers instead.
            <Space.Compact>
              <DatePicker aria-label={t('决定日期自')} placeholder={t('开始日期')} value={from ? dayjs(from) : null} onChange={(d) => nav({ from: d?.format('YYYY-MM-DD'), page: 1 })} />
              <DatePicker aria-label={t('决定日期至')} placeholder={t('结束日期')} value={to ? dayjs(to) : null} onChange={(d) => nav({ to: d?.format('YYYY-MM-DD'), page: 1 })} />
            </Space.Compact>
          ) : (
            <DatePicker.RangePicker aria-label={t('决定日期')} allowEmpty={[true, true]} value={from || to ? [from ? dayjs(from) : null, to ? dayjs(to) : null] : null}
              onChange={(v) => nav({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD'), page: 1 })} />
          )}
          <Input.Search allowClear aria-label={t('类别')} placeholder={t(kind === 'penalties' ? '处罚类别，如 罚款' : '许可类别，如 普通')} value={categoryText}
            onChange={(e) => setCategoryText(e.target.value)} onSearch={(v) => nav({ category: v.trim(), page: 1 })} style={{ width: 220 }} />
        </Space>
      </Card>
      {error && <Alert type="error" showIcon message={error} />}
      {reversed && <Alert type="warning" showIcon message={t('开始日期晚于结束日期，没有记录在这个范围内')} />}
      <Card title={<span style={{ whiteSpace: 'normal' }}>{t(kind === 'penalties' ? '行政处罚（公示期内）' : '行政许可（公示期内）')}</span>}
        extra={<Button icon={<DownloadOutlined />} href={`/api/public/v1/publicity/${kind}.csv${filters ? `?${filters}` : ''}`} data-testid="publicity-export">{t('导出CSV')}</Button>}>
        {narrow ? (
          <>
            <List loading={loading} dataSource={result?.items ?? []} data-testid="publicity-list" locale={{ emptyText: t('暂无数据') }}
              renderItem={(r) => (
                <List.Item>
                  <Space direction="vertical" size={0} style={{ width: '100%' }}>
                    {r.subject.uscc ? <Typography.Link href={subjectHref(r.subject.uscc)} strong>{r.subject.name}</Typography.Link> : <Typography.Text strong>{r.subject.name}</Typography.Text>}
                    <Typography.Text>{r.documentNumber}</Typography.Text>
                    <Typography.Text type="secondary">{t('决定日期')}{colon()}{r.decisionDate} · {t('公示截止日期')}{colon()}{r.publicityEnd ?? t('长期')}</Typography.Text>
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
              { title: t('决定文书号'), dataIndex: 'documentNumber' },
              { title: t('决定日期'), dataIndex: 'decisionDate', width: 110 },
              { title: t('数据来源'), dataIndex: 'source' },
              { title: t('公示截止日期'), dataIndex: 'publicityEnd', width: 120, render: (d: string | null) => d ?? t('长期') },
            ]} />
        )}
      </Card>
    </Space>
  );
}
