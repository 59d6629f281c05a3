/**
 * zh-CN first, English available. Texts are written in Chinese in the components, wrapped in
 * t('中文'), and looked up in EN for English; a text without a translation stays Chinese
 * (scripts/i18n.test.ts fails on any t('…') literal missing here).
 *
 * - Named parameters: t('共{count}条', { count }) fills `{count}` in either language.
 * - A key may end in `|context` (ASCII letters) when one Chinese text needs two English texts,
 *   e.g. 部门 (the page: Departments) and '部门|field' (a field: Department); the suffix is never shown.
 * - The choice is kept in localStorage and applied by reloading (antd's locale is chosen at
 *   start), so the language is fixed for the life of a page and t() may run at module level.
 *
 * No JSX here, so node and the root tsconfig can load it (for the test); LangSwitch.tsx is the switch.
 */
export type Lang = 'zh-CN' | 'en';

export const LANG_KEY = 'xy-lang';

export function getLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export const EN: Readonly<Record<string, string>> = {
  // portal
  信用Xinyong: 'Xinyong Credit',
  首页: 'Home',
  信用信息查询: 'Credit search',
  双公示: 'Permits & penalties',
  信用名单: 'Credit lists',
  信用修复: 'Credit repair',
  异议申诉: 'Objections',
  信用承诺: 'Commitments',
  信用报告: 'Credit reports',
  政策法规: 'Policies & laws',
  请输入企业名称或统一社会信用代码: 'Enter an organization name or unified social credit code',
  查询: 'Search',
  '信用信息查询、双公示和信用名单将在后续版本开放。': 'Credit search, permits & penalties and credit lists open in a later version.',
  代码校验: 'Code check',
  自动识别: 'Detect',
  统一社会信用代码: 'Unified social credit code',
  身份证号码: 'Resident ID number',
  '输入18位统一社会信用代码或身份证号码（支持全角）': 'Enter an 18-character USCC or ID number (full-width accepted)',
  校验: 'Check',
  校验通过: 'Valid',
  校验未通过: 'Invalid',
  错误: 'Error',
  提示: 'Note',
  登记管理部门: 'Registration authority',
  机构类别: 'Entity type',
  登记管理机关行政区划: 'Region',
  '主体标识码（组织机构代码）': 'Organization code',
  '身份证号码的出生日期、性别等信息不在此处显示。': 'Birth date and sex from an ID number are not shown here.',
  服务: 'Services',
  '信用修复（即将开放）': 'Credit repair (coming)',
  '异议申诉（即将开放）': 'Objections (coming)',
  '信用报告（即将开放）': 'Credit reports (coming)',
  '接口文档：/docs': 'API documentation: /docs',
  工作人员登录管理后台: 'Staff sign-in (console)',
  '信用Xinyong 开源公共信用信息平台 · 隐私政策 · 网站地图': 'Xinyong open-source public credit platform · Privacy · Site map',
  // console shell and sign-in
  '信用Xinyong 管理后台': 'Xinyong console',
  工作台: 'Dashboard',
  信息目录与措施清单: 'Catalogs and measures',
  目录管理: 'Catalogs',
  部门: 'Departments',
  用户: 'Users',
  系统管理: 'System',
  密码与会话策略: 'Password & session policy',
  安全策略: 'Security policy',
  审计日志: 'Audit log',
  查询登记: 'Query register',
  安全审计: 'Security audit',
  退出: 'Sign out',
  无权访问: 'No access',
  '当前角色不能使用该页面。': 'Your role cannot use this page.',
  密码: 'Password',
  '验证/改密': 'Verify / change',
  动态验证码: 'One-time code',
  用户名: 'User name',
  登录: 'Sign in',
  请输入用户名: 'Enter your user name',
  请输入密码: 'Enter your password',
  '动态验证码（身份验证器中的6位数字）': 'One-time code (6 digits from your authenticator)',
  或使用恢复码: 'Or a recovery code',
  验证: 'Verify',
  '首次登录或密码已到期，请修改密码': 'First sign-in or password expired: change your password',
  '当前密码（一次性密码）': 'Current (one-time) password',
  新密码: 'New password',
  确认新密码: 'Confirm new password',
  修改密码: 'Change password',
  '所有工作人员须绑定动态验证码（双因素认证）': 'Every staff member must enrol a one-time-code app (second factor)',
  显示二维码: 'Show QR code',
  '6位动态验证码': '6-digit code',
  确认绑定: 'Confirm',
  请立即抄写并妥善保管恢复码: 'Write down your recovery codes now and keep them safe',
  '我已保存，进入系统': 'Saved — continue',

  加载中: 'Loading',
  '{name}（{username}）': '{name} ({username})',
  '{name}（{roles}）': '{name} ({roles})',
  // console sign-in: rules and hints
  '至少8个字符，包含大写字母、小写字母、数字、符号中的至少3类，不得包含用户名，不得与最近5次密码相同':
    'At least 8 characters from at least 3 of: upper-case letters, lower-case letters, digits, symbols; it must not contain the user name or repeat any of the last 5 passwords',
  动态验证码为6位数字: 'The one-time code is 6 digits',
  '例如 A1B2C-3D4E5': 'e.g. A1B2C-3D4E5',
  请输入当前密码: 'Enter your current password',
  请输入新密码: 'Enter a new password',
  至少8个字符: 'At least 8 characters',
  请再次输入新密码: 'Enter the new password again',
  两次输入的密码不一致: 'The two passwords do not match',
  '用身份验证器应用（如 FreeOTP、Google Authenticator、微信小程序“腾讯身份验证器”）扫描二维码，再输入显示的6位数字。':
    'Scan the QR code with an authenticator app (such as FreeOTP, Google Authenticator or the WeChat mini program “Tencent Authenticator”), then enter the 6-digit code it shows.',
  动态验证码二维码: 'One-time code QR code',
  '无法扫码时手动输入密钥：': 'Cannot scan? Enter this key manually: ',
  '手机丢失时可用恢复码登录，每个只能使用一次。恢复码只显示这一次。':
    'If you lose your phone, sign in with a recovery code; each one works once. The codes are shown only this once.',
  // labels of API codes (web/ui/labels.ts)
  信用办: 'Credit office',
  数据报送员: 'Data submitter',
  审核员: 'Reviewer',
  实施部门操作员: 'Implementing-department operator',
  系统管理员: 'System administrator',
  安全管理员: 'Security administrator',
  审计管理员: 'Audit administrator',
  系统账号: 'System account',
  成功: 'Success',
  失败: 'Failure',
  拒绝: 'Denied',
  安全: 'Security',
  业务: 'Business',
  '、': ', ',
  // console: dashboard, departments, users
  '用户|field': 'User',
  '部门|field': 'Department',
  角色: 'Roles',
  已绑定: 'Enrolled',
  未绑定: 'Not enrolled',
  新增部门: 'Add department',
  部门名称: 'Department name',
  行政区划: 'Administrative division',
  状态: 'Status',
  启用: 'Active',
  停用: 'Disabled',
  保存: 'Save',
  取消: 'Cancel',
  部门已创建: 'Department created',
  请输入部门名称: 'Enter the department name',
  请输入18位统一社会信用代码: 'Enter the 18-character unified social credit code',
  新增用户: 'Add user',
  '用户 {username} 的一次性密码（只显示这一次，请当面交给本人）：':
    'One-time password of {username} (shown only this once; hand it over in person): ',
  姓名: 'Name',
  锁定: 'Locked',
  正常: 'Active',
  操作: 'Actions',
  '重置 {username} 的密码？': 'Reset the password of {username}?',
  '将生成一次性密码，用户下次登录须修改。': 'A one-time password will be issued; the user must change it at the next sign-in.',
  重置: 'Reset',
  重置密码: 'Reset password',
  角色已修改: 'Roles updated',
  '3–32位小写字母、数字、点、下划线或连字符，以字母开头': '3–32 lower-case letters, digits, dots, underscores or hyphens, starting with a letter',
  请输入姓名: 'Enter the name',
  至少选择一个角色: 'Select at least one role',
  '三员分立：系统管理员、安全管理员、审计管理员只能单独担任，且不得兼任业务角色。':
    'Separation of duties: the system, security and audit administrator roles are each held alone and never combined with a business role.',
  // console: security policy
  '密码、锁定与会话策略': 'Password, lockout and session policy',
  连续登录失败锁定次数: 'Failed sign-ins before lockout',
  '失败次数统计时间窗（分钟）': 'Failure counting window (minutes)',
  '锁定时长（分钟）': 'Lockout duration (minutes)',
  '管理员空闲超时（分钟）': 'Administrator idle timeout (minutes)',
  '其他用户空闲超时（分钟）': 'Idle timeout for other users (minutes)',
  '会话最长时长（小时）': 'Maximum session length (hours)',
  '管理员密码最长使用期限（天）': 'Maximum administrator password age (days)',
  不得重复使用的最近密码个数: 'Recent passwords that cannot be reused',
  '安全策略已保存（已记入审计日志）': 'Security policy saved (recorded in the audit log)',
  // console: catalogs
  文本: 'Text',
  日期: 'Date',
  日期或长期: 'Date or long-term',
  数值: 'Number',
  枚举: 'Enumeration',
  多选枚举: 'Multiple-choice enumeration',
  证件号码: 'ID document number',
  '《{title}》': '“{title}”',
  '（{number}）': ' ({number})',
  '{version}，{date}施行': '{version}, in force from {date}',
  已核实: 'Verified',
  待核实: 'To be verified',
  法律依据: 'Legal basis',
  '公共信用信息目录（{count}）': 'Public credit information catalog ({count})',
  字段代码: 'Field code',
  字段名称: 'Field name',
  类型: 'Type',
  必填: 'Required',
  是: 'Yes',
  代码表: 'Code list',
  脱敏: 'Masking',
  个人信息: 'Personal information',
  代码: 'Code',
  信息项: 'Information item',
  版本: 'Version',
  公开属性: 'Disclosure',
  社会公开: 'Public',
  授权查询: 'Authorized query',
  政务共享: 'Government sharing',
  '措施清单（{count}）': 'Measures list ({count})',
  措施: 'Measure',
  类别: 'Category',
  失信惩戒: 'Credit penalty',
  守信激励: 'Credit incentive',
  性质: 'Nature',
  行政性: 'Administrative',
  市场性: 'Market',
  行业性: 'Industry',
  社会性: 'Social',
  '名单类型（{count}）': 'List types ({count})',
  名单: 'List',
  期限: 'Duration',
  '{months}个月': '{months} month(s)',
  见说明: 'See description',
  '法律依据（{count}）': 'Legal basis ({count})',
  名称: 'Title',
  文号: 'Document number',
  施行日期: 'Effective date',
  核实: 'Verification',
  // console: audit
  完整性校验: 'Integrity check',
  校验哈希链: 'Verify hash chain',
  '哈希链完整：共{count}条记录，外部检查点{checkpoints}个': 'Hash chain intact: {count} records; external checkpoints: {checkpoints}',
  '哈希链被破坏：第{seq}条起不可信': 'Hash chain broken: records from no. {seq} on cannot be trusted',
  '数据库权限保护：已启用（应用角色 {role} 不能修改或删除审计记录）':
    'Database privilege protection: on (the application role {role} cannot modify or delete audit records)',
  '数据库权限保护：未启用（应用以角色 {role} 连接，该角色可删除审计记录；见运维文档“最小权限”）':
    'Database privilege protection: off (the application connects as role {role}, which can delete audit records; see “Least privilege” in the operations guide)',
  '点击“校验哈希链”重新计算全部记录的哈希并与外部检查点比对。':
    'Click “Verify hash chain” to recompute the hash of every record and compare it with the external checkpoints.',
  '事件，如 auth.login': 'Event, e.g. auth.login',
  对象: 'Object',
  原因: 'Reason',
  授权书编号: 'Authorization no.',
  详情: 'Details',
  序号: 'No.',
  '时间（北京时间）': 'Time (Beijing)',
  事件: 'Event',
  操作人: 'Actor',
  查询目的: 'Purpose',
  结果数: 'Results',
  结果: 'Outcome',
  // console: collection (数据归集)
  数据归集: 'Collection',
  数据报送: 'Submit data',
  报送批次: 'Batches',
  审核: 'Review',
  报送目录: 'Submission grants',
  导入中: 'Importing',
  已导入: 'Imported',
  未导入: 'Not imported',
  无需审核: 'No review needed',
  待审核: 'Awaiting review',
  已通过: 'Approved',
  已退回: 'Returned',
  接受: 'Accepted',
  '拒绝|rows': 'Rejected',
  新增: 'Created',
  更新: 'Updated',
  未变: 'Unchanged',
  '提示|rows': 'Warnings',
  '下载错误报告（XLSX）': 'Download error report (XLSX)',
  行号: 'Row',
  字段: 'Field',
  '{label}（{code}）': '{label} ({code})',
  '{name}（{code}）': '{name} ({code})',
  值: 'Value',
  '批次：{name}': 'Batch: {name}',
  批次详情: 'Batch details',
  文件未导入: 'The file was not imported',
  文件: 'File',
  接口报送: 'Via API',
  进度: 'Progress',
  提交人: 'Submitted by',
  提交时间: 'Submitted at',
  完成时间: 'Finished at',
  '{name}，{time}': '{name}, {time}',
  '退回理由：{reason}': 'Reason for return: {reason}',
  '被拒绝的行（{count}）': 'Rejected rows ({count})',
  '提示（{count}）': 'Warnings ({count})',
  全部部门: 'All departments',
  全部信息项: 'All information items',
  刷新: 'Refresh',
  '接受/拒绝': 'Accepted / rejected',
  '报送目录已保存（已记入审计日志）': 'Submission grants saved (recorded in the audit log)',
  '部门只能报送在此勾选的信息项；每行的数据来源单位须是该部门。':
    'A department can submit only the items ticked here; the data source of every row must be that department.',
  选择部门: 'Select a department',
  可报送的信息项: 'Items it may submit',
  先选择部门: 'Select a department first',
  '已通过，记录将按规则公示': 'Approved: the records are published as the rules say',
  没有待审核的批次: 'No batches awaiting review',
  '通过该批次？': 'Approve this batch?',
  '通过后，批次中的记录按规则公示。': 'Once approved, the batch’s records are published as the rules say.',
  通过: 'Approve',
  退回: 'Return',
  退回批次: 'Return batch',
  退回理由: 'Reason for return',
  '报送部门将看到该理由，改正后重新报送。': 'The submitting department sees this reason, corrects the data and submits again.',
  请填写退回理由: 'Enter the reason for return',
  不超过500个字符: 'At most 500 characters',
  文件不能导入: 'The file cannot be imported',
  文件过大: 'File too large',
  上传失败: 'Upload failed',
  无法读取报送目录: 'Cannot read the submission grants',
  '账号未归属部门，不能报送数据，请联系系统管理员。': 'Your account belongs to no department, so it cannot submit data; contact the system administrator.',
  '本部门尚未开通可报送的信息项，请联系信用办在“报送目录”中开通。':
    'Your department may not submit any item yet; ask the credit office to grant items under “Submission grants”.',
  选择信息项: 'Select an information item',
  '接受 XLSX 工作簿或 CSV 文件（UTF-8 或 GBK 编码），表头用中文字段名称或字段代码均可。':
    'XLSX workbooks or CSV files (UTF-8 or GBK), with headers as Chinese field names or field codes.',
  '下载报送模板（XLSX）': 'Download the template (XLSX)',
  上传并导入: 'Upload and import',
  '上传 {percent}%': 'Uploading {percent}%',
  '导入结果：{name}': 'Import result: {name}',
  查看全部批次: 'All batches',
  '被拒绝的行未导入，改正后可重新上传整个文件（已导入的行不会重复）。':
    'Rejected rows were not imported. Correct them and upload the whole file again (imported rows are not duplicated).',
  '全部行已导入。': 'All rows were imported.',
  '上传中断：网络错误，或文件超过上限被服务器拒绝': 'Upload interrupted: a network error, or the server refused a file over the size limit',
  // shared web client
  '请求失败（{status}）': 'Request failed ({status})',
};

export type Params = Readonly<Record<string, string | number>>;

const CONTEXT = /\|[A-Za-z]+$/;
const PLACEHOLDER = /\{(\w+)\}/g;

export function hasTranslation(zh: string): boolean {
  return Object.hasOwn(EN, zh);
}

/** The names of the `{name}` placeholders in a text. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** The text in the current language, its `{name}` placeholders filled from params. */
export function t(zh: string, params?: Params): string {
  const text = (getLang() === 'en' && hasTranslation(zh) ? EN[zh] : undefined) ?? zh.replace(CONTEXT, '');
  if (!params) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}
