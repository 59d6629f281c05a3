/**
 * Starts everything but the listener: database (embedded or server), migrations, keys, catalog,
 * modules, first-start demo data, HTTP app. main.ts, the tests and the scripts all start here,
 * so what runs in tests is what runs in production.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CatalogService, type CatalogTables } from '../modules/catalog/index.js';
import { generateDemo, type DemoStats } from '../modules/demo/index.js';
import type { RecordTables } from '../modules/records/index.js';
import { SubjectsService, type SubjectTables } from '../modules/subjects/index.js';
import { ConfigError, type Config } from '../platform/config.js';
import { FieldCipher, type KeyMaterial } from '../platform/crypto/index.js';
import { loadKeyFile } from '../platform/crypto/key-file.js';
import { openEngine, type Engine } from '../platform/db/engine.js';
import { migrate, pendingMigrations } from '../platform/db/migrate.js';
import { getSetting, putSetting, type SettingsTables } from '../platform/db/settings.js';
import type { Authenticate } from '../platform/policy.js';
import { buildApp } from './app.js';

export type Database = CatalogTables & SubjectTables & RecordTables & SettingsTables;

export interface Platform {
  app: FastifyInstance;
  engine: Engine<Database>;
  db: Kysely<Database>;
  catalog: CatalogService;
  subjects: SubjectsService;
  cipher: FieldCipher;
  demo: DemoStats | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Tests inject their own principal resolver; production uses the identity module (issue #3). */
  authenticate?: Authenticate;
  /** Tests pass key material directly instead of a key file. */
  keyMaterial?: KeyMaterial;
  /** In-memory PGlite (tests) instead of DATA_DIR/pg. */
  inMemory?: boolean;
  /** Small demo set loaded on first start when DEMO_DATA=auto. */
  demo?: { subjects: number; records: number; seed: number };
}

const VERSION = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')).version as string;

export async function startPlatform(config: Config, log: Logger, opts: StartOptions = {}): Promise<Platform> {
  // Keys first: a bad key file is a configuration error that should not wait for the database.
  let material = opts.keyMaterial;
  let keyFileCreated: string | undefined;
  if (!material) {
    const file = config.keyFile ?? path.join(config.dataDir, 'keys.json');
    const loaded = loadKeyFile(file, !config.keyFile);
    if (loaded.created) keyFileCreated = file;
    material = loaded.material;
  }
  const engine = await openEngine<Database>({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.databaseUrl || opts.inMemory ? undefined : path.join(config.dataDir, 'pg'),
  });
  try {
    const applied = await migrate(engine);
    if (applied.length > 0) log.info({ migrations: applied.map((m) => `${m.version}_${m.name}`) }, 'migrations applied');

    if (keyFileCreated) log.warn({ file: keyFileCreated }, 'created a new key file: back it up; encrypted ID numbers cannot be read without it');
    const cipher = new FieldCipher(material);
    const stored = await getSetting(engine.db, 'key_check');
    if (stored === undefined) await putSetting(engine.db, 'key_check', cipher.keyCheck());
    else if (stored !== cipher.keyCheck()) {
      throw new ConfigError('配置错误 / invalid configuration: the key file does not match this database (its blind-index key differs) — restore the original key file');
    }

    const catalog = await CatalogService.start(engine.db, log);
    const industries = catalog.get('codeTable', 'INDUSTRY')?.content.values ?? [];
    const industryNames = new Map(industries.map((v) => [v.value, v.label ?? v.value]));
    const subjects = new SubjectsService({ db: engine.db, cipher, regionName: catalog.regionName, industryName: (c) => industryNames.get(c) });

    let demo: DemoStats | null = null;
    if (config.demoData === 'auto' && opts.demo && (await getSetting(engine.db, 'demo_loaded')) === undefined) {
      demo = await generateDemo(engine.copyCsv, cipher, catalog.regions(), { ...opts.demo, until: new Date().toISOString().slice(0, 10) });
      await putSetting(engine.db, 'demo_loaded', new Date().toISOString());
      log.info({ persons: demo.persons, organizations: demo.organizations, records: demo.records }, 'demo data loaded (first start)');
    }

    const app = await buildApp({
      config,
      logger: log,
      catalog,
      subjects,
      version: VERSION,
      ...(opts.authenticate ? { authenticate: opts.authenticate } : {}),
      ready: async () => {
        try {
          await engine.ping();
          return { database: true, migrationsPending: (await pendingMigrations(engine)).length, engine: engine.kind };
        } catch {
          return { database: false, migrationsPending: -1, engine: engine.kind };
        }
      },
    });
    await app.ready();
    return {
      app,
      engine,
      db: engine.db,
      catalog,
      subjects,
      cipher,
      demo,
      async close() {
        await app.close();
        await engine.close();
      },
    };
  } catch (err) {
    await engine.close().catch(() => {});
    throw err;
  }
}
