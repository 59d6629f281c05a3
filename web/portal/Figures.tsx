/**
 * The home page's headline figures and the departments providing most records in publicity, as
 * a bar chart (ECharts, loaded with this module only) and the same numbers in its label.
 */
import { useEffect, useState } from 'react';
import { Card, Col, Grid, Row, Statistic, Typography } from 'antd';
import type { PortalStatistics } from '../../common/portal-api';
import { api } from '../ui/api';
import { Chart, type ChartOption } from '../ui/Chart';
import { t } from '../ui/i18n';

export function Figures() {
  const [s, setS] = useState<PortalStatistics | null>(null);
  const phone = !Grid.useBreakpoint().sm;
  useEffect(() => {
    // The figures are a courtesy: the home page works without them.
    api<PortalStatistics>('GET', '/api/public/v1/statistics').then(setS).catch(() => setS(null));
  }, []);
  if (!s) return null;
  const names = s.byDepartment.map((d) => d.name);
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    // One line, scrolled if it must: a wrapped legend would sit on the first bar (English, 375 px).
    legend: { top: 0, type: 'scroll', data: [t('行政许可|tab'), t('行政处罚|tab')] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    // On a phone the bars are ~130 px wide: three steps, not six whose labels run into each other.
    xAxis: { type: 'value', splitNumber: phone ? 3 : 5 },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      { name: t('行政许可|tab'), type: 'bar', stack: 'all', data: s.byDepartment.map((d) => d.permits) },
      { name: t('行政处罚|tab'), type: 'bar', stack: 'all', data: s.byDepartment.map((d) => d.penalties) },
    ],
  };
  const label = s.byDepartment.map((d) => t('{name}许可{permits}条、处罚{penalties}条', { name: d.name, permits: d.permits, penalties: d.penalties })).join('；');
  return (
    <Card title={t('数据统计（截至{date}）', { date: s.asOf })} data-testid="portal-figures">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Statistic title={t('法人和非法人组织')} value={s.organizations} /></Col>
        <Col xs={12} md={6}><Statistic title={t('公示中的行政许可')} value={s.inPublicity.permits} /></Col>
        <Col xs={12} md={6}><Statistic title={t('公示中的行政处罚')} value={s.inPublicity.penalties} /></Col>
        <Col xs={12} md={6}><Statistic title={t('本月新增公示')} value={s.publishedThisMonth} /></Col>
      </Row>
      {names.length > 0 ? (
        <Chart option={option} label={t('各部门公示数量：{list}', { list: label })} height={Math.max(160, names.length * 32 + 60)} testId="chart-departments" style={{ marginTop: 16 }} />
      ) : (
        <Typography.Text type="secondary">{t('暂无公示信息')}</Typography.Text>
      )}
    </Card>
  );
}
