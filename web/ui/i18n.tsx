/**
 * zh-CN first, English available. Texts are written in Chinese in the components and looked up
 * here for English; a text without a translation stays Chinese. The choice is kept in
 * localStorage and applied by reloading (antd's locale is chosen at start).
 */
import { Segmented } from 'antd';

export type Lang = 'zh-CN' | 'en';

const KEY = 'xy-lang';

export function getLang(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

const EN: Record<string, string> = {
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
};

export function t(zh: string): string {
  return getLang() === 'en' ? (EN[zh] ?? zh) : zh;
}

export function LangSwitch() {
  return (
    <Segmented
      size="small"
      value={getLang()}
      options={[{ label: '简体中文', value: 'zh-CN' }, { label: 'English', value: 'en' }]}
      onChange={(v) => {
        try {
          localStorage.setItem(KEY, String(v));
        } catch {
          // storage unavailable: the language stays as it is
        }
        window.location.reload();
      }}
    />
  );
}
