/**
 * One 双公示 record (#/publicity/<penalties|permits>/<id>?<the list's filters>): every public field of
 * its item's standard in the catalog's order — one the department left empty shows「—」— with the
 * end of publicity, the source department as registered, the party linked to its credit profile
 * (an organization; a natural person is shown masked and never linked), and a link back to the list
 * it was opened from, with that list's filters and page.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Descriptions, Grid, Space, Spin, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import type { PublicityRecord } from '../../common/portal-api';
import { api, describeError } from '../ui/api';
import { t } from '../ui/i18n';
import { subjectHref, type Route } from './route';

type Kind = 'permits' | 'penalties';

/** The party's name field of each item: linked to the organization's profile. */
const PARTY_FIELDS = new Set(['CF_XDR_MC', 'XK_XDR_MC']);

/** A record's page, carrying the address of the list it is opened from (filters and page). */
export const recordHref = (kind: Kind, id: string, listAddress: string) => `#/publicity/${kind}/${encodeURIComponent(id)}${listAddress ? `?${listAddress}` : ''}`;

export function RecordPage({ route, kind, id }: { route: Route; kind: Kind; id: string }) {
  const [record, setRecord] = useState<PublicityRecord | null>(null);
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const heading = useRef<HTMLSpanElement>(null);
  const narrow = !Grid.useBreakpoint().sm;
  const list = route.params.toString();
  const back = `#/publicity/${kind}${list ? `?${list}` : ''}`;

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError('');
    setRecord(null);
    api<PublicityRecord>('GET', `/api/public/v1/publicity/${kind}/${encodeURIComponent(id)}`)
      .then((r) => current && setRecord(r))
      .catch((err) => current && setError(describeError(err)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [kind, id]);

  // Opened from a list, the keyboard and a screen reader start at the record's heading.
  useEffect(() => {
    if (record) heading.current?.focus({ preventScroll: true });
  }, [record]);

  const value = (f: PublicityRecord['fields'][number]) => {
    if (f.value === '') return '—';
    if (PARTY_FIELDS.has(f.code) && record?.subject.uscc) return <Typography.Link href={subjectHref(record.subject.uscc)}>{f.value}</Typography.Link>;
    return <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{f.value}</span>;
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Link href={back} data-testid="record-back"><ArrowLeftOutlined /> {t('返回公示列表')}</Typography.Link>
      {error && <Alert type="error" showIcon message={error} />}
      {loading && <Spin />}
      {record && (
        <Card data-testid="publicity-record"
          title={
            <Typography.Title level={4} style={{ margin: 0, whiteSpace: 'normal' }}>
              <span ref={heading} tabIndex={-1} style={{ outline: 'none' }}>{t(kind === 'penalties' ? '行政处罚公示详情' : '行政许可公示详情')}</span>
            </Typography.Title>
          }>
          <Descriptions size="small" bordered column={1} layout={narrow ? 'vertical' : 'horizontal'} styles={{ label: { width: narrow ? undefined : 240 } }}>
            <Descriptions.Item label={t('公示截止日期')}>{record.publicityEnd ?? t('长期')}</Descriptions.Item>
            {record.fields.map((f) => (
              <Descriptions.Item key={f.code} label={t(f.label)}>{value(f)}</Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      )}
    </Space>
  );
}
