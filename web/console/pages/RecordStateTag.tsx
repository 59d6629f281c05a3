/** A record's one state with its Chinese name, and 异议处理中 beside it while an objection is decided. */
import { Space, Tag } from 'antd';
import { DISPUTED_LABEL, RECORD_STATE_LABELS, type RecordStateName } from '../../../common/records-api';
import { t } from '../../ui/i18n';
import { RECORD_STATE_COLORS } from '../../ui/labels';

export function RecordStateTag({ state, disputed }: { state: RecordStateName; disputed: boolean }) {
  return (
    <Space size={4} wrap>
      <Tag color={RECORD_STATE_COLORS[state] ?? 'default'}>{t(RECORD_STATE_LABELS[state] ?? state)}</Tag>
      {disputed && <Tag color="purple">{t(DISPUTED_LABEL)}</Tag>}
    </Space>
  );
}
