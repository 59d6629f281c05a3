/**
 * Sign-in (password → forced change → TOTP enrolment or verification), sign-out, and account
 * administration. Session cookies are HttpOnly + SameSite=Strict; state-changing calls also need
 * the CSRF token returned at sign-in (header x-csrf-token).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { holdsIdNumber } from '../../../common/identifiers/index.js';
import { AppError } from '../../platform/errors.js';
import { errorResponses } from '../../platform/http-schemas.js';
import { ALL_ROLES, type Authenticate, type Role } from '../../platform/policy.js';
import { actorOf } from '../audit/index.js';
import type { IdentityService, StepResult } from './identity.service.js';
import type { SignedRequests, SystemAccountView } from './signed-requests.js';
import { securityPolicySchema } from './security-policy.js';
import type { DepartmentView, LoginLockView, UserView } from '../../../common/identity-api.js';
import type { SignInEventView } from '../../../common/sign-in-api.js';

export const SESSION_COOKIE = 'xy_sid';

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined; // a malformed cookie is no session
    }
  }
  return undefined;
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`);
}

function token(req: FastifyRequest): string {
  const t = readCookie(req, SESSION_COOKIE);
  if (!t) throw new AppError('UNAUTHENTICATED');
  return t;
}

/**
 * The Authenticate seam's implementation: a signed system request (provisional until its body is
 * verified, see SignedRequests.verify) or a person's session cookie.
 */
export function sessionAuthenticate(identity: IdentityService, signed: SignedRequests): Authenticate {
  return async (req) => {
    const appKey = req.headers['x-app-key'];
    if (typeof appKey === 'string') {
      const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : '');
      req.signedHeaders = { appKey, timestamp: h('x-timestamp'), nonce: h('x-nonce'), signature: h('x-signature') };
      return signed.provisional(appKey);
    }
    const t = readCookie(req, SESSION_COOKIE);
    if (!t) return null;
    const csrf = req.headers['x-csrf-token'];
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
    const r = await identity.sessionPrincipal(t, typeof csrf === 'string' ? csrf : undefined, unsafe, { ip: req.ip, requestId: req.id, route: `${req.method} ${req.routeOptions.url ?? ''}` });
    return r?.principal ?? null;
  };
}

const role = z.enum(ALL_ROLES as [Role, ...Role[]]);
const nextStep = z.enum(['totp', 'changePassword', 'enrolTotp', 'done']).describe('totp: 输入动态验证码；changePassword: 须修改密码；enrolTotp: 须绑定动态验证码；done: 登录完成');
const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  departmentId: z.string().nullable(),
  roles: z.array(role),
  status: z.enum(['active', 'disabled']),
  totpEnrolled: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable().describe('某一来源地址对该账户的登录暂停最晚到何时（其他地址仍可登录）'),
  version: z.number(),
  createdAt: z.string(),
}) satisfies z.ZodType<UserView>;
const loginLockView = z.object({
  id: z.string(),
  username: z.string().nullable().describe('null：没有账户使用所输入的用户名'),
  displayName: z.string().nullable(),
  source: z.string().nullable().describe('被暂停的来源地址（IPv6为/64网段）；null：账户的逐次延迟，适用于所有未登录成功过的地址'),
  failures: z.number().describe('统计时间窗内的失败次数'),
  until: z.string().describe('暂停结束时间；逐次延迟为陌生地址下一次可验证的时间'),
}) satisfies z.ZodType<LoginLockView>;
const departmentView = z.object({
  id: z.string(),
  name: z.string(),
  uscc: z.string(),
  regionCode: z.string().nullable(),
  regionName: z.string().nullable().describe('行政区划名称（GB/T 2260）；代码不在代码表中时为null'),
  parentId: z.string().nullable(),
  status: z.enum(['active', 'disabled']).describe('disabled：部门已停用，其账户和系统账号不能登录、报送'),
  version: z.number(),
}) satisfies z.ZodType<DepartmentView>;
const idParams = z.object({ id: z.string().uuid() });
const systemAccountView = z.object({
  appKey: z.string(),
  name: z.string(),
  departmentId: z.string(),
  roles: z.array(role),
  status: z.enum(['active', 'disabled']).describe('disabled：已停用，签名请求被拒绝，推送暂存到重新启用'),
  createdAt: z.string(),
}) satisfies z.ZodType<SystemAccountView>;

// Field-level messages: a refusal reads as a sentence about what the person did, not as a schema rule.
// Names and reasons go into the audit log, which refuses an ID number in clear: said here, not as a 500.
const noIdNumber = (s: string) => !holdsIdNumber(s);
const idNumberRefused = (what: string) => `${what}不能含有身份证号码（会记入审计日志）`;
const roleList = z.array(role).min(1, '每个账户至少要有一个角色').max(4, '一个账户最多有4个角色');
const displayName = z.string().min(1, '姓名不能为空').max(50, '姓名最多50个字').refine(noIdNumber, idNumberRefused('姓名'));
const departmentName = z.string().min(2, '部门名称至少要有2个字').max(100, '部门名称最多100个字').refine(noIdNumber, idNumberRefused('部门名称'));
const departmentCode = z.string().max(64, '统一社会信用代码应为18位');
const regionCode = z.string().regex(/^\d{6}$/, '行政区划代码应为6位数字（GB/T 2260），如330100');
const version = z.number().int().positive().describe('读取时的版本号：数据已被他人修改时拒绝（409）');
const reasonBody = z.object({ reason: z.string().trim().min(2, '请写明理由（至少2个字）').max(200, '理由最多200个字').refine(noIdNumber, idNumberRefused('理由')).describe('理由，记入审计日志') });
const stepReply = z.object({ next: nextStep, csrfToken: z.string().optional().describe('登录完成时的新CSRF令牌') });

export function identityRoutes(identity: IdentityService, signed: SignedRequests): FastifyPluginAsyncZod {
  /** A completed sign-in gets a fresh session cookie and CSRF token. */
  const stepAnswer = async (req: FastifyRequest, reply: FastifyReply, r: StepResult) => {
    if (r.session) setSessionCookie(req, reply, r.session.token, (await identity.policy()).absoluteSessionHours * 3600);
    return { next: r.next, ...(r.session ? { csrfToken: r.session.csrfToken } : {}) };
  };
  return async (app) => {
    const signedIn = { policy: { signedIn: true as const } };
    const sysAdmin = { policy: { roles: ['sysAdmin'] as const } };
    const secAdmin = { policy: { roles: ['secAdmin'] as const } };

    app.post(
      '/api/v1/auth/login',
      {
        config: { policy: { public: true }, rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: '登录（第一步：用户名和密码）',
          body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
          response: { 200: z.object({ next: nextStep, csrfToken: z.string(), user: userView }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await identity.login(req.body.username, req.body.password, req.ip, req.id);
        const p = await identity.policy();
        setSessionCookie(req, reply, r.token, p.absoluteSessionHours * 3600);
        return { next: r.next, csrfToken: r.csrfToken, user: r.user };
      },
    );

    app.get(
      '/api/v1/auth/me',
      { config: signedIn, schema: { tags: ['auth'], summary: '当前用户与登录进度', response: { 200: z.object({ user: userView, next: nextStep, csrfToken: z.string() }), ...errorResponses } } },
      async (req) => identity.me(token(req)),
    );

    app.post(
      '/api/v1/auth/password',
      {
        config: signedIn,
        schema: {
          tags: ['auth'],
          summary: '修改密码（首次登录强制修改）',
          body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) }),
          response: { 200: stepReply, ...errorResponses },
        },
      },
      async (req, reply) => stepAnswer(req, reply, await identity.changePassword(token(req), req.body.currentPassword, req.body.newPassword, req.ip, req.id)),
    );

    app.post(
      '/api/v1/auth/totp/enrol',
      {
        config: signedIn,
        schema: {
          tags: ['auth'],
          summary: '开始绑定动态验证码（返回二维码）',
          body: z.object({}).optional(),
          response: { 200: z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return identity.startTotpEnrolment(token(req));
      },
    );

    app.post(
      '/api/v1/auth/totp/enrol/confirm',
      {
        config: signedIn,
        schema: {
          tags: ['auth'],
          summary: '确认绑定动态验证码（返回一次性恢复码）',
          body: z.object({ code: z.string().regex(/^\d{6}$/, '动态验证码为6位数字') }),
          response: { 200: stepReply.extend({ recoveryCodes: z.array(z.string()) }), ...errorResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const r = await identity.confirmTotpEnrolment(token(req), req.body.code, req.ip, req.id);
        return { ...(await stepAnswer(req, reply, r)), recoveryCodes: r.recoveryCodes };
      },
    );

    app.post(
      '/api/v1/auth/totp',
      {
        config: { ...signedIn, rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags: ['auth'],
          summary: '登录第二步：动态验证码或恢复码',
          body: z.object({ code: z.string().regex(/^\d{6}$/).optional(), recoveryCode: z.string().max(20).optional() }),
          response: { 200: stepReply, ...errorResponses },
        },
      },
      async (req, reply) => stepAnswer(req, reply, await identity.verifySecondFactor(token(req), req.body, req.ip, req.id)),
    );

    app.post(
      '/api/v1/auth/logout',
      { config: signedIn, schema: { tags: ['auth'], summary: '退出登录（销毁服务端会话）', body: z.object({}).optional(), response: { 204: z.null(), ...errorResponses } } },
      async (req, reply) => {
        await identity.logout(token(req), req.ip, req.id);
        setSessionCookie(req, reply, '', 0);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/departments',
      { config: { policy: { roles: ['sysAdmin', 'secAdmin', 'creditOffice'] as const } }, schema: { tags: ['admin'], summary: '部门列表', response: { 200: z.array(departmentView), ...errorResponses } } },
      async () => identity.departments(),
    );

    app.post(
      '/api/v1/departments',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '新增部门（系统管理员）',
          description: '统一社会信用代码按GB 32100校验，组织机构代码的校验位（第17位）也须正确；未填行政区划时取代码第3–8位。',
          body: z.object({ name: departmentName, uscc: departmentCode, regionCode: regionCode.optional(), parentId: z.string().uuid().optional() }),
          response: { 201: departmentView, ...errorResponses },
        },
      },
      async (req, reply) => reply.code(201).send(await identity.createDepartment(req.body, actorOf(req))),
    );

    app.patch(
      '/api/v1/departments/:id',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '修改部门（系统管理员）：名称、统一社会信用代码、行政区划、上级部门',
          description: '只改所带的字段。regionCode为null时按代码第3–8位重新确定；parentId为null表示没有上级部门。修改代码后，此前报送的记录仍以原代码为数据提供方。',
          params: idParams,
          body: z.object({ name: departmentName.optional(), uscc: departmentCode.optional(), regionCode: regionCode.nullable().optional(), parentId: z.string().uuid().nullable().optional(), version }),
          response: { 200: departmentView, ...errorResponses },
        },
      },
      async (req) => identity.updateDepartment(req.params.id, req.body, actorOf(req)),
    );

    for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
      app.post(
        `/api/v1/departments/:id/${action}`,
        {
          config: sysAdmin,
          schema: {
            tags: ['admin'],
            summary: action === 'disable' ? '停用部门（须说明理由）：其账户和系统账号随即不能登录、报送' : '启用部门（须说明理由）',
            params: idParams,
            body: reasonBody,
            response: { 200: departmentView, ...errorResponses },
          },
        },
        async (req) => identity.setDepartmentStatus(req.params.id, status, req.body.reason, actorOf(req)),
      );
    }

    app.get(
      '/api/v1/users',
      { config: { policy: { roles: ['sysAdmin', 'secAdmin'] as const } }, schema: { tags: ['admin'], summary: '用户列表', response: { 200: z.array(userView), ...errorResponses } } },
      async () => identity.users(),
    );

    app.post(
      '/api/v1/users',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '新增用户（返回一次性初始密码，首次登录须修改）',
          body: z.object({
            username: z.string().min(3, '用户名至少要有3个字符').max(32, '用户名最多32个字符'),
            displayName,
            departmentId: z.string().uuid().optional(),
            roles: roleList,
          }),
          response: { 201: z.object({ user: userView, oneTimePassword: z.string() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return reply.code(201).send(await identity.createUser(req.body, actorOf(req)));
      },
    );

    app.post(
      '/api/v1/users/:id/reset-password',
      { config: sysAdmin, schema: { tags: ['admin'], summary: '重置用户密码（一次性密码）', params: idParams, body: z.object({}).optional(), response: { 200: z.object({ oneTimePassword: z.string() }), ...errorResponses } } },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return { oneTimePassword: await identity.resetPassword(req.params.id, actorOf(req)) };
      },
    );

    app.patch(
      '/api/v1/users/:id',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '修改用户的姓名、所属部门（系统管理员；其他管理员的账户除外）',
          description: '只改所带的字段；departmentId为null表示不属于任何部门（有业务角色的账户必须属于一个部门）。',
          params: idParams,
          body: z.object({ displayName: displayName.optional(), departmentId: z.string().uuid().nullable().optional(), version }),
          response: { 200: userView, ...errorResponses },
        },
      },
      async (req) => identity.updateUser(req.params.id, req.body, actorOf(req)),
    );

    for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
      app.post(
        `/api/v1/users/:id/${action}`,
        {
          config: sysAdmin,
          schema: {
            tags: ['admin'],
            summary: action === 'disable' ? '停用用户（须说明理由；其会话随即结束）' : '启用用户（须说明理由）',
            params: idParams,
            body: reasonBody,
            response: { 200: userView, ...errorResponses },
          },
        },
        async (req) => identity.setStatus(req.params.id, status, req.body.reason, actorOf(req)),
      );
    }

    app.put(
      '/api/v1/users/:id/roles',
      {
        config: secAdmin,
        schema: { tags: ['admin'], summary: '修改用户角色（仅安全管理员；该用户的会话随即结束）', params: idParams, body: z.object({ roles: roleList, version }), response: { 200: userView, ...errorResponses } },
      },
      async (req) => identity.setRoles(req.params.id, req.body.roles, req.body.version, actorOf(req)),
    );

    app.get(
      '/api/v1/system-accounts',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '系统账号列表',
          response: { 200: z.array(systemAccountView), ...errorResponses },
        },
      },
      async () => signed.list(),
    );

    app.post(
      '/api/v1/system-accounts',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '新增系统账号（审批系统、上级平台；返回一次性显示的密钥）',
          body: z.object({ name: z.string().min(2).max(100), departmentId: z.string().uuid() }),
          response: { 201: z.object({ appKey: z.string(), secret: z.string() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return reply.code(201).send(await signed.create(req.body, actorOf(req)));
      },
    );

    const appKeyParams = z.object({ appKey: z.string().min(1).max(64, 'AppKey最多64个字符').describe('系统账号的AppKey（xy_开头）') });
    for (const [action, status] of [['disable', 'disabled'], ['enable', 'active']] as const) {
      app.post(
        `/api/v1/system-accounts/:appKey/${action}`,
        {
          config: sysAdmin,
          schema: {
            tags: ['admin'],
            summary:
              action === 'disable'
                ? '停用系统账号（须说明理由）：其签名请求随即被拒绝，拉取和推送停止；推送暂存，重新启用后依次送达'
                : '启用系统账号（须说明理由）：停用期间暂存的推送依次送达',
            params: appKeyParams,
            body: reasonBody,
            response: { 200: systemAccountView, ...errorResponses },
          },
        },
        async (req) => signed.setStatus(req.params.appKey, status, req.body.reason, actorOf(req)),
      );
    }

    app.post(
      '/api/v1/system-accounts/:appKey/secret',
      {
        config: sysAdmin,
        schema: {
          tags: ['admin'],
          summary: '重置系统账号的密钥（须说明理由；返回一次性显示的新密钥，原密钥随即失效）',
          params: appKeyParams,
          body: reasonBody,
          response: { 200: z.object({ appKey: z.string(), secret: z.string() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        return signed.newSecret(req.params.appKey, req.body.reason, actorOf(req));
      },
    );

    app.post(
      '/api/v1/system/echo',
      {
        config: { policy: { roles: ['system'] as const } },
        schema: {
          tags: ['admin'],
          summary: '签名自检：系统账号验证请求签名是否正确',
          description: '签名：X-Signature = hex(HMAC-SM3(密钥, 方法\\n路径?查询\\nSM3(请求体)\\n时间戳\\n随机数))；X-Timestamp为Unix秒，5分钟内有效；X-Nonce不可重复。',
          body: z.record(z.string(), z.unknown()).optional(),
          response: { 200: z.object({ appKey: z.string(), name: z.string(), departmentId: z.string().nullable(), received: z.unknown() }), ...errorResponses },
        },
      },
      async (req) => ({ appKey: req.principal?.id ?? '', name: req.principal?.name ?? '', departmentId: req.principal?.departmentId ?? null, received: req.body ?? null }),
    );

    app.get(
      '/api/v1/security/policy',
      { config: secAdmin, schema: { tags: ['admin'], summary: '密码、锁定与会话策略', response: { 200: securityPolicySchema, ...errorResponses } } },
      async () => identity.policy(),
    );

    app.get(
      '/api/v1/security/login-locks',
      {
        config: secAdmin,
        schema: {
          tags: ['admin'],
          summary: '登录锁定与逐次延迟（仅安全管理员）',
          description: '同一账户从同一地址在时间窗内失败达到次数，暂停该地址登录该账户；账户从所有地址累计失败达到次数后，陌生地址每2、4、8…秒（上限见安全策略）才能验证一次。',
          response: { 200: z.array(loginLockView), ...errorResponses },
        },
      },
      async () => identity.loginLocks(),
    );

    app.post(
      '/api/v1/security/login-locks/:id/lift',
      {
        config: secAdmin,
        schema: {
          tags: ['admin'],
          summary: '解除一项登录锁定或逐次延迟（须说明理由，记入审计日志）',
          params: idParams,
          body: reasonBody,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        await identity.liftLoginLock(req.params.id, req.body.reason, actorOf(req));
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/api/v1/security/policy',
      { config: secAdmin, schema: { tags: ['admin'], summary: '修改安全策略（仅安全管理员）', body: securityPolicySchema, response: { 200: securityPolicySchema, ...errorResponses } } },
      async (req) => identity.setPolicy(req.body, actorOf(req)),
    );

    // About the caller's own account, whatever its roles (like /auth/me, so no role list mixing 三员
    // and business roles): the account is the session's, never a parameter, and only once sign-in is complete.
    app.get(
      '/api/v1/auth/me/sign-ins',
      {
        config: signedIn,
        schema: {
          tags: ['auth'],
          summary: '本人最近的登录记录（最近10次：时间、地址、是否成功），用于发现不是本人的登录',
          response: {
            200: z.array(
              z.object({
                at: z.string(),
                ip: z.string().nullable(),
                result: z.enum(['success', 'failure', 'denied']).describe('success：密码验证通过；failure：密码或动态验证码错误；denied：该地址登录已暂停'),
                reason: z.enum(['wrongPassword', 'wrongSecondFactor', 'paused', 'disabled']).nullable(),
              }) satisfies z.ZodType<SignInEventView>,
            ),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        if (!req.principal) throw new AppError('UNAUTHENTICATED');
        // The password alone must not show where the account signs in from.
        if (req.principal.stage !== 'full') throw new AppError('LOGIN_STEP_REQUIRED');
        return identity.recentSignIns(req.principal.id);
      },
    );
  };
}
