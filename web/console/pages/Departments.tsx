/**
 * 部门 (system administrator): create, edit (name, code, region, parent), disable and enable with
 * a reason. A department's code is checked here as the server and the importer check it, so a code
 * every submitted row would be flagged for cannot be saved.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { departmentCodeIssues, type DepartmentView, type UserView } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { StatusDialog } from './StatusDialog';
import { WideTable } from '../../ui/WideTable';

interface DepartmentForm {
  name: string;
  uscc: string;
  regionCode?: string;
  parentId?: string | null;
}

/** The department and every department under it: none of them can be its parent. */
function selfAndBelow(rows: DepartmentView[], id: string): Set<string> {
  const out = new Set([id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of rows) {
      if (d.parentId && out.has(d.parentId) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

export function DepartmentsPage() {
  const { message, modal } = App.useApp();
  const [rows, setRows] = useState<DepartmentView[]>([]);
  const [users, setUsers] = useState<UserView[]>([]);
  // undefined: closed; null: a new department; otherwise the one being edited.
  const [editing, setEditing] = useState<DepartmentView | null | undefined>(undefined);
  const [switching, setSwitching] = useState<DepartmentView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form] = Form.useForm<DepartmentForm>();
  const load = async () => {
    try {
      setRows(await api<DepartmentView[]>('GET', '/api/v1/departments'));
      setUsers(await api<UserView[]>('GET', '/api/v1/users'));
    } catch (err) {
      message.error(describeError(err));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const nameOf = (id: string | null) => rows.find((d) => d.id === id)?.name ?? '—';
  const activeAccounts = (d: DepartmentView) => users.filter((u) => u.departmentId === d.id && u.status === 'active').length;
  const excluded = editing ? selfAndBelow(rows, editing.id) : new Set<string>();
  const parentOptions = rows.filter((d) => !excluded.has(d.id)).map((d) => ({ value: d.id, label: d.name }));

  const open = (d: DepartmentView | null) => {
    form.resetFields();
    if (d) form.setFieldsValue({ name: d.name, uscc: d.uscc, regionCode: d.regionCode ?? undefined, parentId: d.parentId });
    setEditing(d);
  };

  const save = async (v: DepartmentForm) => {
    const body = { name: v.name, uscc: v.uscc, ...(v.regionCode ? { regionCode: v.regionCode } : {}), ...(v.parentId ? { parentId: v.parentId } : {}) };
    try {
      if (editing) {
        // A region that is just what the old code says follows the code (null: the server derives it).
        const derived = !v.regionCode || v.regionCode === editing.uscc.slice(2, 8);
        await api('PATCH', `/api/v1/departments/${editing.id}`, { ...body, regionCode: derived ? null : v.regionCode, parentId: v.parentId ?? null, version: editing.version });
        setDone(t('已保存部门「{name}」。', { name: v.name }));
      } else {
        await api('POST', '/api/v1/departments', body);
        setDone(t('已新增部门「{name}」。', { name: v.name }));
      }
      setEditing(undefined);
    } catch (err) {
      message.error(describeError(err));
    }
    await load();
  };

  const submit = (v: DepartmentForm) => {
    // Records the department already submitted keep the code they were submitted under.
    if (editing && v.uscc.trim().toUpperCase() !== editing.uscc) {
      modal.confirm({
        title: t('将部门「{name}」的统一社会信用代码由 {before} 改为 {after}？', { name: editing.name, before: editing.uscc, after: v.uscc.trim().toUpperCase() }),
        content: t('此后该部门按新代码报送；此前报送的记录仍以原代码为数据提供方。'),
        okText: t('修改代码'),
        cancelText: t('取消'),
        onOk: () => save(v),
      });
    } else {
      void save(v);
    }
  };

  return (
    <Card title={t('部门')} extra={<Button type="primary" onClick={() => open(null)}>{t('新增部门')}</Button>}>
      {done && <Alert style={{ marginBottom: 16 }} type="success" showIcon closable onClose={() => setDone(null)} message={done} data-testid="admin-result" />}
      <WideTable rowKey="id" dataSource={rows} pagination={{ pageSize: 20 }} columns={[
        { title: t('部门名称'), dataIndex: 'name' },
        { title: t('统一社会信用代码'), dataIndex: 'uscc' },
        {
          title: t('行政区划'),
          render: (_: unknown, d: DepartmentView) =>
            d.regionName ? <span title={d.regionCode ?? ''}>{d.regionName}</span> : d.regionCode ? <Typography.Text type="secondary">{t('{code}（不在行政区划代码表中）', { code: d.regionCode })}</Typography.Text> : '—',
        },
        { title: t('上级部门'), dataIndex: 'parentId', render: nameOf },
        { title: t('状态'), dataIndex: 'status', render: (s: string) => (s === 'active' ? <Tag color="green">{t('启用')}</Tag> : <Tag color="red">{t('停用')}</Tag>) },
        {
          title: t('操作'),
          render: (_: unknown, d: DepartmentView) => (
            <Space>
              <Button size="small" onClick={() => open(d)}>{t('编辑')}</Button>
              <Button size="small" danger={d.status === 'active'} onClick={() => setSwitching(d)}>{d.status === 'active' ? t('停用|action') : t('启用|action')}</Button>
            </Space>
          ),
        },
      ]} />

      <Modal title={editing ? t('编辑部门「{name}」', { name: editing.name }) : t('新增部门')} open={editing !== undefined} okText={t('保存')} cancelText={t('取消')} onCancel={() => setEditing(undefined)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item label={t('部门名称')} name="name" rules={[{ required: true, whitespace: true, min: 2, message: t('请输入部门名称（至少2个字）') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item label={t('统一社会信用代码')} name="uscc" validateFirst
            rules={[
              { required: true, message: t('请输入18位统一社会信用代码') },
              // The same check as the server's and the importer's: each problem says which position is wrong.
              { validator: async (_: unknown, v: string) => {
                const { issues } = departmentCodeIssues(v ?? '');
                if (issues.length > 0) throw new Error(issues.map((i) => i.message).join(t('；')));
              } },
            ]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item label={t('行政区划代码')} name="regionCode" rules={[{ pattern: /^\d{6}$/, message: t('行政区划代码为6位数字，如330100') }]} extra={t('留空则取统一社会信用代码第3–8位；保存后显示行政区划名称。')}>
            <Input maxLength={6} />
          </Form.Item>
          <Form.Item label={t('上级部门')} name="parentId"><Select allowClear options={parentOptions} placeholder={t('无上级部门')} /></Form.Item>
        </Form>
      </Modal>

      <StatusDialog
        open={switching !== null}
        disabling={switching?.status === 'active'}
        title={switching && (switching.status === 'active' ? t('停用部门「{name}」？', { name: switching.name }) : t('启用部门「{name}」？', { name: switching.name }))}
        explanation={switching?.status === 'active'
          ? t('停用后，该部门的{count}个在用账户和它的系统账号不能登录、报送，已登录的随即退出；已公示的信息不受影响。重新启用后恢复。', { count: activeAccounts(switching) })
          : t('启用后，该部门未被单独停用的账户可以再次登录、报送。')}
        placeholder={t('如：机构改革，职责并入其他部门')}
        onCancel={() => setSwitching(null)}
        submit={async (reason) => {
          if (!switching) return;
          const disabling = switching.status === 'active';
          try {
            await api('POST', `/api/v1/departments/${switching.id}/${disabling ? 'disable' : 'enable'}`, { reason });
            setDone(disabling ? t('已停用部门「{name}」。', { name: switching.name }) : t('已启用部门「{name}」。', { name: switching.name }));
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
