import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api, describeError } from '../../ui/api';
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

  return (
    <Card title="用户" extra={isSysAdmin && <Button type="primary" onClick={() => setOpen(true)}>新增用户</Button>}>
      {created && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon closable onClose={() => setCreated(null)}
          message={<span>用户 {created.username} 的一次性密码（只显示这一次，请当面交给本人）：<Typography.Text code copyable data-testid="one-time-password">{created.password}</Typography.Text></span>} />
      )}
      <Table rowKey="id" dataSource={users} pagination={{ pageSize: 20 }} columns={[
        { title: '用户名', dataIndex: 'username' },
        { title: '姓名', dataIndex: 'displayName' },
        { title: '部门', dataIndex: 'departmentId', render: deptName },
        { title: '角色', dataIndex: 'roles', render: (roles: string[]) => roles.map((r) => <Tag key={r}>{ROLE_LABELS[r] ?? r}</Tag>) },
        { title: '动态验证码', dataIndex: 'totpEnrolled', render: (v: boolean) => (v ? '已绑定' : '未绑定') },
        { title: '状态', render: (_: unknown, u: User) => (u.status !== 'active' ? <Tag color="red">停用</Tag> : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? <Tag color="orange">锁定</Tag> : <Tag color="green">正常</Tag>) },
        {
          title: '操作',
          render: (_: unknown, u: User) => (
            <Space>
              {isSysAdmin && u.id !== me.user.id && (
                <Button size="small" onClick={() => Modal.confirm({
                  title: `重置 ${u.username} 的密码？`, content: '将生成一次性密码，用户下次登录须修改。', okText: '重置', cancelText: '取消',
                  onOk: async () => {
                    const r = await api<{ oneTimePassword: string }>('POST', `/api/v1/users/${u.id}/reset-password`, {});
                    setCreated({ username: u.username, password: r.oneTimePassword });
                  },
                })}>重置密码</Button>
              )}
              {isSecAdmin && u.id !== me.user.id && (
                <Select size="small" mode="multiple" style={{ minWidth: 180 }} value={u.roles} options={ASSIGNABLE.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
                  onChange={async (roles: string[]) => {
                    try {
                      await api('PUT', `/api/v1/users/${u.id}/roles`, { roles, version: u.version });
                      message.success('角色已修改');
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
      <Modal title="新增用户" open={open} okText="保存" cancelText="取消" onCancel={() => setOpen(false)} onOk={() => form.submit()} destroyOnHidden>
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
          <Form.Item label="用户名" name="username" rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: '3–32位小写字母、数字、点、下划线或连字符，以字母开头' }]}><Input /></Form.Item>
          <Form.Item label="姓名" name="displayName" rules={[{ required: true, message: '请输入姓名' }]}><Input /></Form.Item>
          <Form.Item label="部门" name="departmentId"><Select allowClear options={departments.map((d) => ({ value: d.id, label: d.name }))} /></Form.Item>
          <Form.Item label="角色" name="roles" rules={[{ required: true, message: '至少选择一个角色' }]} extra="三员分立：系统管理员、安全管理员、审计管理员只能单独担任，且不得兼任业务角色。">
            <Select mode="multiple" options={ASSIGNABLE.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
