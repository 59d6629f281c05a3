/**
 * The audit log's event codes in words: every code the server writes (server/modules/…, `event:`)
 * → its Chinese name. The audit viewer shows the name (the code beside it, for integrators) and
 * the server resolves a search by these words to codes (`eventCodesMatching`). English names are
 * in web/ui/i18n.ts. common/audit-events.test.ts scans the server and fails on a code written
 * without a name here, or a name kept for a code no longer written.
 */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  // sign-in and sessions
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.lockout': '登录被锁定',
  'auth.lock_lift': '解除登录锁定',
  'auth.totp': '动态验证码验证',
  'auth.recovery_code': '恢复码验证',
  'auth.totp_enrol_start': '开始绑定动态验证码',
  'auth.totp_enrol': '动态验证码绑定',
  'auth.password_change': '修改密码',
  'auth.session_expired': '会话超时',
  'auth.session_ended': '会话终止（验证码错误过多）',
  'auth.signed_request': '签名请求被拒绝',
  'access.denied': '越权访问被拒绝',
  // accounts, departments, policy (系统管理员、安全管理员)
  'user.bootstrap': '初始化系统管理员',
  'user.admin_reset': '命令行重置管理员',
  'user.create': '新增用户',
  'user.update': '修改用户',
  'user.roles': '变更角色',
  'user.password_reset': '重置密码',
  'user.disable': '停用用户',
  'user.enable': '启用用户',
  'department.create': '新增部门',
  'department.update': '修改部门',
  'department.disable': '停用部门',
  'department.enable': '启用部门',
  'system_account.create': '新增系统账号',
  'system_account.disable': '停用系统账号',
  'system_account.enable': '启用系统账号',
  'system_account.secret_reset': '重置系统账号密钥',
  'policy.update': '修改安全策略',
  // the audit log itself
  'audit.read': '查阅审计日志',
  'audit.verify': '校验审计日志',
  'audit.purge': '清理到期审计记录',
  // registered queries (查询登记)
  'query.subject.search': '检索主体',
  'query.subject.get': '查看主体',
  'query.subject.versions': '查看主体历史版本',
  'query.record.search': '检索信息记录',
  'query.record.get': '查看信息记录',
  'query.refused': '查询被拒绝（未说明查询目的）',
  // subjects, catalog, calendar
  'subject.create': '新增主体',
  'subject.update': '修改主体',
  'catalog.review.set': '设置信息项审核',
  'calendar.update': '修改工作日历',
  // collection (数据归集) and records
  'collection.grants': '设置报送目录',
  'collection.denied': '报送被拒绝（未获准报送）',
  'collection.batch.create': '新建报送批次',
  'collection.batch.refused': '报送文件被拒收',
  'collection.chunk': '批次数据入库',
  'collection.batch.finish': '批次导入完成',
  'collection.batch.approved': '批次审核通过',
  'collection.batch.rejected': '批次退回',
  'collection.review.denied': '审核被拒绝（不能审核本人批次）',
  'collection.errors.export': '下载错误清单',
  'collection.quality.export': '导出归集质量报告',
  // 记录的生命周期 (server/modules/records/records.workflow.ts: one code per event of the machine)
  'record.receive': '收到记录',
  'record.send_for_review': '记录送审',
  'record.publish': '发布记录',
  'record.approve': '记录审核通过',
  'record.return': '记录退回',
  'record.resubmit': '重新报送记录',
  'record.revise': '报送记录新版本',
  'record.end_publicity': '记录公示期满',
  'record.withdraw': '撤销记录',
  'record.repair': '记录信用修复',
  'record.dispute': '标记记录异议',
  'record.resolve_dispute': '记录异议办结',
  // 后台任务 (durable jobs)
  'job.retry': '重试后台任务',
  // 信用动态 / 通知公告
  'notice.create': '新建公告',
  'notice.update': '修改公告',
  'notice.publish': '发布公告',
  'notice.withdraw': '撤回公告',
  'notice.revise': '重新编辑公告',
  'notice.attachment.add': '添加公告附件',
  'notice.attachment.remove': '删除公告附件',
  // 数据订阅 (exchange)
  'exchange.subscription.create': '新建数据订阅',
  'exchange.subscription.pause': '暂停数据订阅',
  'exchange.subscription.resume': '恢复数据订阅',
  'exchange.subscription.delete': '删除数据订阅',
  'exchange.delivery.replay': '重新投递',
};

/** The event's Chinese name, or the code itself for a code without one (rows written by an older version). */
export function eventLabel(code: string): string {
  return Object.hasOwn(EVENT_LABELS, code) ? (EVENT_LABELS[code] as string) : code;
}

/** The words of a search: split on spaces (full-width too), each lower-cased. */
export function searchTerms(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The codes a search in words names: every term is part of the code's Chinese name or of the code
 * (「登录」 → auth.login, auth.logout, auth.lockout, auth.lock_lift; 「批次 退回」 → collection.batch.rejected).
 */
export function eventCodesMatching(text: string): string[] {
  const terms = searchTerms(text);
  if (terms.length === 0) return [];
  return Object.entries(EVENT_LABELS)
    .filter(([code, label]) => {
      const name = label.normalize('NFKC').toLowerCase();
      return terms.every((w) => name.includes(w) || code.includes(w));
    })
    .map(([code]) => code);
}
