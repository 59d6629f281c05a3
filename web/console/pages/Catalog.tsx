/**
 * 目录管理: the information items (with whether their batches wait for review, which the credit
 * office switches here), measures, list types and legal instruments in force.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Card, Form, Input, Modal, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ItemReviewView, ReviewSettingsView } from '../../../common/catalog-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';

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

/** Each item's review setting; reloaded after a change (also a refused one: the page was out of date). */
/**
 * Asked only by the business roles, which may read it: an administrator's request would be refused
 * and written to the audit log as an access denied (访问被拒绝) that nobody attempted.
 */
function useReviewSettings(enabled: boolean): [ReviewSettingsView | null, () => void] {
  const [settings, setSettings] = useState<ReviewSettingsView | null>(null);
  const load = useCallback(() => {
    if (!enabled) return;
    api<ReviewSettingsView>('GET', '/api/v1/catalog/review-settings').then(setSettings).catch(() => setSettings(null));
  }, [enabled]);
  useEffect(load, [load]);
  return [settings, load];
}

/** The review state of one item, where it comes from, and (for the credit office) the switch. */
function ReviewCell({ r, canChange, onSwitch }: { r: ItemReviewView; canChange: boolean; onSwitch: (r: ItemReviewView) => void }) {
  const state = r.review ? <Tag color="orange">{t('须审核')}</Tag> : <Tag>{t('无需审核')}</Tag>;
  return (
    <Space direction="vertical" size={2} data-testid={`review-${r.itemCode}`}>
      {canChange ? (
        <Switch checked={r.review} checkedChildren={t('审核')} unCheckedChildren={t('不审核')} onChange={() => onSwitch(r)}
          aria-label={t('「{name}」须经审核', { name: r.itemName })} data-testid={`review-switch-${r.itemCode}`} />
      ) : state}
      {r.setting ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('信用办设置：{by}，{time}', { by: r.setting.by, time: formatTime(r.setting.at) })}<br />
          {t('理由：{reason}', { reason: r.setting.reason })}
        </Typography.Text>
      ) : (
        // The default in words; the catalog file it comes from only on hover, for whoever maintains the catalog.
        <Typography.Text type="secondary" style={{ fontSize: 12 }} title={t('目录文件：{file}', { file: r.default.sourceFile })}>
          {r.default.review ? t('目录默认：须审核') : t('目录默认：无需审核')}
        </Typography.Text>
      )}
    </Space>
  );
}

/**
 * Asks the credit office to confirm a switch, with a reason, and says what happens: to the next
 * batches, and (switching off) to the batches already waiting, which still go to the reviewer.
 */
function ReviewChange({ r, onClose }: { r: ItemReviewView | null; onClose: (changed: boolean) => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const [waiting, setWaiting] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const next = r ? !r.review : false;

  useEffect(() => {
    setWaiting(null);
    if (!r?.review) return;
    let live = true;
    api<{ total: number }>('GET', `/api/v1/collection/batches?itemCode=${encodeURIComponent(r.itemCode)}&reviewStatus=pending&pageSize=1`)
      .then((b) => live && setWaiting(b.total))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [r]);

  const save = async ({ reason }: { reason: string }) => {
    if (!r) return;
    setBusy(true);
    try {
      await api('PUT', `/api/v1/catalog/info-items/${encodeURIComponent(r.itemCode)}/review`, { review: next, reason });
      message.success(next ? t('已开启审核（已记入审计日志）') : t('已关闭审核（已记入审计日志）'));
      onClose(true);
    } catch (err) {
      message.error(describeError(err));
      onClose(true);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={r !== null} destroyOnHidden onCancel={() => onClose(false)} onOk={() => form.submit()} confirmLoading={busy}
      title={r && (next ? t('开启「{name}」的审核？', { name: r.itemName }) : t('关闭「{name}」的审核？', { name: r.itemName }))}
      okText={next ? t('开启审核') : t('关闭审核')} okButtonProps={{ danger: !next }} cancelText={t('返回')}>
      {r && (
        <Form form={form} layout="vertical" onFinish={save}>
          {next ? (
            <Typography.Paragraph>{t('此后提交的批次须经报送部门的审核员审核通过后才公示；已导入的批次不受影响。')}</Typography.Paragraph>
          ) : (
            <>
              <Typography.Paragraph>{t('此后提交的批次导入后直接按规则公示，不再经审核。')}</Typography.Paragraph>
              <Typography.Paragraph strong data-testid="review-waiting">
                {waiting === null
                  ? t('已在等待审核的批次不受影响，仍须审核员审核通过后才公示，或被退回。')
                  : waiting > 0
                    ? t('已在等待审核的{count}个批次不受影响，仍须审核员审核通过后才公示，或被退回。', { count: waiting })
                    : t('目前没有等待审核的批次。')}
              </Typography.Paragraph>
            </>
          )}
          <Typography.Paragraph type="secondary">
            {t('目录文件的默认值：{value}（{file}）；信用办在此的设置优先于默认值。', { value: r.default.review ? t('须审核') : t('无需审核'), file: r.default.sourceFile })}
          </Typography.Paragraph>
          <Form.Item label={t('更改理由')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('请填写更改理由（至少2个字）') }]}>
            <Input.TextArea rows={2} maxLength={500} placeholder={t('如：该类信息差错较多，增加审核环节')} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/** The roles that read the review settings (as the server's policy for GET /api/v1/catalog/review-settings). */
const REVIEW_READERS = ['creditOffice', 'submitter', 'reviewer', 'implementer'];

export function CatalogPage({ roles }: { roles: readonly string[] }) {
  const items = useEntries('info-items');
  const [review, reloadReview] = useReviewSettings(roles.some((r) => REVIEW_READERS.includes(r)));
  const [changing, setChanging] = useState<ItemReviewView | null>(null);
  const reviewOf = (code: string) => review?.items.find((r) => r.itemCode === code);
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
            <>
              {review && <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('审核：开启后，此后提交的批次须经报送部门的审核员审核通过才公示；关闭后，此后提交的批次直接公示，已在等待审核的批次仍须审核。目录文件中的设置是默认值，信用办在此的设置优先，更改须说明理由并记入审计日志。')} />}
            <WideTable rowKey="code" dataSource={items} pagination={false} scroll={{ x: 960 }}
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
                // Administrators do not read business settings (三员分立): no column for them.
                ...(review
                  ? [{
                    title: t('审核'),
                    width: 200,
                    render: (_: unknown, e: Entry) => {
                      const r = reviewOf(e.code);
                      return r ? <ReviewCell r={r} canChange={review.canChange} onSwitch={setChanging} /> : null;
                    },
                  }]
                  : []),
                basisColumn,
              ]} />
              <ReviewChange r={changing} onClose={(changed) => { setChanging(null); if (changed) reloadReview(); }} />
            </>
          ),
        },
        {
          key: 'measures',
          label: t('措施清单（{count}）', { count: measures.length }),
          children: (
            <WideTable rowKey="code" dataSource={measures} pagination={{ pageSize: 10 }} scroll={{ x: 720 }} columns={[
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
            <WideTable rowKey="code" dataSource={lists} pagination={false} scroll={{ x: 640 }} columns={[
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
            <WideTable rowKey="code" dataSource={instruments} pagination={{ pageSize: 15 }} scroll={{ x: 720 }} columns={[
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
