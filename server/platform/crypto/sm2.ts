/**
 * SM2 signatures (GB/T 32918) behind one small interface, so a certified cryptographic module can
 * replace the software implementation (sm-crypto-v2) without touching callers. Node's own EC keys
 * on the SM2 curve sign with ECDSA, not SM2, so they are not used here.
 */
import { sm2 } from 'sm-crypto-v2';

export interface Sm2KeyPair {
  /** 64 hex digits */
  privateKey: string;
  /** 130 hex digits, uncompressed (04…) */
  publicKey: string;
}

export interface Signer {
  readonly publicKey: string;
  sign(message: string): string;
}

export function generateSm2KeyPair(): Sm2KeyPair {
  const kp = sm2.generateKeyPairHex();
  return { privateKey: kp.privateKey, publicKey: kp.publicKey };
}

export function sm2Signer(pair: Sm2KeyPair): Signer {
  return {
    publicKey: pair.publicKey,
    // hash: true → SM3 with the signer's Z value, as GB/T 32918 prescribes.
    sign: (message) => sm2.doSignature(message, pair.privateKey, { hash: true }),
  };
}

export function verifySm2(message: string, signature: string, publicKey: string): boolean {
  try {
    return sm2.doVerifySignature(message, signature, publicKey, { hash: true });
  } catch {
    return false;
  }
}
