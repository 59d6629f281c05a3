/**
 * A record's versions, newest last, each with the fields it changed: 报送批次's 详情 and 信息记录 show the same.
 * On a wide screen a table (字段, 原值, 新值); on a phone each field with its old and new value under it,
 * so the new value is never off-screen.
 */
import { Grid, Tag, Typography } from 'antd';
import type { RecordVersionSource } from '../../../common/records-api';
import { colon, t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { batchHref } from '../collection';

export interface VersionShown {
  version: number;
  /** When the version was received (written). */
  changedAt: string;
  /** The batch it came from, who submitted it and for which department; null when loaded without a batch. */
  source: RecordVersionSource | null;
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

/**
 * Where a version came from: when it was received, who submitted it for which department, and its
 * batch — a link to it, or 「本批次」 when the version is shown inside that batch already.
 */
function Source({ v, batchId }: { v: VersionShown; batchId: string | undefined }) {
  const s = v.source;
  const batch = s && (s.batchId === batchId
    ? <span>{t('本批次')}</span>
    : <a href={batchHref(s.batchId)} data-testid="version-batch">{s.fileName ?? t('接口报送')}</a>);
  return (
    <div data-testid="version-source" style={{ fontSize: 12, overflowWrap: 'anywhere' }}>
      <Typography.Text type="secondary">
        {t('接收于{time}', { time: formatTime(v.changedAt) })}
        {s
          ? `${t('；')}${t('提交人：{name}（{department}）', { name: s.submittedBy ?? '—', department: s.departmentName ?? '—' })}${t('；')}${t('报送批次：')}`
          : `${t('；')}${t('未经报送批次载入（演示数据或历史数据迁移）')}`}
      </Typography.Text>
      {batch}
    </div>
  );
}

export function RecordVersions({ versions, testId, batchId }: { versions: VersionShown[]; testId?: string; batchId?: string }) {
  const narrow = Grid.useBreakpoint().md === false;
  return versions.map((v) => (
    <div key={v.version} data-testid={testId} style={{ marginBottom: 8 }}>
      <Typography.Text strong>{t('第{n}版', { n: v.version })}</Typography.Text>
      {v.subjectChanged && <Tag color="orange" style={{ marginInlineStart: 8 }}>{t('行政相对人已变更')}</Tag>}
      <Source v={v} batchId={batchId} />
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
