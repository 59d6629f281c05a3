/** Sign-in in steps: password → (TOTP) → forced password change → TOTP enrolment with QR code. */
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Space, Steps, Typography } from 'antd';
import { api, ApiError, describeError, setCsrfToken } from '../ui/api';
import { t } from '../ui/i18n';
import { LangSwitch } from '../ui/LangSwitch';
import type { Me, NextStep, User } from './session';

interface Props {
  step: NextStep | 'password';
  onProgress: (next: NextStep | 'password') => void;
  onDone: () => void;
}

const PASSWORD_RULE = t('至少8个字符，包含大写字母、小写字母、数字、符号中的至少3类，不得包含用户名，不得与最近5次密码相同');

export function Login({ step, onProgress, onDone }: Props) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [enrol, setEnrol] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const advance = (next: NextStep) => (next === 'done' ? onDone() : onProgress(next));

  const current = { password: 0, totp: 1, changePassword: 1, enrolTotp: 2, done: 3 }[step];

  return (
    <div style={{ maxWidth: 440, margin: '8vh auto', padding: 16 }}>
      <div style={{ textAlign: 'right' }}><LangSwitch /></div>
      <Typography.Title level={3} style={{ textAlign: 'center' }}>{t('信用Xinyong 管理后台')}</Typography.Title>
      <Steps size="small" current={current} items={[{ title: t('密码') }, { title: t('验证/改密') }, { title: t('动态验证码') }]} style={{ marginBottom: 24 }} />
      <Card>
        {error && <Alert type="error" message={error} showIcon style={{ marginBottom: 16 }} />}
        {step === 'password' && (
          <Form layout="vertical" onFinish={(v: { username: string; password: string }) => run(async () => {
            const r = await api<{ next: NextStep; csrfToken: string; user: User }>('POST', '/api/v1/auth/login', v);
            setCsrfToken(r.csrfToken);
            advance(r.next);
          })}>
            <Form.Item label={t('用户名')} name="username" rules={[{ required: true, message: t('请输入用户名') }]}><Input autoComplete="username" /></Form.Item>
            <Form.Item label={t('密码')} name="password" rules={[{ required: true, message: t('请输入密码') }]}><Input.Password autoComplete="current-password" /></Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>{t('登录')}</Button>
          </Form>
        )}
        {step === 'totp' && (
          <Form layout="vertical" onFinish={(v: { code?: string; recoveryCode?: string }) => run(async () => {
            try {
              const r = await api<{ next: NextStep }>('POST', '/api/v1/auth/totp', v.code ? { code: v.code } : { recoveryCode: v.recoveryCode });
              advance(r.next);
            } catch (err) {
              // Too many wrong codes end the half-signed-in session: back to the password, with the reason.
              if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') onProgress('password');
              throw err;
            }
          })}>
            <Form.Item label={t('动态验证码（身份验证器中的6位数字）')} name="code" rules={[{ pattern: /^\d{6}$/, message: t('动态验证码为6位数字') }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Form.Item label={t('或使用恢复码')} name="recoveryCode"><Input placeholder={t('例如 A1B2C-3D4E5')} /></Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>{t('验证')}</Button>
          </Form>
        )}
        {step === 'changePassword' && (
          <Form layout="vertical" onFinish={(v: { currentPassword: string; newPassword: string }) => run(async () => {
            const r = await api<{ next: NextStep }>('POST', '/api/v1/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
            advance(r.next);
          })}>
            <Alert type="info" showIcon message={t('首次登录或密码已到期，请修改密码')} description={PASSWORD_RULE} style={{ marginBottom: 16 }} />
            <Form.Item label={t('当前密码（一次性密码）')} name="currentPassword" rules={[{ required: true, message: t('请输入当前密码') }]}><Input.Password autoComplete="current-password" /></Form.Item>
            <Form.Item label={t('新密码')} name="newPassword" rules={[{ required: true, message: t('请输入新密码') }, { min: 8, message: t('至少8个字符') }]}><Input.Password autoComplete="new-password" /></Form.Item>
            <Form.Item label={t('确认新密码')} name="confirm" dependencies={['newPassword']} rules={[{ required: true, message: t('请再次输入新密码') }, ({ getFieldValue }) => ({ validator: (_, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('两次输入的密码不一致')))) })]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>{t('修改密码')}</Button>
          </Form>
        )}
        {step === 'enrolTotp' && !recoveryCodes && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="info" showIcon message={t('所有工作人员须绑定动态验证码（双因素认证）')} description={t('用身份验证器应用（如 FreeOTP、Google Authenticator、微信小程序“腾讯身份验证器”）扫描二维码，再输入显示的6位数字。')} />
            {!enrol ? (
              <Button type="primary" block loading={busy} onClick={() => run(async () => setEnrol(await api<{ secret: string; qrSvg: string }>('POST', '/api/v1/auth/totp/enrol', {})))}>{t('显示二维码')}</Button>
            ) : (
              <>
                <img alt={t('动态验证码二维码')} src={`data:image/svg+xml;base64,${btoa(enrol.qrSvg)}`} width={200} height={200} style={{ display: 'block', margin: '0 auto' }} />
                <Typography.Paragraph copyable={{ text: enrol.secret }} style={{ textAlign: 'center' }}>
                  {t('无法扫码时手动输入密钥：')}<Typography.Text code data-testid="totp-secret">{enrol.secret}</Typography.Text>
                </Typography.Paragraph>
                <Form layout="vertical" onFinish={(v: { code: string }) => run(async () => {
                  const r = await api<{ recoveryCodes: string[]; next: NextStep }>('POST', '/api/v1/auth/totp/enrol/confirm', { code: v.code });
                  setRecoveryCodes(r.recoveryCodes);
                })}>
                  <Form.Item label={t('6位动态验证码')} name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: t('动态验证码为6位数字') }]}><Input inputMode="numeric" maxLength={6} /></Form.Item>
                  <Button type="primary" htmlType="submit" block loading={busy}>{t('确认绑定')}</Button>
                </Form>
              </>
            )}
          </Space>
        )}
        {recoveryCodes && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Alert type="warning" showIcon message={t('请立即抄写并妥善保管恢复码')} description={t('手机丢失时可用恢复码登录，每个只能使用一次。恢复码只显示这一次。')} />
            <List size="small" bordered dataSource={recoveryCodes} renderItem={(c) => <List.Item><Typography.Text code>{c}</Typography.Text></List.Item>} />
            <Button type="primary" block onClick={async () => advance((await api<Me>('GET', '/api/v1/auth/me')).next)}>{t('我已保存，进入系统')}</Button>
          </Space>
        )}
      </Card>
    </div>
  );
}
