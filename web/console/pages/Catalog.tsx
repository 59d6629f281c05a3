import { useEffect, useState } from 'react';
import { Card, Table, Tabs, Tag, Typography } from 'antd';
import { api } from '../../ui/api';
import { t } from '../../ui/i18n';

interface Basis {
  instrument: string;
  title: string | null;
  number: string | null;
  version: string | null;
  effectiveDate: string | null;
  article: string | null;
  verification: 'verified' | 'recalled';
}
interface Entry {
  code: string;
  version: number;
  content: Record<string, unknown> & { name?: string; title?: string };
  basis?: Basis[];
}
interface Field {
  code: string;
  label: string;
  type: string;
  required?: boolean;
  enum?: string;
  masking?: string;
  personal?: boolean;
}

const TYPE_LABELS: Record<string, string> = {
  text: t('文本'),
  date: t('日期'),
  dateOrLongTerm: t('日期或长期'),
  decimal: t('数值'),
  enum: t('枚举'),
  multiEnum: t('多选枚举'),
  uscc: t('统一社会信用代码'),
  idNumber: t('证件号码'),
};

function Verification({ verified }: { verified: boolean }) {
  return verified ? <Tag color="green">{t('已核实')}</Tag> : <Tag color="orange">{t('待核实')}</Tag>;
}

function BasisList({ basis }: { basis?: Basis[] }) {
  return (
    <>
      {(basis ?? []).map((b) => (
        <div key={`${b.instrument}${b.article ?? ''}`}>
          {t('《{title}》', { title: b.title ?? b.instrument })}{b.number ? t('（{number}）', { number: b.number }) : ''}{b.article ?? ''}{' '}
          {b.version ? <Typography.Text type="secondary">{t('{version}，{date}施行', { version: b.version, date: b.effectiveDate ?? '' })}</Typography.Text> : null}{' '}
          <Verification verified={b.verification === 'verified'} />
        </div>
      ))}
    </>
  );
}

function useEntries(path: string): Entry[] {
  const [rows, setRows] = useState<Entry[]>([]);
  useEffect(() => {
    void api<Entry[]>('GET', `/api/v1/catalog/${path}`).then(setRows);
  }, [path]);
  return rows;
}

export function CatalogPage() {
  const items = useEntries('info-items');
  const measures = useEntries('measures');
  const lists = useEntries('list-types');
  const instruments = useEntries('legal-instruments');
  const basisColumn = { title: t('法律依据'), render: (_: unknown, e: Entry) => <BasisList basis={e.basis} /> };
  return (
    <Card title={t('目录管理')}>
      <Tabs items={[
        {
          key: 'items',
          label: t('公共信用信息目录（{count}）', { count: items.length }),
          children: (
            <Table rowKey="code" dataSource={items} pagination={false}
              expandable={{ expandedRowRender: (e) => (
                <Table rowKey="code" size="small" pagination={false} dataSource={(e.content.fields as Field[]) ?? []} columns={[
                  { title: t('字段代码'), dataIndex: 'code' },
                  { title: t('字段名称'), dataIndex: 'label' },
                  { title: t('类型'), dataIndex: 'type', render: (type: string) => TYPE_LABELS[type] ?? type },
                  { title: t('必填'), dataIndex: 'required', render: (r?: boolean) => (r ? t('是') : '') },
                  { title: t('代码表'), dataIndex: 'enum' },
                  { title: t('脱敏'), render: (_: unknown, f: Field) => (f.personal ? <Tag color="red">{t('个人信息')}</Tag> : f.masking ?? '') },
                ]} />
              ) }}
              columns={[
                { title: t('代码'), dataIndex: 'code', width: 90 },
                { title: t('信息项'), render: (_: unknown, e: Entry) => e.content.name },
                { title: t('版本'), dataIndex: 'version', width: 60 },
                { title: t('公开属性'), render: (_: unknown, e: Entry) => ({ public: t('社会公开'), authorizedQuery: t('授权查询'), governmentSharing: t('政务共享') } as Record<string, string>)[String(e.content.disclosure)] },
                basisColumn,
              ]} />
          ),
        },
        {
          key: 'measures',
          label: t('措施清单（{count}）', { count: measures.length }),
          children: (
            <Table rowKey="code" dataSource={measures} pagination={{ pageSize: 10 }} columns={[
              { title: t('代码'), dataIndex: 'code', width: 70 },
              { title: t('措施'), render: (_: unknown, e: Entry) => e.content.name },
              { title: t('类别'), render: (_: unknown, e: Entry) => (e.content.kind === 'punishment' ? <Tag color="red">{t('失信惩戒')}</Tag> : <Tag color="green">{t('守信激励')}</Tag>) },
              { title: t('性质'), render: (_: unknown, e: Entry) => ({ administrative: t('行政性'), market: t('市场性'), industry: t('行业性'), social: t('社会性') } as Record<string, string>)[String(e.content.nature)] },
              basisColumn,
            ]} />
          ),
        },
        {
          key: 'lists',
          label: t('名单类型（{count}）', { count: lists.length }),
          children: (
            <Table rowKey="code" dataSource={lists} pagination={false} columns={[
              { title: t('代码'), dataIndex: 'code', width: 70 },
              { title: t('名单'), render: (_: unknown, e: Entry) => e.content.name },
              { title: t('期限'), render: (_: unknown, e: Entry) => (e.content.durationMonths ? t('{months}个月', { months: String(e.content.durationMonths) }) : t('见说明')) },
              basisColumn,
            ]} />
          ),
        },
        {
          key: 'instruments',
          label: t('法律依据（{count}）', { count: instruments.length }),
          children: (
            <Table rowKey="code" dataSource={instruments} pagination={{ pageSize: 15 }} columns={[
              { title: t('名称'), render: (_: unknown, e: Entry) => t('《{title}》', { title: String(e.content.title) }) },
              { title: t('文号'), render: (_: unknown, e: Entry) => String(e.content.number ?? '') },
              { title: t('版本'), render: (_: unknown, e: Entry) => String(e.content.version ?? '') },
              { title: t('施行日期'), render: (_: unknown, e: Entry) => String(e.content.effectiveDate ?? '') },
              { title: t('核实'), render: (_: unknown, e: Entry) => <Verification verified={e.content.verification === 'verified'} /> },
            ]} />
          ),
        },
      ]} />
    </Card>
  );
}
