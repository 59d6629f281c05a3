/**
 * 信息记录 (the credit office): every department's records, searched by subject, decision document
 * number, item, department, state and decision dates, paged on the server; a record's content and
 * versions in a drawer; withdrawal (撤销) of a wrong one with a reason. Reads are registered with a
 * purpose, asked once per sign-in (kept in memory for this user until the page is reloaded) and
 * changeable at any time: every search and every record opened is registered under it.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Drawer, Form, Grid, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { RECORD_STATES, RECORD_STATE_LABELS, WITHDRAWABLE_STATES, type RecordDetailView, type RecordRowView, type RecordSearchView, type RecordStateName } from '../../../common/records-api';
import { api, describeError } from '../../ui/api';
import { colon, t } from '../../ui/i18n';
import { WideTable } from '../../ui/WideTable';
import { useDepartments, useInfoItems } from '../collection';
import { RecordStateTag } from './RecordStateTag';
import { RecordVersions } from './RecordVersions';
import type { Me } from '../session';


const PAGE_SIZES = [10, 20, 50];

interface Filters {
  subject?: string;
  documentNumber?: string;
  itemCode?: string;
  departmentId?: string;
  state?: RecordStateName;
  dates?: [Dayjs, Dayjs] | null;
}

/** The purpose stated for this console session, per user (another sign-in in the same tab asks again). */
let statedPurpose: { userId: string; purpose: string } | null = null;

function usePurposes(): { value: string; label: string }[] {
  const [values, setValues] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    api<{ content: { values?: { value: string; label?: string }[] } }>('GET', '/api/v1/catalog/code-tables/QUERY_PURPOSE')
      .then((e) => setValues((e.content.values ?? []).map((v) => ({ value: v.value, label: v.label ?? v.value }))))
      .catch(() => setValues([]));
  }, []);
  return values;
}

function StateTag({ r }: { r: Pick<RecordRowView, 'state' | 'disputed'> }) {
  return <RecordStateTag state={r.state} disputed={r.disputed} />;
}

function subjectText(s: RecordRowView['subject']): string {
  return s.name ?? '—';
}

/** Asks for the purpose of the reads to come; nothing is read before one is chosen. */
function PurposeModal({ open, current, purposes, onChoose, onCancel }: { open: boolean; current: string | undefined; purposes: { value: string; label: string }[]; onChoose: (p: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState<string | undefined>(current);
  useEffect(() => setValue(current), [current, open]);
  return (
    <Modal open={open} title={t('说明查询目的')} okText={t('确定')} cancelText={t('取消')} okButtonProps={{ disabled: !value }} maskClosable={false}
      onOk={() => value && onChoose(value)} onCancel={onCancel}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('信息记录含非公开信息：本次登录期间的每次查询和查看都将按此目的登记在案，可随时更改。')}</Typography.Text>
        <Select id="records-purpose" aria-label={t('查询目的')} placeholder={t('选择查询目的')} style={{ width: '100%' }} value={value} onChange={setValue}
          options={purposes.map((p) => ({ value: p.value, label: t(p.label) }))} data-testid="records-purpose" />
      </Space>
    </Modal>
  );
}

export function RecordsPage({ me }: { me: Me }) {
  const { message } = App.useApp();
  const departments = useDepartments(true);
  const items = useInfoItems();
  const purposes = usePurposes();
  const [purpose, setPurpose] = useState<string | undefined>(statedPurpose?.userId === me.user.id ? statedPurpose.purpose : undefined);
  const [askPurpose, setAskPurpose] = useState(purpose === undefined);
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [result, setResult] = useState<RecordSearchView | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  // Side by side on a wide screen; on a phone one filter under the other, each the screen's width.
  const wide = Grid.useBreakpoint().md !== false;
  const width = (px: number) => (wide ? px : '100%');

  const choosePurpose = (p: string) => {
    statedPurpose = { userId: me.user.id, purpose: p };
    setPurpose(p);
    setAskPurpose(false);
  };
  const purposeLabel = purposes.find((p) => p.value === purpose)?.label ?? purpose ?? '';
  // The list of purposes comes from the catalog: the question waits for it.
  const purposeAsked = askPurpose && purposes.length > 0;

  useEffect(() => {
    if (!purpose) return;
    let live = true;
    setLoading(true);
    const body = {
      ...(filters.subject?.trim() ? { subject: filters.subject.trim() } : {}),
      ...(filters.documentNumber?.trim() ? { documentNumber: filters.documentNumber.trim() } : {}),
      ...(filters.itemCode ? { itemCode: filters.itemCode } : {}),
      ...(filters.departmentId ? { departmentId: filters.departmentId } : {}),
      ...(filters.state ? { state: filters.state } : {}),
      ...(filters.dates ? { from: filters.dates[0].format('YYYY-MM-DD'), to: filters.dates[1].format('YYYY-MM-DD') } : {}),
      page,
      pageSize,
    };
    // POST: what is typed for a subject may be a person's name or ID number, never put in a URL.
    api<RecordSearchView>('POST', '/api/v1/records/search', body, { 'x-query-purpose': purpose })
      .then((r) => {
        if (!live) return;
        setResult(r);
        setError('');
      })
      .catch((err) => {
        if (!live) return;
        // A refused search shows no rows: the previous ones are not this search's answer.
        setResult(null);
        setError(describeError(err));
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [purpose, filters, page, pageSize, reload]);

  const search = (v: Filters) => {
    setFilters({ ...v });
    setPage(1);
  };
  const reset = () => {
    form.resetFields();
    search({});
  };

  return (
    <Card title={t('信息记录')} extra={purpose && (
      <Space wrap size={4}>
        <Typography.Text type="secondary">{t('查询目的')}{colon()}</Typography.Text>
        <Tag color="blue" data-testid="records-purpose-current">{t(purposeLabel)}</Tag>
        <Button size="small" onClick={() => setAskPurpose(true)}>{t('更改')}</Button>
      </Space>
    )}>
      <Form form={form} layout={wide ? 'inline' : 'vertical'} onFinish={search} style={{ rowGap: 8, marginBottom: 16 }}>
        <Form.Item name="subject" label={t('主体')}>
          <Input allowClear placeholder={t('名称、统一社会信用代码或身份证号码')} style={{ width: width(260) }} maxLength={100} />
        </Form.Item>
        <Form.Item name="documentNumber" label={t('决定文书号')}>
          <Input allowClear placeholder={t('完整文书号或开头部分')} style={{ width: width(200) }} maxLength={100} />
        </Form.Item>
        <Form.Item name="itemCode" label={t('信息项')}>
          <Select allowClear placeholder={t('全部信息项')} style={{ width: width(200) }}
            options={items.map((i) => ({ value: i.code, label: t('{name}（{code}）', { name: i.name, code: i.code }) }))} />
        </Form.Item>
        <Form.Item name="departmentId" label={t('部门|field')}>
          <Select allowClear showSearch optionFilterProp="label" placeholder={t('全部部门')} style={{ width: width(200) }} options={departments.map((d) => ({ value: d.id, label: d.name }))} />
        </Form.Item>
        <Form.Item name="state" label={t('状态')}>
          <Select allowClear placeholder={t('全部状态')} style={{ width: width(140) }} options={RECORD_STATES.map((s) => ({ value: s, label: t(RECORD_STATE_LABELS[s]) }))} />
        </Form.Item>
        <Form.Item name="dates" label={t('决定日期')}>
          <DatePicker.RangePicker style={{ width: width(260) }} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" disabled={!purpose}>{t('查询')}</Button>
            <Button onClick={reset}>{t('重置')}</Button>
          </Space>
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="records-error" />}
      {!purpose && !purposeAsked && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('说明查询目的后才能查看信息记录。')}
          action={<Button size="small" type="primary" onClick={() => setAskPurpose(true)}>{t('说明查询目的')}</Button>} />
      )}
      <WideTable<RecordRowView> data-testid="records-table" rowKey="id" size="small" loading={loading} scroll={{ x: 960 }} dataSource={result?.items ?? []}
        pagination={{
          current: page, pageSize, total: result?.total ?? 0, showSizeChanger: true, pageSizeOptions: PAGE_SIZES,
          showTotal: (n) => (result?.totalCapped ? t('超过{n}条，只能翻阅前{n}条：请加上条件缩小范围', { n }) : t('共{n}条', { n })),
          onChange: (p, s) => { setPage(s === pageSize ? p : 1); setPageSize(s); },
        }}
        columns={[
          { title: t('决定文书号'), dataIndex: 'documentNumber', render: (x: string, r) => <Button type="link" size="small" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }} onClick={() => setOpen(r.id)}>{x}</Button> },
          { title: t('信息项'), dataIndex: 'itemName', width: 130 },
          { title: t('行政相对人'), render: (_: unknown, r) => (
            <Space direction="vertical" size={0}>
              <span>{subjectText(r.subject)}</span>
              {r.subject.uscc && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.subject.uscc}</Typography.Text>}
            </Space>
          ) },
          { title: t('报送部门'), dataIndex: 'departmentName', render: (x: string | null) => x ?? '—' },
          { title: t('决定日期'), dataIndex: 'decisionDate', width: 110 },
          { title: t('状态'), width: 110, render: (_: unknown, r) => <StateTag r={r} /> },
          { title: t('操作'), width: 80, render: (_: unknown, r) => <Button type="link" size="small" onClick={() => setOpen(r.id)}>{t('详情')}</Button> },
        ]} />
      {purpose && <RecordDrawer id={open} purpose={purpose} onClose={() => setOpen(null)} onWithdrawn={() => { void message.success(t('记录已撤销，已停止公示（已记入审计日志）')); setReload((n) => n + 1); }} />}
      <PurposeModal open={purposeAsked} current={purpose} purposes={purposes} onChoose={choosePurpose} onCancel={() => setAskPurpose(false)} />
    </Card>
  );
}

/** A record's content, state and versions; withdrawal with a reason (the audit row keeps it). */
function RecordDrawer({ id, purpose, onClose, onWithdrawn }: { id: string | null; purpose: string; onClose: () => void; onWithdrawn: () => void }) {
  const [r, setR] = useState<RecordDetailView | null>(null);
  const [error, setError] = useState('');
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [withdrawError, setWithdrawError] = useState('');
  const [fullName, setFullName] = useState<string | null>(null);

  const load = useCallback(async (recordId: string) => {
    try {
      setR(await api<RecordDetailView>('GET', `/api/v1/records/${recordId}`, undefined, { 'x-query-purpose': purpose }));
      setError('');
    } catch (err) {
      setError(describeError(err));
    }
  }, [purpose]);
  useEffect(() => {
    setR(null);
    setError('');
    setFullName(null);
    if (id) void load(id);
  }, [id, load]);

  /** A person's full name: the subjects module's own registered read, under the same purpose. */
  const showFullName = async () => {
    if (!r) return;
    try {
      const s = await api<{ name: string }>('GET', `/api/v1/subjects/${r.subject.id}`, undefined, { 'x-query-purpose': purpose });
      setFullName(s.name);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const withdraw = async () => {
    if (!r) return;
    setBusy(true);
    try {
      await api('POST', `/api/v1/records/${r.id}/withdraw`, { reason: reason.trim() });
      setWithdrawing(false);
      setReason('');
      setWithdrawError('');
      await load(r.id);
      onWithdrawn();
    } catch (err) {
      setWithdrawError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={id !== null} onClose={onClose} size={Math.min(760, window.innerWidth)} title={r ? r.documentNumber : t('记录详情')}
      extra={r && WITHDRAWABLE_STATES.includes(r.state) && <Button danger onClick={() => setWithdrawing(true)} data-testid="record-withdraw">{t('撤销')}</Button>}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {r && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="record-detail">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('信息项')}>{t('{name}（{code}）', { name: r.itemName, code: r.itemCode })}</Descriptions.Item>
            <Descriptions.Item label={t('行政相对人')}>
              <Space wrap>
                <span data-testid="record-subject">{fullName ?? subjectText(r.subject)}</span>
                {r.subject.kind === 'person' && fullName === null && (
                  <Button size="small" onClick={() => void showFullName()}>{t('显示完整姓名（登记查询）')}</Button>
                )}
              </Space>
            </Descriptions.Item>
            {r.subject.uscc && <Descriptions.Item label={t('统一社会信用代码')}>{r.subject.uscc}</Descriptions.Item>}
            <Descriptions.Item label={t('报送部门')}>{r.departmentName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('决定日期')}>{r.decisionDate}</Descriptions.Item>
            <Descriptions.Item label={t('状态')}><StateTag r={r} /></Descriptions.Item>
            <Descriptions.Item label={t('公示期')}>
              <span data-testid="record-publicity">
                {/* A record whose item is not public was never published: it has no window to show. */}
                {r.state === 'not_public' ? t('不公示') : `${r.publicityStart ?? '—'} ~ ${r.publicityEnd ?? t('长期')}`}
                {r.state === 'withdrawn' && r.withdrawnOn && t('（已于{date}撤销）', { date: r.withdrawnOn })}
              </span>
            </Descriptions.Item>
            {r.withdrawnReason && <Descriptions.Item label={t('撤销理由')}><span data-testid="record-withdrawn-reason">{r.withdrawnReason}</span></Descriptions.Item>}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 8 }}>{t('当前内容（第{n}版）', { n: r.version })}</Typography.Title>
          <Descriptions size="small" column={1} bordered data-testid="record-fields">
            {r.fields.map((f) => <Descriptions.Item key={f.field} label={f.label}>{f.value}</Descriptions.Item>)}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 8 }}>{t('版本记录')}</Typography.Title>
          <RecordVersions versions={r.versions} testId="record-version" />
        </Space>
      )}
      <Modal open={withdrawing} title={t('撤销记录：{doc}', { doc: r?.documentNumber ?? '' })} okText={t('撤销')} cancelText={t('取消')}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }} onOk={() => void withdraw()}
        onCancel={() => { setWithdrawing(false); setReason(''); setWithdrawError(''); }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('记录有误，或决定被撤销、变更、确认无效时撤销：记录立即停止公示，无法恢复；撤销理由记入审计日志。')}</Typography.Text>
          {r && <Typography.Text type="secondary">{t('报送部门：{department}', { department: r.departmentName ?? '—' })}</Typography.Text>}
          {withdrawError && <Alert type="error" showIcon message={withdrawError} />}
          <Input.TextArea aria-label={t('撤销理由')} placeholder={t('撤销理由，如：行政复议决定撤销原处罚决定')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
        </Space>
      </Modal>
    </Drawer>
  );
}
