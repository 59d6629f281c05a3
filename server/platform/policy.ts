/**
 * The authorization seam. Every route declares a policy in `config.policy`; the app refuses to
 * start if a route has none, and denies by default. The identity module supplies the real
 * `Authenticate` (session cookie, signed system requests); `denyAll` authenticates nobody.
 */
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../common/identity-api.js';

export type { Role };

/**
 * public: anyone. signedIn: any session, even one still finishing sign-in (password change, second
 * factor) — only the sign-in routes use it. roles: a fully signed-in principal with one of the roles.
 */
export type Policy = { public: true } | { signedIn: true } | { roles: readonly Role[] };

export interface Principal {
  kind: 'user' | 'system';
  id: string;
  name: string;
  /** How people know the account (a user's display name); lists show it beside the account name. */
  displayName?: string | undefined;
  roles: readonly Role[];
  departmentId: string | null;
  /** 'password': signed in with the password only; business routes need 'full'. */
  stage: 'password' | 'full';
}

export const ADMIN_ROLES: readonly Role[] = ['sysAdmin', 'secAdmin', 'auditAdmin'];

export type Authenticate = (req: FastifyRequest) => Promise<Principal | null>;

/** The default until accounts exist: nobody is authenticated. */
export const denyAll: Authenticate = async () => null;

/** Roles that run the business of the platform (not the three separated administrators). */
export const STAFF_ROLES: readonly Role[] = ['creditOffice', 'submitter', 'reviewer', 'implementer'];
export const ALL_ROLES: readonly Role[] = [...STAFF_ROLES, ...ADMIN_ROLES, 'system'];

/** Headers of a signed system request; the signature is checked once the body has been read. */
export interface SignedHeaders {
  appKey: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** Completes a signed request's authentication with its raw body (a failure throws 401). */
export type VerifySigned = (req: FastifyRequest, headers: SignedHeaders, rawBody: Buffer) => Promise<Principal>;

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: Policy;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set by the authenticator when the request claims to be a signed system request. */
    signedHeaders?: SignedHeaders;
    rawBody?: Buffer;
  }
}
