import { Card, Descriptions, Tag } from 'antd';
import { ROLE_LABELS } from '../../ui/labels';
import type { Me } from '../session';

export function HomePage({ me }: { me: Me }) {
  return (
    <Card title="工作台">
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label="用户">{me.user.displayName}（{me.user.username}）</Descriptions.Item>
        <Descriptions.Item label="角色">{me.user.roles.map((r) => <Tag key={r}>{ROLE_LABELS[r] ?? r}</Tag>)}</Descriptions.Item>
        <Descriptions.Item label="动态验证码">{me.user.totpEnrolled ? '已绑定' : '未绑定'}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
