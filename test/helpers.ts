/**
 * Test harness: the real platform on either engine. With DATABASE_URL set (the CI's PostgreSQL
 * pass) each test file gets a fresh database on that server, dropped at the end; otherwise an
 * in-memory PGlite. Principals are injected through a test-only header the harness reads.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { FastifyRequest } from 'fastify';
import { startPlatform, type Platform, type StartOptions } from '../server/app/platform.js';
import { loadConfig, type Config } from '../server/platform/config.js';
import type { KeyMaterial } from '../server/platform/crypto/index.js';
import { generateSm2KeyPair } from '../server/platform/crypto/sm2.js';
import type { Principal, Role } from '../server/platform/policy.js';

export const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export function testKeyMaterial(): KeyMaterial {
  return {
    current: 1,
    keys: new Map([[1, { id: 1, enc: randomBytes(16), mac: randomBytes(32) }]]),
    blindIndex: randomBytes(32),
    auditSigning: TEST_SM2,
  };
}

// One SM2 pair for the test run: generating one costs a few milliseconds each time.
const TEST_SM2 = generateSm2KeyPair();

/** A fresh database on the configured server, or undefined for in-memory PGlite. */
export async function freshDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `xinyong_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const TEST_PRINCIPAL_HEADER = 'x-test-principal';

/** Reads `x-test-principal: <id>:<role>[,<role>][:<department id>]` — only the test harness installs this. */
export async function testAuthenticate(req: FastifyRequest): Promise<Principal | null> {
  const h = req.headers[TEST_PRINCIPAL_HEADER];
  if (typeof h !== 'string') return null;
  const [id, roles, departmentId] = h.split(':');
  return { kind: 'user', id: id ?? 'test', name: id ?? 'test', departmentId: departmentId || null, stage: 'full', roles: (roles ?? '').split(',').filter(Boolean) as Role[] };
}

export function as(role: Role, id = `test-${role}`, departmentId?: string): Record<string, string> {
  return { [TEST_PRINCIPAL_HEADER]: `${id}:${role}${departmentId ? `:${departmentId}` : ''}` };
}

export interface TestPlatform extends Platform {
  config: Config;
  stop(): Promise<void>;
}

export async function startTestPlatform(
  opts: Partial<Omit<StartOptions, 'authenticate'>> & { authenticate?: StartOptions['authenticate'] | null; env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const database = await freshDatabase();
  // Each platform gets its own data directory (audit checkpoints live there).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-test-'));
  // A search sees every organization written before it (the portal's name index catches up first).
  const config = loadConfig({ DATA_DIR: dataDir, PORTAL_SEARCH_STALENESS_MS: '0', ...(database.url ? { DATABASE_URL: database.url } : {}), ...opts.env });
  const platform = await startPlatform(config, pino({ level: 'silent' }), {
    inMemory: true,
    // Jobs run when a test calls scheduler.runDue(), not on a timer between its assertions.
    jobs: false,
    keyMaterial: opts.keyMaterial ?? testKeyMaterial(),
    // `null` keeps the real session authentication (identity tests).
    ...(opts.authenticate === null ? {} : { authenticate: opts.authenticate ?? testAuthenticate }),
    ...(opts.demo ? { demo: opts.demo } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return {
    ...platform,
    config,
    async stop() {
      await platform.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
