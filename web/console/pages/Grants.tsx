/** 报送目录: which catalog items a department may submit (谁产生、谁负责), set by the credit office. */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Select, Space } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { useDepartments, useInfoItems } from '../collection';

interface Grants {
  departmentId: string;
  itemCodes: string[];
}

export function GrantsPage() {
  const { message, modal } = App.useApp();
  const departments = useDepartments(true);
  const items = useInfoItems();
  const [departmentId, setDepartmentId] = useState<string>();
  /** What the server holds, to tell whether there is anything to save. */
  const [saved, setSaved] = useState<string[]>([]);
  const [codes, setCodes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    setSaved([]);
    setCodes([]);
    setError('');
    if (!departmentId) return;
    let live = true;
    api<Grants>('GET', `/api/v1/collection/grants/${departmentId}`)
      .then((g) => {
        if (!live) return;
        setSaved(g.itemCodes);
        setCodes(g.itemCodes);
      })
      .catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [departmentId]);

  const changed = [...codes].sort().join() !== [...saved].sort().join();

  const save = async () => {
    if (!departmentId) return;
    setBusy(true);
    try {
      const g = await api<Grants>('PUT', `/api/v1/collection/grants/${departmentId}`, { itemCodes: codes });
      setSaved(g.itemCodes);
      setCodes(g.itemCodes);
      message.success(t('报送目录已保存（已记入审计日志）'));
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  /** Taking an item away stops the department's submissions of it: asked once more, by name. */
  const confirmThenSave = () => {
    const removed = saved.filter((c) => !codes.includes(c)).map((c) => items.find((i) => i.code === c)?.name ?? c);
    if (removed.length === 0) return void save();
    modal.confirm({
      title: t('取消授权？'),
      content: t('该部门将不能再报送：{items}。已报送的记录不受影响。', { items: removed.join('、') }),
      okText: t('取消授权并保存'),
      okButtonProps: { danger: true },
      cancelText: t('返回'),
      onOk: save,
    });
  };

  return (
    <Card title={t('报送目录')}>
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label={t('部门|field')} htmlFor="grants-department" extra={t('部门只能报送在此勾选的信息项；每行的数据来源单位须是该部门。')}>
          <Select id="grants-department" showSearch optionFilterProp="label" placeholder={t('选择部门')} value={departmentId} onChange={setDepartmentId}
            options={departments.map((d) => ({ value: d.id, label: d.name }))} data-testid="grants-department" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        {departmentId ? (
          <Form.Item label={t('可报送的信息项')}>
            <div role="group" aria-label={t('可报送的信息项')}>
              <Checkbox.Group value={codes} onChange={(v) => setCodes(v as string[])} data-testid="grants-items">
                <Space direction="vertical">
                  {items.map((i) => <Checkbox key={i.code} value={i.code}>{t('{name}（{code}）', { name: i.name, code: i.code })}</Checkbox>)}
                </Space>
              </Checkbox.Group>
            </div>
          </Form.Item>
        ) : (
          <Empty description={t('先选择部门')} />
        )}
        {departmentId && (
          <Button type="primary" onClick={confirmThenSave} loading={busy} disabled={!changed} data-testid="grants-save">{t('保存')}</Button>
        )}
      </Form>
    </Card>
  );
}
