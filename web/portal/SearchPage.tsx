/** 信用信息查询: organizations by name, part of a name or USCC; each hit links to its credit profile. */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Grid, List, Pagination, Select, Space, Tag, Typography } from 'antd';
import type { CreditMarker, PublicRegion, SearchCodeCheck, SubjectSearchResult } from '../../common/portal-api';
import { api, describeError } from '../ui/api';
import { colon, inBrackets, t } from '../ui/i18n';
import { issueText } from './code-issues';
import { maskedPersonId } from './person-query';
import { go, subjectHref, type Route } from './route';
import { SearchBox } from './SearchBox';

const TYPES = [
  { value: '', label: '全部类型' },
  { value: 'enterprise', label: '企业' },
  { value: 'individualBusiness', label: '个体工商户' },
  { value: 'publicInstitution', label: '事业单位' },
  { value: 'socialOrganization', label: '社会组织' },
  { value: 'governmentBody', label: '机关' },
  { value: 'other', label: '其他组织' },
];
const PAGE_SIZE = 10;

export function typeLabel(orgType: string | null): string {
  return t(TYPES.find((x) => x.value === orgType)?.label ?? '其他组织');
}

/** A 个体工商户 is run by its 经营者; other organizations have a 法定代表人. */
export function representativeLabel(orgType: string | null): string {
  return orgType === 'individualBusiness' ? t('经营者') : t('法定代表人');
}

/** Two characters at least, as the API asks; a whole code is always a query. */
const tooShort = (q: string) => [...q.trim()].length < 2;

/** What a result's marker says and links to (the profile's tab of the same name). */
const MARKERS: Record<CreditMarker['kind'], { label: string; color: string }> = {
  penalties: { label: '行政处罚 {n} 条', color: 'red' },
  permits: { label: '行政许可 {n} 条', color: 'blue' },
};

/**
 * The code check of a search meant as a code: which character is wrong and why, or, for a valid
 * code no organization here has, that it is valid and what it says (authority, type, region). A
 * resident ID number is said to be one (masked, as the API gives it back), not a wrong USCC. The
 * check's sentences are in the reader's language (code-issues.ts). Also the answer of a profile
 * address whose code no organization here has (ProfilePage).
 */
/** A resident ID number (shown masked) is not looked up: the portal shows organizations only. */
function PersonNotice({ masked }: { masked: string }) {
  return (
    <Alert type="warning" showIcon data-testid="code-notice" message={t('「{code}」是居民身份证号码', { code: masked })}
      description={t('本平台不提供自然人查询，请输入组织的统一社会信用代码或名称')} />
  );
}

export function CodeNotice({ code }: { code: SearchCodeCheck }) {
  if (code.errors.some((e) => e.code === 'PERSON_ID_NUMBER')) return <PersonNotice masked={code.normalized} />;
  if (!code.valid) {
    return (
      <Alert type="error" showIcon data-testid="code-notice" message={t('统一社会信用代码「{code}」有误', { code: code.normalized })}
        description={<ul style={{ margin: 0, paddingLeft: 20 }}>{code.errors.map((e) => <li key={`${e.code}-${e.position ?? ''}`}>{issueText(e)}</li>)}</ul>} />
    );
  }
  const p = code.parts;
  return (
    <Alert type="warning" showIcon data-testid="code-notice" message={t('统一社会信用代码「{code}」校验通过，但本平台暂无该组织的信息', { code: code.normalized })}
      description={p && (
        <span>
          {t('登记管理部门')}{colon()}{t(p.registrationAuthority.name)} · {t('机构类别')}{colon()}{t(p.entityType.name)} · {t('登记管理机关行政区划')}{colon()}{p.region.name ?? p.region.code}
        </span>
      )} />
  );
}

export function SearchPage({ route }: { route: Route }) {
  const q = route.params.get('q') ?? '';
  // A type or region the page does not offer (an edited address) is not sent: the API would refuse it.
  const type = TYPES.some((x) => x.value === route.params.get('type')) ? (route.params.get('type') ?? '') : '';
  const region = /^\d{2}(\d{2}){0,2}$/.test(route.params.get('region') ?? '') ? (route.params.get('region') ?? '') : '';
  const narrow = !Grid.useBreakpoint().sm;
  const [regions, setRegions] = useState<PublicRegion[]>([]);
  const page = Math.max(1, Number(route.params.get('page') ?? 1) || 1);
  const [result, setResult] = useState<SubjectSearchResult | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(false);

  // A resident ID number: said to be one, masked; never sent, and taken out of the address (an edited or old link).
  const person = route.params.get('person') ?? maskedPersonId(q);
  useEffect(() => {
    if (person && q) go('search', { person }, { replace: true });
  }, [person, q]);

  useEffect(() => {
    if (person) {
      setResult(null);
      setError('');
      return;
    }
    // No query, or one character: no results on the page, not even the last ones. (A new query
    // keeps the last results, marked as loading, until its own arrive.)
    setError(q.trim() && tooShort(q) ? t('请至少输入两个字') : '');
    if (tooShort(q)) {
      setResult(null);
      return;
    }
    setLoading(true);
    // An answer that arrives after the query changed is dropped: the page shows the current query's.
    let current = true;
    const query = new URLSearchParams({ q, page: String(page), pageSize: String(PAGE_SIZE), ...(type ? { type } : {}), ...(region ? { region } : {}) });
    api<SubjectSearchResult>('GET', `/api/public/v1/subjects?${query.toString()}`)
      .then((r) => {
        if (!current) return;
        // A whole code of an organization here: its profile, in the search's place (back skips it).
        if (r.code?.valid && r.code.registered) go(`subject/${encodeURIComponent(r.code.normalized)}`, {}, { replace: true });
        else setResult(r);
      })
      .catch((err) => {
        if (!current) return;
        setResult(null);
        setError(describeError(err));
      })
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [q, type, region, page, person]);

  useEffect(() => {
    api<{ items: PublicRegion[] }>('GET', '/api/public/v1/regions')
      .then((r) => setRegions(r.items))
      .catch(() => setRegions([])); // the filter is then empty; the search itself still works
  }, []);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          <SearchBox initial={q} />
          <Space wrap>
            <Select value={type} style={{ minWidth: 160 }} aria-label={t('主体类型')} onChange={(v) => go('search', { q, type: v, region })}
              options={TYPES.map((x) => ({ value: x.value, label: t(x.label) }))} />
            <Select allowClear showSearch optionFilterProp="label" value={region || undefined} style={{ minWidth: 200 }} aria-label={t('所在地区')} placeholder={t('全部地区')}
              onChange={(v?: string) => go('search', { q, type, region: v ?? '' })}
              options={regions.map((r) => ({ value: r.code, label: `${r.name}${inBrackets(r.count.toLocaleString('zh-CN'))}` }))} />
          </Space>
        </Space>
      </Card>
      {error && <Alert type={tooShort(q) ? 'info' : 'error'} showIcon message={error} />}
      {person ? <PersonNotice masked={person} /> : result?.code && <CodeNotice code={result.code} />}
      {/* A code that finds nothing is answered by its check alone, not by an empty list besides. */}
      {result && !(result.code && result.total === 0) && (
        <Card title={<span style={{ whiteSpace: 'normal' }}>{result.totalCapped ? t('找到{n}个以上主体，请输入更完整的名称', { n: result.total }) : t(result.total === 1 ? '共找到{n}个主体|one' : '共找到{n}个主体', { n: result.total })}</span>} data-testid="search-results">
          {result.items.length === 0 && result.total > 0 ? (
            <Empty description={t('这一页没有结果')}><Button onClick={() => go('search', { q, type, region })}>{t('回到第一页')}</Button></Empty>
          ) : result.items.length === 0 ? (
            <Empty description={t('没有找到匹配的主体，请检查名称或代码')} />
          ) : (
            <List loading={loading} dataSource={result.items} renderItem={(s) => (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Link href={subjectHref(s.uscc ?? '')} strong style={{ fontSize: 16 }}>{s.name}</Typography.Link>
                  <Typography.Text type="secondary">
                    {/* The code never breaks, but the line may break before it (a long English label on a phone). */}
                    <span style={{ whiteSpace: 'nowrap' }}>{t('统一社会信用代码')}{colon()}</span><wbr /><span style={{ whiteSpace: 'nowrap' }}>{s.uscc}</span> · {representativeLabel(s.orgType)}{colon()}{s.legalRepresentative?.name ?? '—'} · {s.region?.name ?? s.region?.code ?? '—'}
                  </Typography.Text>
                  <Space size={4} wrap>
                    <Tag>{typeLabel(s.orgType)}</Tag>{s.status !== 'active' && <Tag color="default">{t('非存续')}</Tag>}
                    {s.markers.map((m) => (
                      <Tag key={m.kind} color={MARKERS[m.kind].color} data-testid="credit-marker">
                        <a href={subjectHref(s.uscc ?? '', m.kind)}>{t(MARKERS[m.kind].label, { n: m.count })}</a>
                      </Tag>
                    ))}
                  </Space>
                </Space>
              </List.Item>
            )} />
          )}
          {result.total > PAGE_SIZE && (
            <Pagination style={{ marginTop: 16 }} simple={narrow} current={page} pageSize={PAGE_SIZE} total={Math.min(result.total, PAGE_SIZE * 1000)} showSizeChanger={false}
              onChange={(p) => go('search', { q, type, region, page: p })} />
          )}
        </Card>
      )}
    </Space>
  );
}
