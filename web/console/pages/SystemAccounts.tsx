/**
 * 系统账号 (system administrator): the other government systems (approval systems, implementing
 * departments' systems, the upper-level platform) that call the platform's signed API and that the
 * credit office subscribes to changes (数据订阅). Lists them and creates one; the secret comes back
 * once, is shown once on this page with a copy button, and is kept nowhere (not in the URL, not in
 * the browser's storage). The API has no disable, enable or new secret for a system account yet:
 * a lost secret means a new account.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Tag, Typography } from 'antd';
import type { DepartmentView } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';

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
  const [created, setCreated] = useState<{ name: string; appKey: string; secret: string } | null>(null);
  const [form] = Form.useForm<{ name: string; departmentId: string }>();

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
      {created && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon closable onClose={() => setCreated(null)} data-testid="system-account-secret"
          message={t('系统账号「{name}」已新增。密钥只显示这一次，关闭后无法再查看：请立即复制，安全地交给对接方。', { name: created.name })}
          description={
            <>
              <div>{t('AppKey：')}<Typography.Text code copyable>{created.appKey}</Typography.Text></div>
              <div>{t('密钥：')}<Typography.Text code copyable={{ text: created.secret }} data-testid="one-time-secret" style={{ overflowWrap: 'anywhere' }}>{created.secret}</Typography.Text></div>
              <Typography.Text type="secondary">{t('遗失密钥时，请新增一个系统账号并在「数据订阅」中改用它。')}</Typography.Text>
            </>
          } />
      )}
      <WideTable rowKey="appKey" dataSource={rows} pagination={{ pageSize: 20 }} columns={[
        { title: t('名称'), dataIndex: 'name' },
        { title: t('部门|field'), dataIndex: 'departmentId', render: deptName },
        { title: 'AppKey', dataIndex: 'appKey', render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
        { title: t('状态'), dataIndex: 'status', render: (s: SystemAccount['status']) => (s === 'active' ? <Tag color="green">{t('正常')}</Tag> : <Tag color="red">{t('停用')}</Tag>) },
        { title: t('创建时间'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
      ]} />

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
