/** Test support for the identity tests: a browser-like client and the first sign-in of an account. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { stepOf, totpAt } from './totp.js';

export const NEW_PASSWORD = 'Xinyong#2026pass';

let nextIp = 1;

/** A browser-like session: keeps the cookie and the CSRF token, and comes from one address. */
export class Browser {
  cookie = '';
  csrf = '';
  readonly ip: string;

  /** Each browser its own address unless given one: sign-in failures are counted per address. */
  constructor(
    private readonly app: FastifyInstance,
    ip?: string,
  ) {
    this.ip = ip ?? `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  }

  async call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, opts: { csrf?: boolean } = {}) {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const r = await this.app.inject({ method, url, headers, remoteAddress: this.ip, ...(payload ? { payload } : method === 'GET' ? {} : { payload: {} }) });
    const set = r.headers['set-cookie'];
    if (typeof set === 'string') this.cookie = set.split(';')[0] as string;
    if (r.statusCode < 300 && r.body && String(r.headers['content-type'] ?? '').includes('json')) {
      const body = r.json() as { csrfToken?: string };
      if (body.csrfToken) this.csrf = body.csrfToken;
    }
    return r;
  }
}

/** Password → forced change → TOTP enrolment; returns the signed-in browser and the TOTP secret. */
export async function signInFirstTime(app: FastifyInstance, clock: Clock, username: string, oneTimePassword: string, ip?: string): Promise<{ b: Browser; secret: string; recoveryCodes: string[] }> {
  const b = new Browser(app, ip);
  const login = await b.call('POST', '/api/v1/auth/login', { username, password: oneTimePassword });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal(login.json().next, 'changePassword');
  const changed = await b.call('POST', '/api/v1/auth/password', { currentPassword: oneTimePassword, newPassword: NEW_PASSWORD });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.equal(changed.json().next, 'enrolTotp');
  const enrol = await b.call('POST', '/api/v1/auth/totp/enrol');
  assert.equal(enrol.statusCode, 200, enrol.body);
  const { secret, otpauthUri, qrSvg } = enrol.json();
  assert.match(otpauthUri, /^otpauth:\/\/totp\//);
  assert.match(qrSvg, /<svg/);
  const confirm = await b.call('POST', '/api/v1/auth/totp/enrol/confirm', { code: totpAt(secret, stepOf(clock.now())) });
  assert.equal(confirm.statusCode, 200, confirm.body);
  assert.equal(confirm.json().next, 'done');
  return { b, secret, recoveryCodes: confirm.json().recoveryCodes };
}
