/**
 * A record's versions, newest last, each with the fields it changed: 报送批次's 详情 and 信息记录 show the same.
 * On a wide screen a table (字段, 原值, 新值); on a phone each field with its old and new value under it,
 * so the new value is never off-screen.
 */
import { Grid, Tag, Typography } from 'antd';
import { colon, t } from '../../ui/i18n';
import { WideTable } from '../../ui/WideTable';

export interface VersionShown {
  version: number;
  changedAt: string;
  /** Only the records browser knows it (a later version named another party). */
  subjectChanged?: boolean;
  changes: { field: string; label: string; before: string | null; after: string | null }[];
}

function Stacked({ changes }: { changes: VersionShown['changes'] }) {
  return (
    <div style={{ marginTop: 4 }}>
      {changes.map((c) => (
        <div key={c.field} data-testid="version-change" style={{ padding: '6px 0', borderBottom: '1px solid rgba(5, 5, 5, 0.06)', overflowWrap: 'anywhere' }}>
          <Typography.Text strong>{c.label}</Typography.Text>
          <div><Typography.Text type="secondary">{t('原值')}{colon()}</Typography.Text>{c.before ?? '—'}</div>
          <div><Typography.Text type="secondary">{t('新值')}{colon()}</Typography.Text>{c.after ?? '—'}</div>
        </div>
      ))}
    </div>
  );
}

export function RecordVersions({ versions, testId }: { versions: VersionShown[]; testId?: string }) {
  const narrow = Grid.useBreakpoint().md === false;
  return versions.map((v) => (
    <div key={v.version} data-testid={testId}>
      <Typography.Text strong>{t('第{n}版', { n: v.version })}</Typography.Text> <Typography.Text type="secondary">{v.changedAt.slice(0, 10)}</Typography.Text>
      {v.subjectChanged && <Tag color="orange" style={{ marginInlineStart: 8 }}>{t('行政相对人已变更')}</Tag>}
      {v.changes.length > 0 && (narrow ? <Stacked changes={v.changes} /> : (
        <WideTable size="small" pagination={false} rowKey="field" dataSource={v.changes} scroll={{ x: 560 }}
          columns={[
            { title: t('字段'), dataIndex: 'label', width: 180 },
            { title: t('原值'), dataIndex: 'before', render: (x: string | null) => x ?? '—' },
            { title: t('新值'), dataIndex: 'after', render: (x: string | null) => x ?? '—' },
          ]} />
      ))}
    </div>
  ));
}
