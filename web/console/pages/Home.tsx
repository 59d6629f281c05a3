/**
 * 工作台: what waits for this account, by role — each entry a link to the page where the work is
 * done — and the account's own recent sign-ins, so that one that was not its owner's is noticed.
 * Every part reads an existing endpoint on its own; one failing says so without hiding the rest.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Badge, Card, Descriptions, Space, Spin, Tag, Typography } from 'antd';
import type { AuditEventView } from '../../../common/audit-api';
import type { DeadLetterList } from '../../../common/exchange-api';
import type { FailedJobList } from '../../../common/jobs-api';
import type { LoginLockView, Role, UserView } from '../../../common/identity-api';
import type { SignInEventView } from '../../../common/sign-in-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { ROLE_LABELS, formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { mayOpen } from '../access';
import { failureSentence } from '../failure';
import { useDepartments, type BatchView, type QualityReport } from '../collection';
import type { Me } from '../session';

/** One thing to do: where it is done, what it is, and a line of detail. */
interface Entry {
  key: string;
  href: string;
  text: string;
  detail?: ReactNode;
}

interface Queue {
  entries: Entry[];
  /** How many there are in all (more than the entries shown, at times); no count when undefined. */
  total?: number;
}

/** Loads one part of the 工作台 once; `data` is null while loading. */
function useLoaded<T>(load: () => Promise<T>): { data: T | null; error: string } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const first = useRef(load);
  useEffect(() => {
    let live = true;
    first.current()
      .then((d) => live && setData(d))
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, []);
  return { data, error };
}

function QueueCard({ title, testId, queue, error, empty, link }: { title: string; testId: string; queue: Queue | null | undefined; error: string; empty: string; link: { href: string; text: string } }) {
  return (
    <Card size="small" data-testid={testId} style={{ height: '100%' }}
      title={<Space size={8} wrap>{title}{queue?.total !== undefined && <Badge count={queue.total} showZero color={queue.total > 0 ? '#fa541c' : '#bfbfbf'} overflowCount={999} />}</Space>}
      extra={<a href={link.href}>{link.text}</a>}>
      {error ? (
        <Alert type="error" showIcon message={error} />
      ) : !queue ? (
        <Spin size="small" />
      ) : queue.entries.length === 0 ? (
        <Typography.Text type="secondary">{empty}</Typography.Text>
      ) : (
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {queue.entries.map((e) => (
            <li key={e.key} data-testid="queue-entry" style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0', overflowWrap: 'anywhere' }}>
              <a href={e.href}>{e.text}</a>
              {e.detail && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{e.detail}</Typography.Text></div>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** This month in Beijing time, as 归集质量 reports it. */
const thisMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const SHOWN = 5;
const DAY = 86_400_000;
type Batches = { total: number; items: BatchView[] };
const batchName = (b: BatchView) => `${t('{name}（{code}）', { name: b.itemName, code: b.itemCode })} · ${b.fileName ?? t('接口报送')}`;
const joined = (parts: string[]) => parts.filter(Boolean).join(t('；'));

function ReviewQueue() {
  const { data, error } = useLoaded(() => api<Batches>('GET', `/api/v1/collection/batches?reviewStatus=pending&page=1&pageSize=${SHOWN}`));
  const queue = data && {
    total: data.total,
    entries: data.items.map((b) => ({
      key: b.id,
      href: '#/review',
      text: batchName(b),
      detail: joined([t('{name}提交于{time}', { name: b.submittedBy ?? '—', time: formatTime(b.createdAt) }), b.submittedByMe ? t('本人提交的批次须由其他审核员审核') : '']),
    })),
  };
  return <QueueCard title={t('待审核批次')} testId="queue-review" queue={queue} error={error} empty={t('没有待审核的批次')} link={{ href: '#/review', text: t('去审核') }} />;
}

/** How many of the department's latest batches are looked through for ones that came back. */
const RECENT_BATCHES = 50;

/** The department's latest batches that came back: returned by the reviewer, or not imported at all. */
function ReturnedBatches() {
  const { data, error } = useLoaded(() => api<Batches>('GET', `/api/v1/collection/batches?page=1&pageSize=${RECENT_BATCHES}`));
  const back = data?.items.filter((b) => b.review.status === 'rejected' || b.status === 'failed');
  const queue = back && {
    total: back.length,
    entries: back.slice(0, SHOWN).map((b) => ({
      key: b.id,
      href: '#/batches',
      text: batchName(b),
      detail:
        b.status === 'failed'
          ? t('未导入：{reason}', { reason: (b.failure ?? '').split('\n')[0] ?? '' })
          : t('已退回（{time}）：{reason}', { time: b.review.at ? formatTime(b.review.at) : '—', reason: b.review.reason ?? '' }),
    })),
  };
  return (
    <QueueCard title={t('被退回或未导入的批次')} testId="queue-returned" queue={queue} error={error}
      empty={t('最近{n}个批次中没有被退回或未导入的', { n: RECENT_BATCHES })} link={{ href: '#/batches', text: t('查看批次') }} />
  );
}

/** The department's records of this month submitted after the 双公示 limit. */
function OverdueRecords() {
  const { data, error } = useLoaded(() => api<QualityReport>('GET', `/api/v1/collection/quality?month=${thisMonth()}`));
  const queue = data && {
    total: data.overdue.length,
    entries: data.overdue.slice(0, SHOWN).map((o) => ({
      key: o.recordId,
      href: '#/quality',
      text: t('{name}（{code}）', { name: o.documentNumber, code: o.itemCode }),
      detail: t('决定日期{decided}，报送于{submitted}，用了{days}个工作日（时限{limit}个）', { decided: o.decisionDate, submitted: o.submitted, days: o.workingDays, limit: data.limitWorkingDays }),
    })),
  };
  return <QueueCard title={t('本月超期报送的记录')} testId="queue-overdue" queue={queue} error={error} empty={t('本月没有超期报送的记录')} link={{ href: '#/quality', text: t('查看归集质量') }} />;
}

/** The credit office: departments that submitted records late this month, most first. */
function OverdueDepartments() {
  const { data, error } = useLoaded(() => api<QualityReport>('GET', `/api/v1/collection/quality?month=${thisMonth()}`));
  let queue: Queue | null = null;
  if (data) {
    const late = new Map<string, { name: string; n: number }>();
    for (const row of data.rows) {
      if (row.timeliness.late === 0) continue;
      const d = late.get(row.departmentId) ?? { name: row.departmentName, n: 0 };
      d.n += row.timeliness.late;
      late.set(row.departmentId, d);
    }
    const sorted = [...late.entries()].sort((a, b) => b[1].n - a[1].n);
    queue = {
      total: sorted.length,
      entries: sorted.slice(0, SHOWN).map(([id, d]) => ({ key: id, href: '#/quality', text: d.name, detail: t('本月超期报送{n}条（超过{limit}个工作日）', { n: d.n, limit: data.limitWorkingDays }) })),
    };
  }
  return <QueueCard title={t('本月有超期报送的部门')} testId="queue-overdue-departments" queue={queue} error={error} empty={t('本月没有超期报送的部门')} link={{ href: '#/quality', text: t('查看归集质量') }} />;
}

/** The credit office: the batches that have waited longest for their department's reviewer. */
function LongestWaiting() {
  const departments = useDepartments(true);
  const { data, error } = useLoaded(async () => {
    const url = (page: number, size: number) => `/api/v1/collection/batches?reviewStatus=pending&page=${page}&pageSize=${size}`;
    const { total } = await api<Batches>('GET', url(1, 1));
    // Listed newest first: the oldest are on the last page, and may go on from the one before it.
    const last = Math.ceil(total / SHOWN);
    const pages = await Promise.all([last, last - 1].filter((p) => p >= 1).map((p) => api<Batches>('GET', url(p, SHOWN))));
    return { total, oldest: pages.flatMap((p) => p.items).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, SHOWN) };
  });
  const now = Date.now();
  const queue = data && {
    total: data.total,
    entries: data.oldest.map((b) => {
      const days = Math.floor((now - Date.parse(b.createdAt)) / DAY);
      return {
        key: b.id,
        href: '#/batches',
        text: batchName(b),
        detail: joined([departments.find((d) => d.id === b.departmentId)?.name ?? '', days < 1 ? t('今天提交') : t('已等待{n}天', { n: days }), t('提交于{time}', { time: formatTime(b.createdAt) })]),
      };
    }),
  };
  return <QueueCard title={t('等待审核最久的批次')} testId="queue-waiting" queue={queue} error={error} empty={t('没有等待审核的批次')} link={{ href: '#/batches', text: t('查看批次') }} />;
}

/** The security administrator: sign-ins paused now (登录锁定), each lifted there. */
function SignInPauses() {
  const { data, error } = useLoaded(() => api<LoginLockView[]>('GET', '/api/v1/security/login-locks'));
  const queue = data && {
    total: data.length,
    entries: data.slice(0, SHOWN).map((l) => ({
      key: l.id,
      href: '#/login-locks',
      text: l.username ? t('{name}（{username}）', { name: l.displayName ?? l.username, username: l.username }) : t('不存在的用户名'),
      detail: l.source ? t('暂停来自{source}的登录，至{time}', { source: l.source, time: formatTime(l.until) }) : t('陌生地址逐次延迟，至{time}', { time: formatTime(l.until) }),
    })),
  };
  return <QueueCard title={t('当前登录暂停')} testId="queue-locks" queue={queue} error={error} empty={t('当前没有登录锁定')} link={{ href: '#/login-locks', text: t('查看登录锁定') }} />;
}

/**
 * The audit administrator: the outcome of the latest 校验哈希链. Not run from here: it reads the
 * whole log, which is the auditor's decision to start on the 审计日志 page.
 */
function ChainStatus() {
  const { data, error } = useLoaded(() => api<{ total: number; items: AuditEventView[] }>('GET', '/api/v1/audit/events?category=security&event=audit.verify&limit=1'));
  const last = data?.items[0];
  const queue = data && {
    entries: last
      ? [{
          key: String(last.seq),
          href: '#/audit',
          text: last.result === 'success' ? t('上次校验：哈希链完整') : t('上次校验：哈希链异常'),
          detail: joined([t('{name}校验于{time}', { name: last.actor.name ?? '—', time: formatTime(last.at) }), last.reason ?? '']),
        }]
      : [],
  };
  return <QueueCard title={t('审计日志完整性')} testId="queue-chain" queue={queue} error={error} empty={t('尚未校验过哈希链')} link={{ href: '#/audit', text: t('去校验') }} />;
}

/** The system administrator: accounts given a one-time password that have not finished signing in. */
function PendingAccounts() {
  const { data, error } = useLoaded(() => api<UserView[]>('GET', '/api/v1/users'));
  const pending = data?.filter((u) => u.status === 'active' && (u.mustChangePassword || !u.totpEnrolled));
  const queue = pending && {
    total: pending.length,
    entries: pending.slice(0, SHOWN).map((u) => ({
      key: u.id,
      href: '#/users',
      text: t('{name}（{username}）', { name: u.displayName, username: u.username }),
      detail: u.mustChangePassword ? t('尚未用一次性密码登录并修改密码') : t('尚未绑定动态验证码'),
    })),
  };
  return <QueueCard title={t('尚未完成首次登录的账户')} testId="queue-accounts" queue={queue} error={error} empty={t('所有账户都已完成首次登录')} link={{ href: '#/users', text: t('查看用户列表') }} />;
}

/**
 * When and how often it failed, then why in a Chinese sentence; the raw error (often English from
 * Node or the database) only on hover, for the system administrator who looks into it.
 */
function FailureDetail({ at, attempts, error, raw }: { at: string; attempts: number; error: string | null; raw: string | null }) {
  const when = t('{time}失败，尝试{n}次', { time: formatTime(at), n: attempts });
  if (!error) return <>{when}</>;
  const sentence = failureSentence(error);
  const technical = raw ?? (sentence === error ? null : error);
  return (
    <>
      {when}{t('；')}
      <span data-testid="failure" title={technical ? t('技术信息：{detail}', { detail: technical }) : undefined}>{sentence}</span>
    </>
  );
}

/** 后台任务 (the credit office, the system administrator): jobs that stopped after their last attempt. */
function FailedJobs() {
  const { data, error } = useLoaded(() => api<FailedJobList>('GET', `/api/v1/jobs/failed?page=1&pageSize=${SHOWN}`));
  const queue = data && {
    total: data.total,
    entries: data.items.map((j) => ({
      key: String(j.id),
      href: '#/jobs',
      text: t(j.kindLabel),
      detail: <FailureDetail at={j.failedAt} attempts={j.attempts} error={j.lastError} raw={null} />,
    })),
  };
  return <QueueCard title={t('失败的后台任务')} testId="queue-jobs" queue={queue} error={error} empty={t('没有失败的后台任务')} link={{ href: '#/jobs', text: t('查看后台任务') }} />;
}

/** 投递失败 (the credit office): webhook deliveries no receiver acknowledged within their attempts. */
function DeadLetters() {
  const { data, error } = useLoaded(() => api<DeadLetterList>('GET', `/api/v1/exchange/dead-letters?page=1&pageSize=${SHOWN}`));
  const queue = data && {
    total: data.total,
    entries: data.items.map((d) => ({
      key: d.id,
      href: '#/dead-letters',
      text: d.webhookUrl ?? d.appKey,
      // The dispatcher already split its sentence from the technical part (an HTTP status, an error code).
      detail: <FailureDetail at={d.deadAt} attempts={d.attempts} error={d.lastError} raw={d.lastErrorDetail} />,
    })),
  };
  return <QueueCard title={t('投递失败的推送')} testId="queue-dead-letters" queue={queue} error={error} empty={t('没有投递失败的推送')} link={{ href: '#/dead-letters', text: t('查看投递失败') }} />;
}

/** A sign-in attempt's outcome: success is the password's (a second factor follows it). */
const SIGN_IN_RESULT: Record<SignInEventView['result'], { text: string; color: string }> = {
  success: { text: t('密码验证通过'), color: 'green' },
  failure: { text: t('失败'), color: 'red' },
  denied: { text: t('拒绝'), color: 'orange' },
};
const SIGN_IN_REASON: Record<NonNullable<SignInEventView['reason']>, string> = {
  wrongPassword: t('密码错误'),
  wrongSecondFactor: t('动态验证码或恢复码错误'),
  paused: t('该地址的登录已暂停'),
  disabled: t('账户已停用'),
};

function RecentSignIns() {
  const [rows, setRows] = useState<SignInEventView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<SignInEventView[]>('GET', '/api/v1/auth/me/sign-ins').then(setRows).catch((err) => setError(describeError(err)));
  }, []);
  return (
    <Card size="small" title={t('最近登录')} data-testid="recent-sign-ins">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('本账户最近10次登录尝试。如有不是您本人的登录，请立即联系安全管理员。')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} />}
      <WideTable<SignInEventView>
        rowKey={(r) => `${r.at}-${r.ip ?? ''}-${r.result}`}
        size="small"
        loading={rows === null && !error}
        dataSource={rows ?? []}
        pagination={false}
        locale={{ emptyText: t('暂无登录记录') }}
        columns={[
          { title: t('登录时间'), dataIndex: 'at', render: formatTime, width: 170 },
          { title: t('登录地址'), dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
          {
            title: t('结果'),
            render: (_: unknown, r: SignInEventView) => (
              <Space size={4} wrap={false}>
                <Tag color={SIGN_IN_RESULT[r.result].color} style={{ marginInlineEnd: 0 }}>{SIGN_IN_RESULT[r.result].text}</Tag>
                {r.reason && <Typography.Text type="secondary">{SIGN_IN_REASON[r.reason]}</Typography.Text>}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** Two columns where two cards of 420 px fit, one on a phone; no negative margins to widen the page. */
const GRID = { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 420px), 1fr))', gap: 16 } as const;

export function HomePage({ me }: { me: Me }) {
  const has = (r: Role) => me.user.roles.includes(r);
  const parts: { key: string; node: ReactNode }[] = [];
  if (has('reviewer')) parts.push({ key: 'review', node: <ReviewQueue /> });
  if (has('submitter')) parts.push({ key: 'returned', node: <ReturnedBatches /> }, { key: 'overdue', node: <OverdueRecords /> });
  if (has('creditOffice')) parts.push({ key: 'departments', node: <OverdueDepartments /> }, { key: 'waiting', node: <LongestWaiting /> });
  if (has('secAdmin')) parts.push({ key: 'locks', node: <SignInPauses /> });
  if (has('auditAdmin')) parts.push({ key: 'chain', node: <ChainStatus /> });
  if (has('sysAdmin')) parts.push({ key: 'accounts', node: <PendingAccounts /> });
  // Only where the page the card links to opens for this account (the menu's own rule).
  if (mayOpen('jobs', me.user.roles)) parts.push({ key: 'jobs', node: <FailedJobs /> });
  if (mayOpen('dead-letters', me.user.roles)) parts.push({ key: 'dead-letters', node: <DeadLetters /> });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>{t('工作台')}</Typography.Title>
      {parts.length === 0 ? (
        <Alert type="info" showIcon message={t('当前角色在工作台上没有待办事项。')} />
      ) : (
        <div style={GRID}>
          {parts.map((p) => <div key={p.key} style={{ minWidth: 0 }}>{p.node}</div>)}
        </div>
      )}
      <div style={GRID}>
        <div style={{ minWidth: 0 }}><RecentSignIns /></div>
        <div style={{ minWidth: 0 }}>
          <Card size="small" title={t('本账户')}>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('用户|field')}>{t('{name}（{username}）', { name: me.user.displayName, username: me.user.username })}</Descriptions.Item>
              <Descriptions.Item label={t('角色')}>{me.user.roles.map((r) => <Tag key={r}>{t(ROLE_LABELS[r] ?? r)}</Tag>)}</Descriptions.Item>
              <Descriptions.Item label={t('动态验证码')}>{me.user.totpEnrolled ? t('已绑定') : t('未绑定')}</Descriptions.Item>
            </Descriptions>
          </Card>
        </div>
      </div>
    </Space>
  );
}
