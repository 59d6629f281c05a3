/**
 * `npm run cli -- admin reset [username]`: recovery of a system administrator — new one-time
 * password (printed once), second factor to be enrolled again, lock cleared, sessions ended.
 * Audited. With the embedded database, stop the server first (one process per data directory).
 */
import { pino } from 'pino';
import { startPlatform } from '../server/app/platform.js';
import { ConfigError, loadConfig } from '../server/platform/config.js';
import { AppError } from '../server/platform/errors.js';

const [area, action, username = 'admin'] = process.argv.slice(2);
if (area !== 'admin' || action !== 'reset') {
  console.error('用法：npm run cli -- admin reset [用户名，默认admin]');
  process.exit(1);
}
try {
  const platform = await startPlatform({ ...loadConfig(), demoData: 'off' }, pino({ level: 'warn' }), { maintenance: true });
  try {
    const password = await platform.identity.resetAdministrator(username);
    console.log(`已重置系统管理员 ${username}：一次性密码（仅显示这一次，登录后须修改密码并重新绑定动态验证码）：\n  ${password}`);
  } finally {
    await platform.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof AppError ? err.message : `失败：${(err as Error).message}`);
  process.exit(1);
}
