/**
 * The audit administrator's two views. 审计日志: the whole stream, events named in words (the code
 * beside, for integrators), with chain verification. 查询登记: only the registered queries — who
 * looked up whom, why, how many results — from their own API, so neither view can show the other's
 * rows. Both search events by words, resolved to codes on the server (paging and totals stay right).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Grid, Input, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { AuditActorView, AuditEventView as AuditEvent, ChainStatus, QueryRegistrationView as QueryRegistration, VerificationView as Verification } from '../../../common/audit-api';
import { eventLabel } from '../../../common/audit-events';
import { api, describeError } from '../../ui/api';
import { colon, inBrackets, t } from '../../ui/i18n';
import { CATEGORY_LABELS, RESULT_LABELS, ROLE_LABELS, formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { auditChanges } from '../audit-details';

/** 张三（数据报送员、审核员）; the name alone when the actor has no roles. */
function actorText(actor: AuditActorView): string {
  const name = actor.name ?? '—';
  if (actor.roles.length === 0) return name;
  return t('{name}（{roles}）', { name, roles: actor.roles.map((x) => t(ROLE_LABELS[x] ?? x)).join(t('、')) });
}

/** The actor, their department below. */
function Actor({ actor }: { actor: AuditActorView }) {
  return (
    <>
      <div>{actorText(actor)}</div>
      {actor.departmentName && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{actor.departmentName}</Typography.Text>}
    </>
  );
}

/** An event in words, its code small below. */
function EventName({ code }: { code: string }) {
  return (
    <>
      <div>{t(eventLabel(code))}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="event-code">{code}</Typography.Text>
    </>
  );
}

const resultTag = (r: string) => <Tag color={RESULT_LABELS[r]?.color}>{t(RESULT_LABELS[r]?.text ?? r)}</Tag>;

interface Filters {
  words: string;
  range: [Dayjs, Dayjs] | null;
  category?: string | undefined;
}

/**
 * One page of `path` under the filters; a stale answer (the filters changed meanwhile) is dropped,
 * so an earlier request can never overwrite a later one.
 */
function usePage<T>(path: string, filters: Filters) {
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    const q = new URLSearchParams({
      limit: String(pageSize),
      offset: String((page - 1) * pageSize),
      ...(filters.category ? { category: filters.category } : {}),
      ...(filters.words ? { q: filters.words } : {}),
      ...(filters.range ? { from: filters.range[0].startOf('day').toISOString(), to: filters.range[1].endOf('day').toISOString() } : {}),
    });
    setLoading(true);
    api<{ total: number; items: T[] }>('GET', `${path}?${q}`)
      .then((r) => {
        if (!live) return;
        setRows(r.items);
        setTotal(r.total);
        setError('');
      })
      .catch((err) => live && setError(describeError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path, page, pageSize, filters]);

  const pagination = { current: page, pageSize, total, showSizeChanger: true, pageSizeOptions: [10, 20, 50], onChange: (p: number, s: number) => { setPage(p); setPageSize(s); } };
  return { rows, loading, error, pagination, firstPage: () => setPage(1) };
}

/** The search box and date range both views share; `extra` goes before them. */
function FilterBar({ filters, onChange, placeholder, extra }: { filters: Filters; onChange: (f: Filters) => void; placeholder: string; extra?: ReactNode }) {
  return (
    <Space wrap>
      {extra}
      <Input.Search allowClear maxLength={64} placeholder={placeholder} aria-label={t('按事件查找')} style={{ width: 280, maxWidth: '100%' }} onSearch={(v) => onChange({ ...filters, words: v.trim() })} />
      <DatePicker.RangePicker onChange={(v) => onChange({ ...filters, range: v && v[0] && v[1] ? [v[0], v[1]] : null })} />
    </Space>
  );
}

/**
 * Whether audit rows are being linked into the chain, as the database says (any process, any
 * restart): shown only when they are not — a failed pass, or rows waiting too long.
 */
function ChainingAlert({ status }: { status: ChainStatus | null }) {
  if (!status || (!status.failure && !status.overdue)) return null;
  return (
    <Alert
      data-testid="audit-chaining"
      style={{ marginBottom: 8 }}
      type="error"
      showIcon
      message={t('审计记录未能链入哈希链：{count}条记录等待链接，最早一条写于{at}', { count: status.pending, at: status.oldestPendingAt ? formatTime(status.oldestPendingAt) : '—' })}
      description={
        <>
          {status.failure && <div>{t('最近一次链接失败（{at}）：{message}', { at: status.failure.at ? formatTime(status.failure.at) : '—', message: status.failure.message })}</div>}
          <div>{t('记录已保存，不会丢失，链接恢复后自动补上。请检查数据库连接和应用角色的权限（npm run db:grant），见运维文档“审计日志”。')}</div>
        </>
      }
    />
  );
}

function VerificationCard() {
  const [verification, setVerification] = useState<Verification | null>(null);
  const [chaining, setChaining] = useState<ChainStatus | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    api<ChainStatus>('GET', '/api/v1/audit/status').then((s) => live && setChaining(s), () => {});
    return () => {
      live = false;
    };
  }, []);
  const verify = async () => {
    try {
      const v = await api<Verification>('GET', '/api/v1/audit/verify');
      setVerification(v);
      setChaining(v.chaining);
      setError('');
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <Card title={t('完整性校验')} extra={<Button onClick={() => void verify()}>{t('校验哈希链')}</Button>}>
      <ChainingAlert status={chaining} />
      {error && <Alert type="error" showIcon message={error} />}
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
      {verification || error ? null : t('点击“校验哈希链”重新计算全部记录的哈希并与外部检查点比对。')}
    </Card>
  );
}

/** 审计日志: every event of the log. */
export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ words: '', range: null });
  const list = usePage<AuditEvent>('/api/v1/audit/events', filters);
  const change = (f: Filters) => { setFilters(f); list.firstPage(); };
  // On a phone the filters go under the title (beside it they squeeze it to nothing) and each event
  // is one stacked row, instead of a table whose columns after 时间 are off-screen.
  const narrow = Grid.useBreakpoint().md === false;
  const filterBar = (
    <FilterBar filters={filters} onChange={change} placeholder={t('事件，如 登录')} extra={
      <Select allowClear placeholder={t('类别')} aria-label={t('类别')} style={{ width: 120 }} value={filters.category} onChange={(v?: string) => change({ ...filters, category: v })}
        options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label: t(label) }))} />
    } />
  );

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <VerificationCard />
      <Card title={t('审计日志')} extra={narrow ? undefined : filterBar}>
        {narrow && <div style={{ marginBottom: 12 }}>{filterBar}</div>}
        {list.error && <Alert type="error" showIcon message={list.error} />}
        <WideTable<AuditEvent>
          rowKey="seq"
          size="small"
          // Stacked rows wrap within the screen instead of growing to their content's width.
          {...(narrow ? { scroll: { x: '100%' } } : {})}
            dataSource={list.rows}
          loading={list.loading}
          pagination={list.pagination}
          expandable={{ expandedRowRender: (r) => (
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('对象')}>{r.object.type} {r.object.id}</Descriptions.Item>
              <Descriptions.Item label={t('原因')}>{r.reason ?? '—'}</Descriptions.Item>
              {r.category === 'query' && <Descriptions.Item label={t('查询目的')}>{r.purpose ?? '—'}</Descriptions.Item>}
              <Descriptions.Item label={t('授权书编号')}>{r.authorizationRef ?? '—'}</Descriptions.Item>
              {auditChanges(r.details).map((c) => (
                <Descriptions.Item key={c.label} label={c.label}>
                  <div data-testid="audit-change" style={{ overflowWrap: 'anywhere' }}>
                    <div><Typography.Text type="secondary">{t('原值')}{colon()}</Typography.Text>{c.before}</div>
                    <div><Typography.Text type="secondary">{t('新值')}{colon()}</Typography.Text>{c.after}</div>
                  </div>
                </Descriptions.Item>
              ))}
              <Descriptions.Item label={t('详情')}><code style={{ overflowWrap: 'anywhere' }}>{JSON.stringify(r.details)}</code></Descriptions.Item>
            </Descriptions>
          ) }}
          columns={narrow ? [
            { title: t('审计事件'), key: 'event', render: (_: unknown, r: AuditEvent) => (
              <div data-testid="audit-event-stacked" style={{ overflowWrap: 'anywhere' }}>
                <Space wrap size={4}>
                  <Typography.Text type="secondary">#{r.seq}</Typography.Text>
                  <Typography.Text type="secondary">{formatTime(r.at)}</Typography.Text>
                  <Tag>{t(CATEGORY_LABELS[r.category] ?? r.category)}</Tag>
                  {resultTag(r.result)}
                </Space>
                <EventName code={r.event} />
                <Actor actor={r.actor} />
                {r.ip && <Typography.Text type="secondary" style={{ fontSize: 12 }}>IP {r.ip}</Typography.Text>}
              </div>
            ) },
          ] : [
            { title: t('序号'), dataIndex: 'seq', width: 80 },
            { title: t('时间（北京时间）'), dataIndex: 'at', render: formatTime, width: 170 },
            { title: t('类别'), dataIndex: 'category', render: (c: string) => t(CATEGORY_LABELS[c] ?? c), width: 90 },
            { title: t('事件'), dataIndex: 'event', render: (e: string) => <EventName code={e} /> },
            { title: t('操作人'), render: (_: unknown, r: AuditEvent) => <Actor actor={r.actor} /> },
            { title: 'IP', dataIndex: 'ip', width: 120 },
            { title: t('结果'), dataIndex: 'result', width: 80, render: resultTag },
          ]}
        />
      </Card>
    </Space>
  );
}

/** What a registered query looked up: its subjects by name (persons masked), else the record or route. */
function QueryObject({ r }: { r: QueryRegistration }) {
  const subjects = r.subjects.map((s) => s.name ?? t('主体 {id}', { id: s.id.slice(0, 8) })).join(t('、'));
  const more = r.subjectsMore > 0 ? t('等{count}个主体', { count: r.subjects.length + r.subjectsMore }) : '';
  if (r.object.type === 'record' && r.object.id) {
    return (
      <>
        <div>{t('记录 {id}', { id: (r.object.id ?? '—').slice(0, 8) })}</div>
        {subjects && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{subjects}{more}</Typography.Text>}
      </>
    );
  }
  if (r.object.type === 'route') return <Typography.Text code>{r.object.id}</Typography.Text>;
  if (subjects) return <>{subjects}{more}</>;
  return <Typography.Text type="secondary">{r.resultCount === 0 ? t('无结果') : '—'}</Typography.Text>;
}

/** 查询登记: the registered queries, never the audit administrator's own reads. */
export function QueriesPage() {
  const [filters, setFilters] = useState<Filters>({ words: '', range: null });
  const list = usePage<QueryRegistration>('/api/v1/audit/queries', filters);
  const change = (f: Filters) => { setFilters(f); list.firstPage(); };
  // As on 审计日志: on a phone the filters go under the title, which beside them wrapped a
  // character a line (or was cut) at 375 px.
  const narrow = Grid.useBreakpoint().md === false;
  const filterBar = <FilterBar filters={filters} onChange={change} placeholder={t('查询，如 检索主体')} />;

  return (
    <Card title={t('查询登记')} extra={narrow ? undefined : filterBar} data-testid="queries-card">
      {narrow && <div style={{ marginBottom: 12 }}>{filterBar}</div>}
      <Typography.Paragraph type="secondary">
        {t('查询非公开信息须说明查询目的，每次查询登记在此：谁、何时、以什么目的查询了哪些主体或记录，看到几条结果。自然人姓名遮蔽显示。')}
      </Typography.Paragraph>
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <WideTable<QueryRegistration>
        rowKey="seq"
        size="small"
        dataSource={list.rows}
        loading={list.loading}
        pagination={list.pagination}
        locale={{ emptyText: t('暂无查询登记') }}
        expandable={{ expandedRowRender: (r) => (
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t('对象')}>{r.object.type} {r.object.id}</Descriptions.Item>
            {r.subjects.length > 0 && <Descriptions.Item label={t('主体')}>{r.subjects.map((s) => `${s.name ?? '—'}${inBrackets(s.id)}`).join(t('、'))}</Descriptions.Item>}
            {r.filters && <Descriptions.Item label={t('检索条件')}><code style={{ overflowWrap: 'anywhere' }}>{JSON.stringify(r.filters)}</code></Descriptions.Item>}
            <Descriptions.Item label={t('原因')}>{r.reason ?? '—'}</Descriptions.Item>
            <Descriptions.Item label="IP">{r.ip ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('请求编号')}>{r.requestId ?? '—'}</Descriptions.Item>
          </Descriptions>
        ) }}
        columns={[
          { title: t('时间（北京时间）'), dataIndex: 'at', render: formatTime, width: 170 },
          { title: t('查询人'), render: (_: unknown, r: QueryRegistration) => <Actor actor={r.actor} /> },
          { title: t('查询|kind'), dataIndex: 'event', render: (e: string) => <EventName code={e} /> },
          // A search that found many subjects lists them over lines, not in one long line that would
          // push 查询目的 (what the auditor asks first) off the screen at 1366 px.
          { title: t('查询对象'), render: (_: unknown, r: QueryRegistration) => <div style={{ maxWidth: 220, overflowWrap: 'anywhere' }}><QueryObject r={r} /></div> },
          {
            title: t('查询目的'),
            render: (_: unknown, r: QueryRegistration) => (r.purpose ? (r.purposeLabel ?? r.purpose) : <Tag color="orange">{t('未说明')}</Tag>),
          },
          { title: t('授权书编号'), dataIndex: 'authorizationRef', render: (v: string | null) => v ?? '—' },
          { title: t('结果数'), dataIndex: 'resultCount', width: 80, render: (v: number | null) => v ?? '—' },
          { title: t('结果'), dataIndex: 'result', width: 80, render: resultTag },
        ]}
      />
    </Card>
  );
}
