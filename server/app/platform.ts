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
import { CATALOG_CHANGES_CHANNEL, CatalogService, type CatalogTables } from '../modules/catalog/index.js';
import { demoDepartments, generateDemo, type DemoDepartment, type DemoOptions, type DemoStats } from '../modules/demo/index.js';
import { RECORD_CHANGES_CHANNEL, RecordsService, type RecordTables } from '../modules/records/index.js';
import { SUBJECT_CHANGES_CHANNEL, SubjectsService, type SubjectTables } from '../modules/subjects/index.js';
import { AuditLog, actorOf, type AuditTables } from '../modules/audit/index.js';
import { IdentityService, SignedRequests, sessionAuthenticate, sign, type IdentityTables } from '../modules/identity/index.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { ConfigError, type Config } from '../platform/config.js';
import { FieldCipher, type KeyMaterial } from '../platform/crypto/index.js';
import { loadKeyFile, parseKeyMaterial } from '../platform/crypto/key-file.js';
import { sm2Signer } from '../platform/crypto/sm2.js';
import { openEngine, type Engine } from '../platform/db/engine.js';
import { migrate, pendingMigrations } from '../platform/db/migrate.js';
import { checkDatabaseRole } from './least-privilege.js';
import { JobRunner, type JobTables } from '../platform/jobs.js';
import { FileVault } from '../platform/crypto/file-vault.js';
import { CollectionService, IMPORT_JOB, maskRow, type CollectionTables } from '../modules/collection/index.js';
import { PortalService } from '../modules/portal/index.js';
import { NoticesService, demoNotices, type NoticeTables } from '../modules/notices/index.js';
import { ExchangeService, type ExchangeTables } from '../modules/exchange/index.js';
import { OUTBOX_CHANNEL } from '../platform/outbox.js';
import { getSetting, putSetting, type SettingsTables } from '../platform/db/settings.js';
import type { Authenticate } from '../platform/policy.js';
import { chinaToday } from '../../common/dates.js';
import { buildApp } from './app.js';
import { protectLegacyPersonNames } from './person-names-upgrade.js';

export type Database = CatalogTables & SubjectTables & RecordTables & SettingsTables & IdentityTables & AuditTables & CollectionTables & NoticeTables & ExchangeTables;

export interface Platform {
  app: FastifyInstance;
  engine: Engine<Database>;
  db: Kysely<Database>;
  catalog: CatalogService;
  subjects: SubjectsService;
  cipher: FieldCipher;
  audit: AuditLog;
  identity: IdentityService;
  signed: SignedRequests;
  /** Set on the very first start: the bootstrap administrator's one-time password, to print once. */
  bootstrap: { username: string; password: string } | null;
  demo: DemoStats | null;
  /** Durable jobs (ADR 0003): imports, end of publicity, maintenance. */
  jobs: JobRunner;
  /** The same runner under its former name (tests call scheduler.runDue()). */
  scheduler: JobRunner;
  collection: CollectionService;
  /** Records and their lifecycle (review, publication, withdrawal, end of publicity, repair, objections). */
  records: RecordsService;
  /** 数据订阅, webhooks and the pull feed (docs/exchange.md). */
  exchange: ExchangeService;
  /** The public portal's answers (search, profiles as stored, 双公示). */
  portal: PortalService;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Tests inject their own principal resolver; production uses the identity module (issue #3). */
  authenticate?: Authenticate;
  /** Tests pass key material directly instead of a key file. */
  keyMaterial?: KeyMaterial;
  /** In-memory PGlite (tests) instead of DATA_DIR/pg. */
  inMemory?: boolean;
  /**
   * Maintenance scripts: no first administrator (its password would go unseen) and no start-up
   * checkpoint (audit:verify must not vouch for a head it has not verified yet).
   */
  maintenance?: boolean;
  /** Tests move time by hand (lockouts, timeouts) instead of sleeping. */
  clock?: Clock;
  /** The job runner's timer (imports, publicity, audit retention); tests turn it off and call runDue(). Default on. */
  jobs?: boolean;
  /** Small demo set loaded on first start when DEMO_DATA=auto. */
  demo?: { subjects: number; records: number; seed: number; canaries?: DemoOptions['canaries'] };
}

const VERSION = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')).version as string;

/** Refuses a key file that differs from the keys this database was written with; records new key versions. */
async function checkKeys(db: Kysely<SettingsTables>, cipher: FieldCipher): Promise<void> {
  const now = cipher.keyChecks();
  const raw = await getSetting(db, 'key_checks');
  const stored: Record<string, string> = raw ? JSON.parse(raw) : {};
  for (const [name, value] of Object.entries(stored)) {
    if (now[name] === undefined) {
      throw new ConfigError(`配置错误 / invalid configuration: field key ${name} used by this database is missing from the key material — restore it`);
    }
    if (now[name] !== value) {
      throw new ConfigError(`配置错误 / invalid configuration: the ${name} key differs from the one this database was written with — restore the original key file`);
    }
  }
  if (Object.keys(now).some((k) => stored[k] === undefined)) await putSetting(db, 'key_checks', JSON.stringify({ ...stored, ...now }));
}

export async function startPlatform(config: Config, log: Logger, opts: StartOptions = {}): Promise<Platform> {
  // Keys first: a bad key file is a configuration error that should not wait for the database.
  let material = opts.keyMaterial ?? (config.keyMaterialJson ? parseKeyMaterial(config.keyMaterialJson, 'KEY_MATERIAL') : undefined);
  let keyFileCreated: string | undefined;
  if (!material && config.databaseUrl && !config.keyFile) {
    // On a server the keys must not be created silently next to data that gets backed up with them.
    throw new ConfigError('配置错误 / invalid configuration: DATABASE_URL is set but neither KEY_FILE nor KEY_MATERIAL — create keys with `npm run keys:generate -- FILE` and set KEY_FILE');
  }
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

    if (engine.kind === 'postgres') {
      const role = await checkDatabaseRole(engine.db);
      if (!role.leastPrivilege) {
        log.warn({ role: role.role }, 'the database role can delete audit rows (owner or superuser): run the platform as a least-privilege role (npm run db:grant, docs/operations.md)');
      }
    }
    if (keyFileCreated) log.warn({ file: keyFileCreated }, 'created a new key file: back it up; encrypted ID numbers cannot be read without it');
    const cipher = new FieldCipher(material);
    await checkKeys(engine.db, cipher);

    const clock = opts.clock ?? systemClock;
    const signing = cipher.auditSigning;
    if (!signing) log.warn('the key material has no auditSigning SM2 key pair: audit checkpoints are MAC-ed only (add one: see docs/operations.md)');
    const audit = new AuditLog(engine.db, clock, config.auditCheckpointFile, cipher.deriveKey('audit checkpoint'), signing ? sm2Signer(signing) : undefined);
    const identity = new IdentityService(engine.db, audit, cipher, clock);
    const signed = new SignedRequests(engine.db, audit, cipher, clock);
    const bootstrap = opts.maintenance ? null : await identity.bootstrap();

    const catalog = await CatalogService.start(engine.db, log, undefined, clock);
    // Every process reloads the catalog and the calendar when any process changes them (and once
    // more when it starts hearing, for what changed since it read them).
    const unlistenCatalog = await engine.listen(CATALOG_CHANGES_CHANNEL, catalog.catalogEvent);
    identity.useRegions(catalog.regionName);
    // Industry names from the code table in force (a reload brings a new version: read again).
    let industries: { table: unknown; names: Map<string, string> } | undefined;
    const industryName = (c: string) => {
      const table = catalog.get('codeTable', 'INDUSTRY');
      const kept = industries?.table === table ? industries : (industries = { table, names: new Map((table?.content.values ?? []).map((v) => [v.value, v.label ?? v.value])) });
      return kept?.names.get(c);
    };
    const subjects = new SubjectsService({ db: engine.db, audit, cipher, regionName: catalog.regionName, industryName, nameIndexStalenessMs: config.portalSearchStalenessMs });
    // Persons' names written before migration 0012 are encrypted and masked before anything reads them (ADR 0002).
    await protectLegacyPersonNames(engine.db, subjects, catalog, log);
    // Jobs are enqueued from the start on; the runner's timer starts once the app is ready.
    const jobs = new JobRunner(engine.db as unknown as Kysely<JobTables>, clock, log, config.jobs);
    // Records own their lifecycle and history; collection hands records to them. A version's
    // content is masked as collection masks the rows it keeps.
    const records: RecordsService = new RecordsService({
      db: engine.db,
      audit,
      catalog,
      subjects,
      clock,
      departments: () => identity.departments(),
      maskData: maskRow,
      // Collection keeps the batches versions came from; it is built next, and asked only later.
      batchSources: (ids) => collection.batchSources(ids),
    });
    const collection: CollectionService = new CollectionService({
      jobEnqueued: () => jobs.wake(),
      db: engine.db,
      catalog,
      subjects,
      records,
      audit,
      clock,
      vault: new FileVault(path.join(config.dataDir, 'imports'), cipher.deriveKey('import files')),
      department: (idOrUscc) => identity.department(idOrUscc),
      regionName: catalog.regionName,
      log,
      maxFileBytes: config.importMaxBytes,
      sourceRefKey: cipher.deriveKey('error workbook references'),
    });

    const portal = new PortalService({
      db: engine.db, catalog, subjects, clock, departments: () => identity.departments(), profileCache: config.portalProfileCache, version: VERSION,
      onError: (err) => log.error({ err: { message: err.message } }, 'storing built profiles failed'),
    });
    // Every process hears every change (docs/operations.md → Several processes): kept profiles,
    // markers and figures are dropped, and the directory of organizations reads what changed,
    // on each change of records or organizations committed by any process (profile-cache.ts).
    const unlistenRecords = await engine.listen(RECORD_CHANGES_CHANNEL, (event, payload) => {
      portal.recordEvent(event, payload);
      subjects.directoryEvent(event);
    });
    const unlistenSubjects = await engine.listen(SUBJECT_CHANGES_CHANNEL, (event, payload) => {
      portal.subjectEvent(event, payload);
      subjects.directoryEvent(event);
    });
    catalog.onReload(() => portal.catalogChanged());
    // 信用动态 / 通知公告: attachments kept encrypted like uploads, in a vault of their own.
    const notices = new NoticesService({ db: engine.db, audit, clock, log, vault: new FileVault(path.join(config.dataDir, 'notice-files'), cipher.deriveKey('notice files')) });
    // Changes to subscribers: signed webhooks from the outbox, and the pull feed (docs/exchange.md).
    const exchange = new ExchangeService({
      db: engine.db,
      audit,
      clock,
      log,
      accounts: async () => (await signed.list()).map((a) => ({ appKey: a.appKey, name: a.name, departmentId: a.departmentId, status: a.status })),
      lockedAccountStatus: (trx, appKey) => signed.lockedStatus(trx, appKey),
      secrets: (appKeys) => signed.activeSecrets(appKeys),
      sign,
      findSubject: async (raw) => {
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) return (await subjects.publicNames([raw.toLowerCase()])).has(raw.toLowerCase()) ? raw.toLowerCase() : undefined;
        return (await subjects.publicByUscc(raw))?.id;
      },
      itemExists: (code) => catalog.get('infoItem', code) !== undefined,
      itemName: (code) => catalog.get('infoItem', code)?.content.name,
      // Only a refusal of a duplicate subscription asks (to name its creator): reading every account is fine.
      staffName: async (username) => (await identity.users()).find((u) => u.username === username)?.displayName,
      allowHttpLocal: config.exchange.allowHttpLocal,
      dispatch: { timeoutMs: config.exchange.timeoutMs, maxAttempts: config.exchange.maxAttempts },
    });
    // A system account disabled or enabled: its deliveries held or released in the same transaction.
    signed.onStatusChange((trx, appKey, active) => exchange.accountStatusChanged(trx, appKey, active));

    // Synthetic penalties must never appear on a production server by accident: `auto` loads the
    // demo only into the embedded database; a server needs DEMO_DATA=on. All rows or none.
    let demo: DemoStats | null = null;
    const wantDemo = opts.demo && (config.demoData === 'on' || (config.demoData === 'auto' && engine.kind === 'pglite'));
    if (wantDemo && opts.demo && (await getSetting(engine.db, 'demo_loaded')) === undefined) {
      const o = opts.demo;
      const until = chinaToday();
      const departments = await registerDemoDepartments(identity, collection, demoDepartments(catalog.regions(), o.seed));
      demo = await engine.bulkLoad((copy) => generateDemo(copy, cipher, catalog.regions(), { ...o, until, parallel: 1, departments, publication: demoPublication(catalog, collection, until) }));
      await notices.addDemo(demoNotices(clock.now()), { id: 'system', name: '演示数据', roles: ['creditOffice'], departmentId: null, ip: null, requestId: null });
      await registerDemoSystemAccount(signed, exchange, departments);
      await putSetting(engine.db, 'demo_loaded', new Date().toISOString());
      log.info({ persons: demo.persons, organizations: demo.organizations, records: demo.records }, 'demo data loaded (first start)');
    }

    const auditRetention = () => ({
      securityMonths: catalog.get('timeLimit', 'SECURITY_AUDIT_RETENTION')?.content.value ?? 6,
      otherYears: catalog.get('timeLimit', 'QUERY_LOG_RETENTION')?.content.value ?? 5,
    });
    const app = await buildApp({
      auditRetention,
      databaseRole: async () => (engine.kind === 'postgres' ? checkDatabaseRole(engine.db) : null),
      config,
      logger: log,
      catalog,
      subjects,
      collection,
      records,
      portal,
      notices,
      exchange,
      jobs,
      version: VERSION,
      authenticate: opts.authenticate ?? sessionAuthenticate(identity, signed),
      verifySigned: (req, h, body) => signed.verify(h, req.method, req.url, body, req.ip, req.id),
      identity,
      signed,
      audit,
      onDenied: async (req) => {
        await audit.recordAlone({ category: 'security', event: 'access.denied', actor: actorOf(req), result: 'denied', objectType: 'route', objectId: `${req.method} ${req.routeOptions.url ?? ''}` });
      },
      ready: async () => {
        try {
          await engine.ping();
          const chain = await audit.chainStatus();
          return { database: true, migrationsPending: (await pendingMigrations(engine)).length, engine: engine.kind, auditChain: chain.failure || chain.overdue ? ('failing' as const) : ('ok' as const) };
        } catch {
          return { database: false, migrationsPending: -1, engine: engine.kind, auditChain: 'unknown' as const };
        }
      },
    });
    await app.ready();
    // The chain head goes outside the database every minute and at shutdown.
    if (!opts.maintenance) await audit.checkpoint();
    const checkpointTimer = setInterval(() => void audit.checkpoint().catch((err: Error) => log.error({ err: { message: err.message } }, 'audit checkpoint failed')), 60_000);
    checkpointTimer.unref();
    // An import: the batch's job, committed with the batch; resumes from the batch's next row.
    jobs.register({
      kind: IMPORT_JOB,
      run: async (payload) => {
        const b = await collection.run(String(payload.batchId));
        return { batchId: b.id, accepted: b.accepted, rejected: b.rejected };
      },
    });
    // Publicity ends the day after its last day: due at each midnight (China time), and at once
    // after downtime (the job waiting in the table is then overdue).
    jobs.register({ kind: 'publicity.end', next: nextChinaMidnight, run: () => records.endExpiredPublicity() });
    // Organizations' profiles as sent, stored for the first request on any process (migration 0025):
    // at start, and every few minutes for what changed by date or by catalog or department name
    // (a change of records or of the organization drops its stored profile in its own transaction).
    jobs.register({ kind: 'portal.profiles', next: (at) => new Date(at.getTime() + 5 * 60_000), run: () => portal.storeProfiles() });
    // Upload files left by a crash (partial, or never checked) go within an hour of start and hourly.
    jobs.register({ kind: 'imports.orphans', next: (at) => new Date(at.getTime() + 3_600_000), run: () => collection.removeOrphanFiles() });
    if (config.auditPurge === 'daily') {
      jobs.register({ kind: 'audit.purge', next: (at) => new Date(at.getTime() + 86_400_000), run: () => audit.purge(auditRetention(), null) });
    }
    if (!opts.maintenance) {
      // The embedded database has one process (its lock says so): a job it shows running was left
      // by a process that is gone, and continues now rather than after its lease.
      if (engine.kind === 'pglite') await jobs.release();
      await jobs.ensureRecurring();
      if (config.auditPurge !== 'daily') await jobs.cancelRecurring('audit.purge');
    }
    let unlistenOutbox = async () => {};
    if (!opts.maintenance) {
      // What a crash left of uploads goes now: with the embedded database this is the only process
      // (its lock says so), so nothing is in progress; a server may share DATA_DIR, so an hour's grace.
      collection.removeOrphanFiles(engine.kind === 'pglite' ? 0 : 3_600_000).catch((err: Error) => log.error({ err: { message: err.message } }, 'removing orphaned upload files failed'));
      // The portal's name index loads in the background, so the first citizen's search does not wait.
      subjects.warmNameIndex().catch((err: Error) => log.error({ err: { message: err.message } }, 'loading the name index failed'));
    }
    if (!opts.maintenance && opts.jobs !== false) {
      // Imports cut off by a stop or crash are jobs still in the table: they continue from their resume point.
      jobs.start();
      // Webhooks: woken by every commit that appended changes, polling besides.
      unlistenOutbox = await engine.listen(OUTBOX_CHANNEL, (e) => e === 'notify' && exchange.dispatcher.poke());
      exchange.dispatcher.start();
    }
    return {
      app,
      engine,
      db: engine.db,
      catalog,
      subjects,
      cipher,
      audit,
      identity,
      signed,
      bootstrap,
      demo,
      jobs,
      scheduler: jobs,
      collection,
      records,
      exchange,
      portal,
      async close() {
        clearInterval(checkpointTimer);
        await exchange.dispatcher.stop();
        await portal.stop();
        await unlistenOutbox();
        await jobs.stop();
        await app.close();
        if (!opts.maintenance) await audit.checkpoint().catch(() => {});
        // Audit rows are linked into the chain after commit (docs/adr/0004): link what is left, then stop.
        else await audit.chain().catch(() => {});
        audit.stopChaining();
        await unlistenRecords();
        await unlistenSubjects();
        await unlistenCatalog();
        await engine.close();
      },
    };
  } catch (err) {
    await engine.close().catch(() => {});
    throw err;
  }
}

/**
 * The demo's departments, so its records come from departments the portal can filter 双公示 by and
 * the console can administer. Registered before the records (the embedded database has one session,
 * held by the bulk load), so a first start stopped in between leaves them: the next one finds them
 * again. One already registered under the same name or code is used as it is, its grants untouched;
 * one created here is granted 行政许可 and 行政处罚.
 */
export async function registerDemoDepartments(identity: IdentityService, collection: CollectionService, wanted: DemoDepartment[]): Promise<DemoDepartment[]> {
  const actor = { id: 'system', name: '演示数据', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const known = await identity.departments();
  const out: DemoDepartment[] = [];
  for (const d of wanted) {
    const found = known.find((k) => k.uscc === d.uscc || k.name === d.name);
    if (found) {
      out.push({ name: found.name, uscc: found.uscc, id: found.id });
      continue;
    }
    const created = await identity.createDepartment({ name: d.name, uscc: d.uscc }, actor);
    await collection.setGrants(created.id, ['XK', 'CF'], actor);
    out.push({ ...d, id: created.id });
  }
  return out;
}

/**
 * The demo's system account (an approval system) with one pull-only subscription to every change it
 * is entitled to, so 系统账号 and 数据订阅 show a row on first start. Its secret is generated here and
 * dropped: it is in no file and no log; an operator who needs one creates a new system account in the
 * console (README → Demo data). One already registered under the same name is used as it is.
 */
export async function registerDemoSystemAccount(signed: SignedRequests, exchange: ExchangeService, departments: readonly DemoDepartment[]): Promise<string | null> {
  const home = departments.find((d) => d.name.endsWith('住房和城乡建设局')) ?? departments[0];
  if (!home?.id) return null;
  const name = `${home.name.endsWith('住房和城乡建设局') ? home.name.slice(0, -'住房和城乡建设局'.length) : ''}公共资源交易中心审批系统`;
  const actor = { id: 'system', name: '演示数据', roles: ['sysAdmin'], departmentId: null, ip: null, requestId: null };
  const appKey = (await signed.list()).find((a) => a.name === name)?.appKey ?? (await signed.create({ name, departmentId: home.id }, actor)).appKey;
  if (!(await exchange.list(appKey)).some((s) => s.status !== 'deleted')) {
    await exchange.create({ appKey, filter: 'all', webhookUrl: null }, { ...actor, roles: ['creditOffice'] });
  }
  return appKey;
}

/** Demo records get their severity and publicity window exactly as collected records do. */

export function demoPublication(catalog: CatalogService, collection: CollectionService, today: string): DemoOptions['publication'] {
  return (itemCode, data, decisionDate, person) => {
    const item = catalog.get('infoItem', itemCode)?.content;
    if (!item) throw new Error(`catalog item ${itemCode} missing`);
    const p = collection.publicationFor(item, data, decisionDate, person);
    // Loaded as if collected without review and published at once: the state the machine routes it to.
    const state = RecordsService.publishedState({ publishable: p.publishable, publicityEnd: p.end, today });
    return { severity: p.severity, state, publishable: p.publishable, publicityStart: decisionDate, publicityEnd: p.end, publicityRule: p.rule };
  };
}

/** The next midnight in China (UTC+8, no daylight saving) after `at`: when a publicity day ends. */
export function nextChinaMidnight(at: Date): Date {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  return new Date((Math.floor((at.getTime() + offset) / day) + 1) * day - offset);
}
