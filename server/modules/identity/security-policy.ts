/**
 * Password, lockout and session settings (security.md, "practice" defaults). Stored as a setting
 * the security administrator edits; every number has its default here.
 */
import { z } from 'zod';

export const securityPolicySchema = z.object({
  lockoutThreshold: z.number().int().min(3).max(10).default(5).describe('连续失败次数'),
  lockoutWindowMinutes: z.number().int().min(5).max(60).default(15).describe('统计失败次数的时间窗（分钟）'),
  lockoutMinutes: z.number().int().min(5).max(1440).default(30).describe('锁定时长（分钟）'),
  adminIdleMinutes: z.number().int().min(5).max(60).default(15).describe('管理员空闲超时（分钟）'),
  userIdleMinutes: z.number().int().min(5).max(120).default(30).describe('其他用户空闲超时（分钟）'),
  absoluteSessionHours: z.number().int().min(1).max(24).default(8).describe('会话最长时长（小时）'),
  adminPasswordMaxAgeDays: z.number().int().min(30).max(365).default(90).describe('管理员密码最长使用期限（天）'),
  passwordHistory: z.number().int().min(1).max(24).default(5).describe('不得重复使用的最近密码个数'),
});

export type SecurityPolicy = z.infer<typeof securityPolicySchema>;

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = securityPolicySchema.parse({});
