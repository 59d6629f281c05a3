/**
 * 用户 (system administrator: accounts, names, departments, disable/enable, passwords; security
 * administrator: roles). Every change is confirmed with the account named, and what cannot be
 * saved (no role, 三员分立, a business role without a department) is explained before it is sent.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { ADMINISTRATOR_ROLES, BUSINESS_ROLES, roleIssues, type DepartmentView, type Role } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { StatusDialog } from './StatusDialog';
import { ROLE_LABELS } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';
import type { Me, User } from '../session';

const ASSIGNABLE: Role[] = ['creditOffice', 'submitter', 'reviewer', 'implementer', 'sysAdmin', 'secAdmin', 'auditAdmin'];

const accountOf = (u: User) => t('{name}（{username}）', { name: u.displayName, username: u.username });
const roleNames = (roles: readonly string[]) => roles.map((r) => t(ROLE_LABELS[r] ?? r)).join(t('、'));
const isAdministrator = (roles: readonly Role[]) => roles.some((r) => ADMINISTRATOR_ROLES.includes(r));

/** A form rule from the roles rules the server applies (common/identity-api.ts). */
const rolesRule = (departmentId: () => string | null) => ({
  validator: async (_: unknown, roles: Role[] | undefined) => {
    const issues = roleIssues(roles ?? [], departmentId());
    if (issues.length > 0) throw new Error(issues.map((i) => t(i.message)).join(t('；')));
  },
});

export function UsersPage({ me }: { me: Me }) {
  const { message, modal } = App.useApp();
  const [users, setUsers] = useState<User[]>([]);
  const [departments, setDepartments] = useState<DepartmentView[]>([]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [changingRoles, setChangingRoles] = useState<User | null>(null);
  const [switching, setSwitching] = useState<User | null>(null);
  const [created, setCreated] = useState<{ username: string; password: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [createForm] = Form.useForm();
  const [editForm] = Form.useForm<{ displayName: string; departmentId?: string | null }>();
  const [rolesForm] = Form.useForm<{ roles: Role[] }>();
  const newRoles = Form.useWatch('roles', rolesForm) ?? [];
  const isSysAdmin = me.user.roles.includes('sysAdmin');
  const isSecAdmin = me.user.roles.includes('secAdmin');

  const load = async () => {
    try {
      setUsers(await api<User[]>('GET', '/api/v1/users'));
      setDepartments(await api<DepartmentView[]>('GET', '/api/v1/departments'));
    } catch (err) {
      message.error(describeError(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const deptName = (id: string | null) => departments.find((d) => d.id === id)?.name ?? '—';
  const roleOptions = ASSIGNABLE.map((r) => ({ value: r, label: t(ROLE_LABELS[r] ?? r) }));
  // Accounts go into working departments only; a disabled one is shown so a moved-out account's place reads right.
  const departmentOptions = departments.map((d) => ({ value: d.id, label: d.status === 'active' ? d.name : t('{name}（已停用）', { name: d.name }), disabled: d.status !== 'active' }));
  /** One administrator does not manage another's account (the server refuses the same). */
  const manageable = (u: User) => u.id !== me.user.id && !isAdministrator(u.roles);

  const saveRoles = (u: User, roles: Role[]) => {
    const privileged = isAdministrator(u.roles) || isAdministrator(roles);
    modal.confirm({
      title: t('将用户 {account}的角色由 {before} 改为 {after}？', { account: accountOf(u), before: roleNames(u.roles), after: roleNames(roles) }),
      content: (
        <>
          {privileged && <Typography.Paragraph type="danger">{t('这是管理员角色的变更（三员分立）：请确认已按规定审批。')}</Typography.Paragraph>}
          <Typography.Paragraph>{t('该用户已登录的会话将随即结束，须重新登录。变更记入审计日志。')}</Typography.Paragraph>
        </>
      ),
      okText: t('修改角色'),
      okButtonProps: { danger: privileged },
      cancelText: t('取消'),
      onOk: async () => {
        try {
          await api('PUT', `/api/v1/users/${u.id}/roles`, { roles, version: u.version });
          setDone(t('已将用户 {account}的角色改为 {roles}。', { account: accountOf(u), roles: roleNames(roles) }));
          setChangingRoles(null);
        } catch (err) {
          message.error(describeError(err));
        }
        await load();
      },
    });
  };

  return (
    <Card title={t('用户')} extra={isSysAdmin && <Button type="primary" onClick={() => { createForm.resetFields(); setCreating(true); }}>{t('新增用户')}</Button>}>
      {created && (
        <Alert style={{ marginBottom: 16 }} type="warning" showIcon closable onClose={() => setCreated(null)}
          message={<span>{t('用户 {username} 的一次性密码（只显示这一次，请当面交给本人）：', { username: created.username })}<Typography.Text code copyable data-testid="one-time-password">{created.password}</Typography.Text></span>} />
      )}
      {done && <Alert style={{ marginBottom: 16 }} type="success" showIcon closable onClose={() => setDone(null)} message={done} data-testid="admin-result" />}
      <WideTable rowKey="id" dataSource={users} pagination={{ pageSize: 20 }} columns={[
        { title: t('用户名'), dataIndex: 'username' },
        { title: t('姓名'), dataIndex: 'displayName' },
        { title: t('部门|field'), dataIndex: 'departmentId', render: deptName },
        { title: t('角色'), dataIndex: 'roles', render: (roles: string[]) => <Space size={[4, 4]} wrap>{roles.map((r) => <Tag key={r} style={{ marginInlineEnd: 0 }}>{t(ROLE_LABELS[r] ?? r)}</Tag>)}</Space> },
        { title: t('动态验证码'), dataIndex: 'totpEnrolled', render: (v: boolean) => (v ? t('已绑定') : t('未绑定')) },
        { title: t('状态'), render: (_: unknown, u: User) => (u.status !== 'active' ? <Tag color="red">{t('停用')}</Tag> : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? <Tag color="orange">{t('部分地址暂停登录')}</Tag> : <Tag color="green">{t('正常')}</Tag>) },
        {
          title: t('操作'),
          render: (_: unknown, u: User) => (
            <Space wrap>
              {isSysAdmin && (manageable(u) || u.id === me.user.id) && (
                <Button size="small" onClick={() => { editForm.setFieldsValue({ displayName: u.displayName, departmentId: u.departmentId }); setEditing(u); }}>{t('编辑')}</Button>
              )}
              {isSysAdmin && manageable(u) && (
                <Button size="small" danger={u.status === 'active'} onClick={() => setSwitching(u)}>{u.status === 'active' ? t('停用|action') : t('启用|action')}</Button>
              )}
              {isSysAdmin && manageable(u) && (
                <Button size="small" onClick={() => modal.confirm({
                  title: t('重置 {username} 的密码？', { username: u.username }), content: t('将生成一次性密码，用户下次登录须修改。'), okText: t('重置'), cancelText: t('取消'),
                  onOk: async () => {
                    try {
                      const r = await api<{ oneTimePassword: string }>('POST', `/api/v1/users/${u.id}/reset-password`, {});
                      setCreated({ username: u.username, password: r.oneTimePassword });
                    } catch (err) {
                      message.error(describeError(err));
                    }
                  },
                })}>{t('重置密码')}</Button>
              )}
              {isSecAdmin && u.id !== me.user.id && (
                <Button size="small" onClick={() => { rolesForm.setFieldsValue({ roles: u.roles }); setChangingRoles(u); }}>{t('修改角色')}</Button>
              )}
            </Space>
          ),
        },
      ]} />

      <Modal title={t('新增用户')} open={creating} okText={t('保存')} cancelText={t('取消')} onCancel={() => setCreating(false)} onOk={() => createForm.submit()} destroyOnHidden>
        <Form form={createForm} layout="vertical" onFinish={async (v: { username: string; displayName: string; departmentId?: string; roles: Role[] }) => {
          try {
            const r = await api<{ user: User; oneTimePassword: string }>('POST', '/api/v1/users', v);
            setCreated({ username: r.user.username, password: r.oneTimePassword });
            setCreating(false);
            createForm.resetFields();
            await load();
          } catch (err) {
            message.error(describeError(err));
          }
        }}>
          <Form.Item label={t('用户名')} name="username" rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: t('3–32位小写字母、数字、点、下划线或连字符，以字母开头') }]}><Input /></Form.Item>
          <Form.Item label={t('姓名')} name="displayName" rules={[{ required: true, whitespace: true, message: t('请输入姓名') }]}><Input maxLength={50} /></Form.Item>
          <Form.Item label={t('部门|field')} name="departmentId"><Select allowClear showSearch optionFilterProp="label" options={departmentOptions} /></Form.Item>
          <Form.Item label={t('角色')} name="roles" dependencies={['departmentId']} rules={[rolesRule(() => createForm.getFieldValue('departmentId') ?? null)]} extra={t('三员分立：系统管理员、安全管理员、审计管理员只能单独担任，且不得兼任业务角色。')}>
            <Select mode="multiple" options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal title={editing && t('编辑用户 {account}', { account: accountOf(editing) })} open={editing !== null} okText={t('保存')} cancelText={t('取消')} onCancel={() => setEditing(null)} onOk={() => editForm.submit()} destroyOnHidden>
        <Form form={editForm} layout="vertical" onFinish={async (v) => {
          if (!editing) return;
          try {
            await api('PATCH', `/api/v1/users/${editing.id}`, { displayName: v.displayName, departmentId: v.departmentId ?? null, version: editing.version });
            setDone(t('已保存用户 {account}的信息。', { account: t('{name}（{username}）', { name: v.displayName, username: editing.username }) }));
            setEditing(null);
          } catch (err) {
            message.error(describeError(err));
          }
          await load();
        }}>
          <Form.Item label={t('姓名')} name="displayName" rules={[{ required: true, whitespace: true, message: t('请输入姓名') }]}><Input maxLength={50} /></Form.Item>
          <Form.Item label={t('部门|field')} name="departmentId"
            rules={[{ validator: async (_: unknown, id: string | undefined) => {
              if (!id && editing?.roles.some((r) => BUSINESS_ROLES.includes(r))) throw new Error(t('该用户有业务角色，须归属一个部门'));
            } }]}
            extra={t('调整部门后，该用户随即按新部门报送、审核。')}>
            <Select allowClear showSearch optionFilterProp="label" options={departmentOptions} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal title={changingRoles && t('修改{account}的角色', { account: accountOf(changingRoles) })} open={changingRoles !== null} okText={t('下一步')} cancelText={t('取消')}
        okButtonProps={{ disabled: changingRoles !== null && [...newRoles].sort().join() === [...changingRoles.roles].sort().join() }}
        onCancel={() => setChangingRoles(null)} onOk={() => rolesForm.submit()} destroyOnHidden>
        <Form form={rolesForm} layout="vertical" onFinish={(v) => changingRoles && saveRoles(changingRoles, v.roles)}>
          <Typography.Paragraph type="secondary">{t('当前角色：{roles}', { roles: changingRoles ? roleNames(changingRoles.roles) : '' })}</Typography.Paragraph>
          <Form.Item label={t('角色')} name="roles" rules={[rolesRule(() => changingRoles?.departmentId ?? null)]} extra={t('三员分立：系统管理员、安全管理员、审计管理员只能单独担任，且不得兼任业务角色。')}>
            <Select mode="multiple" options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>

      <StatusDialog
        open={switching !== null}
        disabling={switching?.status === 'active'}
        title={switching && (switching.status === 'active' ? t('停用用户 {account}？', { account: accountOf(switching) }) : t('启用用户 {account}？', { account: accountOf(switching) }))}
        explanation={switching?.status === 'active' ? t('停用后该用户不能登录，已登录的会话随即结束；账户和历史记录保留，可再启用。') : t('启用后该用户可以再次登录。')}
        placeholder={t('如：调离本单位')}
        onCancel={() => setSwitching(null)}
        submit={async (reason) => {
          if (!switching) return;
          const disabling = switching.status === 'active';
          try {
            await api('POST', `/api/v1/users/${switching.id}/${disabling ? 'disable' : 'enable'}`, { reason });
            setDone(disabling ? t('已停用用户 {account}。', { account: accountOf(switching) }) : t('已启用用户 {account}。', { account: accountOf(switching) }));
            setSwitching(null);
          } catch (err) {
            message.error(describeError(err));
          }
          await load();
        }}
      />
    </Card>
  );
}
