/**
 * 数据订阅 and 投递失败 (credit office): system accounts' subscriptions to changes — create, pause,
 * resume, delete, each confirmed (naming the subscription) and audited — and the webhook deliveries
 * that ran out of attempts, each replayable (confirmed, audited). docs/exchange.md. On a phone each
 * table is one column of stacked facts and one of actions, not a row of squeezed columns.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Form, Grid, Input, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { eventLabel } from '../../../common/audit-events';
import type { DeadLetterList, DeadLetterView, ExchangeAccountView, SubscriptionFilter, SubscriptionList, SubscriptionView } from '../../../common/exchange-api';
import { ApiError, api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { failureSentence } from '../failure';

// Labels in the current language (fixed for the life of the page, see ui/i18n.ts).
const FILTERS: Record<SubscriptionFilter, string> = { all: t('有权获得的全部变更'), subject: t('一个主体'), item: t('一个信息项') };
const STATUS: Record<string, { label: string; color: string }> = { active: { label: t('推送中'), color: 'green' }, paused: { label: t('已暂停'), color: 'orange' }, deleted: { label: t('已删除'), color: 'default' } };
// A pull-only subscription pushes nothing: active, it can be pulled.
const PULL_STATUS: Record<string, { label: string; color: string }> = { ...STATUS, active: { label: t('可拉取'), color: 'blue' } };
const statusOf = (s: SubscriptionView) => (s.webhookUrl ? STATUS : PULL_STATUS)[s.status];
const DONE: Record<'pause' | 'resume' | 'delete', string> = { pause: t('已暂停（已记入审计日志）'), resume: t('已恢复（已记入审计日志）'), delete: t('已删除（已记入审计日志）') };

/** A change's event in words: the record lifecycle's audit label (common/audit-events.ts), else its code. */
function changeLabel(objectType: string, event: string): string {
  const code = `${objectType}.${event.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
  const label = eventLabel(code);
  return label === code ? event : t(label);
}

interface CreateForm {
  appKey: string;
  filter: SubscriptionFilter;
  subject?: string;
  itemCode?: string;
  webhookUrl?: string;
}
const FORM_FIELDS: readonly (keyof CreateForm)[] = ['appKey', 'filter', 'subject', 'itemCode', 'webhookUrl'];

/** The refusals of the server that name a field of the form (details: [{ path: '/webhookUrl', message }]). */
function fieldErrors(err: unknown): { name: keyof CreateForm; errors: string[] }[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return (err.details as { path?: unknown; message?: unknown }[]).flatMap((d) => {
    const name = typeof d.path === 'string' ? (d.path.replace(/^\//, '') as keyof CreateForm) : undefined;
    return name && FORM_FIELDS.includes(name) && typeof d.message === 'string' ? [{ name, errors: [d.message] }] : [];
  });
}

const accountOf = (s: SubscriptionView) => s.accountName ?? s.appKey;
/** An item as the catalog names it, its code in brackets (行政处罚信息（CF）); the code alone if the catalog no longer has it. */
const itemOf = (s: SubscriptionView) => (s.itemName ? t('{name}（{code}）', { name: s.itemName, code: s.itemCode ?? '' }) : s.itemCode);
const scopeOf = (s: SubscriptionView) => [FILTERS[s.filter], s.subjectId, itemOf(s)].filter(Boolean).join(' ');

/** Which subscription a confirmation is about: the account, what it subscribes to, where it goes. */
function Which({ s, children }: { s: SubscriptionView; children: ReactNode }) {
  return (
    <div style={{ maxWidth: 320, overflowWrap: 'anywhere' }} data-testid="subscription-confirm">
      <div>{t('系统账号：{name}', { name: accountOf(s) })}</div>
      <div>{t('订阅范围：{scope}', { scope: scopeOf(s) })}</div>
      <div>{s.webhookUrl ? t('接收地址：{url}', { url: s.webhookUrl }) : t('接收方式：只拉取')}</div>
      <div style={{ marginTop: 4 }}>{children}</div>
    </div>
  );
}

export function SubscriptionsPage() {
  const { message } = App.useApp();
  const [items, setItems] = useState<SubscriptionView[]>([]);
  const [accounts, setAccounts] = useState<ExchangeAccountView[]>([]);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<CreateForm>();
  const filter = Form.useWatch('filter', form);
  const wide = Grid.useBreakpoint().md !== false;

  const load = async () => {
    setLoading(true);
    try {
      setItems((await api<SubscriptionList>('GET', '/api/v1/exchange/subscriptions')).items);
      setAccounts((await api<{ items: ExchangeAccountView[] }>('GET', '/api/v1/exchange/accounts')).items);
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (s: SubscriptionView, action: 'pause' | 'resume' | 'delete') => {
    try {
      if (action === 'delete') await api('DELETE', `/api/v1/exchange/subscriptions/${s.id}`);
      else await api('POST', `/api/v1/exchange/subscriptions/${s.id}/${action}`, {});
      message.success(DONE[action]);
    } catch (err) {
      message.error(describeError(err));
    }
    await load();
  };

  // Closed by saving or by cancelling, the dialog opens empty next time.
  const close = () => {
    setCreating(false);
    form.resetFields();
  };

  const create = async () => {
    const v = await form.validateFields();
    try {
      await api('POST', '/api/v1/exchange/subscriptions', { ...v, webhookUrl: v.webhookUrl?.trim() || null });
      message.success(t('已新建订阅（已记入审计日志）'));
      close();
      await load();
    } catch (err) {
      // A refusal about a field is said under that field; anything else above the page.
      const fields = fieldErrors(err);
      if (fields.length > 0) form.setFields(fields);
      else message.error(describeError(err));
    }
  };

  // A disabled account's subscription sends nothing whatever its own status: said first.
  const status = (s: SubscriptionView) => (
    <>
      {!s.accountActive && <Tag color="red" title={t('系统账号已停用：不推送、不能拉取，变更暂存到重新启用')}>{t('账号已停用')}</Tag>}
      <Tag color={statusOf(s)?.color}>{statusOf(s)?.label ?? s.status}</Tag>
    </>
  );
  const counts = (s: SubscriptionView) => `${s.pending} / ${s.delivered} / ${s.dead}`;
  const actions = (s: SubscriptionView) => (
    <Space orientation={wide ? 'horizontal' : 'vertical'}>
      {s.status === 'active' ? (
        <Popconfirm title={t('暂停这项订阅？')} description={<Which s={s}>{t('暂停期间的变更在恢复后依次推送。')}</Which>} okText={t('暂停')} cancelText={t('取消')} onConfirm={() => act(s, 'pause')}>
          <Button size="small">{t('暂停')}</Button>
        </Popconfirm>
      ) : (
        <Popconfirm title={t('恢复这项订阅？')} description={<Which s={s}>{t('暂停期间的变更将依次推送。')}</Which>} okText={t('恢复')} cancelText={t('取消')} onConfirm={() => act(s, 'resume')}>
          <Button size="small">{t('恢复')}</Button>
        </Popconfirm>
      )}
      <Popconfirm title={t('删除这项订阅？')} description={<Which s={s}>{t('删除后不再推送，尚未投递的也不再投递。')}</Which>} okText={t('删除')} okButtonProps={{ danger: true }} cancelText={t('取消')} onConfirm={() => act(s, 'delete')}>
        <Button size="small" danger>{t('删除')}</Button>
      </Popconfirm>
    </Space>
  );
  const account = (s: SubscriptionView) => <>{accountOf(s)} <Typography.Text type="secondary" code>{s.appKey}</Typography.Text></>;
  const scope = (s: SubscriptionView) => <>{FILTERS[s.filter]} {s.subjectId ? <Typography.Text code>{s.subjectId.slice(0, 8)}</Typography.Text> : null}{s.itemCode ? <>{s.itemName ?? null} <Typography.Text type="secondary" code>{s.itemCode}</Typography.Text></> : null}</>;
  const url = (s: SubscriptionView) => (s.webhookUrl ? <span style={{ overflowWrap: 'anywhere' }}>{s.webhookUrl}</span> : <Typography.Text type="secondary">{t('只拉取')}</Typography.Text>);
  // Wide: a column per fact, each wide enough to read (the table scrolls inside its card below
  // their sum). A phone: the facts stacked in one column, the actions in another.
  const columns = wide
    ? [
        { title: t('系统账号'), width: 160, render: (_: unknown, s: SubscriptionView) => account(s) },
        { title: t('订阅范围'), width: 130, render: (_: unknown, s: SubscriptionView) => scope(s) },
        { title: t('接收地址'), width: 180, render: (_: unknown, s: SubscriptionView) => url(s) },
        { title: t('状态'), width: 80, render: (_: unknown, s: SubscriptionView) => status(s) },
        { title: t('待投递/已投递/投递失败'), width: 120, render: (_: unknown, s: SubscriptionView) => counts(s) },
        { title: t('新建时间'), width: 150, render: (_: unknown, s: SubscriptionView) => formatTime(s.createdAt) },
        { title: t('操作'), width: 150, render: (_: unknown, s: SubscriptionView) => actions(s) },
      ]
    : [
        {
          title: t('订阅|subscription'),
          render: (_: unknown, s: SubscriptionView) => (
            <Space orientation="vertical" size={2}>
              <span>{account(s)}</span>
              <span>{scope(s)}</span>
              {url(s)}
              <span>{status(s)} <Typography.Text type="secondary">{t('待投递/已投递/投递失败')} {counts(s)}</Typography.Text></span>
            </Space>
          ),
        },
        { title: t('操作'), width: 84, render: (_: unknown, s: SubscriptionView) => actions(s) },
      ];
  return (
    <Card title={t('数据订阅')} extra={<Space><Button onClick={() => void load()}>{t('刷新')}</Button><Button type="primary" onClick={() => setCreating(true)}>{t('新建订阅')}</Button></Space>}>
      <Alert style={{ marginBottom: 16 }} type="info" showIcon
        message={t('系统账号订阅信息变更：平台把每条变更签名后推送到接收地址（按主体保序、失败自动重试）；撤销等使信息不再公开的变更作为“删除通知”推送，接收方应删除所持有的该条信息；不填接收地址的只能拉取。')} />
      <WideTable<SubscriptionView> rowKey="id" data-testid="subscriptions" dataSource={items} loading={loading} pagination={false} scroll={wide ? { x: 970 } : { x: undefined }} locale={{ emptyText: t('还没有订阅') }} columns={columns} />
      <Modal open={creating} title={t('新建订阅')} okText={t('保存')} cancelText={t('取消')} onOk={() => void create()} onCancel={close} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ filter: 'all' }}>
          <Form.Item name="appKey" label={t('系统账号')} rules={[{ required: true, message: t('请选择系统账号') }]}>
            <Select options={accounts.filter((a) => a.status === 'active').map((a) => ({ value: a.appKey, label: `${a.name} · ${a.appKey}` }))} />
          </Form.Item>
          <Form.Item name="filter" label={t('订阅范围')}>
            <Select options={(Object.keys(FILTERS) as SubscriptionFilter[]).map((k) => ({ value: k, label: FILTERS[k] }))} />
          </Form.Item>
          {filter === 'subject' && (
            <Form.Item name="subject" label={t('主体（主体ID或统一社会信用代码）')} rules={[{ required: true, message: t('请填写主体') }]}>
              <Input />
            </Form.Item>
          )}
          {filter === 'item' && (
            <Form.Item name="itemCode" label={t('信息项代码（如CF）')} rules={[{ required: true, message: t('请填写信息项代码') }]} extra={t('大小写、全角半角均可，如cf即CF')}>
              <Input />
            </Form.Item>
          )}
          <Form.Item name="webhookUrl" label={t('接收地址（https；不填则只能拉取）')}>
            <Input placeholder="https://" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

const PAGE_SIZE = 20;

export function DeadLettersPage() {
  const { message } = App.useApp();
  const [data, setData] = useState<DeadLetterList>({ total: 0, items: [] });
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(true);

  const load = async (p = page) => {
    setLoading(true);
    try {
      setData(await api<DeadLetterList>('GET', `/api/v1/exchange/dead-letters?page=${p}&pageSize=${PAGE_SIZE}`));
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(page);
  }, [page]);

  const replay = async (d: DeadLetterView) => {
    try {
      await api('POST', `/api/v1/exchange/dead-letters/${d.id}/replay`, {});
      message.success(t('已重新投递（已记入审计日志）'));
    } catch (err) {
      message.error(describeError(err));
    }
    await load();
  };

  const wide = Grid.useBreakpoint().md !== false;
  // What the change was about: its event in words, the information item, the subject and the record.
  const about = (d: DeadLetterView) => t('主体{subject}，{object}', { subject: d.subjectId.slice(0, 8), object: d.objectType === 'record' ? t('记录{id}', { id: d.objectId.slice(0, 8) }) : `${d.objectType} ${d.objectId.slice(0, 8)}` });
  const change = (d: DeadLetterView) => (
    <Space orientation="vertical" size={0}>
      <span>{changeLabel(d.objectType, d.event)}{d.itemCode ? ` · ${d.itemCode}` : ''}{d.tombstone ? <Tag style={{ marginLeft: 4 }}>{t('删除通知')}</Tag> : null}</span>
      <Typography.Text type="secondary">{about(d)} · #{d.seq}</Typography.Text>
    </Space>
  );
  const url = (d: DeadLetterView) => <span style={{ overflowWrap: 'anywhere' }}>{d.webhookUrl ?? '—'}</span>;
  // The reason in a sentence; the technical detail (error code, HTTP status) below it for the receiver's operators.
  // A row written before the dispatcher split them may hold the bare technical text: it is read as a sentence too.
  const error = (d: DeadLetterView) => {
    const sentence = d.lastError ? failureSentence(d.lastError) : '—';
    const detail = d.lastErrorDetail ?? (d.lastError && sentence !== d.lastError ? d.lastError : null);
    return (
      <Space orientation="vertical" size={0}>
        <Typography.Text type="danger" style={{ overflowWrap: 'anywhere' }}>{sentence}</Typography.Text>
        {detail ? <Typography.Text type="secondary" style={{ overflowWrap: 'anywhere', fontSize: 12 }} data-testid="error-detail">{t('技术信息：{detail}', { detail })}</Typography.Text> : null}
      </Space>
    );
  };
  const action = (d: DeadLetterView) => (
    <Popconfirm title={t('重新投递这条推送？')} description={<div style={{ maxWidth: 320, overflowWrap: 'anywhere' }} data-testid="replay-confirm">{t('“{event}”（{about}）推送到{url}', { event: changeLabel(d.objectType, d.event), about: about(d), url: d.webhookUrl ?? '—' })}<br />{t('以原幂等键立即重新推送，尝试次数重新计算。')}</div>} okText={t('重新投递')} cancelText={t('取消')} onConfirm={() => replay(d)}>
      <Button size="small">{t('重新投递')}</Button>
    </Popconfirm>
  );
  const columns = wide
    ? [
        { title: t('系统账号'), width: 140, render: (_: unknown, d: DeadLetterView) => <Typography.Text code>{d.appKey}</Typography.Text> },
        { title: t('接收地址'), width: 180, render: (_: unknown, d: DeadLetterView) => url(d) },
        { title: t('变更'), width: 150, render: (_: unknown, d: DeadLetterView) => change(d) },
        { title: t('失败时间'), width: 150, render: (_: unknown, d: DeadLetterView) => formatTime(d.deadAt) },
        { title: t('尝试次数'), width: 80, render: (_: unknown, d: DeadLetterView) => d.attempts },
        { title: t('最后错误'), width: 180, render: (_: unknown, d: DeadLetterView) => error(d) },
        { title: t('操作'), width: 100, render: (_: unknown, d: DeadLetterView) => action(d) },
      ]
    : [
        {
          title: t('推送|delivery'),
          render: (_: unknown, d: DeadLetterView) => (
            <Space orientation="vertical" size={2}>
              <span>{change(d)}</span>
              <Typography.Text code>{d.appKey}</Typography.Text>
              {url(d)}
              <Typography.Text type="secondary">{t('{time}失败，尝试{n}次', { time: formatTime(d.deadAt), n: d.attempts })}</Typography.Text>
              {error(d)}
            </Space>
          ),
        },
        { title: t('操作'), width: 100, render: (_: unknown, d: DeadLetterView) => action(d) },
      ];

  return (
    <Card title={t('投递失败')} extra={<Button onClick={() => void load()}>{t('刷新')}</Button>}>
      <Alert style={{ marginBottom: 16 }} type="info" showIcon message={t('重试次数用尽仍未被接收方确认的推送。请接收方排除原因后点“重新投递”：以原幂等键重新推送，接收方不会重复处理。')} />
      <WideTable<DeadLetterView> rowKey="id" data-testid="dead-letters" dataSource={data.items} loading={loading} scroll={wide ? { x: 980 } : { x: undefined }} locale={{ emptyText: t('当前没有投递失败的推送') }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: data.total, onChange: setPage, showTotal: (n) => t('共{n}条', { n }) }}
        columns={columns} />
    </Card>
  );
}
