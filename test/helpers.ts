/**
 * Test harness: the real platform on either engine. With DATABASE_URL set (the CI's PostgreSQL
 * pass) each test file gets a fresh database on that server, dropped at the end; otherwise an
 * in-memory PGlite. Principals are injected through a test-only header the harness reads.
 *
 * On PostgreSQL the platform runs as production should run it (docs/operations.md → Least
 * privilege): the URL's user owns the fresh database and applies the migrations, `db:grant`'s own
 * grants go to the application role (TEST_APP_ROLE, default `xinyong_app_test`, created once if
 * missing; the server must let it in without a password, as CI's trust auth does), and the
 * platform connects as that role. A test that needs the owner's rights — disabling a trigger to
 * tamper as a database administrator could — asks for `owner` explicitly.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { grantApplicationRole } from '../server/app/least-privilege.js';
import { startPlatform, type Database, type Platform, type StartOptions } from '../server/app/platform.js';
import { loadConfig, type Config } from '../server/platform/config.js';
import type { KeyMaterial } from '../server/platform/crypto/index.js';
import { generateSm2KeyPair } from '../server/platform/crypto/sm2.js';
import { openEngine, type Engine } from '../server/platform/db/engine.js';
import { MIGRATIONS_DIR, migrate } from '../server/platform/db/migrate.js';
import type { Principal, Role } from '../server/platform/policy.js';

export const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** The least-privilege role test platforms run as on PostgreSQL (unused on PGlite, which has no roles). */
export const APP_ROLE = process.env.TEST_APP_ROLE || 'xinyong_app_test';

/** The same server and database, connected as another role (no password: trust auth). */
export function urlAs(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = '';
  return u.toString();
}

/**
 * Creates the login role if it does not exist yet. Test files start in parallel, and two
 * `create role` racing for the same name fail one of them — with "already exists" (42710), or a
 * unique violation on the role catalog (23505) when both passed the check — so that error means done.
 */
export async function ensureLoginRole(ownerUrl: string, role = APP_ROLE): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`TEST_APP_ROLE="${role}": lower-case letters, digits and _ only`);
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  try {
    const found = await c.query('select rolsuper, rolcanlogin from pg_roles where rolname = $1', [role]);
    if (found.rowCount === 0) {
      try {
        // No password, no attributes: the role owns nothing and gets only what db:grant gives it.
        await c.query(`create role ${role} login`);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== '42710' && code !== '23505') {
          throw new Error(`the test application role ${role} is missing and could not be created as ${new URL(ownerUrl).username || 'the URL user'} (needs CREATEROLE): ${(err as Error).message}`);
        }
      }
    } else if (found.rows[0].rolsuper) {
      // Every test would then run with all rights and prove nothing about least privilege.
      throw new Error(`the test application role ${role} is a superuser: drop it (it is re-created without rights) or set TEST_APP_ROLE`);
    } else if (!found.rows[0].rolcanlogin) {
      throw new Error(`the test application role ${role} cannot log in: alter role ${role} login, or set TEST_APP_ROLE`);
    }
  } finally {
    await c.end();
  }
}

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

/** A database whose schema is what migration `version` left, for a migration test to write rows the old way. */
export interface OlderDatabase {
  engine: Engine<unknown>;
  /** Its URL on the server (undefined on PGlite). */
  url: string | undefined;
  /** Applies the migrations after the current one, up to `version` (all when omitted): the versions applied. */
  migrateTo(version?: number): Promise<number[]>;
  /** Closes the engine (the database stays: `drop` removes it). */
  close(): Promise<void>;
  /** Closes, then drops the database and the migrations copied for it. */
  drop(): Promise<void>;
}

/**
 * A fresh database migrated up to and including `version` (`databaseAt(17)`: as migration 0017 left
 * it), by the project's own migration files. On PGlite in memory, or in `pgliteDir` when a
 * platform is to open it afterwards.
 */
export async function databaseAt(version: number, opts: { pgliteDir?: string } = {}): Promise<OlderDatabase> {
  const database = await freshDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `xy-mig-${String(version).padStart(4, '0')}-`));
  let engine: Engine<unknown> | undefined;
  // The files up to `upTo`, copied beside those already applied: the migrator then sees no others.
  const upTo = async (v: number) => {
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) {
      const n = /^(\d{4})_/.exec(f)?.[1];
      if (n !== undefined && Number(n) <= v && !fs.existsSync(path.join(dir, f))) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    }
    return (await migrate(engine as Engine<unknown>, dir)).map((m) => m.version);
  };
  try {
    engine = await openEngine<unknown>({ databaseUrl: database.url, pgliteDir: database.url ? undefined : opts.pgliteDir });
    await upTo(version);
  } catch (err) {
    await engine?.close().catch(() => {});
    await database.drop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const opened = engine;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await opened.close();
  };
  return {
    engine: opened,
    url: database.url,
    migrateTo: (v = Number.MAX_SAFE_INTEGER) => upTo(v),
    close,
    async drop() {
      await close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
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
  /**
   * The database as its owner, for what the platform's own role must not be able to do (disable a
   * trigger, rewrite audit rows). On PGlite, which has one user, the platform's own connection.
   */
  owner: Kysely<Database>;
  /** The owner's URL (undefined on PGlite); `config.databaseUrl` is the platform's own role. */
  ownerUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * A fresh database ready for the application role, as `db:migrate` and `db:grant` leave one: the
 * owner engine (migrations applied) and the application role's URL.
 */
async function preparedDatabase(ownerUrl: string): Promise<{ owner: Engine<Database>; appUrl: string }> {
  const owner = await openEngine<Database>({ databaseUrl: ownerUrl });
  try {
    await migrate(owner);
    await ensureLoginRole(ownerUrl);
    await grantApplicationRole(owner.db, APP_ROLE);
    return { owner, appUrl: urlAs(ownerUrl, APP_ROLE) };
  } catch (err) {
    await owner.close().catch(() => {});
    throw err;
  }
}

export async function startTestPlatform(
  opts: Partial<Omit<StartOptions, 'authenticate'>> & { authenticate?: StartOptions['authenticate'] | null; env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const database = await freshDatabase();
  let prepared: { owner: Engine<Database>; appUrl: string } | undefined;
  // Each platform gets its own data directory (audit checkpoints live there).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xy-test-'));
  let platform: Platform;
  let config: Config;
  try {
    if (database.url) prepared = await preparedDatabase(database.url);
    // A search sees every organization written before it (the portal's name index catches up first).
    config = loadConfig({ DATA_DIR: dataDir, PORTAL_SEARCH_STALENESS_MS: '0', ...(prepared ? { DATABASE_URL: prepared.appUrl } : {}), ...opts.env });
    platform = await startPlatform(config, pino({ level: 'silent' }), {
      inMemory: true,
      // Jobs run when a test calls scheduler.runDue(), not on a timer between its assertions — unless
      // the test asks for the runner (a browser flow waits for an upload's import like a user).
      jobs: opts.jobs ?? false,
      keyMaterial: opts.keyMaterial ?? testKeyMaterial(),
      // `null` keeps the real session authentication (identity tests).
      ...(opts.authenticate === null ? {} : { authenticate: opts.authenticate ?? testAuthenticate }),
      ...(opts.demo ? { demo: opts.demo } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
  } catch (err) {
    await prepared?.owner.close().catch(() => {});
    await database.drop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...platform,
    config,
    owner: prepared?.owner.db ?? platform.db,
    ownerUrl: database.url,
    async stop() {
      await platform.close();
      await prepared?.owner.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
