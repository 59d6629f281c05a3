/**
 * Password rules (security.md): ≥ 8 characters, 3 of 4 classes, not containing the user name,
 * none of the last 5 reused. Hashing: argon2id.
 */
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export interface PasswordIssue {
  code: string;
  message: string;
}

export function passwordIssues(password: string, username: string): PasswordIssue[] {
  const issues: PasswordIssue[] = [];
  if ([...password].length < 8) issues.push({ code: 'PASSWORD_TOO_SHORT', message: '密码至少8个字符' });
  if ([...password].length > 128) issues.push({ code: 'PASSWORD_TOO_LONG', message: '密码最多128个字符' });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3) issues.push({ code: 'PASSWORD_CLASSES', message: '密码须包含大写字母、小写字母、数字、符号中的至少3类' });
  if (username && password.toLowerCase().includes(username.toLowerCase())) issues.push({ code: 'PASSWORD_CONTAINS_USERNAME', message: '密码不得包含用户名' });
  return issues;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: 2 }); // 2 = Argon2id
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** True if `password` matches any hash in `history` (current first). */
export async function reused(password: string, history: string[]): Promise<boolean> {
  for (const h of history) if (await verifyPassword(h, password)) return true;
  return false;
}

/** A one-time password that satisfies the policy: shown once, must be changed at first login. */
export function oneTimePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '!@#%*+=?'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)] as string);
  while (chars.length < 16) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
