/**
 * TOTP against the published test vectors (RFC 6238 Appendix B; RFC 4226 Appendix D), not against itself:
 * a wrong hash, truncation or counter encoding fails here even if sign-in round-trips still pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base32Decode, base32Encode, hotp, STEP_SECONDS, stepOf, totpAt, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's length.
const SEED = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};
const RFC6238: { time: number; sha1: string; sha256: string; sha512: string }[] = [
  { time: 59, sha1: '94287082', sha256: '46119246', sha512: '90693936' },
  { time: 1111111109, sha1: '07081804', sha256: '68084774', sha512: '25091201' },
  { time: 1111111111, sha1: '14050471', sha256: '67062674', sha512: '99943326' },
  { time: 1234567890, sha1: '89005924', sha256: '91819424', sha512: '93441116' },
  { time: 2000000000, sha1: '69279037', sha256: '90698825', sha512: '38618901' },
  { time: 20000000000, sha1: '65353130', sha256: '77737706', sha512: '47863826' },
];
// RFC 4226 Appendix D: HOTP of the SHA-1 seed for counters 0–9, 6 digits.
const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('TOTP (RFC 6238) and HOTP (RFC 4226) test vectors', () => {
  it('computes every RFC 6238 Appendix B value (8 digits, SHA-1, SHA-256 and SHA-512)', () => {
    for (const v of RFC6238) {
      const counter = Math.floor(v.time / STEP_SECONDS);
      for (const hash of ['sha1', 'sha256', 'sha512'] as const) {
        assert.equal(hotp(SEED[hash], counter, 8, hash), v[hash], `T=${v.time} ${hash}`);
      }
    }
  });

  it('computes every RFC 4226 Appendix D value', () => {
    RFC4226.forEach((code, counter) => assert.equal(hotp(SEED.sha1, counter), code, `counter ${counter}`));
  });

  it('signs in with SHA-1 and 6 digits: the last six digits of the RFC 6238 SHA-1 values, from the base32 secret', () => {
    const secret = base32Encode(SEED.sha1);
    assert.equal(secret, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'RFC 4648 base32 of the seed');
    assert.deepEqual(base32Decode(secret), SEED.sha1);
    for (const v of RFC6238) {
      const at = new Date(v.time * 1000);
      assert.equal(totpAt(secret, stepOf(at)), v.sha1.slice(2), `T=${v.time}`);
      assert.equal(verifyTotp(secret, v.sha1.slice(2), at, null), stepOf(at));
    }
  });
});
