import { useEffect, useState } from 'react';
import { Card, Table, Tabs, Tag, Typography } from 'antd';
import { api } from '../../ui/api';

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

const TYPE_LABELS: Record<string, string> = { text: '文本', date: '日期', dateOrLongTerm: '日期或长期', decimal: '数值', enum: '枚举', multiEnum: '多选枚举', uscc: '统一社会信用代码', idNumber: '证件号码' };

function BasisList({ basis }: { basis?: Basis[] }) {
  return (
    <>
      {(basis ?? []).map((b) => (
        <div key={`${b.instrument}${b.article ?? ''}`}>
          《{b.title ?? b.instrument}》{b.number ? `（${b.number}）` : ''}{b.article ?? ''} {b.version ? <Typography.Text type="secondary">{b.version}，{b.effectiveDate}施行</Typography.Text> : null}{' '}
          {b.verification === 'verified' ? <Tag color="green">已核实</Tag> : <Tag color="orange">待核实</Tag>}
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
  const basisColumn = { title: '法律依据', render: (_: unknown, e: Entry) => <BasisList basis={e.basis} /> };
  return (
    <Card title="目录管理">
      <Tabs items={[
        {
          key: 'items',
          label: `公共信用信息目录（${items.length}）`,
          children: (
            <Table rowKey="code" dataSource={items} pagination={false}
              expandable={{ expandedRowRender: (e) => (
                <Table rowKey="code" size="small" pagination={false} dataSource={(e.content.fields as Field[]) ?? []} columns={[
                  { title: '字段代码', dataIndex: 'code' },
                  { title: '字段名称', dataIndex: 'label' },
                  { title: '类型', dataIndex: 'type', render: (t: string) => TYPE_LABELS[t] ?? t },
                  { title: '必填', dataIndex: 'required', render: (r?: boolean) => (r ? '是' : '') },
                  { title: '代码表', dataIndex: 'enum' },
                  { title: '脱敏', render: (_: unknown, f: Field) => (f.personal ? <Tag color="red">个人信息</Tag> : f.masking ?? '') },
                ]} />
              ) }}
              columns={[
                { title: '代码', dataIndex: 'code', width: 90 },
                { title: '信息项', render: (_: unknown, e: Entry) => e.content.name },
                { title: '版本', dataIndex: 'version', width: 60 },
                { title: '公开属性', render: (_: unknown, e: Entry) => ({ public: '社会公开', authorizedQuery: '授权查询', governmentSharing: '政务共享' } as Record<string, string>)[String(e.content.disclosure)] },
                basisColumn,
              ]} />
          ),
        },
        {
          key: 'measures',
          label: `措施清单（${measures.length}）`,
          children: (
            <Table rowKey="code" dataSource={measures} pagination={{ pageSize: 10 }} columns={[
              { title: '代码', dataIndex: 'code', width: 70 },
              { title: '措施', render: (_: unknown, e: Entry) => e.content.name },
              { title: '类别', render: (_: unknown, e: Entry) => (e.content.kind === 'punishment' ? <Tag color="red">失信惩戒</Tag> : <Tag color="green">守信激励</Tag>) },
              { title: '性质', render: (_: unknown, e: Entry) => ({ administrative: '行政性', market: '市场性', industry: '行业性', social: '社会性' } as Record<string, string>)[String(e.content.nature)] },
              basisColumn,
            ]} />
          ),
        },
        {
          key: 'lists',
          label: `名单类型（${lists.length}）`,
          children: (
            <Table rowKey="code" dataSource={lists} pagination={false} columns={[
              { title: '代码', dataIndex: 'code', width: 70 },
              { title: '名单', render: (_: unknown, e: Entry) => e.content.name },
              { title: '期限', render: (_: unknown, e: Entry) => (e.content.durationMonths ? `${e.content.durationMonths}个月` : '见说明') },
              basisColumn,
            ]} />
          ),
        },
        {
          key: 'instruments',
          label: `法律依据（${instruments.length}）`,
          children: (
            <Table rowKey="code" dataSource={instruments} pagination={{ pageSize: 15 }} columns={[
              { title: '名称', render: (_: unknown, e: Entry) => `《${e.content.title}》` },
              { title: '文号', render: (_: unknown, e: Entry) => String(e.content.number ?? '') },
              { title: '版本', render: (_: unknown, e: Entry) => String(e.content.version ?? '') },
              { title: '施行日期', render: (_: unknown, e: Entry) => String(e.content.effectiveDate ?? '') },
              { title: '核实', render: (_: unknown, e: Entry) => (e.content.verification === 'verified' ? <Tag color="green">已核实</Tag> : <Tag color="orange">待核实</Tag>) },
            ]} />
          ),
        },
      ]} />
    </Card>
  );
}
