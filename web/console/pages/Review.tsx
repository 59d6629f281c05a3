/** 审核: the department's batches waiting for review; approve (records go public by their rules) or return with a reason. */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Tooltip } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { batchUrl, type BatchView } from '../collection';
import { BatchDrawer } from './BatchParts';

export function ReviewPage() {
  const { message } = App.useApp();
  const [rows, setRows] = useState<BatchView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [returning, setReturning] = useState<BatchView | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const load = useCallback(async () => {
    try {
      const r = await api<{ total: number; items: BatchView[] }>('GET', `/api/v1/collection/batches?reviewStatus=pending&page=${page}&pageSize=20`);
      setRows(r.items);
      setTotal(r.total);
      setError('');
    } catch (err) {
      setError(describeError(err));
    }
  }, [page]);
  useEffect(() => {
    void load();
  }, [load]);

  /** The server refuses one's own batch (403) and a batch someone else decided meanwhile (409): say why. */
  const decide = async (b: BatchView, decision: 'approve' | 'reject', reason?: string): Promise<boolean> => {
    try {
      await api<BatchView>('POST', `${batchUrl(b.id)}/review`, { decision, ...(reason ? { reason } : {}) });
      message.success(decision === 'approve' ? t('已通过，记录将按规则公示') : t('已退回'));
      return true;
    } catch (err) {
      message.error(describeError(err));
      return false;
    } finally {
      await load();
    }
  };

  return (
    <Card title={t('审核')} extra={<Button onClick={() => void load()}>{t('刷新')}</Button>}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <WideTable<BatchView>
        data-testid="review-table"
        rowKey="id"
        size="small"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('没有待审核的批次') }}
        pagination={{ current: page, pageSize: 20, total, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('提交时间'), dataIndex: 'createdAt', render: formatTime, width: 170 },
          { title: t('信息项'), render: (_: unknown, b: BatchView) => t('{name}（{code}）', { name: b.itemName, code: b.itemCode }) },
          { title: t('文件'), render: (_: unknown, b: BatchView) => b.fileName ?? t('接口报送') },
          { title: t('接受/拒绝'), render: (_: unknown, b: BatchView) => `${b.accepted} / ${b.rejected}` },
          { title: t('提交人'), dataIndex: 'submittedBy', render: (n: string | null) => n ?? '—' },
          {
            title: t('操作'),
            render: (_: unknown, b: BatchView) => (
              <Space>
                <Button size="small" onClick={() => setOpen(b.id)}>{t('详情')}</Button>
                {b.submittedByMe ? (
                  // The server refuses it too (403, audited); here the reviewer sees why before trying.
                  <Tooltip title={t('不能审核自己提交的批次（审核须由另一人完成）')}>
                    <Space size={4} data-testid="review-own"><Button size="small" disabled>{t('通过')}</Button><Button size="small" disabled>{t('退回')}</Button></Space>
                  </Tooltip>
                ) : (<>
                <Popconfirm title={t('通过该批次？')} description={t('通过后，批次中的记录按规则公示。')} okText={t('通过')} cancelText={t('取消')} onConfirm={() => decide(b, 'approve')}>
                  <Button size="small" type="primary" data-testid="review-approve">{t('通过')}</Button>
                </Popconfirm>
                <Button size="small" danger data-testid="review-reject" onClick={() => setReturning(b)}>{t('退回')}</Button>
                </>)}
              </Space>
            ),
          },
        ]}
      />
      <BatchDrawer batchId={open} canWithdraw onClose={() => setOpen(null)} />
      <Modal title={t('退回批次')} open={returning !== null} okText={t('退回')} cancelText={t('取消')} okButtonProps={{ danger: true }}
        onCancel={() => setReturning(null)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          if (returning && (await decide(returning, 'reject', v.reason.trim()))) setReturning(null);
        }}>
          <Form.Item label={t('退回理由')} name="reason" extra={t('报送部门将看到该理由，改正后重新报送。')}
            rules={[{ required: true, whitespace: true, message: t('请填写退回理由') }, { max: 500, message: t('不超过500个字符') }]}>
            <Input.TextArea rows={4} maxLength={500} showCount autoFocus />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
