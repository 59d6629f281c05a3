/**
 * 系统账号 (system administrator): the other government systems (approval systems, implementing
 * departments' systems, the upper-level platform) that call the platform's signed API and that the
 * credit office subscribes to changes (数据订阅). Lists them and creates one; the secret comes back
 * once, is shown once on this page with a copy button, and is kept nowhere (not in the URL, not in
 * the browser's storage). 停用 / 启用 (with a reason) and 重置密钥 (a new secret, shown once the same
 * way; the old one stops at once) are each confirmed in a dialog naming the account, and audited.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import type { DepartmentView } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import { StatusDialog } from './StatusDialog';

interface SystemAccount {
  appKey: string;
  name: string;
  departmentId: string;
  roles: string[];
  status: 'active' | 'disabled';
  createdAt: string;
}

export function SystemAccountsPage() {
  const { message } = App.useApp();
  const [rows, setRows] = useState<SystemAccount[]>([]);
  const [departments, setDepartments] = useState<DepartmentView[]>([]);
  const [creating, setCreating] = useState(false);
  // The one-time secret on screen: of a new account, or a new secret of an existing one.
  const [created, setCreated] = useState<{ name: string; appKey: string; secret: string; renewed?: boolean } | null>(null);
  const [switching, setSwitching] = useState<SystemAccount | null>(null);
  const [renewing, setRenewing] = useState<SystemAccount | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; departmentId: string }>();
  const [renewForm] = Form.useForm<{ reason: string }>();

  const load = async () => {
    try {
      setRows(await api<SystemAccount[]>('GET', '/api/v1/system-accounts'));
      setDepartments(await api<DepartmentView[]>('GET', '/api/v1/departments'));
    } catch (err) {
      message.error(describeError(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const deptName = (id: string | null) => departments.find((d) => d.id === id)?.name ?? '—';
  // A system account works for a working department only (the server refuses a disabled one).
  const departmentOptions = departments.map((d) => ({ value: d.id, label: d.status === 'active' ? d.name : t('{name}（已停用）', { name: d.name }), disabled: d.status !== 'active' }));

  return (
    <Card title={t('系统账号|page')} extra={<Button type="primary" onClick={() => { form.resetFields(); setCreating(true); }}>{t('新增系统账号|action')}</Button>}>
      <Typography.Paragraph type="secondary">{t('审批系统、实施部门的业务系统和上级平台用系统账号调用平台的签名接口；信用办在「数据订阅」中为其订阅信息变更。')}</Typography.Paragraph>
      {done && <Alert style={{ marginBottom: 16 }} type="success" showIcon closable onClose={() => setDone(null)} message={done} data-testid="system-account-result" />}
      {created && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon closable onClose={() => setCreated(null)} data-testid="system-account-secret"
          message={created.renewed
            ? t('系统账号「{name}」的密钥已重置，原密钥已失效。新密钥只显示这一次，关闭后无法再查看：请立即复制，安全地交给对接方。', { name: created.name })
            : t('系统账号「{name}」已新增。密钥只显示这一次，关闭后无法再查看：请立即复制，安全地交给对接方。', { name: created.name })}
          description={
            <>
              <div>{t('AppKey：')}<Typography.Text code copyable>{created.appKey}</Typography.Text></div>
              <div>{t('密钥：')}<Typography.Text code copyable={{ text: created.secret }} data-testid="one-time-secret" style={{ overflowWrap: 'anywhere' }}>{created.secret}</Typography.Text></div>
              <Typography.Text type="secondary">{t('遗失密钥时，可在列表中为该系统账号重置密钥。')}</Typography.Text>
            </>
          } />
      )}
      <WideTable rowKey="appKey" dataSource={rows} pagination={{ pageSize: 20 }} columns={[
        { title: t('名称'), dataIndex: 'name' },
        { title: t('部门|field'), dataIndex: 'departmentId', render: deptName },
        { title: 'AppKey', dataIndex: 'appKey', render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
        { title: t('状态'), dataIndex: 'status', render: (s: SystemAccount['status']) => (s === 'active' ? <Tag color="green">{t('正常')}</Tag> : <Tag color="red">{t('停用')}</Tag>) },
        { title: t('创建时间'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
        {
          title: t('操作'),
          render: (_: unknown, a: SystemAccount) => (
            <Space wrap>
              <Button size="small" danger={a.status === 'active'} onClick={() => setSwitching(a)}>{a.status === 'active' ? t('停用|action') : t('启用|action')}</Button>
              <Button size="small" onClick={() => { renewForm.resetFields(); setRenewing(a); }}>{t('重置密钥')}</Button>
            </Space>
          ),
        },
      ]} />

      <StatusDialog
        open={switching !== null}
        disabling={switching?.status === 'active'}
        title={switching && (switching.status === 'active' ? t('停用系统账号「{name}」？', { name: switching.name }) : t('启用系统账号「{name}」？', { name: switching.name }))}
        explanation={switching && (switching.status === 'active'
          ? t('停用后，「{name}」（AppKey {appKey}）的签名请求随即被拒绝，变更拉取和推送停止；停用期间的变更暂存，重新启用后依次推送。', { name: switching.name, appKey: switching.appKey })
          : t('启用后，「{name}」（AppKey {appKey}）可以再次调用签名接口，停用期间暂存的变更依次推送（已暂停的订阅仍暂停）。', { name: switching.name, appKey: switching.appKey }))}
        placeholder={t('如：对接方系统下线或迁移')}
        onCancel={() => setSwitching(null)}
        submit={async (reason) => {
          if (!switching) return;
          const disabling = switching.status === 'active';
          try {
            await api('POST', `/api/v1/system-accounts/${encodeURIComponent(switching.appKey)}/${disabling ? 'disable' : 'enable'}`, { reason });
            setDone(disabling ? t('已停用系统账号「{name}」（已记入审计日志）。', { name: switching.name }) : t('已启用系统账号「{name}」（已记入审计日志）。', { name: switching.name }));
            setSwitching(null);
          } catch (err) {
            message.error(describeError(err));
          }
          await load();
        }}
      />

      <Modal title={renewing && t('重置系统账号「{name}」的密钥？', { name: renewing.name })} open={renewing !== null} okText={t('重置密钥')} okButtonProps={{ danger: true }}
        cancelText={t('取消')} onCancel={() => setRenewing(null)} onOk={() => renewForm.submit()} destroyOnHidden>
        <Form form={renewForm} layout="vertical" preserve={false} onFinish={async (v) => {
          if (!renewing) return;
          try {
            const r = await api<{ appKey: string; secret: string }>('POST', `/api/v1/system-accounts/${encodeURIComponent(renewing.appKey)}/secret`, { reason: v.reason });
            setDone(null);
            setCreated({ name: renewing.name, ...r, renewed: true });
            setRenewing(null);
          } catch (err) {
            message.error(describeError(err));
          }
        }}>
          <Typography.Paragraph type="secondary">
            {renewing && t('「{name}」（AppKey {appKey}）的原密钥随即失效：对接方换用新密钥前，其签名请求被拒绝，推送也改用新密钥签名。新密钥只显示一次。', { name: renewing.name, appKey: renewing.appKey })}
          </Typography.Paragraph>
          <Form.Item label={t('理由')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('请写明理由（至少2个字）') }]}>
            <Input.TextArea rows={2} maxLength={200} placeholder={t('如：密钥疑似泄露')} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal title={t('新增系统账号|action')} open={creating} okText={t('保存')} cancelText={t('取消')} onCancel={() => setCreating(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v) => {
          try {
            const r = await api<{ appKey: string; secret: string }>('POST', '/api/v1/system-accounts', { name: v.name.trim(), departmentId: v.departmentId });
            setCreated({ name: v.name.trim(), ...r });
            setCreating(false);
            form.resetFields();
            await load();
          } catch (err) {
            message.error(describeError(err));
          }
        }}>
          <Form.Item label={t('名称')} name="name" rules={[{ required: true, whitespace: true, min: 2, message: t('请输入系统名称（2–100字）') }]} extra={t('如：某市公共资源交易中心审批系统')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('部门|field')} name="departmentId" rules={[{ required: true, message: t('请选择系统所属部门') }]} extra={t('部门停用后，其系统账号随即不能调用接口。')}>
            <Select showSearch optionFilterProp="label" options={departmentOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
