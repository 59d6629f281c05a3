/**
 * Password, lockout and session settings (security.md, "practice" defaults). Stored as a setting
 * the security administrator edits; every number has its default here.
 */
import { z } from 'zod';

export const securityPolicySchema = z.object({
  lockoutThreshold: z.number().int().min(3).max(10).default(5).describe('同一账户从同一地址在时间窗内失败多少次即暂停该地址登录；该账户在时间窗内从所有地址累计失败达到此数后开始逐次延迟'),
  lockoutWindowMinutes: z.number().int().min(5).max(60).default(15).describe('统计失败次数的时间窗（分钟）'),
  lockoutMinutes: z.number().int().min(5).max(1440).default(30).describe('暂停某地址登录该账户的时长（分钟）'),
  loginDelayMaxSeconds: z.number().int().min(10).max(900).default(60).describe('逐次延迟的上限（秒）：账户累计失败达到次数后，陌生地址每2、4、8…秒才能验证一次密码'),
  adminIdleMinutes: z.number().int().min(5).max(60).default(15).describe('管理员空闲超时（分钟）'),
  userIdleMinutes: z.number().int().min(5).max(120).default(30).describe('其他用户空闲超时（分钟）'),
  absoluteSessionHours: z.number().int().min(1).max(24).default(8).describe('会话最长时长（小时）'),
  adminPasswordMaxAgeDays: z.number().int().min(30).max(365).default(90).describe('管理员密码最长使用期限（天）'),
  passwordHistory: z.number().int().min(1).max(24).default(5).describe('不得重复使用的最近密码个数'),
});

export type SecurityPolicy = z.infer<typeof securityPolicySchema>;

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = securityPolicySchema.parse({});
