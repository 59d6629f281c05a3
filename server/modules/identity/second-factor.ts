/**
 * The second-factor seam. TOTP is the built-in factor; another (e.g. an SM2 certificate key in a
 * USB token, answering a challenge with a GB/T 32918 signature) implements the same interface and
 * is passed to IdentityService instead.
 */
import QRCode from 'qrcode';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.js';

export interface Enrolment {
  /** Stored encrypted with the user; never shown again after enrolment. */
  material: string;
  /** What the enrolment screen shows (for TOTP: the secret, the otpauth URI and a QR code). */
  display: { secret: string; otpauthUri: string; qrSvg: string };
}

export interface SecondFactor {
  readonly kind: string;
  startEnrolment(account: string): Promise<Enrolment>;
  /**
   * Checks a response against the stored material. Returns a counter that must increase from one
   * success to the next (replay protection), or null.
   */
  verify(material: string, response: string, at: Date, lastCounter: number | null): number | null;
}

export class TotpFactor implements SecondFactor {
  readonly kind = 'totp';

  constructor(private readonly issuer = '信用Xinyong') {}

  async startEnrolment(account: string): Promise<Enrolment> {
    const secret = newTotpSecret();
    const uri = otpauthUri(secret, account, this.issuer);
    return { material: secret, display: { secret, otpauthUri: uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, width: 200 }) } };
  }

  verify(material: string, response: string, at: Date, lastCounter: number | null): number | null {
    return verifyTotp(material, response, at, lastCounter);
  }
}
