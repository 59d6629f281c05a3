import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { ROLE_LABELS } from '../../ui/labels';
import type { Me, User } from '../session';

interface Department {
  id: string;
  name: string;
}

const ASSIGNABLE = ['creditOffice', 'submitter', 'reviewer', 'implementer', 'sysAdmin', 'secAdmin', 'auditAdmin'];

export function UsersPage({ me }: { me: Me }) {
  const { message } = App.useApp();
  const [users, setUsers] = useState<User[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  const [form] = Form.useForm();
  const isSysAdmin = me.user.roles.includes('sysAdmin');
  const isSecAdmin = me.user.roles.includes('secAdmin');

  const load = async () => {
    setUsers(await api<User[]>('GET', '/api/v1/users'));
    setDepartments(await api<Department[]>('GET', '/api/v1/departments'));
  };
  useEffect(() => {
    void load();
  }, []);
  const deptName = (id: string | null) => departments.find((d) => d.id === id)?.name ?? '—';
  const roleOptions = ASSIGNABLE.map((r) => ({ value: r, label: t(ROLE_LABELS[r] ?? r) }));

  return (
    <Card title={t('用户')} extra={isSysAdmin && <Button type="primary" onClick={() => setOpen(true)}>{t('新增用户')}</Button>}>
      {created && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon closable onClose={() => setCreated(null)}
          message={<span>{t('用户 {username} 的一次性密码（只显示这一次，请当面交给本人）：', { username: created.username })}<Typography.Text code copyable data-testid="one-time-password">{created.password}</Typography.Text></span>} />
      )}
      <Table rowKey="id" dataSource={users} pagination={{ pageSize: 20 }} columns={[
        { title: t('用户名'), dataIndex: 'username' },
        { title: t('姓名'), dataIndex: 'displayName' },
        { title: t('部门|field'), dataIndex: 'departmentId', render: deptName },
        { title: t('角色'), dataIndex: 'roles', render: (roles: string[]) => roles.map((r) => <Tag key={r}>{t(ROLE_LABELS[r] ?? r)}</Tag>) },
        { title: t('动态验证码'), dataIndex: 'totpEnrolled', render: (v: boolean) => (v ? t('已绑定') : t('未绑定')) },
        { title: t('状态'), render: (_: unknown, u: User) => (u.status !== 'active' ? <Tag color="red">{t('停用')}</Tag> : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? <Tag color="orange">{t('部分地址暂停登录')}</Tag> : <Tag color="green">{t('正常')}</Tag>) },
        {
          title: t('操作'),
          render: (_: unknown, u: User) => (
            <Space>
              {isSysAdmin && u.id !== me.user.id && (
                <Button size="small" onClick={() => Modal.confirm({
                  title: t('重置 {username} 的密码？', { username: u.username }), content: t('将生成一次性密码，用户下次登录须修改。'), okText: t('重置'), cancelText: t('取消'),
                  onOk: async () => {
                    const r = await api<{ oneTimePassword: string }>('POST', `/api/v1/users/${u.id}/reset-password`, {});
                    setCreated({ username: u.username, password: r.oneTimePassword });
                  },
                })}>{t('重置密码')}</Button>
              )}
              {isSecAdmin && u.id !== me.user.id && (
                <Select size="small" mode="multiple" style={{ minWidth: 180 }} value={u.roles} options={roleOptions}
                  onChange={async (roles: string[]) => {
                    try {
                      await api('PUT', `/api/v1/users/${u.id}/roles`, { roles, version: u.version });
                      message.success(t('角色已修改'));
                      await load();
                    } catch (err) {
                      message.error(describeError(err));
                    }
                  }} />
              )}
            </Space>
          ),
        },
      ]} />
      <Modal title={t('新增用户')} open={open} okText={t('保存')} cancelText={t('取消')} onCancel={() => setOpen(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v: { username: string; displayName: string; departmentId?: string; roles: string[] }) => {
          try {
            const r = await api<{ user: User; oneTimePassword: string }>('POST', '/api/v1/users', v);
            setCreated({ username: r.user.username, password: r.oneTimePassword });
            setOpen(false);
            form.resetFields();
            await load();
          } catch (err) {
            message.error(describeError(err));
          }
        }}>
          <Form.Item label={t('用户名')} name="username" rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: t('3–32位小写字母、数字、点、下划线或连字符，以字母开头') }]}><Input /></Form.Item>
          <Form.Item label={t('姓名')} name="displayName" rules={[{ required: true, message: t('请输入姓名') }]}><Input /></Form.Item>
          <Form.Item label={t('部门|field')} name="departmentId"><Select allowClear options={departments.map((d) => ({ value: d.id, label: d.name }))} /></Form.Item>
          <Form.Item label={t('角色')} name="roles" rules={[{ required: true, message: t('至少选择一个角色') }]} extra={t('三员分立：系统管理员、安全管理员、审计管理员只能单独担任，且不得兼任业务角色。')}>
            <Select mode="multiple" options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
