/**
 * The authorization seam. Every route declares a policy in `config.policy`; the app refuses to
 * start if an /api route has none, and denies by default. The identity issue (#3) supplies the
 * real `Authenticate` (sessions, TOTP, signed requests); until then no request is authenticated,
 * so every staff route answers 401.
 */
import type { FastifyRequest } from 'fastify';

export type Role =
  | 'creditOffice' // 信用办
  | 'submitter' // 数据报送员
  | 'reviewer' // 审核员
  | 'implementer' // 惩戒/激励实施部门
  | 'sysAdmin' // 系统管理员
  | 'secAdmin' // 安全管理员
  | 'auditAdmin' // 审计管理员
  | 'system'; // 系统账号 (approval systems, upper-level platforms)

/**
 * public: anyone. signedIn: any session, even one still finishing sign-in (password change, second
 * factor) — only the sign-in routes use it. roles: a fully signed-in principal with one of the roles.
 */
export type Policy = { public: true } | { signedIn: true } | { roles: readonly Role[] };

export interface Principal {
  kind: 'user' | 'system';
  id: string;
  name: string;
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
