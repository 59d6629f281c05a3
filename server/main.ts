/**
 * Entry: configuration → platform → listen → graceful shutdown. A configuration problem ends
 * the process with exit code 1 and one line saying what to fix.
 */
import { ConfigError, loadConfig } from './platform/config.js';
import { createLogger } from './platform/logging.js';
import { CatalogInvalidError } from './modules/catalog/index.js';
import { startPlatform } from './app/platform.js';

const DEMO = { subjects: 300, records: 1500, seed: 20261121 };

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const log = createLogger(config.logLevel);
  const started = Date.now();
  let platform;
  try {
    platform = await startPlatform(config, log, { demo: DEMO });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    if (err instanceof CatalogInvalidError) fail(`目录数据无效，平台未启动（运行 npm run catalog:check 查看详情）：${err.problems[0]?.file} ${err.problems[0]?.path}: ${err.problems[0]?.message}`);
    throw err;
  }
  try {
    await platform.app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await platform.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`配置错误 / invalid configuration: PORT=${config.port} on ${config.host} is already in use — stop the other process or set PORT`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') fail(`配置错误 / invalid configuration: HOST=${config.host} is not an address of this machine`);
    throw err;
  }
  const address = platform.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `信用 Xinyong 已启动（${seconds} 秒，数据库：${platform.engine.location}）`,
      `  首页        ${base}/`,
      `  接口文档    ${base}/docs`,
      `  OpenAPI     ${base}/openapi.json`,
      `  健康检查    ${base}/healthz   ${base}/readyz`,
      platform.demo ? `  演示数据    已生成 ${platform.demo.organizations} 个组织、${platform.demo.persons} 个自然人、${platform.demo.records} 条记录` : '',
      platform.bootstrap
        ? `\n  首次启动：已创建系统管理员 ${platform.bootstrap.username}，一次性密码（仅显示这一次，首次登录须修改并绑定动态验证码）：\n    ${platform.bootstrap.password}\n  遗失时运行 npm run cli -- admin reset`
        : '',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`启动失败 / failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
