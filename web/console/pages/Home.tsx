import { Card, Descriptions, Tag } from 'antd';
import { t } from '../../ui/i18n';
import { ROLE_LABELS } from '../../ui/labels';
import type { Me } from '../session';

export function HomePage({ me }: { me: Me }) {
  return (
    <Card title={t('工作台')}>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t('用户|field')}>{t('{name}（{username}）', { name: me.user.displayName, username: me.user.username })}</Descriptions.Item>
        <Descriptions.Item label={t('角色')}>{me.user.roles.map((r) => <Tag key={r}>{t(ROLE_LABELS[r] ?? r)}</Tag>)}</Descriptions.Item>
        <Descriptions.Item label={t('动态验证码')}>{me.user.totpEnrolled ? t('已绑定') : t('未绑定')}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
