import { useEffect, useState } from 'react';
import { App, Button, Card, Form, Input, Modal, Table } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';

interface Department {
  id: string;
  name: string;
  uscc: string;
  regionCode: string | null;
  status: string;
}

export function DepartmentsPage() {
  const { message } = App.useApp();
  const [rows, setRows] = useState<Department[]>([]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const load = async () => setRows(await api<Department[]>('GET', '/api/v1/departments'));
  useEffect(() => {
    void load();
  }, []);

  return (
    <Card title={t('部门')} extra={<Button type="primary" onClick={() => setOpen(true)}>{t('新增部门')}</Button>}>
      <Table rowKey="id" dataSource={rows} pagination={{ pageSize: 20 }} columns={[
        { title: t('部门名称'), dataIndex: 'name' },
        { title: t('统一社会信用代码'), dataIndex: 'uscc' },
        { title: t('行政区划'), dataIndex: 'regionCode' },
        { title: t('状态'), dataIndex: 'status', render: (s: string) => (s === 'active' ? t('启用') : t('停用')) },
      ]} />
      <Modal title={t('新增部门')} open={open} okText={t('保存')} onCancel={() => setOpen(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={async (v: { name: string; uscc: string }) => {
          try {
            await api('POST', '/api/v1/departments', v);
            message.success(t('部门已创建'));
            setOpen(false);
            form.resetFields();
            await load();
          } catch (err) {
            message.error(describeError(err));
          }
        }}>
          <Form.Item label={t('部门名称')} name="name" rules={[{ required: true, min: 2, message: t('请输入部门名称') }]}><Input /></Form.Item>
          <Form.Item label={t('统一社会信用代码')} name="uscc" rules={[{ required: true, message: t('请输入18位统一社会信用代码') }]}><Input maxLength={40} /></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
