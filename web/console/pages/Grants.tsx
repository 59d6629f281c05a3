/**
 * 报送目录: which department may submit which catalog item (谁产生、谁负责), set by the credit office,
 * as a matrix — a row per department, a column per item, a checkbox per cell. Changes are marked
 * until saved; saving first names every change, then saves department by department (each audited).
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Empty, Form, Select, Space, Tag, Typography } from 'antd';
import type { DepartmentView } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { WideTable } from '../../ui/WideTable';
import { useInfoItems } from '../collection';

interface Grants {
  departmentId: string;
  itemCodes: string[];
}

type Matrix = Record<string, string[]>;

interface Change {
  department: DepartmentView;
  added: string[];
  removed: string[];
}

const CHANGED = '#fffbe6';

export function GrantsPage() {
  const { message, modal } = App.useApp();
  const items = useInfoItems();
  const [departments, setDepartments] = useState<DepartmentView[] | null>(null);
  /** What the server holds, per department, to tell what changed. */
  const [saved, setSaved] = useState<Matrix>({});
  const [draft, setDraft] = useState<Matrix>({});
  const [shown, setShown] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    (async () => {
      const [list, grants] = await Promise.all([
        api<DepartmentView[]>('GET', '/api/v1/departments'),
        api<{ items: Grants[] }>('GET', '/api/v1/collection/grants'),
      ]);
      if (!live) return;
      const matrix: Matrix = Object.fromEntries(grants.items.map((g) => [g.departmentId, g.itemCodes]));
      setDepartments(list);
      setSaved(matrix);
      setDraft(matrix);
    })().catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, []);

  const has = (m: Matrix, departmentId: string, code: string) => (m[departmentId] ?? []).includes(code);
  const toggle = (departmentId: string, code: string, on: boolean) =>
    setDraft((m) => ({ ...m, [departmentId]: on ? [...(m[departmentId] ?? []), code].sort() : (m[departmentId] ?? []).filter((c) => c !== code) }));
  const changes: Change[] = (departments ?? []).flatMap((department) => {
    const added = (draft[department.id] ?? []).filter((c) => !has(saved, department.id, c));
    const removed = (saved[department.id] ?? []).filter((c) => !has(draft, department.id, c));
    return added.length + removed.length > 0 ? [{ department, added, removed }] : [];
  });
  const cells = changes.reduce((n, c) => n + c.added.length + c.removed.length, 0);
  const itemName = (code: string) => {
    const item = items.find((i) => i.code === code);
    return item ? t('{name}（{code}）', { name: item.name, code }) : code;
  };

  /** Department by department: one that fails keeps its changes on the page and is named. */
  const save = async () => {
    setBusy(true);
    setError('');
    const failed: string[] = [];
    for (const c of changes) {
      try {
        const g = await api<Grants>('PUT', `/api/v1/collection/grants/${c.department.id}`, { itemCodes: draft[c.department.id] ?? [] });
        setSaved((m) => ({ ...m, [c.department.id]: g.itemCodes }));
        setDraft((m) => ({ ...m, [c.department.id]: g.itemCodes }));
      } catch (err) {
        failed.push(t('{name}：{text}', { name: c.department.name, text: describeError(err) }));
      }
    }
    setBusy(false);
    if (failed.length === 0) message.success(t('报送目录已保存（已记入审计日志）'));
    else setError(t('以下部门的变更未能保存，仍显示在表中：{list}', { list: failed.join(t('；')) }));
  };

  const confirmThenSave = () => {
    const removing = changes.some((c) => c.removed.length > 0);
    modal.confirm({
      title: t('保存报送目录的变更？'),
      width: 560,
      content: (
        <div data-testid="grants-changes">
          <ul style={{ paddingInlineStart: 20, marginBlock: 8 }}>
            {changes.map((c) => (
              <li key={c.department.id}>
                {t('{name}：{text}', {
                  name: c.department.name,
                  text: [
                    ...(c.added.length > 0 ? [t('开通{items}', { items: c.added.map(itemName).join(t('、')) })] : []),
                    ...(c.removed.length > 0 ? [t('取消{items}', { items: c.removed.map(itemName).join(t('、')) })] : []),
                  ].join(t('；')),
                })}
              </li>
            ))}
          </ul>
          {removing && <Typography.Paragraph type="warning">{t('取消后，该部门不能再报送这些信息项；已报送的记录不受影响。')}</Typography.Paragraph>}
          <Typography.Paragraph type="secondary">{t('各部门的变更分别保存，并记入审计日志。')}</Typography.Paragraph>
        </div>
      ),
      okText: t('确认保存'),
      okButtonProps: { danger: removing },
      cancelText: t('返回'),
      onOk: save,
    });
  };

  const rows = (departments ?? []).filter((d) => shown.length === 0 || shown.includes(d.id));
  const columns = [
    {
      title: t('部门|field'),
      key: 'department',
      fixed: 'left' as const,
      width: 150,
      render: (_: unknown, d: DepartmentView) => (
        <>
          {d.name}
          {d.status === 'disabled' && <Tag style={{ marginInlineStart: 4 }}>{t('已停用|department')}</Tag>}
        </>
      ),
    },
    ...items.map((i) => ({
      title: (
        <span style={{ display: 'inline-block', minWidth: 72 }}>
          {i.name}
          <br />
          <Typography.Text type="secondary">{i.code}</Typography.Text>
        </span>
      ),
      key: i.code,
      align: 'center' as const,
      onCell: (d: DepartmentView) => ({ style: has(saved, d.id, i.code) !== has(draft, d.id, i.code) ? { background: CHANGED } : {} }),
      render: (_: unknown, d: DepartmentView) => (
        <Checkbox value={i.code} checked={has(draft, d.id, i.code)} onChange={(e) => toggle(d.id, i.code, e.target.checked)}
          aria-label={t('{department}可报送{item}', { department: d.name, item: t('{name}（{code}）', { name: i.name, code: i.code }) })}
          data-testid={`grant-${d.id}-${i.code}`} />
      ),
    })),
  ];

  return (
    <Card title={t('报送目录')}>
      <Typography.Paragraph type="secondary">
        {t('每行是一个部门，每列是一个信息项：勾选表示该部门可报送该信息项，部门报送的每行数据来源单位须是该部门本身。改动的格子以黄色标出，保存前会列出全部变更请您确认。')}
      </Typography.Paragraph>
      <Form layout="vertical" style={{ maxWidth: 640 }}>
        <Form.Item label={t('部门|field')} htmlFor="grants-department">
          <Select id="grants-department" mode="multiple" allowClear showSearch optionFilterProp="label" placeholder={t('全部部门')} value={shown} onChange={setShown}
            options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))} data-testid="grants-department" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="grants-error" />}
      {departments !== null && departments.length === 0 ? (
        <Empty description={t('还没有部门：请系统管理员先在“部门”中新增')} />
      ) : (
        <WideTable<DepartmentView> rowKey="id" size="small" bordered dataSource={rows} columns={columns} loading={departments === null && !error}
          pagination={rows.length > 50 ? { pageSize: 50 } : false} data-testid="grants-matrix" />
      )}
      <Space wrap style={{ marginTop: 16 }}>
        <Button type="primary" onClick={confirmThenSave} loading={busy} disabled={cells === 0} data-testid="grants-save">{t('保存')}</Button>
        <Button onClick={() => setDraft(saved)} disabled={cells === 0 || busy}>{t('撤销修改')}</Button>
        {cells > 0 && <Typography.Text type="warning" data-testid="grants-pending">{t('有{count}处修改尚未保存', { count: cells })}</Typography.Text>}
      </Space>
    </Card>
  );
}
