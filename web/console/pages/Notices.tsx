/**
 * 信用动态 (credit office): notices for the portal. A notice is written as a draft (title, plain
 * text body, attachments), published after a confirmation, withdrawn with a reason (撤回), and a
 * withdrawn one may go back to a draft to be corrected. Every change is audited; a draft and a
 * withdrawn notice are never on the portal.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, List, Modal, Popconfirm, Progress, Segmented, Space, Tag, Typography, Upload } from 'antd';
import { PaperClipOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import type { NoticeListView, NoticeStatus, NoticeView } from '../../../common/notices-api';
import { api, describeError, uploadFile } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';

const STATUS: Record<NoticeStatus, { label: string; color: string }> = {
  draft: { label: t('草稿'), color: 'default' },
  published: { label: t('已发布'), color: 'green' },
  withdrawn: { label: t('已撤回'), color: 'red' },
};
const ACCEPT = '.pdf,.docx,.xlsx,.png,.jpg,.jpeg';

function StatusTag({ status }: { status: NoticeStatus }) {
  return <Tag color={STATUS[status].color}>{STATUS[status].label}</Tag>;
}

export function NoticesPage() {
  const { message } = App.useApp();
  const [filter, setFilter] = useState<NoticeStatus | 'all'>('all');
  const [data, setData] = useState<NoticeListView | null>(null);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState<NoticeView | 'new' | null>(null);
  const [withdrawing, setWithdrawing] = useState<NoticeView | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();

  const load = async () => {
    setLoading(true);
    try {
      setData(await api<NoticeListView>('GET', `/api/v1/notices?pageSize=100${filter === 'all' ? '' : `&status=${filter}`}`));
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, [filter]);

  /** A transition; the answer or the refusal (an outdated page, another officer's change) is said, then the list reloads. */
  const fire = async (n: NoticeView, event: 'publish' | 'revise' | 'withdraw', body: Record<string, unknown> = {}) => {
    try {
      const done = await api<NoticeView>('POST', `/api/v1/notices/${n.id}/${event}`, { version: n.version, ...body });
      message.success(event === 'publish' ? t('已发布，门户“信用动态”中可见（已记入审计日志）') : event === 'withdraw' ? t('已撤回，门户不再显示（已记入审计日志）') : t('已改回草稿，可修改后重新发布'));
      if (event === 'revise') setEditing(done);
      await load();
      return true;
    } catch (err) {
      message.error(describeError(err));
      await load();
      return false;
    }
  };

  return (
    <Card title={t('信用动态')} data-testid="notices-page"
      extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="notice-new">{t('新建公告')}</Button>}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('在门户“信用动态”栏目发布的通知公告。草稿和已撤回的公告不对外显示；发布、撤回均记入审计日志。')}
        </Typography.Paragraph>
        <Segmented value={filter} onChange={(v) => setFilter(v as NoticeStatus | 'all')}
          options={[{ value: 'all', label: t('全部') }, { value: 'draft', label: t('草稿') }, { value: 'published', label: t('已发布') }, { value: 'withdrawn', label: t('已撤回') }]} />
        <WideTable<NoticeView> rowKey="id" dataSource={data?.items ?? []} loading={loading} pagination={{ pageSize: 20 }} scroll={{ x: 760 }} data-testid="notice-table"
          locale={{ emptyText: t('暂无公告') }}
          columns={[
            { title: t('标题'), render: (_, n) => <Typography.Text style={{ wordBreak: 'break-word' }}>{n.title}</Typography.Text> },
            { title: t('状态'), width: 90, render: (_, n) => <StatusTag status={n.status} /> },
            {
              title: t('最近更改'), width: 220,
              render: (_, n) => (
                <Space direction="vertical" size={0}>
                  <span>{formatTime(n.updatedAt)}</span>
                  <Typography.Text type="secondary">{n.updatedBy}</Typography.Text>
                  {n.status === 'withdrawn' && n.withdrawReason && <Typography.Text type="secondary">{t('撤回理由：{reason}', { reason: n.withdrawReason })}</Typography.Text>}
                </Space>
              ),
            },
            { title: t('附件'), width: 70, render: (_, n) => n.attachments.length },
            {
              title: t('操作'), width: 220,
              render: (_, n) => (
                <Space wrap size={4}>
                  {n.status === 'draft' && <Button size="small" onClick={() => setEditing(n)}>{t('编辑')}</Button>}
                  {n.status === 'draft' && (
                    <Popconfirm title={t('发布“{title}”？', { title: n.title })} description={t('发布后，所有人都能在门户看到它和它的附件。')} okText={t('发布')} cancelText={t('取消')} onConfirm={() => fire(n, 'publish')}>
                      <Button size="small" type="primary">{t('发布')}</Button>
                    </Popconfirm>
                  )}
                  {n.status === 'published' && (
                    <>
                      <Button size="small" href={`/#/notices/${n.id}`} target="_blank" rel="noopener">{t('在门户查看')}</Button>
                      <Button size="small" danger onClick={() => { reasonForm.resetFields(); setWithdrawing(n); }}>{t('撤回')}</Button>
                    </>
                  )}
                  {n.status === 'withdrawn' && (
                    <Popconfirm title={t('把“{title}”改回草稿？', { title: n.title })} description={t('改回草稿后可以修改，再次发布前门户不显示它。')} okText={t('重新编辑')} cancelText={t('取消')} onConfirm={() => fire(n, 'revise')}>
                      <Button size="small">{t('重新编辑')}</Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]} />
      </Space>
      {editing && (
        <NoticeEditor notice={editing === 'new' ? null : editing} maxAttachmentBytes={data?.maxAttachmentBytes ?? null}
          onChanged={() => void load()} onClose={() => setEditing(null)} />
      )}
      <Modal
        open={withdrawing !== null}
        title={withdrawing && t('撤回“{title}”？', { title: withdrawing.title })}
        okText={t('撤回')}
        okButtonProps={{ danger: true }}
        cancelText={t('取消')}
        onCancel={() => setWithdrawing(null)}
        onOk={() => reasonForm.submit()}
        destroyOnHidden
      >
        <Form form={reasonForm} layout="vertical" onFinish={async (v) => {
          if (withdrawing && (await fire(withdrawing, 'withdraw', { reason: v.reason }))) setWithdrawing(null);
        }}>
          <Typography.Paragraph type="secondary">{t('撤回后门户立即不再显示这条公告及其附件；撤回理由记入审计日志。')}</Typography.Paragraph>
          <Form.Item label={t('撤回理由')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('请填写撤回理由（至少2个字）') }]}>
            <Input.TextArea rows={3} maxLength={500} placeholder={t('如：内容有误，更正后重新发布')} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** Title and body of a draft, and its attachments once it has been saved. */
function NoticeEditor({ notice, maxAttachmentBytes, onChanged, onClose }: { notice: NoticeView | null; maxAttachmentBytes: number | null; onChanged: () => void; onClose: () => void }) {
  const { message } = App.useApp();
  const [current, setCurrent] = useState<NoticeView | null>(notice);
  const [form] = Form.useForm<{ title: string; body: string }>();
  const [saving, setSaving] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState('');

  const save = async (v: { title: string; body: string }) => {
    setSaving(true);
    try {
      const saved = current
        ? await api<NoticeView>('PUT', `/api/v1/notices/${current.id}`, { ...v, version: current.version })
        : await api<NoticeView>('POST', '/api/v1/notices', v);
      setCurrent(saved);
      message.success(current ? t('草稿已保存') : t('草稿已创建，可以添加附件'));
      onChanged();
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const upload = async (file: File) => {
    if (!current) return;
    setUploadError('');
    // Refused here, not by the server: a browser may see only a dropped connection for a 413.
    if (maxAttachmentBytes !== null && file.size > maxAttachmentBytes) {
      setUploadError(t('附件「{name}」大小{size} MB，超过{max} MB的上限，不能上传', { name: file.name, size: (file.size / 1048576).toFixed(1), max: Math.round(maxAttachmentBytes / 1048576) }));
      return;
    }
    setSent(0);
    try {
      setCurrent(await uploadFile<NoticeView>(`/api/v1/notices/${current.id}/attachments`, file, setSent));
      onChanged();
    } catch (err) {
      setUploadError(describeError(err));
    } finally {
      setSent(null);
    }
  };

  const remove = async (attachmentId: string) => {
    if (!current) return;
    try {
      setCurrent(await api<NoticeView>('DELETE', `/api/v1/notices/${current.id}/attachments/${attachmentId}`));
      onChanged();
    } catch (err) {
      message.error(describeError(err));
    }
  };

  return (
    <Modal open width={760} title={current ? t('编辑草稿') : t('新建公告')} onCancel={onClose} destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose}>{t('关闭')}</Button>,
        <Button key="save" type="primary" loading={saving} onClick={() => form.submit()} data-testid="notice-save">{current ? t('保存草稿') : t('创建草稿')}</Button>,
      ]}>
      <Form form={form} layout="vertical" initialValues={{ title: notice?.title ?? '', body: notice?.body ?? '' }} onFinish={save}>
        <Form.Item label={t('标题')} name="title" rules={[{ required: true, whitespace: true, min: 2, message: t('标题至少2个字') }]}>
          <Input maxLength={100} showCount />
        </Form.Item>
        <Form.Item label={t('正文')} name="body" extra={t('纯文本，空行分段；不支持HTML，尖括号等按原样显示。公告向社会公开，不得载有身份证号码等个人信息。')}
          rules={[{ required: true, whitespace: true, message: t('正文不能为空') }]}>
          <Input.TextArea rows={10} maxLength={20000} />
        </Form.Item>
      </Form>
      <Typography.Title level={5}>{t('附件')}</Typography.Title>
      {!current ? (
        <Typography.Text type="secondary">{t('创建草稿后可以添加附件。')}</Typography.Text>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <List size="small" bordered dataSource={current.attachments} locale={{ emptyText: t('暂无附件') }} data-testid="notice-attachments"
            renderItem={(a) => (
              <List.Item actions={[
                <Popconfirm key="remove" title={t('删除附件“{name}”？', { name: a.name })} okText={t('删除')} cancelText={t('取消')} onConfirm={() => remove(a.id)}>
                  <Button size="small" danger>{t('删除')}</Button>
                </Popconfirm>,
              ]}>
                <Typography.Link href={`/api/v1/notices/${current.id}/attachments/${a.id}`} download={a.name} style={{ wordBreak: 'break-all' }}><PaperClipOutlined /> {a.name}</Typography.Link>
              </List.Item>
            )} />
          {/* Nothing is sent by antd (beforeUpload returns false): the file goes as the request body, with progress. */}
          <Upload accept={ACCEPT} showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }} disabled={sent !== null} data-testid="notice-upload">
            <Button icon={<UploadOutlined />} loading={sent !== null}>{t('添加附件')}</Button>
          </Upload>
          <Typography.Text type="secondary">
            {t('PDF、Word（.docx）、Excel（.xlsx）、PNG或JPEG图片，每个不超过{max} MB，每条公告最多10个。', { max: Math.round((maxAttachmentBytes ?? 10485760) / 1048576) })}
          </Typography.Text>
          {sent !== null && <Progress percent={Math.round(sent * 100)} status="active" />}
          {uploadError && <Alert type="error" showIcon message={uploadError} data-testid="notice-upload-error" />}
        </Space>
      )}
    </Modal>
  );
}
