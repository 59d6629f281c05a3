/**
 * 国密 primitives from node:crypto (OpenSSL 3): SM3, HMAC-SM3, SM4-CBC with encrypt-then-MAC
 * (Node has no SM4-GCM). Field encryption keys are versioned so they can rotate; the blind
 * index key cannot rotate without re-indexing, so it is separate.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function sm3Hex(data: string | Buffer): string {
  return createHash('sm3').update(data).digest('hex');
}

export function hmacSm3(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sm3', key).update(data).digest();
}

export interface FieldKey {
  id: number;
  enc: Buffer; // 16 bytes, SM4
  mac: Buffer; // 32 bytes, HMAC-SM3
}

export interface KeyMaterial {
  current: number;
  keys: Map<number, FieldKey>;
  blindIndex: Buffer; // 32 bytes
  /** SM2 key pair that signs audit checkpoints (absent in key files made before it existed). */
  auditSigning?: { privateKey: string; publicKey: string } | undefined;
}

const PREFIX = 'sm4';

/** Encrypts one field value: `sm4:v<key>:<base64url(iv | ciphertext | tag)>`. */
export class FieldCipher {
  constructor(private readonly material: KeyMaterial) {}

  encrypt(plaintext: string): string {
    const key = this.material.keys.get(this.material.current);
    if (!key) throw new Error('current field key missing from key material');
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', key.enc, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const header = `${PREFIX}:v${key.id}:`;
    const tag = hmacSm3(key.mac, Buffer.concat([Buffer.from(header), iv, ct]));
    return header + Buffer.concat([iv, ct, tag]).toString('base64url');
  }

  decrypt(token: string): string {
    const m = /^sm4:v(\d+):([A-Za-z0-9_-]+)$/.exec(token);
    if (!m) throw new Error('not a field ciphertext');
    const key = this.material.keys.get(Number(m[1]));
    if (!key) throw new Error(`field key v${m[1]} is not in the key file`);
    const raw = Buffer.from(m[2] as string, 'base64url');
    const iv = raw.subarray(0, 16);
    const tag = raw.subarray(raw.length - 32);
    const ct = raw.subarray(16, raw.length - 32);
    const expected = hmacSm3(key.mac, Buffer.concat([Buffer.from(`${PREFIX}:v${key.id}:`), iv, ct]));
    if (tag.length !== 32 || !timingSafeEqual(tag, expected)) throw new Error('field ciphertext failed authentication');
    const decipher = createDecipheriv('sm4-cbc', key.enc, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  }

  /** Keyed SM3 of the normalized value: exact lookup without storing the value. */
  blindIndex(normalized: string, domain: string): string {
    return hmacSm3(this.material.blindIndex, `${domain}\u0000${normalized}`).toString('hex');
  }

  /** The SM2 key pair for audit checkpoints, if the key material has one. */
  get auditSigning(): { privateKey: string; publicKey: string } | undefined {
    return this.material.auditSigning;
  }

  /** A purpose-bound key derived from the blind-index key (HMAC-SM3 as a KDF), e.g. for audit checkpoints. */
  deriveKey(label: string): Buffer {
    return hmacSm3(this.material.blindIndex, `xinyong derived key\u0000${label}`);
  }

  /**
   * Check values (not the keys) stored in the database: a key file whose blind-index key or any
   * field key differs from the ones the data was written with is detected at start.
   */
  keyChecks(): Record<string, string> {
    const checks: Record<string, string> = { blindIndex: hmacSm3(this.material.blindIndex, 'xinyong key check').toString('hex').slice(0, 16) };
    for (const k of this.material.keys.values()) checks[`v${k.id}`] = hmacSm3(k.mac, Buffer.concat([Buffer.from('xinyong key check'), k.enc])).toString('hex').slice(0, 16);
    return checks;
  }
}
