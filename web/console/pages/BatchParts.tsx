/** Pieces of a collection batch shown by several pages: tags, progress, counts, rejected rows, the detail drawer. */
import { useEffect, useState } from 'react';
import { Alert, Button, Col, Descriptions, Drawer, Pagination, Progress, Row, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { BATCH_STATUS_LABELS, REVIEW_STATUS_LABELS, formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { batchUrl, usePollWhileImporting, type BatchView, type RowIssue, type RowProblem } from '../collection';
import { BatchRecords } from './BatchRecords';

export function StatusTag({ status }: { status: string }) {
  const l = BATCH_STATUS_LABELS[status];
  return <Tag color={l?.color}>{t(l?.text ?? status)}</Tag>;
}

export function ReviewTag({ status }: { status: string }) {
  const l = REVIEW_STATUS_LABELS[status];
  return <Tag color={l?.color}>{t(l?.text ?? status)}</Tag>;
}

/** Rows processed of the file's data rows; the total is unknown only for a file that failed its checks. */
export function BatchProgress({ batch }: { batch: BatchView }) {
  const total = batch.rowsTotal ?? 0;
  const percent = total > 0 ? Math.floor((batch.rowsDone / total) * 100) : batch.status === 'imported' ? 100 : 0;
  return (
    <Progress
      size="small"
      percent={percent}
      status={batch.status === 'importing' ? 'active' : batch.status === 'failed' ? 'exception' : 'success'}
      format={() => `${batch.rowsDone}/${batch.rowsTotal ?? '—'}`}
      style={{ minWidth: 140 }}
    />
  );
}

/** 接受 / 拒绝 / 新增 / 更新 / 未变 / 提示, each with a test id (count-accepted …). */
export function BatchCounts({ batch }: { batch: BatchView }) {
  const counts: [string, string, number][] = [
    ['accepted', t('接受'), batch.accepted],
    ['rejected', t('拒绝|rows'), batch.rejected],
    ['created', t('新增'), batch.created],
    ['updated', t('更新'), batch.updated],
    ['unchanged', t('未变'), batch.unchanged],
    ['warnings', t('提示|rows'), batch.warnings],
  ];
  return (
    <Row gutter={[16, 8]}>
      {counts.map(([key, title, value]) => (
        <Col key={key} xs={8} sm={4}>
          <Statistic title={title} value={value} data-testid={`count-${key}`}
            styles={{ content: key === 'rejected' && value > 0 ? { color: '#cf1322' } : undefined }} />
        </Col>
      ))}
    </Row>
  );
}

/**
 * The error workbook: a plain same-origin link, so the session cookie authorizes the download. A
 * file batch's workbook goes back as it is: its masked personal values are filled in from the
 * original file on upload (server/modules/collection/source-refs.ts).
 */
export function ErrorsLink({ batch }: { batch: BatchView }) {
  if (batch.rejected === 0) return null;
  const link = (
    <Button icon={<DownloadOutlined />} href={`${batchUrl(batch.id)}/errors.xlsx`} download data-testid="errors-download">
      {t('下载错误报告（XLSX）')}
    </Button>
  );
  if (batch.source !== 'file') return link;
  return (
    <Space wrap size={[8, 4]}>
      {link}
      <Typography.Text type="secondary" data-testid="errors-roundtrip-hint">
        {t('在错误报告中改正后可原样上传；以*号遮盖的个人信息不必改动，平台按原文件填回')}
      </Typography.Text>
    </Space>
  );
}

const PAGE_SIZE = 20;

/** One table line per problem; the row number spans the problems of its row. */
interface Line extends RowProblem {
  key: string;
  rowNumber: number;
  span: number;
}

/**
 * Rejected rows or warnings of a batch, a page at a time. The API pages by row while the table
 * shows one line per problem, so the pager is separate from the table (which would re-slice).
 */
export function IssueTable({ batch, kind }: { batch: BatchView; kind: 'rejected' | 'warning' }) {
  const [page, setPage] = useState(1);
  const [issues, setIssues] = useState<RowIssue[]>([]);
  const [error, setError] = useState('');
  const total = kind === 'rejected' ? batch.rejected : batch.warnings;

  useEffect(() => {
    if (total === 0) return;
    let live = true;
    api<{ items: RowIssue[] }>('GET', `${batchUrl(batch.id)}/issues?kind=${kind}&page=${page}&pageSize=${PAGE_SIZE}`)
      .then((r) => live && setIssues(r.items))
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [batch.id, kind, page, total]);

  const lines: Line[] = issues.flatMap((i) => i.problems.map((p, n) => ({ ...p, key: `${i.rowNumber}-${n}`, rowNumber: i.rowNumber, span: n === 0 ? i.problems.length : 0 })));
  return (
    <>
      {error && <Alert type="error" showIcon message={error} />}
      <WideTable<Line>
        data-testid={`issues-${kind}`}
        rowKey="key"
        size="small"
        pagination={false}
        // A fixed minimum rather than max-content: long reasons wrap, and a phone scrolls sideways.
        scroll={{ x: 640 }}
        dataSource={total === 0 ? [] : lines}
        columns={[
          { title: t('行号'), dataIndex: 'rowNumber', width: 70, onCell: (l) => ({ rowSpan: l.span }) },
          { title: t('字段'), width: 180, render: (_: unknown, l: Line) => (l.field ? t('{label}（{code}）', { label: l.label ?? l.field, code: l.field }) : '—') },
          { title: t('值'), dataIndex: 'value', width: 140, render: (v: string | null) => <span style={{ wordBreak: 'break-all' }}>{v ?? ''}</span> },
          { title: t('原因'), dataIndex: 'message', render: (m: string) => <span data-testid="issue-message">{m}</span> },
        ]}
      />
      {total > PAGE_SIZE && (
        <Pagination size="small" style={{ marginTop: 8, textAlign: 'right' }} current={page} pageSize={PAGE_SIZE} total={total} showSizeChanger={false} onChange={setPage} />
      )}
    </>
  );
}

/** The detail of one batch (reading it again while it imports). */
export function BatchDrawer({ batchId, departmentName, canWithdraw = false, onClose }: { batchId: string | null; departmentName?: (id: string) => string; canWithdraw?: boolean; onClose: () => void }) {
  const [batch, setBatch] = useState<BatchView | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setBatch(null);
    setError('');
    if (!batchId) return;
    let live = true;
    api<BatchView>('GET', batchUrl(batchId))
      .then((b) => live && setBatch(b))
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [batchId]);
  usePollWhileImporting(batch, setBatch, setError);

  return (
    <Drawer open={batchId !== null} onClose={onClose} size={Math.min(760, window.innerWidth)} title={batch ? t('批次：{name}', { name: batch.fileName ?? batch.itemName }) : t('批次详情')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {batch && (
        <Space direction="vertical" size="large" style={{ width: '100%' }} data-testid="batch-detail">
          {batch.failure && <Alert type="error" showIcon message={t('文件未导入')} description={<div style={{ whiteSpace: 'pre-line' }}>{batch.failure}</div>} />}
          <Descriptions size="small" column={1} bordered>
            {departmentName && <Descriptions.Item label={t('部门|field')}>{departmentName(batch.departmentId)}</Descriptions.Item>}
            <Descriptions.Item label={t('信息项')}>{t('{name}（{code}）', { name: batch.itemName, code: batch.itemCode })}</Descriptions.Item>
            <Descriptions.Item label={t('文件')}>{batch.fileName ?? t('接口报送')}</Descriptions.Item>
            <Descriptions.Item label={t('状态')}><StatusTag status={batch.status} /></Descriptions.Item>
            <Descriptions.Item label={t('进度')}><BatchProgress batch={batch} /></Descriptions.Item>
            <Descriptions.Item label={t('提交人')}>{batch.submittedBy ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('提交时间')}>{formatTime(batch.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('完成时间')}>{batch.finishedAt ? formatTime(batch.finishedAt) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('审核')}>
              <Space wrap size="small">
                <ReviewTag status={batch.review.status} />
                {batch.review.by && <Typography.Text type="secondary">{t('{name}，{time}', { name: batch.review.by, time: batch.review.at ? formatTime(batch.review.at) : '' })}</Typography.Text>}
              </Space>
              {batch.review.reason && <div>{t('退回理由：{reason}', { reason: batch.review.reason })}</div>}
            </Descriptions.Item>
          </Descriptions>
          {batch.status !== 'failed' && <BatchCounts batch={batch} />}
          <ErrorsLink batch={batch} />
          {batch.status !== 'failed' && (
            <Tabs defaultActiveKey={batch.review.status === 'pending' ? 'records' : 'rejected'} items={[
              { key: 'records', label: t('写入的记录'), children: <BatchRecords batch={batch} canWithdraw={canWithdraw} /> },
              { key: 'rejected', label: t('被拒绝的行（{count}）', { count: batch.rejected }), children: <IssueTable batch={batch} kind="rejected" /> },
              { key: 'warning', label: t('提示（{count}）', { count: batch.warnings }), children: <IssueTable batch={batch} kind="warning" /> },
            ]} />
          )}
        </Space>
      )}
    </Drawer>
  );
}
