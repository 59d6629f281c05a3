/**
 * Configuration from environment variables, validated once at start. A bad value ends the
 * process with one line that says what to fix (see main.ts); nothing here logs secrets.
 */
import path from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {}

/** Never echoed in an error line. */
const SECRET_VARIABLES = new Set(['KEY_MATERIAL', 'DATABASE_URL']);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  KEY_FILE: z.string().min(1).optional(),
  KEY_MATERIAL: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
  CODE_VALIDATE_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  PORTAL_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  PORTAL_EXPORT_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
  PORTAL_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).max(10_000).default(10_000),
  PORTAL_SEARCH_STALENESS_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  PORTAL_PROFILE_CACHE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  TRUST_PROXY: z
    .string()
    .regex(/^(false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, 'false, a hop count (1), or the proxies\' addresses/CIDRs (10.0.0.1,10.0.0.0/8) — not "true": any client could then claim any address')
    .default('false'),
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  AUDIT_PURGE: z.enum(['daily', 'off']).default('daily'),
  IMPORT_MAX_MB: z.coerce.number().int().min(1).max(10_000).default(500),
  UPLOAD_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  // Webhooks to subscribers (server/modules/exchange, docs/exchange.md).
  EXCHANGE_ALLOW_HTTP_LOCAL: z.enum(['on', 'off']).default('off'),
  EXCHANGE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  EXCHANGE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  // Durable jobs (server/platform/jobs.ts, ADR 0003).
  JOB_LEASE_SECONDS: z.coerce.number({ error: '应为秒数（整数）' }).int('应为整数秒').min(2, '后台任务租约至少2秒').max(3600, '后台任务租约至多3600秒').default(60),
  JOB_POLL_MS: z.coerce.number({ error: '应为毫秒数（整数）' }).int('应为整数毫秒').min(50, '后台任务轮询间隔至少50毫秒').max(60_000, '后台任务轮询间隔至多60000毫秒').default(1000),
  JOB_CONCURRENCY: z.coerce.number({ error: '应为整数' }).int('应为整数').min(1, '每个进程至少同时执行1个后台任务').max(16, '每个进程至多同时执行16个后台任务').default(2),
  JOB_MAX_ATTEMPTS: z.coerce.number({ error: '应为整数' }).int('应为整数').min(1, '后台任务至少执行1次').max(100, '后台任务至多执行100次').default(8),
  JOB_BACKOFF_SECONDS: z.coerce.number({ error: '应为秒数（整数）' }).int('应为整数秒').min(1, '首次重试至少等待1秒').max(3600, '首次重试至多等待3600秒').default(10),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Explicit key file; when absent the platform creates `<dataDir>/keys.json` on first start. */
  keyFile: string | undefined;
  /** Key material as JSON (secret store / orchestrator); takes precedence over KEY_FILE. Never logged. */
  keyMaterialJson: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** auto: demo on first start with the embedded database only; on: also on a server; off: never. */
  demoData: 'auto' | 'on' | 'off';
  codeValidateRateLimit: number;
  /** false, the number of proxy hops, or the proxies' addresses: whose X-Forwarded-For to believe. */
  trustProxy: boolean | number | string;
  /** Signed audit-chain checkpoints, kept outside the database. */
  auditCheckpointFile: string;
  /** daily: the retention purge runs once a day (and after downtime, soon after start); off: only by hand. */
  auditPurge: 'daily' | 'off';
  /** Largest upload accepted (bytes); bigger ones get 413 before the body is read. */
  importMaxBytes: number;
  /** Requests per minute per client address to the public portal API. */
  portalRateLimit: number;
  /** CSV exports per minute per client address: a stricter budget than browsing. */
  portalExportRateLimit: number;
  /** Files uploaded and API batches submitted per account per minute (each counted apart). */
  uploadRateLimit: number;
  /** Largest result set a CSV export gives (at most 10 000). */
  portalExportMaxRows: number;
  /** How old the portal's in-memory name index may be when a search starts; older, it catches up first. */
  portalSearchStalenessMs: number;
  /** Profiles kept as sent, at most this many (0: none); see server/modules/portal/profile-cache.ts. */
  portalProfileCache: number;
  /** Webhooks: plain http to this host allowed (tests, a local receiver); one POST's time limit; attempts before 投递失败. */
  exchange: { allowHttpLocal: boolean; timeoutMs: number; maxAttempts: number };
  /** Durable jobs: lease, idle poll, jobs at once per process, attempts, first retry's wait (doubling, at most 1 h). */
  jobs: { leaseMs: number; pollMs: number; concurrency: number; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
}

/** Documented in README.md → Configuration; keep the two in step. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means "not set", as shells and .env files use it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? '?');
    const shown = SECRET_VARIABLES.has(name) ? '(secret)' : JSON.stringify(env[name] ?? '');
    throw new ConfigError(`配置错误 / invalid configuration: ${name}=${shown} — ${issue?.message ?? ''}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    keyFile: e.KEY_FILE ? path.resolve(e.KEY_FILE) : undefined,
    keyMaterialJson: e.KEY_MATERIAL,
    logLevel: e.LOG_LEVEL,
    demoData: e.DEMO_DATA,
    codeValidateRateLimit: e.CODE_VALIDATE_RATE_LIMIT,
    portalRateLimit: e.PORTAL_RATE_LIMIT,
    portalExportRateLimit: e.PORTAL_EXPORT_RATE_LIMIT,
    uploadRateLimit: e.UPLOAD_RATE_LIMIT,
    portalExportMaxRows: e.PORTAL_EXPORT_MAX_ROWS,
    portalSearchStalenessMs: e.PORTAL_SEARCH_STALENESS_MS,
    portalProfileCache: e.PORTAL_PROFILE_CACHE,
    trustProxy: e.TRUST_PROXY === 'false' ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    auditCheckpointFile: path.resolve(e.AUDIT_CHECKPOINT_FILE ?? path.join(e.DATA_DIR, 'audit-checkpoints.jsonl')),
    auditPurge: e.AUDIT_PURGE,
    importMaxBytes: e.IMPORT_MAX_MB * 1024 * 1024,
    exchange: { allowHttpLocal: e.EXCHANGE_ALLOW_HTTP_LOCAL === 'on', timeoutMs: e.EXCHANGE_TIMEOUT_MS, maxAttempts: e.EXCHANGE_MAX_ATTEMPTS },
    jobs: {
      leaseMs: e.JOB_LEASE_SECONDS * 1000,
      pollMs: e.JOB_POLL_MS,
      concurrency: e.JOB_CONCURRENCY,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      backoffBaseMs: e.JOB_BACKOFF_SECONDS * 1000,
      backoffMaxMs: Math.max(3_600_000, e.JOB_BACKOFF_SECONDS * 1000),
    },
  };
}
