/**
 * 归集质量: a month's collection per department and item — rows accepted and rejected (by reason),
 * timeliness against the 双公示 limit with the overdue records, the least complete optional fields,
 * and the granted items a department sent nothing of; the same as a workbook. The credit office
 * sees every department (filterable); a submitter or reviewer only their own (the server scopes it).
 *
 * Loaded lazily (App.tsx): the charts pull in echarts, which no other console page needs. Every
 * chart has a text summary (aria-label), and the tables below carry the same numbers.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Empty, Row, Select, Space, Spin, Statistic, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { api, describeError } from '../../ui/api';
import { Chart, type ChartOption } from '../../ui/Chart';
import { t } from '../../ui/i18n';
import { WideTable } from '../../ui/WideTable';
import { useDepartments, useInfoItems, type QualityReport, type QualityRow } from '../collection';
import type { Me } from '../session';

const GREEN = '#52c41a';
const RED = '#ff4d4f';
const BLUE = '#1677ff';
const ORANGE = '#fa8c16';
/** Reasons shown in the chart (the workbook has them all). */
const TOP_REASONS = 10;
/** Entries read out in a chart's text summary; the table has the rest. */
const SUMMARY_ENTRIES = 10;

/** The current month in China time (YYYY-MM), whatever the browser's time zone. */
function chinaMonth(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** 66.7% (one decimal, never rounded up to 100% or down to 0%); '—' without a base. */
function percent(part: number, whole: number): string {
  if (whole === 0) return '—';
  const p = (part / whole) * 100;
  const shown = part === whole ? 100 : part === 0 ? 0 : Math.min(99.9, Math.max(0.1, Math.round(p * 10) / 10));
  return `${shown}%`;
}

/** Entries of a text summary, the first SUMMARY_ENTRIES of them and how many more there are. */
function summary(parts: string[]): string {
  const shown = parts.slice(0, SUMMARY_ENTRIES).join(t('；'));
  return parts.length > SUMMARY_ENTRIES ? `${shown}${t('；')}${t('等{count}项', { count: parts.length })}` : shown;
}

interface DepartmentTotals {
  id: string;
  name: string;
  accepted: number;
  rejected: number;
  onTime: number;
  late: number;
}

/** The rows of a department's items added up, in the report's order (by department name). */
function byDepartment(rows: QualityRow[]): DepartmentTotals[] {
  const map = new Map<string, DepartmentTotals>();
  for (const r of rows) {
    const d = map.get(r.departmentId) ?? { id: r.departmentId, name: r.departmentName, accepted: 0, rejected: 0, onTime: 0, late: 0 };
    d.accepted += r.accepted;
    d.rejected += r.rejected;
    d.onTime += r.timeliness.onTime;
    d.late += r.timeliness.late;
    map.set(r.departmentId, d);
  }
  return [...map.values()];
}

/** Reasons by their label over the departments and items shown, most frequent first. */
function topReasons(reasons: QualityReport['reasons']): { label: string; count: number }[] {
  const map = new Map<string, number>();
  for (const r of reasons) map.set(r.label, (map.get(r.label) ?? 0) + r.count);
  return [...map.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'zh-CN'));
}

/** Horizontal bars, one category a line (department names and reasons are long): the height grows with them. */
function barHeight(categories: number): number {
  return Math.max(160, 72 + categories * 36);
}

function horizontalBars(categories: string[], axisName: string, series: ChartOption['series'], legend: boolean): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    ...(legend ? { legend: { top: 0 } } : {}),
    grid: { left: 8, right: 24, top: legend ? 36 : 8, bottom: 8 },
    xAxis: { type: 'value', name: axisName, nameLocation: 'middle', nameGap: 28, minInterval: 1 },
    yAxis: { type: 'category', data: categories, inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
    // One thick bar for a single department would fill the chart.
    series: (Array.isArray(series) ? series : series ? [series] : []).map((x) => ({ ...x, barMaxWidth: 28 })),
  };
}

export function QualityPage({ me }: { me: Me }) {
  const creditOffice = me.user.roles.includes('creditOffice');
  const departments = useDepartments(creditOffice);
  const items = useInfoItems();
  const [month, setMonth] = useState(chinaMonth);
  const [departmentId, setDepartmentId] = useState<string>();
  const [itemCode, setItemCode] = useState<string>();
  const [report, setReport] = useState<QualityReport | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);

  const query = new URLSearchParams({ month, ...(departmentId ? { departmentId } : {}), ...(itemCode ? { itemCode } : {}) }).toString();
  useEffect(() => {
    let live = true;
    setLoading(true);
    api<QualityReport>('GET', `/api/v1/collection/quality?${query}`)
      .then((r) => {
        if (!live) return;
        setReport(r);
        setError('');
      })
      .catch((err) => live && setError(describeError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [query, reload]);

  const itemName = (code: string) => items.find((i) => i.code === code)?.name ?? report?.rows.find((r) => r.itemCode === code)?.itemName ?? code;
  const thisMonth = chinaMonth();

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('归集质量')}>
        {/* Filters above the content rather than in the card header, so they wrap on a phone. */}
        <Space wrap style={{ marginBottom: 16 }}>
          <DatePicker picker="month" allowClear={false} aria-label={t('月份')} value={dayjs(`${month}-01`)} data-testid="quality-month"
            disabledDate={(d) => d.format('YYYY-MM') > thisMonth} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />
          {creditOffice && (
            <Select allowClear showSearch optionFilterProp="label" placeholder={t('全部部门')} aria-label={t('部门|field')} style={{ width: 200 }} value={departmentId}
              onChange={setDepartmentId} options={departments.map((d) => ({ value: d.id, label: d.name }))} />
          )}
          <Select allowClear placeholder={t('全部信息项')} aria-label={t('信息项')} style={{ width: 200 }} value={itemCode}
            onChange={setItemCode} options={items.map((i) => ({ value: i.code, label: t('{name}（{code}）', { name: i.name, code: i.code }) }))} />
          <Button onClick={() => setReload((n) => n + 1)}>{t('刷新')}</Button>
          {/* A plain same-origin link: the session cookie authorizes the download. */}
          <Button icon={<DownloadOutlined />} href={`/api/v1/collection/quality.xlsx?${query}`} download data-testid="quality-export">{t('导出（XLSX）')}</Button>
        </Space>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        <Spin spinning={loading}>
          {report && report.rows.length === 0 && (
            <Empty data-testid="quality-empty" description={t('{month}没有报送数据', { month: report.month })} />
          )}
          {report && report.rows.length > 0 && <Totals report={report} />}
        </Spin>
      </Card>
      {report && report.rows.length > 0 && (
        <>
          <Charts report={report} />
          <Card title={t('按部门和信息项')} size="small">
            <QualityTable rows={report.rows} />
          </Card>
          <Card title={t('超期记录（超过{days}个工作日）', { days: report.limitWorkingDays })} size="small">
            <WideTable
              data-testid="quality-overdue"
              rowKey="recordId"
              size="small"
              dataSource={report.overdue}
              scroll={{ x: 'max-content' }}
              pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
              locale={{ emptyText: t('没有超期记录') }}
              columns={[
                { title: t('部门|field'), dataIndex: 'departmentName' },
                { title: t('信息项'), dataIndex: 'itemCode', render: (code: string) => t('{name}（{code}）', { name: itemName(code), code }) },
                { title: t('决定文书号'), dataIndex: 'documentNumber' },
                { title: t('决定日期'), dataIndex: 'decisionDate' },
                { title: t('报送日期'), dataIndex: 'submitted' },
                { title: t('工作日'), dataIndex: 'workingDays', align: 'right', render: (n: number) => (n >= 9999 ? t('十年以上') : n) },
              ]}
            />
          </Card>
        </>
      )}
      {report && (
        <Card title={t('部门未报送的信息项（{count}）', { count: report.gaps.length })} size="small">
          <WideTable
            data-testid="quality-gaps"
            rowKey={(g) => `${g.departmentId}/${g.itemCode}`}
            size="small"
            dataSource={report.gaps}
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            locale={{ emptyText: t('开通的信息项当月都有报送') }}
            columns={[
              { title: t('部门|field'), dataIndex: 'departmentName' },
              { title: t('信息项'), render: (_: unknown, g: QualityReport['gaps'][number]) => t('{name}（{code}）', { name: g.itemName, code: g.itemCode }) },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

/** 报送行数 / 接受 / 拒绝 / 接受率 / 按时率, each with a test id (quality-submitted …). */
function Totals({ report }: { report: QualityReport }) {
  const sum = (f: (r: QualityRow) => number) => report.rows.reduce((s, r) => s + f(r), 0);
  const submitted = sum((r) => r.submitted);
  const accepted = sum((r) => r.accepted);
  const rejected = sum((r) => r.rejected);
  const records = sum((r) => r.timeliness.records);
  const onTime = sum((r) => r.timeliness.onTime);
  const stats: [string, string, string | number][] = [
    ['submitted', t('报送行数'), submitted],
    ['accepted', t('接受'), accepted],
    ['rejected', t('拒绝|rows'), rejected],
    ['acceptance', t('接受率'), percent(accepted, submitted)],
    ['ontime', t('按时率（≤{days}个工作日）', { days: report.limitWorkingDays }), percent(onTime, records)],
  ];
  return (
    <Row gutter={[16, 8]}>
      {stats.map(([key, title, value]) => (
        <Col key={key} xs={12} sm={8} lg={4}>
          <Statistic title={title} value={value} data-testid={`quality-${key}`}
            styles={{ content: key === 'rejected' && rejected > 0 ? { color: '#cf1322' } : undefined }} />
        </Col>
      ))}
    </Row>
  );
}

function Charts({ report }: { report: QualityReport }) {
  const departments = useMemo(() => byDepartment(report.rows), [report]);
  const reasons = useMemo(() => topReasons(report.reasons).slice(0, TOP_REASONS), [report]);
  const names = departments.map((d) => d.name);
  const days = report.limitWorkingDays;

  const rowsOption = useMemo(
    () =>
      horizontalBars(departments.map((d) => d.name), t('行数'), [
        { name: t('接受'), type: 'bar', stack: 'rows', data: departments.map((d) => d.accepted), itemStyle: { color: GREEN } },
        { name: t('拒绝|rows'), type: 'bar', stack: 'rows', data: departments.map((d) => d.rejected), itemStyle: { color: RED } },
      ], true),
    [departments],
  );
  const timelinessOption = useMemo(
    () =>
      horizontalBars(departments.map((d) => d.name), t('记录数'), [
        { name: t('按时（≤{days}个工作日）', { days }), type: 'bar', stack: 'records', data: departments.map((d) => d.onTime), itemStyle: { color: BLUE } },
        { name: t('超期'), type: 'bar', stack: 'records', data: departments.map((d) => d.late), itemStyle: { color: ORANGE } },
      ], true),
    [departments, days],
  );
  const reasonsOption = useMemo(
    () => horizontalBars(reasons.map((r) => r.label), t('行数'), [{ name: t('被拒绝的行'), type: 'bar', data: reasons.map((r) => r.count), itemStyle: { color: RED } }], false),
    [reasons],
  );

  return (
    // A grid rather than antd's Row: a Row's gutter is a negative margin, which would overflow a phone's screen.
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 420px), 1fr))', gap: 16 }}>
      <Card title={t('接受与拒绝（按部门）')} size="small">
        <Chart option={rowsOption} height={barHeight(names.length)} testId="chart-rows"
          label={t('各部门接受与拒绝的行数：{summary}', { summary: summary(departments.map((d) => t('{name}接受{accepted}行、拒绝{rejected}行', { name: d.name, accepted: d.accepted, rejected: d.rejected }))) })} />
      </Card>
      <Card title={t('报送及时性（按部门）')} size="small">
        <Chart option={timelinessOption} height={barHeight(names.length)} testId="chart-timeliness"
          label={t('各部门报送及时性（时限{days}个工作日）：{summary}', { days, summary: summary(departments.map((d) => t('{name}按时{onTime}条、超期{late}条', { name: d.name, onTime: d.onTime, late: d.late }))) })} />
      </Card>
      <Card title={t('主要拒绝原因')} size="small" style={{ gridColumn: '1 / -1' }}>
        {reasons.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('没有被拒绝的行')} />
        ) : (
          <>
            <Chart option={reasonsOption} height={barHeight(reasons.length)} testId="chart-reasons"
              label={t('拒绝原因（前{count}项）：{summary}', { count: reasons.length, summary: summary(reasons.map((r) => t('{label}{count}行', { label: r.label, count: r.count }))) })} />
            <ReasonTable report={report} />
          </>
        )}
      </Card>
    </div>
  );
}

/** Every reason per department and item (the chart adds them up and shows the first ten). */
function ReasonTable({ report }: { report: QualityReport }) {
  const departmentName = (id: string) => report.rows.find((r) => r.departmentId === id)?.departmentName ?? id;
  const itemName = (code: string) => report.rows.find((r) => r.itemCode === code)?.itemName ?? code;
  type Reason = QualityReport['reasons'][number];
  return (
    <WideTable<Reason>
      data-testid="quality-reasons"
      rowKey={(r) => `${r.departmentId}/${r.itemCode}/${r.code}/${r.field ?? ''}`}
      size="small"
      style={{ marginTop: 16 }}
      dataSource={report.reasons}
      scroll={{ x: 'max-content' }}
      pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        { title: t('部门|field'), dataIndex: 'departmentId', render: departmentName },
        { title: t('信息项'), dataIndex: 'itemCode', render: (code: string) => t('{name}（{code}）', { name: itemName(code), code }) },
        { title: t('原因'), dataIndex: 'label' },
        { title: t('行数'), dataIndex: 'count', align: 'right' },
      ]}
    />
  );
}

/** One line per department and item; the three least complete optional fields as percentages. */
function QualityTable({ rows }: { rows: QualityRow[] }) {
  return (
    <WideTable<QualityRow>
      data-testid="quality-table"
      rowKey={(r) => `${r.departmentId}/${r.itemCode}`}
      size="small"
      dataSource={rows}
      scroll={{ x: 'max-content' }}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      columns={[
        { title: t('部门|field'), dataIndex: 'departmentName' },
        { title: t('信息项'), render: (_: unknown, r: QualityRow) => t('{name}（{code}）', { name: r.itemName, code: r.itemCode }) },
        { title: t('批次'), dataIndex: 'batches', align: 'right' },
        { title: t('报送行数'), dataIndex: 'submitted', align: 'right' },
        { title: t('接受'), dataIndex: 'accepted', align: 'right' },
        { title: t('拒绝|rows'), dataIndex: 'rejected', align: 'right' },
        { title: t('接受率'), align: 'right', render: (_: unknown, r: QualityRow) => percent(r.accepted, r.submitted) },
        { title: t('按时'), align: 'right', render: (_: unknown, r: QualityRow) => r.timeliness.onTime },
        { title: t('超期'), align: 'right', render: (_: unknown, r: QualityRow) => r.timeliness.late },
        { title: t('工作日中位数'), align: 'right', render: (_: unknown, r: QualityRow) => r.timeliness.medianWorkingDays ?? '—' },
        {
          title: t('完整性最低的字段'),
          render: (_: unknown, r: QualityRow) =>
            r.completeness.length === 0 ? '—' : (
              <Space direction="vertical" size={0}>
                {r.completeness.slice(0, 3).map((f) => (
                  <Typography.Text key={f.field} type={f.ratio < 0.5 ? 'warning' : undefined}>
                    {`${f.label} ${percent(f.ratio, 1)}`}
                  </Typography.Text>
                ))}
              </Space>
            ),
        },
      ]}
    />
  );
}
