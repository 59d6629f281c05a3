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

/** A record's publication (record.publication). */
export const PUBLICATION_LABELS: Record<string, { text: string; color: string }> = {
  pending_review: { text: '待审核', color: 'orange' },
  published: { text: '公示中', color: 'green' },
  not_published: { text: '不公示', color: 'default' },
  ended: { text: '公示期满', color: 'default' },
  rejected: { text: '已退回', color: 'red' },
  withdrawn: { text: '已撤销', color: 'red' },
};

/** A record's own state (record.status): revoked is 撤销. */
export const RECORD_STATUS_LABELS: Record<string, { text: string; color: string }> = {
  active: { text: '有效', color: 'green' },
  revoked: { text: '已撤销', color: 'red' },
  repaired: { text: '已修复', color: 'blue' },
  expired: { text: '已失效', color: 'default' },
};

export const CATEGORY_LABELS: Record<string, string> = { security: '安全', query: '查询登记', business: '业务' };

/** 2026-11-21 10:30:05 in Beijing time. */
export function formatTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
