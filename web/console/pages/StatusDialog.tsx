/**
 * 停用 / 启用 with a reason (an account, a department): the reason is required and goes into the
 * audit log with the change. The page says what the change does and sends it (`submit`).
 */
import type { ReactNode } from 'react';
import { Form, Input, Modal, Typography } from 'antd';
import { t } from '../../ui/i18n';

export function StatusDialog({ open, title, disabling, explanation, placeholder, onCancel, submit }: {
  open: boolean;
  title: ReactNode;
  /** Disabling (停用, a danger button) or enabling (启用). */
  disabling: boolean;
  explanation: ReactNode;
  placeholder: string;
  onCancel: () => void;
  submit: (reason: string) => Promise<void>;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal title={title} open={open} okText={disabling ? t('停用|action') : t('启用|action')} okButtonProps={{ danger: disabling }}
      cancelText={t('取消')} onCancel={onCancel} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} onFinish={(v) => submit(v.reason)}>
        <Typography.Paragraph type="secondary">{explanation}</Typography.Paragraph>
        <Form.Item label={t('理由')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('请写明理由（至少2个字）') }]}>
          <Input.TextArea rows={2} maxLength={200} placeholder={placeholder} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
