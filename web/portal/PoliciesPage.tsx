/**
 * 政策法规: the laws, regulations and documents the platform's catalog rests on (catalog/
 * legal-instruments.yaml), from GET /api/v1/catalog/policies.
 *
 * - #/policies?q=&level= — the list, searchable by title, document number or issuer, filtered by level
 *   (the address says which, so a filtered list can be bookmarked or gone back to);
 * - #/policies/<code> — one instrument: its standing (现行有效 / 尚未施行 / 已修改 / 已废止), whether it
 *   has been checked against its source, the articles the catalog cites and what rests on each, and
 *   the information items, measures and lists resting on it;
 * - #/policies/measures/<code>, /list-types/<code>, /info-items/<code> — one catalog entry with the
 *   instruments it rests on, each linking back (the other direction of the same links).
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Card, Descriptions, Empty, Grid, Input, List, Radio, Space, Spin, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { PolicyDetail, PolicyLevel, PolicyLink, PolicyLinkKind, PolicyList, PolicyStatus, PolicySummary } from '../../common/policies-api';
import { t } from '../ui/i18n';
import { go, type Route } from './route';
import { useAnswer } from './use-answer';

const LEVELS: Record<PolicyLevel, string> = {
  law: '法律',
  administrativeRegulation: '行政法规',
  judicialInterpretation: '司法解释',
  departmentalRule: '部门规章',
  localRegulation: '地方性法规',
  policyDocument: '规范性文件',
  nationalStandard: '国家标准',
};

const STATUS: Record<PolicyStatus, { label: string; color: string }> = {
  inForce: { label: '现行有效', color: 'green' },
  notYetInForce: { label: '尚未施行', color: 'blue' },
  amended: { label: '已修改', color: 'orange' },
  repealed: { label: '已废止', color: 'red' },
};

/** What rests on an instrument; kinds with a page of their own link to it. */
const KINDS: Record<PolicyLinkKind, { label: string; path?: string }> = {
  infoItem: { label: '信息项', path: 'info-items' },
  measure: { label: '守信激励和失信惩戒措施', path: 'measures' },
  listType: { label: '信用名单', path: 'list-types' },
  periodRule: { label: '失信信息公示期限规则' },
  timeLimit: { label: '办理时限' },
};
const ENTRY_PATHS: Record<string, PolicyLinkKind> = { 'info-items': 'infoItem', measures: 'measure', 'list-types': 'listType' };

export const policyHref = (code: string) => `#/policies/${encodeURIComponent(code)}`;
const entryHref = (l: { kind: PolicyLinkKind; code: string }) => (KINDS[l.kind].path ? `#/policies/${KINDS[l.kind].path}/${encodeURIComponent(l.code)}` : undefined);

export function PoliciesPage({ route }: { route: Route }) {
  const [, second, third] = route.path;
  if (second && third && ENTRY_PATHS[second]) return <EntryPage kind={ENTRY_PATHS[second]} path={second} code={third} />;
  if (second) return <InstrumentPage code={second} />;
  return <PolicyListPage route={route} />;
}

function StatusTags({ p }: { p: Pick<PolicySummary, 'status' | 'verification'> }) {
  return (
    <>
      <Tag color={STATUS[p.status].color}>{t(STATUS[p.status].label)}</Tag>
      {p.verification === 'verified' ? <Tag>{t('已核实')}</Tag> : <Tag color="orange">{t('待核实')}</Tag>}
    </>
  );
}


/** Opened from a list, the keyboard and a screen reader start at the page's heading. */
function Heading({ children, ready }: { children: ReactNode; ready: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (ready) ref.current?.focus({ preventScroll: true });
  }, [ready]);
  return (
    <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>
      <span ref={ref} tabIndex={-1} style={{ outline: 'none' }}>{children}</span>
    </Typography.Title>
  );
}

function PolicyListPage({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  const levelParam = route.params.get('level') ?? '';
  // A level the page does not know (an edited address) is ignored.
  const level = levelParam in LEVELS ? (levelParam as PolicyLevel) : '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const query = new URLSearchParams({ ...(q ? { q } : {}), ...(level ? { level } : {}) }).toString();
  const { data, error, loading } = useAnswer<PolicyList>(`/api/v1/catalog/policies${query ? `?${query}` : ''}`);
  // The level counts are of the search without the level filter, so every level stays in sight.
  const all = useAnswer<PolicyList>(`/api/v1/catalog/policies${q ? `?${new URLSearchParams({ q })}` : ''}`);
  const levels = all.data?.levels ?? [];

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('政策法规')}</Typography.Title>} data-testid="policies">
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('本平台的信息目录、信用名单和奖惩措施所依据的法律、法规和政策文件，注明时效性、施行日期和是否已对照原文核实。')}
        </Typography.Paragraph>
        <Input.Search
          aria-label={t('搜索政策法规')}
          placeholder={t('输入名称、文号或制定机关')}
          value={text}
          maxLength={100}
          allowClear
          enterButton={t('搜索')}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => go('policies', { q: v.trim(), level })}
        />
        <Radio.Group
          aria-label={t('效力级别')}
          optionType="button"
          size="small"
          value={level}
          onChange={(e) => go('policies', { q, level: e.target.value })}
          style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4 }}
          options={[
            { value: '', label: t('全部（{count}）', { count: all.data?.total ?? 0 }) },
            ...levels.map((l) => ({ value: l.level, label: t('{label}（{count}）', { label: t(LEVELS[l.level]), count: l.count }) })),
          ]}
        />
        {error && <Alert type="error" showIcon message={error} />}
        {loading && <Spin />}
        {data && (
          <List
            data-testid="policy-list"
            header={<Typography.Text>{t('共{count}件', { count: data.total })}</Typography.Text>}
            dataSource={data.items}
            locale={{ emptyText: <Empty description={t('没有符合条件的政策法规')} /> }}
            renderItem={(p) => (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Link href={policyHref(p.code)} strong style={{ fontSize: 16 }}>{p.title}</Typography.Link>
                  <Space wrap size={4}>
                    <Tag color="geekblue">{t(LEVELS[p.level])}</Tag>
                    <StatusTags p={p} />
                  </Space>
                  <Typography.Text type="secondary">
                    {[p.issuer, p.number, t('{date}施行', { date: p.effectiveDate })].filter(Boolean).join(' · ')}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    {t('依据本文件的：信息项{items}项、措施{measures}项、名单{lists}项', { items: p.counts.infoItem, measures: p.counts.measure, lists: p.counts.listType })}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Space>
    </Card>
  );
}

function LinkList({ links }: { links: PolicyLink[] }) {
  return (
    <Space wrap size={[12, 4]}>
      {links.map((l) => {
        const href = entryHref(l);
        const label = `${l.name}（${l.code}）`;
        return href ? <Typography.Link key={`${l.kind}${l.code}`} href={href}>{label}</Typography.Link> : <Typography.Text key={`${l.kind}${l.code}`}>{label}</Typography.Text>;
      })}
    </Space>
  );
}

function InstrumentPage({ code }: { code: string }) {
  const { data: p, error, loading } = useAnswer<PolicyDetail>(`/api/v1/catalog/policies/${encodeURIComponent(code)}`);
  const narrow = !Grid.useBreakpoint().sm;
  const byKind = (Object.keys(KINDS) as PolicyLinkKind[]).map((k) => ({ kind: k, links: (p?.citedBy ?? []).filter((l) => l.kind === k) })).filter((g) => g.links.length > 0);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Link href="#/policies" data-testid="policy-back"><ArrowLeftOutlined /> {t('返回政策法规列表')}</Typography.Link>
      {error && <Alert type="error" showIcon message={error} />}
      {loading && <Spin />}
      {p && (
        <Card data-testid="policy-detail" title={<Heading ready>{p.title}</Heading>}>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Space wrap size={4}>
              <Tag color="geekblue">{t(LEVELS[p.level])}</Tag>
              <StatusTags p={p} />
            </Space>
            {p.replacedBy && (
              <Alert type={p.status === 'repealed' ? 'error' : 'warning'} showIcon
                message={<>{t(p.status === 'repealed' ? '本文件已被废止，现行文件：' : '本文件已被修改，现行文本：')}<Typography.Link href={policyHref(p.replacedBy.code)}>{t('《{title}》', { title: p.replacedBy.title })}</Typography.Link></>} />
            )}
            <Descriptions size="small" bordered column={1} layout={narrow ? 'vertical' : 'horizontal'} styles={{ label: { width: narrow ? undefined : 160 } }}>
              <Descriptions.Item label={t('制定机关')}>{p.issuer}</Descriptions.Item>
              <Descriptions.Item label={t('文号')}>{p.number ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('效力级别')}>{t(LEVELS[p.level])}</Descriptions.Item>
              <Descriptions.Item label={t('版本')}>{p.version}</Descriptions.Item>
              <Descriptions.Item label={t('施行日期')}>{p.effectiveDate}</Descriptions.Item>
              <Descriptions.Item label={t('时效性')}>{t(STATUS[p.status].label)}</Descriptions.Item>
              <Descriptions.Item label={t('核实情况')}>{t(p.verification === 'verified' ? '已对照原文核实' : '待核实：依赖本条前请对照原文确认')}</Descriptions.Item>
              {p.note && <Descriptions.Item label={t('备注')}>{p.note}</Descriptions.Item>}
              {p.replaces.length > 0 && (
                <Descriptions.Item label={t('取代的文件')}>
                  <Space direction="vertical" size={0}>{p.replaces.map((r) => <Typography.Link key={r.code} href={policyHref(r.code)}>{t('《{title}》', { title: r.title })}</Typography.Link>)}</Space>
                </Descriptions.Item>
              )}
            </Descriptions>
            <section aria-labelledby="policy-articles">
              <Typography.Title level={5} id="policy-articles">{t('目录引用的条款')}</Typography.Title>
              {p.articles.length === 0 ? (
                <Typography.Text type="secondary">{t('目录整体引用本文件，未指明条款。')}</Typography.Text>
              ) : (
                <List size="small" bordered dataSource={p.articles} data-testid="policy-articles"
                  renderItem={(a) => (
                    <List.Item>
                      <Space direction={narrow ? 'vertical' : 'horizontal'} size={[12, 2]} align="start" wrap>
                        <Typography.Text strong>{a.article}</Typography.Text>
                        <LinkList links={a.citedBy} />
                      </Space>
                    </List.Item>
                  )} />
              )}
            </section>
            <section aria-labelledby="policy-cited-by" data-testid="policy-cited-by">
              <Typography.Title level={5} id="policy-cited-by">{t('依据本文件的目录内容')}</Typography.Title>
              {byKind.length === 0 ? (
                <Typography.Text type="secondary">{t('目录中暂无依据本文件的内容。')}</Typography.Text>
              ) : (
                <Descriptions size="small" bordered column={1} layout={narrow ? 'vertical' : 'horizontal'} styles={{ label: { width: narrow ? undefined : 160 } }}>
                  {byKind.map((g) => <Descriptions.Item key={g.kind} label={t(KINDS[g.kind].label)}><LinkList links={g.links} /></Descriptions.Item>)}
                </Descriptions>
              )}
            </section>
          </Space>
        </Card>
      )}
    </Space>
  );
}

interface Basis {
  instrument: string;
  title: string | null;
  number: string | null;
  effectiveDate: string | null;
  article: string | null;
  verification: 'verified' | 'recalled';
}
interface Entry {
  code: string;
  content: Record<string, unknown>;
  basis?: Basis[];
}

const MEASURE_KINDS: Record<string, string> = { punishment: '失信惩戒措施', incentive: '守信激励措施' };
const LIST_KINDS: Record<string, string> = { seriousList: '严重失信主体名单', redList: '守信红名单', watchList: '重点关注名单' };

/** The parts of an entry a citizen reads, in order; what is missing is left out. */
function entryFields(kind: PolicyLinkKind, c: Record<string, unknown>): [string, ReactNode][] {
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(String).join('、') : null);
  const rows: [string, ReactNode | null][] =
    kind === 'measure'
      ? [
          ['类型', MEASURE_KINDS[String(c.kind)] ? t(MEASURE_KINDS[String(c.kind)] as string) : null],
          ['措施内容', text(c.content)],
          ['实施部门', list(c.implementingDepartments)],
          ['是否必须实施', c.mandatory === true ? t('是（法定措施）') : c.mandatory === false ? t('否（可依法裁量）') : null],
        ]
      : kind === 'listType'
        ? [
            ['名单类别', LIST_KINDS[String(c.kind)] ? t(LIST_KINDS[String(c.kind)] as string) : null],
            ['认定部门', list(c.determiningDepartments)],
            ['认定标准', text(c.standard)],
            ['移出条件', text(c.removal)],
            ['救济途径', text(c.remedies)],
          ]
        : [
            ['提供部门', list(c.providers)],
          ];
  return rows.filter((r): r is [string, ReactNode] => r[1] !== null);
}

function EntryPage({ kind, path, code }: { kind: PolicyLinkKind; path: string; code: string }) {
  const { data, error, loading } = useAnswer<Entry>(`/api/v1/catalog/${path}/${encodeURIComponent(code)}`);
  const narrow = !Grid.useBreakpoint().sm;
  const name = data ? String(data.content.name ?? data.code) : '';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Link href="#/policies"><ArrowLeftOutlined /> {t('返回政策法规列表')}</Typography.Link>
      {error && <Alert type="error" showIcon message={error} />}
      {loading && <Spin />}
      {data && (
        <Card data-testid="policy-entry" title={<Heading ready>{name}</Heading>}>
          <Descriptions size="small" bordered column={1} layout={narrow ? 'vertical' : 'horizontal'} styles={{ label: { width: narrow ? undefined : 160 } }}>
            <Descriptions.Item label={t('目录类别')}>{t(KINDS[kind].label)}</Descriptions.Item>
            <Descriptions.Item label={t('编号')}>{data.code}</Descriptions.Item>
            {entryFields(kind, data.content).map(([label, value]) => (
              <Descriptions.Item key={label} label={t(label)}><span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{value}</span></Descriptions.Item>
            ))}
            <Descriptions.Item label={t('法律依据')}>
              <Space direction="vertical" size={2} data-testid="entry-basis">
                {(data.basis ?? []).map((b) => (
                  <span key={`${b.instrument}${b.article ?? ''}`}>
                    <Typography.Link href={policyHref(b.instrument)}>{t('《{title}》', { title: b.title ?? b.instrument })}</Typography.Link>
                    {b.article ? ` ${b.article}` : ''}{' '}
                    {b.verification === 'recalled' && <Tag color="orange">{t('待核实')}</Tag>}
                  </span>
                ))}
              </Space>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
    </Space>
  );
}
