/** A record's versions, newest last, each with the fields it changed: 报送批次's 详情 and 信息记录 show the same. */
import { Tag, Typography } from 'antd';
import { t } from '../../ui/i18n';
import { WideTable } from '../../ui/WideTable';

export interface VersionShown {
  version: number;
  changedAt: string;
  /** Only the records browser knows it (a later version named another party). */
  subjectChanged?: boolean;
  changes: { field: string; label: string; before: string | null; after: string | null }[];
}

export function RecordVersions({ versions, testId }: { versions: VersionShown[]; testId?: string }) {
  return versions.map((v) => (
    <div key={v.version} data-testid={testId}>
      <Typography.Text strong>{t('第{n}版', { n: v.version })}</Typography.Text> <Typography.Text type="secondary">{v.changedAt.slice(0, 10)}</Typography.Text>
      {v.subjectChanged && <Tag color="orange" style={{ marginInlineStart: 8 }}>{t('行政相对人已变更')}</Tag>}
      {v.changes.length > 0 && (
        <WideTable size="small" pagination={false} rowKey="field" dataSource={v.changes} scroll={{ x: 560 }}
          columns={[
            { title: t('字段'), dataIndex: 'label', width: 180 },
            { title: t('原值'), dataIndex: 'before', render: (x: string | null) => x ?? '—' },
            { title: t('新值'), dataIndex: 'after', render: (x: string | null) => x ?? '—' },
          ]} />
      )}
    </div>
  ));
}
