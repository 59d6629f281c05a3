/**
 * TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) — what every authenticator app speaks.
 * Verification accepts one step of clock drift either way and refuses a step already used.
 */
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error('invalid base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/**
 * HOTP (RFC 4226 §5.3) with the HMAC of RFC 6238 §1.2: the 4-byte dynamic truncation of the HMAC of the
 * big-endian counter, modulo 10^digits. Only SHA-1 with 6 digits is used to sign in (what authenticator
 * apps speak); the other hashes and 8 digits exist so the RFC 6238 Appendix B vectors test this code.
 */
export function hotp(key: Buffer, counter: number, digits = 6, hash: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(hash, key).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

export function totpAt(secret: string, step: number): string {
  return hotp(base32Decode(secret), step);
}

export function stepOf(at: Date): number {
  return Math.floor(at.getTime() / 1000 / STEP_SECONDS);
}

/** The matching step (for replay protection), or null. Steps at or before `lastUsed` are refused. */
export function verifyTotp(secret: string, code: string, at: Date, lastUsed: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = stepOf(at);
  for (const step of [now - 1, now, now + 1]) {
    if (lastUsed !== null && step <= lastUsed) continue;
    if (totpAt(secret, step) === code) return step;
  }
  return null;
}

export function otpauthUri(secret: string, account: string, issuer: string): string {
  return `otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${STEP_SECONDS}`;
}
