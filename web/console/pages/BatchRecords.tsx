/**
 * The records a batch wrote (their current version came from it): what a reviewer approves, and
 * where a clerk or reviewer opens a record's versions or withdraws (撤销) a revoked decision.
 * A natural person's name is masked here too.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Descriptions, Input, Modal, Space, Typography } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { WITHDRAWABLE_STATES, type RecordStateName } from '../../../common/records-api';
import { WideTable } from '../../ui/WideTable';
import { batchUrl, type BatchView } from '../collection';
import { RecordStateTag } from './RecordStateTag';
import { RecordVersions, type VersionShown } from './RecordVersions';

interface BatchRecord {
  id: string;
  documentNumber: string;
  subjectName: string | null;
  decisionDate: string;
  state: RecordStateName;
  disputed: boolean;
  publicityEnd: string | null;
  version: number;
}

interface RecordDetail {
  id: string;
  documentNumber: string;
  decisionDate: string;
  state: RecordStateName;
  disputed: boolean;
  publicityStart: string | null;
  publicityEnd: string | null;
  withdrawnReason: string | null;
  /** The day (China time) it was withdrawn, while it is withdrawn. */
  withdrawnOn: string | null;
  version: number;
  versions: VersionShown[];
}

const PAGE_SIZE = 20;

function StateTags({ state, disputed }: { state: RecordStateName; disputed: boolean }) {
  return <RecordStateTag state={state} disputed={disputed} />;
}

/**
 * What the 公示期 row says. The server computes a window for every record, but only a published one
 * has it: a withdrawn record keeps only the day it ended, and one whose item is not public never had one.
 */
function publicityText(r: RecordDetail): string {
  if (r.state === 'withdrawn') return r.withdrawnOn ? t('已撤销（{date}）', { date: r.withdrawnOn }) : t('已撤销');
  if (r.state === 'not_public') return t('不公示');
  return `${r.publicityStart ?? '—'} ~ ${r.publicityEnd ?? t('长期')}`;
}

/** A record's state and its versions, each with what it changed. */
function RecordModal({ id, batchId, onClose }: { id: string | null; batchId: string; onClose: () => void }) {
  const [r, setR] = useState<RecordDetail | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setR(null);
    setError('');
    if (!id) return;
    let live = true;
    api<RecordDetail>('GET', `/api/v1/collection/records/${id}`)
      .then((x) => live && setR(x))
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Modal open={id !== null} onCancel={onClose} footer={null} width={720} title={r ? r.documentNumber : t('记录详情')}>
      {error && <Alert type="error" showIcon message={error} />}
      {r && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="record-detail">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('状态')}><StateTags state={r.state} disputed={r.disputed} /></Descriptions.Item>
            <Descriptions.Item label={t('决定日期')}>{r.decisionDate}</Descriptions.Item>
            <Descriptions.Item label={t('公示期')}>
              <span data-testid="record-publicity">{publicityText(r)}</span>
            </Descriptions.Item>
            {r.withdrawnReason && <Descriptions.Item label={t('撤销理由')}>{r.withdrawnReason}</Descriptions.Item>}
          </Descriptions>
          <RecordVersions versions={r.versions} batchId={batchId} />
        </Space>
      )}
    </Modal>
  );
}

export function BatchRecords({ batch, canWithdraw }: { batch: BatchView; canWithdraw: boolean }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ total: number; replacedLater: number; items: BatchRecord[] } | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<BatchRecord | null>(null);
  const [reason, setReason] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api<{ total: number; replacedLater: number; items: BatchRecord[] }>('GET', `${batchUrl(batch.id)}/records?page=${page}&pageSize=${PAGE_SIZE}`)
      .then((r) => {
        if (!live) return;
        setData(r);
        setError('');
      })
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
    // Read again as the batch imports (its rows arrive), after a withdrawal and on another page.
  }, [batch.id, batch.status, batch.rowsDone, page, reload]);

  // Another batch opened (a version's batch link): this one's record is no longer the one asked for.
  useEffect(() => {
    setOpen(null);
    setPage(1);
  }, [batch.id]);

  const withdraw = async () => {
    if (!withdrawing) return;
    try {
      await api('POST', `/api/v1/collection/records/${withdrawing.id}/withdraw`, { reason: reason.trim() });
      setWithdrawing(null);
      setReason('');
      setReload((n) => n + 1);
    } catch (err) {
      setError(describeError(err));
      setWithdrawing(null);
    }
  };

  return (
    <>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 8 }} />}
      {/* 新增 and 更新 count the versions this batch wrote; a record is listed under the batch its
          current version came from, so one replaced since is listed under the later batch. */}
      {data && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="batch-records-note">
          {t('本批次新增{created}条、更新{updated}条记录；列出当前版本来自本批次的{n}条。', { n: data.total, created: batch.created, updated: batch.updated })}
          {data.replacedLater > 0 && t('另有{n}条已被后续批次更新，列在后续批次下（见该记录的版本记录）。', { n: data.replacedLater })}
        </Typography.Paragraph>
      )}
      <WideTable<BatchRecord> data-testid="batch-records" rowKey="id" size="small" scroll={{ x: 640 }} dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage, size: 'small' }}
        columns={[
          { title: t('决定文书号'), dataIndex: 'documentNumber' },
          { title: t('行政相对人'), dataIndex: 'subjectName', render: (x: string | null) => x ?? '—' },
          { title: t('决定日期'), dataIndex: 'decisionDate', width: 110 },
          { title: t('公示状态'), width: 150, render: (_: unknown, r) => <StateTags state={r.state} disputed={r.disputed} /> },
          {
            title: t('操作'), width: 120, render: (_: unknown, r) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setOpen(r.id)}>{t('详情')}</Button>
                {canWithdraw && WITHDRAWABLE_STATES.includes(r.state) && <Button type="link" size="small" danger onClick={() => setWithdrawing(r)}>{t('撤销')}</Button>}
              </Space>
            ),
          },
        ]} />
      <RecordModal id={open} batchId={batch.id} onClose={() => setOpen(null)} />
      <Modal open={withdrawing !== null} title={t('撤销记录：{doc}', { doc: withdrawing?.documentNumber ?? '' })} okText={t('撤销')} okButtonProps={{ danger: true, disabled: !reason.trim() }}
        onOk={() => void withdraw()} onCancel={() => { setWithdrawing(null); setReason(''); }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('决定被撤销、变更或确认无效时撤销：记录立即停止公示，无法恢复。')}</Typography.Text>
          <Input.TextArea aria-label={t('撤销理由')} placeholder={t('撤销理由，如：行政复议决定撤销原处罚决定')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
        </Space>
      </Modal>
    </>
  );
}
