/** Chinese labels for codes the API returns; show them through t() (every value has an English text in i18n.ts). */
export const ROLE_LABELS: Record<string, string> = {
  creditOffice: '信用办',
  submitter: '数据报送员',
  reviewer: '审核员',
  implementer: '实施部门操作员',
  sysAdmin: '系统管理员',
  secAdmin: '安全管理员',
  auditAdmin: '审计管理员',
  system: '系统账号',
};

export const RESULT_LABELS: Record<string, { text: string; color: string }> = {
  success: { text: '成功', color: 'green' },
  failure: { text: '失败', color: 'red' },
  denied: { text: '拒绝', color: 'orange' },
};

/** A collection batch: the import's state (collection.routes.ts, batchView.status). */
export const BATCH_STATUS_LABELS: Record<string, { text: string; color: string }> = {
  importing: { text: '导入中', color: 'processing' },
  imported: { text: '已导入', color: 'green' },
  failed: { text: '未导入', color: 'red' },
};

/** A collection batch: its review (batchView.review.status); `none` when the item needs no review. */
export const REVIEW_STATUS_LABELS: Record<string, { text: string; color: string }> = {
  none: { text: '无需审核', color: 'default' },
  pending: { text: '待审核', color: 'orange' },
  approved: { text: '已通过', color: 'green' },
  rejected: { text: '已退回', color: 'red' },
};

/** Where a record stands (record.state; the names are common/records-api.ts's RECORD_STATE_LABELS). */
export const RECORD_STATE_COLORS: Record<string, string> = {
  received: 'default',
  pending_review: 'orange',
  returned: 'red',
  in_publicity: 'green',
  not_public: 'default',
  publicity_ended: 'default',
  withdrawn: 'red',
  repaired: 'blue',
};

export const CATEGORY_LABELS: Record<string, string> = { security: '安全', query: '查询登记', business: '业务' };

/** 2026-11-21 10:30:05 in Beijing time. */
export function formatTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
