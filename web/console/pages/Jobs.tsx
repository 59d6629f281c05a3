/**
 * 后台任务 (system administrator, credit office): jobs that failed after their last attempt — an
 * import, the end of publicity, maintenance — with their last error; 重试 queues one again
 * (confirmed, audited). Jobs still waiting or retrying are not listed: they need nobody. On a
 * phone the table is one column of stacked facts and one of actions, not a row of squeezed columns.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Grid, Popconfirm, Space, Typography } from 'antd';
import type { BatchView } from '../../../common/collection-api';
import { jobKindLabel, type FailedJobList, type FailedJobView, type JobRetryResult } from '../../../common/jobs-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { failureSentence } from '../failure';

const PAGE_SIZE = 20;

/**
 * Which job a retry confirmation is about: its kind, what it works on (an import's file and item,
 * read from the batch when the caller may see it, else the batch's id), when it failed, its attempts.
 */
function JobFacts({ j }: { j: FailedJobView }) {
  const batchId = typeof j.payload.batchId === 'string' ? j.payload.batchId : null;
  const [batch, setBatch] = useState<BatchView | null>(null);
  useEffect(() => {
    if (!batchId) return;
    let live = true;
    api<BatchView>('GET', `/api/v1/collection/batches/${batchId}`).then(
      (b) => live && setBatch(b),
      () => {}, // not visible to this role or gone: the batch id says it
    );
    return () => {
      live = false;
    };
  }, [batchId]);
  const target = batch
    ? t('批次：{file}（{item}，{time}报送）', { file: batch.fileName ?? t('接口报送'), item: batch.itemName, time: formatTime(batch.createdAt) })
    : batchId
      ? t('批次：{id}', { id: batchId.slice(0, 8) })
      : null;
  return (
    <div style={{ maxWidth: 320, overflowWrap: 'anywhere' }} data-testid="job-confirm">
      <div>{t('任务：{kind}', { kind: t(jobKindLabel(j.kind)) })}</div>
      {target ? <div>{target}</div> : null}
      <div>{t('{time}失败，尝试{n}次', { time: formatTime(j.failedAt), n: `${j.attempts}/${j.maxAttempts}` })}</div>
      {j.lastError ? <div>{t('最后错误：{error}', { error: failureSentence(j.lastError) })}</div> : null}
      <div style={{ marginTop: 4 }}>{t('任务将立即重新排队，尝试次数重新计算。')}</div>
    </div>
  );
}

export function JobsPage() {
  const { message } = App.useApp();
  const [data, setData] = useState<FailedJobList>({ total: 0, items: [] });
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(true);

  const load = async (p = page) => {
    setLoading(true);
    try {
      setData(await api<FailedJobList>('GET', `/api/v1/jobs/failed?page=${p}&pageSize=${PAGE_SIZE}`));
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(page);
  }, [page]);

  const retry = async (j: FailedJobView) => {
    try {
      const r = await api<JobRetryResult>('POST', `/api/v1/jobs/${j.id}/retry`, {});
      message.success(r.outcome === 'queued' ? t('已重新排队（已记入审计日志）') : t('同一任务已在排队，这条失败记录已移除（已记入审计日志）'));
    } catch (err) {
      message.error(describeError(err));
    }
    await load();
  };

  const wide = Grid.useBreakpoint().md !== false;
  const kind = (j: FailedJobView) => <>{t(jobKindLabel(j.kind))} <Typography.Text type="secondary" code>{j.kind}</Typography.Text></>;
  const batch = (j: FailedJobView) => (typeof j.payload.batchId === 'string' ? <Typography.Text code>{j.payload.batchId.slice(0, 8)}</Typography.Text> : null);
  // The sentence first; the error as it came below it, for the system administrator who runs the job.
  const error = (j: FailedJobView) =>
    j.lastError ? (
      <Space direction="vertical" size={0} style={{ overflowWrap: 'anywhere' }}>
        <Typography.Text type="danger">{failureSentence(j.lastError)}</Typography.Text>
        {failureSentence(j.lastError) !== j.lastError ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{j.lastError}</Typography.Text> : null}
      </Space>
    ) : (
      '—'
    );
  const action = (j: FailedJobView) => (
    <Popconfirm title={t('重试“{kind}”任务？', { kind: t(jobKindLabel(j.kind)) })} description={<JobFacts j={j} />} okText={t('重试')} cancelText={t('取消')} onConfirm={() => retry(j)}>
      <Button size="small">{t('重试')}</Button>
    </Popconfirm>
  );
  // Wide: a column per fact, each wide enough to read (the table scrolls inside its card below
  // their sum). A phone: the facts stacked in one column, the action in another.
  const columns = wide
    ? [
        { title: t('任务'), width: 170, render: (_: unknown, j: FailedJobView) => kind(j) },
        { title: t('批次'), width: 100, render: (_: unknown, j: FailedJobView) => batch(j) ?? '—' },
        { title: t('应执行时间'), width: 150, render: (_: unknown, j: FailedJobView) => formatTime(j.dueAt) },
        { title: t('失败时间'), width: 150, render: (_: unknown, j: FailedJobView) => formatTime(j.failedAt) },
        { title: t('尝试次数'), width: 80, render: (_: unknown, j: FailedJobView) => `${j.attempts}/${j.maxAttempts}` },
        { title: t('最后错误'), width: 220, render: (_: unknown, j: FailedJobView) => error(j) },
        { title: t('操作'), width: 90, render: (_: unknown, j: FailedJobView) => action(j) },
      ]
    : [
        {
          title: t('任务'),
          render: (_: unknown, j: FailedJobView) => (
            <Space orientation="vertical" size={2}>
              <span>{kind(j)} {batch(j)}</span>
              <Typography.Text type="secondary">{t('{time}失败，尝试{n}次', { time: formatTime(j.failedAt), n: `${j.attempts}/${j.maxAttempts}` })}</Typography.Text>
              {error(j)}
            </Space>
          ),
        },
        { title: t('操作'), width: 84, render: (_: unknown, j: FailedJobView) => action(j) },
      ];

  return (
    <Card title={t('后台任务')} extra={<Button onClick={() => void load()}>{t('刷新')}</Button>}>
      <Alert style={{ marginBottom: 16 }} type="info" showIcon
        message={t('导入、公示期届满下线等后台任务失败后会按间隔自动重试；这里列出重试次数用尽仍失败的任务。排除原因后点“重试”重新排队。')} />
      <WideTable<FailedJobView> rowKey="id" data-testid="failed-jobs" dataSource={data.items} loading={loading} scroll={wide ? { x: 960 } : { x: undefined }} locale={{ emptyText: t('当前没有失败的后台任务') }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data.total, onChange: setPage, showTotal: (n) => t('共{n}条', { n }) }}
        columns={columns} />
    </Card>
  );
}
