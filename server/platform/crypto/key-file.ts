/**
 * The key file: JSON kept outside the repository (default `<DATA_DIR>/keys.json`, mode 0600).
 * {
 *   "format": "xinyong-keys/1",
 *   "current": 1,
 *   "keys": { "1": { "enc": "<32 hex: SM4 key>", "mac": "<64 hex: HMAC-SM3 key>" } },
 *   "blindIndex": "<64 hex>",
 *   "auditSigning": { "privateKey": "<64 hex>", "publicKey": "04<128 hex>" }   (SM2, signs audit checkpoints)
 * }
 * Rotation: add key "2", set current to 2; old ciphertexts keep decrypting with key 1.
 * The same JSON may instead be given in the KEY_MATERIAL environment variable (e.g. from a
 * secret store); it then takes precedence over any file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import type { FieldKey, KeyMaterial } from './index.js';
import { generateSm2KeyPair } from './sm2.js';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes * 2} hex digits`);
const fileSchema = z.object({
  format: z.literal('xinyong-keys/1'),
  current: z.number().int().positive(),
  keys: z.record(z.string().regex(/^\d+$/), z.object({ enc: hex(16), mac: hex(32) })),
  blindIndex: hex(32),
  auditSigning: z.object({ privateKey: hex(32), publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, 'must be an uncompressed SM2 public key (130 hex digits)') }).optional(),
});

export function generateKeyFileContent(): string {
  const content = {
    format: 'xinyong-keys/1',
    current: 1,
    keys: { '1': { enc: randomBytes(16).toString('hex'), mac: randomBytes(32).toString('hex') } },
    blindIndex: randomBytes(32).toString('hex'),
    auditSigning: generateSm2KeyPair(),
  };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/**
 * Reads the key file. When `createIfMissing` (the default location, never an explicit
 * KEY_FILE), a new one is written; an explicit file that is missing is a configuration error.
 */
export function loadKeyFile(file: string, createIfMissing: boolean): { material: KeyMaterial; created: boolean } {
  let created = false;
  if (!fs.existsSync(file)) {
    if (!createIfMissing) throw new ConfigError(`配置错误 / invalid configuration: KEY_FILE=${file} does not exist — create it or unset KEY_FILE`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, generateKeyFileContent(), { mode: 0o600, flag: 'wx' });
    created = true;
  }
  return { material: parseKeyMaterial(fs.readFileSync(file, 'utf8'), `key file ${file}`), created };
}

/**
 * Parses key material in the key-file format, from a file or from the KEY_MATERIAL variable.
 * Error messages name the source and the place, never the value.
 */
export function parseKeyMaterial(text: string, source: string): KeyMaterial {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`配置错误 / invalid configuration: ${source} is not valid JSON`);
  }
  const r = fileSchema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ConfigError(`配置错误 / invalid configuration: ${source} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
  }
  const keys = new Map<number, FieldKey>();
  for (const [id, k] of Object.entries(r.data.keys)) {
    keys.set(Number(id), { id: Number(id), enc: Buffer.from(k.enc, 'hex'), mac: Buffer.from(k.mac, 'hex') });
  }
  if (!keys.has(r.data.current)) {
    throw new ConfigError(`配置错误 / invalid configuration: ${source} names current key ${r.data.current} but does not contain it`);
  }
  return { current: r.data.current, keys, blindIndex: Buffer.from(r.data.blindIndex, 'hex'), auditSigning: r.data.auditSigning };
}
