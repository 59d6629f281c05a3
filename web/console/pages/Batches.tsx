/** 报送批次: the batches of the own department (the credit office: of all, filterable), a drawer per batch. */
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Select, Space } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { batchInHash, useDepartments, useInfoItems, type BatchView } from '../collection';
import type { Me } from '../session';
import { BatchDrawer, BatchProgress, ReviewTag, StatusTag } from './BatchParts';

export function BatchesPage({ me }: { me: Me }) {
  const creditOffice = me.user.roles.includes('creditOffice');
  const departments = useDepartments(creditOffice);
  const items = useInfoItems();
  const [rows, setRows] = useState<BatchView[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [departmentId, setDepartmentId] = useState<string>();
  const [itemCode, setItemCode] = useState<string>();
  // A link from a record's versions (#/batches?batch=…) opens that batch.
  const [open, setOpen] = useState<string | null>(() => batchInHash(window.location.hash));
  const [error, setError] = useState('');
  useEffect(() => {
    const on = () => {
      const id = batchInHash(window.location.hash);
      if (id) setOpen(id);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const close = () => {
    setOpen(null);
    // Closed, the address names the page again: a reload does not reopen the batch.
    if (batchInHash(window.location.hash)) window.history.replaceState(null, '', '#/batches');
    void load();
  };

  const load = useCallback(async () => {
    const q = new URLSearchParams({ page: String(page), pageSize: String(pageSize), ...(departmentId ? { departmentId } : {}), ...(itemCode ? { itemCode } : {}) });
    try {
      const r = await api<{ total: number; items: BatchView[] }>('GET', `/api/v1/collection/batches?${q}`);
      setRows(r.items);
      setTotal(r.total);
      setError('');
    } catch (err) {
      setError(describeError(err));
    }
  }, [page, pageSize, departmentId, itemCode]);
  useEffect(() => {
    void load();
  }, [load]);

  // Imports run in the background: while one on this page is running, its row follows it.
  const importing = rows.some((b) => b.status === 'importing');
  useEffect(() => {
    if (!importing) return;
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [importing, load]);

  const departmentName = (id: string) => departments.find((d) => d.id === id)?.name ?? id;

  return (
    <Card title={t('报送批次')}>
      {/* Filters above the table rather than in the card header, so they wrap on a phone. */}
      <Space wrap style={{ marginBottom: 16 }}>
        {creditOffice && (
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('全部部门')} aria-label={t('部门|field')} style={{ width: 200 }} value={departmentId}
            onChange={(v) => { setDepartmentId(v); setPage(1); }} options={departments.map((d) => ({ value: d.id, label: d.name }))} />
        )}
        <Select allowClear placeholder={t('全部信息项')} aria-label={t('信息项')} style={{ width: 200 }} value={itemCode}
          onChange={(v) => { setItemCode(v); setPage(1); }} options={items.map((i) => ({ value: i.code, label: t('{name}（{code}）', { name: i.name, code: i.code }) }))} />
        <Button onClick={() => void load()}>{t('刷新')}</Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <WideTable<BatchView>
        data-testid="batch-table"
        rowKey="id"
        size="small"
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        onRow={(b) => ({ onClick: () => setOpen(b.id), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize, total, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], onChange: (p, s) => { setPage(p); setPageSize(s); } }}
        columns={[
          { title: t('提交时间'), dataIndex: 'createdAt', render: formatTime, width: 170 },
          ...(creditOffice ? [{ title: t('部门|field'), dataIndex: 'departmentId', render: departmentName }] : []),
          { title: t('信息项'), render: (_: unknown, b: BatchView) => t('{name}（{code}）', { name: b.itemName, code: b.itemCode }) },
          { title: t('文件'), render: (_: unknown, b: BatchView) => b.fileName ?? t('接口报送') },
          { title: t('状态'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('进度'), render: (_: unknown, b: BatchView) => <BatchProgress batch={b} /> },
          { title: t('接受/拒绝'), render: (_: unknown, b: BatchView) => (b.status === 'failed' ? '—' : `${b.accepted} / ${b.rejected}`) },
          { title: t('审核'), render: (_: unknown, b: BatchView) => <ReviewTag status={b.review.status} /> },
          { title: t('提交人'), dataIndex: 'submittedBy', render: (n: string | null) => n ?? '—' },
          {
            title: t('操作'),
            // The row opens on click too; this button is the keyboard's way in.
            render: (_: unknown, b: BatchView) => <Button type="link" size="small" onClick={(e) => { e.stopPropagation(); setOpen(b.id); }}>{t('详情')}</Button>,
          },
        ]}
      />
      <BatchDrawer batchId={open} departmentName={creditOffice ? departmentName : undefined}
        canWithdraw={me.user.roles.some((r) => r === 'submitter' || r === 'reviewer')} onClose={close} />
    </Card>
  );
}
