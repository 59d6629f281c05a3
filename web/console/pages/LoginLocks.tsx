/**
 * 登录锁定 (security administrator): addresses paused for an account after repeated failures, and
 * accounts in their progressive delay; each can be lifted with a reason (audited).
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Tag, Typography } from 'antd';
import type { LoginLockView } from '../../../common/identity-api';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';
import { formatTime } from '../../ui/labels';
import { WideTable } from '../../ui/WideTable';

const accountOf = (l: LoginLockView) => (l.username ? (l.displayName ? t('{name}（{username}）', { name: l.displayName, username: l.username }) : l.username) : t('未知用户名'));
const sourceOf = (l: LoginLockView) => l.source ?? t('所有陌生地址（逐次延迟）');

export function LoginLocksPage() {
  const { message } = App.useApp();
  const [rows, setRows] = useState<LoginLockView[]>([]);
  const [loading, setLoading] = useState(true);
  const [lifting, setLifting] = useState<LoginLockView | null>(null);
  const [form] = Form.useForm<{ reason: string }>();

  const load = async () => {
    setLoading(true);
    try {
      setRows(await api<LoginLockView[]>('GET', '/api/v1/security/login-locks'));
    } catch (err) {
      message.error(describeError(err));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <Card title={t('登录锁定')} extra={<Button onClick={() => void load()}>{t('刷新')}</Button>}>
      <Alert style={{ marginBottom: 16 }} type="info" showIcon
        message={t('同一账户从同一地址在时间窗内失败达到次数后，暂停该地址登录该账户，其他地址不受影响；账户从各地址累计失败达到次数后，未登录成功过的地址须等待2、4、8…秒才能再验证一次。次数与时长见“密码与会话策略”。')} />
      <WideTable<LoginLockView> rowKey="id" dataSource={rows} loading={loading} pagination={{ pageSize: 20 }} locale={{ emptyText: t('当前没有登录锁定') }} columns={[
        { title: t('账户'), render: (_: unknown, l: LoginLockView) => (l.username ? accountOf(l) : <Typography.Text type="secondary">{accountOf(l)}</Typography.Text>) },
        { title: t('来源地址'), render: (_: unknown, l: LoginLockView) => (l.source ? <Typography.Text code>{l.source}</Typography.Text> : <Tag color="orange">{sourceOf(l)}</Tag>) },
        { title: t('失败次数'), dataIndex: 'failures', width: 100 },
        { title: t('锁定至（北京时间）'), render: (_: unknown, l: LoginLockView) => (l.source ? formatTime(l.until) : t('下次验证不早于 {time}', { time: formatTime(l.until) })) },
        {
          title: t('操作'),
          width: 100,
          render: (_: unknown, l: LoginLockView) => (
            <Button size="small" onClick={() => { form.resetFields(); setLifting(l); }}>{t('解除')}</Button>
          ),
        },
      ]} />
      <Modal
        open={lifting !== null}
        title={lifting && t('解除账户“{account}”在“{source}”的登录锁定？', { account: accountOf(lifting), source: sourceOf(lifting) })}
        okText={t('解除')}
        cancelText={t('取消')}
        onCancel={() => setLifting(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={async (v) => {
          if (!lifting) return;
          try {
            await api('POST', `/api/v1/security/login-locks/${lifting.id}/lift`, { reason: v.reason });
            message.success(t('已解除（已记入审计日志）'));
            setLifting(null);
          } catch (err) {
            message.error(describeError(err));
          }
          await load();
        }}>
          <Typography.Paragraph type="secondary">{t('只在确认是本人操作、或攻击已处置后解除；解除后即可再次尝试登录。')}</Typography.Paragraph>
          <Form.Item label={t('解除理由')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('请填写解除理由（至少2个字）') }]}>
            <Input.TextArea rows={2} maxLength={200} placeholder={t('如：已电话核实为本人输错密码')} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
