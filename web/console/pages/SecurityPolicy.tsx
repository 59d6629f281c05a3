import { useEffect, useState } from 'react';
import { App, Button, Card, Form, InputNumber } from 'antd';
import { api, describeError } from '../../ui/api';
import { t } from '../../ui/i18n';

const FIELDS: [string, string][] = [
  ['lockoutThreshold', t('同一地址登录失败暂停次数')],
  ['lockoutWindowMinutes', t('失败次数统计时间窗（分钟）')],
  ['lockoutMinutes', t('锁定时长（分钟）')],
  ['loginDelayMaxSeconds', t('逐次延迟上限（秒）')],
  ['adminIdleMinutes', t('管理员空闲超时（分钟）')],
  ['userIdleMinutes', t('其他用户空闲超时（分钟）')],
  ['absoluteSessionHours', t('会话最长时长（小时）')],
  ['adminPasswordMaxAgeDays', t('管理员密码最长使用期限（天）')],
  ['passwordHistory', t('不得重复使用的最近密码个数')],
];

export function SecurityPolicyPage() {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    api<Record<string, number>>('GET', '/api/v1/security/policy').then((p) => {
      form.setFieldsValue(p);
      setLoaded(true);
    });
  }, [form]);
  return (
    <Card title={t('密码、锁定与会话策略')} loading={!loaded}>
      <Form form={form} layout="horizontal" labelCol={{ span: 10 }} style={{ maxWidth: 560 }} onFinish={async (v) => {
        try {
          await api('PUT', '/api/v1/security/policy', v);
          message.success(t('安全策略已保存（已记入审计日志）'));
        } catch (err) {
          message.error(describeError(err));
        }
      }}>
        {FIELDS.map(([name, label]) => (
          <Form.Item key={name} name={name} label={label} rules={[{ required: true }]}><InputNumber min={1} /></Form.Item>
        ))}
        <Button type="primary" htmlType="submit">{t('保存')}</Button>
      </Form>
    </Card>
  );
}
