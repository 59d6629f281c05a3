/**
 * 信用主体详情: the organization's header card (name, code and its parts, legal representative,
 * region) and tabs with counts — 行政许可, 行政处罚 (only records inside their publicity window),
 * and the three lists. Each record shows its source, decision date, legal basis and publicity end.
 * The registration facts the platform holds (成立日期, 住所, 登记状态, 注册资本, 经营范围) are shown,
 * none that it does not. The open tab is in the address (#/subject/<USCC>?tab=penalties): a reload,
 * a shared link, back and forward keep it.
 * 打印 prints the page without the navigation, with every tab's records one after the other.
 * On a phone the five tabs are buttons that wrap, so every count is in sight.
 */
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import { Alert, Button, Card, Descriptions, Empty, Grid, Radio, Space, Spin, Tabs, Tag, Typography } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import type { PublicRecord, RecordTab, RegistrationFacts, SearchCodeCheck, SubjectProfile, SubjectSearchResult } from '../../common/portal-api';
import { ApiError, api, describeError } from '../ui/api';
import { getLang, inBrackets, t } from '../ui/i18n';
import { go, useRoute } from './route';
import { CodeNotice, representativeLabel, typeLabel } from './SearchPage';

/** The profile's tabs, by the name the address gives them (?tab=…), the first one by default. */
const TAB_KEYS = ['permits', 'penalties'] as const;
type TabKey = (typeof TAB_KEYS)[number];

/** Labels stay on one line; a code breaks nowhere. */
const NOWRAP = { whiteSpace: 'nowrap' } as const;
const LABELS = { label: NOWRAP };

/** The fields naming a record's legal representative: a 个体工商户's is its 经营者. */
const REPRESENTATIVE_FIELDS = new Set(['CF_FRDB', 'XK_FRDB']);

/** 14.26 万元 in English: 142,600 yuan (the decimal point moved, no floating point). */
function yuanFromWan(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  const digits = `${whole}${fraction.padEnd(4, '0').slice(0, 4)}`.replace(/^(-?)0+(?=\d)/, '$1');
  const rest = fraction.slice(4).replace(/0+$/, '');
  return `${digits.replace(/\B(?=(\d{3})+$)/g, ',')}${rest ? `.${rest}` : ''} yuan`;
}

/** 「罚款金额(万元)」 with 14.26 and its unit: 「罚款金额」 14.26万元 (English: Fine 142,600 yuan). */
function fieldText(f: PublicRecord['fields'][number], operator: boolean): { code: string; label: string; value: string } {
  if (operator && REPRESENTATIVE_FIELDS.has(f.code)) return { ...f, label: '经营者' };
  const unit = f.unit;
  if (!unit) return f;
  const label = f.label.endsWith(`(${unit})`) || f.label.endsWith(`（${unit}）`) ? f.label.slice(0, -(unit.length + 2)) : f.label;
  return { code: f.code, label, value: unit === '万元' && getLang() === 'en' ? yuanFromWan(f.value) : `${f.value}${unit}` };
}

function RecordCard({ r, operator }: { r: PublicRecord; operator: boolean }) {
  const narrow = !Grid.useBreakpoint().sm;
  // Shown in the card's own rows: not repeated among the fields.
  const shown = new Set(['CF_WSH', 'XK_WSH', 'CF_JDRQ', 'XK_JDRQ', 'CF_YJ', 'CF_SJLY', 'XK_LYDW', 'CF_SJLYDM', 'XK_LYDWDM', 'CF_CFJGDM', 'XK_XKJGDM', 'CF_XDR_SHXYM', 'XK_XDR_SHXYM', 'CF_XDR_MC', 'XK_XDR_MC']);
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="record"
      title={<Space wrap>{r.documentNumber}{r.disputed && <Tag color="blue">{t('异议处理中')}</Tag>}</Space>}>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered styles={LABELS} layout={narrow ? 'vertical' : 'horizontal'}>
        <Descriptions.Item label={t('决定日期')}>{r.decisionDate}</Descriptions.Item>
        <Descriptions.Item label={t('公示截止日期')}>{r.publicityEnd ?? t('长期')}</Descriptions.Item>
        <Descriptions.Item label={t('数据来源')} span={2}>{r.source ?? '—'}</Descriptions.Item>
        {r.basis && <Descriptions.Item label={t('依据')} span={2}>{r.basis}</Descriptions.Item>}
        {r.fields.filter((f) => !shown.has(f.code)).map((f) => fieldText(f, operator)).map((f) => (
          <Descriptions.Item key={f.code} label={<span style={{ whiteSpace: 'normal' }}>{t(f.label)}</span>} span={f.value.length > 20 ? 2 : 1}>{f.value}</Descriptions.Item>
        ))}
      </Descriptions>
    </Card>
  );
}

/** `operator`: the subject is a 个体工商户, whose representative is its 经营者. */
function TabBody({ tab, operator }: { tab: RecordTab; operator: boolean }) {
  if (tab.total === 0) return <Empty description={t('暂无信息')} />;
  return (
    <>
      {tab.items.map((r) => <RecordCard key={r.id} r={r} operator={operator} />)}
      {tab.total > tab.items.length && <Typography.Text type="secondary">{t('仅显示最近的{n}条', { n: tab.items.length })}</Typography.Text>}
    </>
  );
}

/** 注册资本 in 万元; in English in yuan, as the amounts of records are. */
const capitalText = (wan: string) => (getLang() === 'en' ? yuanFromWan(wan) : `${wan}万元`);

/** The registration facts held; a fact not collected is left out, not shown as empty. */
function registrationItems(g: RegistrationFacts) {
  const items: { label: string; value: string; wide?: boolean }[] = [];
  if (g.establishmentDate) items.push({ label: t('成立日期'), value: g.establishmentDate });
  if (g.status) items.push({ label: t('登记状态'), value: g.status });
  if (g.registeredCapital) items.push({ label: t('注册资本'), value: capitalText(g.registeredCapital) });
  if (g.address) items.push({ label: t('住所'), value: g.address, wide: true });
  if (g.businessScope) items.push({ label: t('经营范围'), value: g.businessScope, wide: true });
  return items;
}

export function ProfilePage({ uscc }: { uscc: string }) {
  const [profile, setProfile] = useState<SubjectProfile | null>(null);
  const [error, setError] = useState('');
  // A code no organization here has: the code check's answer, as the search shows it (in the reader's language).
  const [codeCheck, setCodeCheck] = useState<SearchCodeCheck | null>(null);
  const asked = useRoute().params.get('tab');
  const active: TabKey = TAB_KEYS.find((k) => k === asked) ?? 'permits';
  // A tab is an address of its own (back returns to the last tab), the page staying where it is.
  const setActive = (key: string) => go(`subject/${encodeURIComponent(uscc)}`, { tab: key }, { keepScroll: true });
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md; // the tabs become buttons that wrap
  const phone = !screens.sm; // labels above values
  // While printing (the button, or the browser's own print), every tab's records are on the page.
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  useEffect(() => {
    setProfile(null);
    setError('');
    setCodeCheck(null);
    let current = true; // a profile that arrives after another was opened is dropped
    api<SubjectProfile>('GET', `/api/public/v1/subjects/${encodeURIComponent(uscc)}`)
      .then((r) => current && setProfile(r))
      .catch((err) => {
        if (!current) return;
        // A 404 says why, in the code check's words (which character is wrong, or a valid code not held
        // here): the API's sentence at once, then the search's structured check, which the page can
        // say in English too.
        const notFound = err instanceof ApiError && err.status === 404;
        setError(notFound ? err.message : describeError(err));
        if (!notFound) return;
        api<SubjectSearchResult>('GET', `/api/public/v1/subjects?${new URLSearchParams({ q: uscc, pageSize: '1' }).toString()}`)
          .then((r) => current && r.code && !r.code.registered && setCodeCheck(r.code))
          .catch(() => undefined); // the API's sentence stays
      });
    return () => {
      current = false;
    };
  }, [uscc]);

  if (codeCheck) return <CodeNotice code={codeCheck} />;
  if (error) return <Alert type="warning" showIcon message={error} />;
  if (!profile) return <Spin style={{ display: 'block', margin: 48 }} />;
  const s = profile.subject;
  const operator = s.orgType === 'individualBusiness';
  const parts = profile.usccParts as { registrationAuthority?: { name: string }; entityType?: { name: string } } | null;
  // Short English labels (|tab): five long ones do not fit beside each other even on a desktop.
  const tabs: { key: string; label: string; tab: RecordTab }[] = [
    { key: 'permits', label: t('行政许可|tab'), tab: profile.permits },
    { key: 'penalties', label: t('行政处罚|tab'), tab: profile.penalties },
  ].map((x) => ({ ...x, label: `${x.label}${inBrackets(x.tab.total)}` }));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="profile">
      <Card title={<Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>{s.name}</Typography.Title>}
        extra={<Button icon={<PrinterOutlined />} onClick={() => window.print()} className="no-print">{t('打印')}</Button>}>
        <Space size={4} wrap style={{ marginBottom: 12 }}>
          <Tag>{typeLabel(s.orgType)}</Tag>
        </Space>
        <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered styles={LABELS} layout={phone ? 'vertical' : 'horizontal'}>
          <Descriptions.Item label={t('统一社会信用代码')}><span style={NOWRAP}>{s.uscc}</span></Descriptions.Item>
          <Descriptions.Item label={representativeLabel(s.orgType)}>{s.legalRepresentative?.name ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('登记管理部门')}>{parts?.registrationAuthority ? t(parts.registrationAuthority.name) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('机构类别')}>{parts?.entityType ? t(parts.entityType.name) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('所在地区')}>{s.region?.name ?? s.region?.code ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('行业')}>{s.industry?.name ?? '—'}</Descriptions.Item>
          {registrationItems(profile.registration).map((x) => (
            <Descriptions.Item key={x.label} label={x.label} span={x.wide ? 2 : 1}>{x.value}</Descriptions.Item>
          ))}
        </Descriptions>
      </Card>
      <Card className="no-print">
        {narrow ? (
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Radio.Group value={active} onChange={(e) => setActive(e.target.value)} optionType="button" aria-label={t('信用信息类别')}
              options={tabs.map((x) => ({ value: x.key, label: x.label }))} style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }} />
            <TabBody operator={operator} tab={(tabs.find((x) => x.key === active) ?? tabs[0])?.tab ?? profile.permits} />
          </Space>
        ) : (
          <Tabs activeKey={active} onChange={setActive} items={tabs.map((x) => ({ key: x.key, label: x.label, children: <TabBody operator={operator} tab={x.tab} /> }))} />
        )}
      </Card>
      {/* Printed: every tab, one after the other (the tabs above are not printed). */}
      {printing && (
        <div className="print-only">
          {tabs.map((x) => (
            <Card key={x.key} title={x.label} style={{ marginBottom: 12 }}><TabBody operator={operator} tab={x.tab} /></Card>
          ))}
        </div>
      )}
    </Space>
  );
}
