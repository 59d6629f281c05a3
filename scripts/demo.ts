/**
 * `npm run demo -- --subjects N --records M [--seed S] [--until YYYY-MM-DD]`: loads synthetic
 * subjects and records into DATABASE_URL (or the embedded database) and prints rows/s.
 * Same seed and --until give the same data. For benchmark volumes use a PostgreSQL server.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { demoPublication, registerDemoDepartments, startPlatform } from '../server/app/platform.js';
import { demoDepartments } from '../server/modules/demo/index.js';
import { loadConfig, ConfigError } from '../server/platform/config.js';
import { generateDemo } from '../server/modules/demo/index.js';
import { putSetting } from '../server/platform/db/settings.js';
import { chinaToday } from '../common/dates.js';

const { values } = parseArgs({
  options: {
    subjects: { type: 'string', default: '1000' },
    records: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    until: { type: 'string', default: chinaToday() },
    city: { type: 'string', default: '330100' },
  },
});
const n = (v: string | undefined, name: string) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) {
    console.error(`参数错误：--${name} 应为非负整数，实际为「${v}」`);
    process.exit(1);
  }
  return x;
};
const subjects = n(values.subjects, 'subjects');
const records = n(values.records, 'records');
const seed = n(values.seed, 'seed');
if (!/^\d{4}-\d{2}-\d{2}$/.test(values.until ?? '')) {
  console.error(`参数错误：--until 应为YYYY-MM-DD，实际为「${values.until}」`);
  process.exit(1);
}

try {
  const config = { ...loadConfig(), demoData: 'off' as const };
  const platform = await startPlatform(config, pino({ level: 'warn' }), { maintenance: true });
  console.log(`生成演示数据：${subjects} 个主体，${records} 条记录，种子 ${seed}，截至 ${values.until}（${platform.engine.location}）`);
  const departments = await registerDemoDepartments(platform.identity, platform.collection, demoDepartments(platform.catalog.regions(), seed, values.city as string | undefined));
  const stats = await generateDemo(platform.engine.copyCsv, platform.cipher, platform.catalog.regions(), {
    departments,
    subjects,
    records,
    seed,
    until: values.until as string,
    cityCode: values.city as string,
    batchSize: platform.engine.kind === 'postgres' ? 20_000 : 5_000,
    onProgress: (m) => console.log(`  ${m}`),
    publication: demoPublication(platform.catalog, platform.collection, values.until as string),
  });
  await putSetting(platform.db, 'demo_loaded', new Date().toISOString());
  console.log(
    `完成：${stats.organizations} 个组织、${stats.persons} 个自然人（${stats.subjectsPerSecond} 行/秒），` +
      `${stats.records} 条记录（${stats.recordsPerSecond} 行/秒），共 ${stats.seconds.toFixed(1)} 秒`,
  );
  await platform.close();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `生成失败：${(err as Error).message}`);
  process.exit(1);
}
