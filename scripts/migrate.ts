/** `npm run db:migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
import path from 'node:path';
import { loadConfig, ConfigError } from '../server/platform/config.js';
import { openEngine } from '../server/platform/db/engine.js';
import { migrate } from '../server/platform/db/migrate.js';

try {
  const config = loadConfig();
  const engine = await openEngine<unknown>({ databaseUrl: config.databaseUrl, pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pg') });
  const applied = await migrate(engine);
  console.log(applied.length ? `已执行迁移：${applied.map((m) => `${m.version}_${m.name}`).join('、')}（${engine.location}）` : `没有待执行的迁移（${engine.location}）`);
  await engine.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `迁移失败 / migration failed: ${(err as Error).message}`);
  process.exit(1);
}
