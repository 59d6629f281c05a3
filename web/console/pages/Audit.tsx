import { useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Input, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import type { AuditEventView as AuditEvent, VerificationView as Verification } from '../../../common/audit-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { CATEGORY_LABELS, RESULT_LABELS, ROLE_LABELS, formatTime } from '../../ui/labels';

/** 张三（数据报送员、审核员）; the name alone when the actor has no roles. */
function actorText(actor: AuditEvent['actor']): string {
  const name = actor.name ?? '—';
  if (actor.roles.length === 0) return name;
  return t('{name}（{roles}）', { name, roles: actor.roles.map((x) => t(ROLE_LABELS[x] ?? x)).join(t('、')) });
}

export function AuditPage({ category: fixed }: { category: 'query' | undefined }) {
  const [rows, setRows] = useState<AuditEvent[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [category, setCategory] = useState<string | undefined>(fixed);
  const [event, setEvent] = useState('');
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const q = new URLSearchParams({
      limit: String(pageSize),
      offset: String((page - 1) * pageSize),
      ...(category ? { category } : {}),
      ...(event ? { event } : {}),
      ...(range ? { from: range[0].startOf('day').toISOString(), to: range[1].endOf('day').toISOString() } : {}),
    });
    api<{ total: number; items: AuditEvent[] }>('GET', `/api/v1/audit/events?${q}`)
      .then((r) => {
        setRows(r.items);
        setTotal(r.total);
      })
      .catch((err) => setError(describeError(err)));
  }, [page, pageSize, category, event, range]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {!fixed && (
        <Card title={t('完整性校验')} extra={<Button onClick={async () => setVerification(await api<Verification>('GET', '/api/v1/audit/verify'))}>{t('校验哈希链')}</Button>}>
          {verification ? (
            <Alert
              data-testid="audit-verification"
              type={verification.intact ? 'success' : 'error'}
              showIcon
              message={verification.intact
                ? t('哈希链完整：共{count}条记录，外部检查点{checkpoints}个', { count: verification.count, checkpoints: verification.checkpoints })
                : t('哈希链被破坏：第{seq}条起不可信', { seq: String(verification.firstBroken) })}
              description={verification.reason}
            />
          ) : null}
          {verification?.database ? (
            <Alert
              data-testid="audit-database-role"
              style={{ marginTop: 8 }}
              type={verification.database.leastPrivilege ? 'success' : 'warning'}
              showIcon
              message={verification.database.leastPrivilege
                ? t('数据库权限保护：已启用（应用角色 {role} 不能修改或删除审计记录）', { role: verification.database.role })
                : t('数据库权限保护：未启用（应用以角色 {role} 连接，该角色可删除审计记录；见运维文档“最小权限”）', { role: verification.database.role })}
            />
          ) : null}
          {verification ? null : (
            t('点击“校验哈希链”重新计算全部记录的哈希并与外部检查点比对。')
          )}
        </Card>
      )}
      <Card title={fixed === 'query' ? t('查询登记') : t('审计日志')} extra={
        <Space wrap>
          {!fixed && (
            <Select allowClear placeholder={t('类别')} style={{ width: 120 }} value={category} onChange={(v) => { setCategory(v); setPage(1); }}
              options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label: t(label) }))} />
          )}
          <Input.Search allowClear placeholder={t('事件，如 auth.login')} style={{ width: 200 }} onSearch={(v) => { setEvent(v.trim()); setPage(1); }} />
          <DatePicker.RangePicker onChange={(v) => { setRange(v && v[0] && v[1] ? [v[0], v[1]] : null); setPage(1); }} />
        </Space>
      }>
        {error && <Alert type="error" message={error} />}
        <Table
          rowKey="seq"
          size="small"
          dataSource={rows}
          pagination={{ current: page, pageSize, total, showSizeChanger: true, pageSizeOptions: [10, 20, 50], onChange: (p, s) => { setPage(p); setPageSize(s); } }}
          expandable={{ expandedRowRender: (r) => (
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('对象')}>{r.object.type} {r.object.id}</Descriptions.Item>
              <Descriptions.Item label={t('原因')}>{r.reason ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('授权书编号')}>{r.authorizationRef ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('详情')}><code>{JSON.stringify(r.details)}</code></Descriptions.Item>
            </Descriptions>
          ) }}
          columns={[
            { title: t('序号'), dataIndex: 'seq', width: 80 },
            { title: t('时间（北京时间）'), dataIndex: 'at', render: formatTime, width: 170 },
            { title: t('类别'), dataIndex: 'category', render: (c: string) => t(CATEGORY_LABELS[c] ?? c), width: 90 },
            { title: t('事件'), dataIndex: 'event' },
            { title: t('操作人'), render: (_: unknown, r: AuditEvent) => actorText(r.actor) },
            { title: 'IP', dataIndex: 'ip', width: 120 },
            ...(fixed === 'query' ? [{ title: t('查询目的'), dataIndex: 'purpose' }, { title: t('结果数'), dataIndex: 'resultCount', width: 80 }] : []),
            { title: t('结果'), dataIndex: 'result', width: 80, render: (r: string) => <Tag color={RESULT_LABELS[r]?.color}>{t(RESULT_LABELS[r]?.text ?? r)}</Tag> },
          ]}
        />
      </Card>
    </Space>
  );
}
