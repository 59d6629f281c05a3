/**
 * Operator commands (with the embedded database, stop the server first: one process per data directory).
 *
 * `npm run cli -- admin reset [username]`: recovery of a system administrator — new one-time
 * password (printed once), second factor to be enrolled again, the account's sign-in pauses and delay lifted,
 * sessions ended. Audited.
 *
 * `npm run cli -- import --dept <department USCC or id> --item <catalog item code> <file> [--json]`:
 * imports a file as that department, prints a summary (with --json one JSON line) and writes the
 * error workbook next to the file. Exit 1 when the file as a whole is unusable. Run again after an
 * interruption: the same file resumes its batch where the last committed chunk ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startPlatform, type Platform } from '../server/app/platform.js';
import { ConfigError, loadConfig } from '../server/platform/config.js';
import { AppError } from '../server/platform/errors.js';

const USAGE = `用法：
  npm run cli -- admin reset [用户名，默认admin]
  npm run cli -- import --dept <部门统一社会信用代码> --item <信息项代码，如CF> <文件> [--json]`;

async function adminReset(platform: Platform, username: string): Promise<void> {
  const password = await platform.identity.resetAdministrator(username);
  console.log(`已重置系统管理员 ${username}：一次性密码（仅显示这一次，登录后须修改密码并重新绑定动态验证码；该账户的登录暂停已全部解除）：\n  ${password}`);
}

async function importFile(platform: Platform, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { dept: { type: 'string' }, item: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
  const file = positionals[0];
  if (!values.dept || !values.item || !file) throw new AppError('BAD_REQUEST', undefined, USAGE);
  if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', undefined, `文件不存在：${file}`);
  const department = await platform.identity.department(values.dept);
  if (!department) throw new AppError('NOT_FOUND', undefined, `部门不存在：${values.dept}（请填写部门的统一社会信用代码）`);
  const actor = { id: 'cli', name: '命令行导入', roles: [], departmentId: department.id, ip: null, requestId: null };
  const batch = await platform.collection.acceptFile({ actor, departmentId: department.id }, values.item.toUpperCase(), path.basename(file), fs.createReadStream(file));
  if (batch.next_row > 2 && !values.json) console.error(`继续上次未完成的导入（批次 ${batch.id}，从第${batch.next_row}行起）`);
  const done = await platform.collection.run(batch.id, (n, total) => console.error(`进度：${n}/${total ?? '?'} 行`));
  let errorsFile: string | null = null;
  if (done.rejected > 0) {
    errorsFile = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.errors.xlsx`);
    await platform.collection.writeErrors(done, fs.createWriteStream(errorsFile));
  }
  if (values.json) {
    console.log(JSON.stringify({ batchId: done.id, accepted: done.accepted, rejected: done.rejected, errorsFile }));
  } else {
    console.log(
      `已导入「${path.basename(file)}」（${department.name}，${values.item.toUpperCase()}）：共${done.rows_total ?? '?'}行，接受${done.accepted}行（新增${done.created_records}、更新${done.updated_records}、未变${done.unchanged_records}），拒绝${done.rejected}行` +
        (errorsFile ? `；错误报告：${errorsFile}` : ''),
    );
  }
}

const [area, action, ...rest] = process.argv.slice(2);
const command = area === 'admin' && action === 'reset' ? 'reset' : area === 'import' ? 'import' : null;
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
try {
  // Warnings go to stderr: stdout carries only the summary (with --json, one JSON line).
  const platform = await startPlatform({ ...loadConfig(), demoData: 'off' }, pino({ level: 'warn' }, pino.destination(2)), { maintenance: true });
  try {
    if (command === 'reset') await adminReset(platform, action === 'reset' ? (rest[0] ?? 'admin') : 'admin');
    else await importFile(platform, [action ?? '', ...rest].filter(Boolean));
  } finally {
    await platform.close();
  }
} catch (err) {
  const message = err instanceof ConfigError || err instanceof AppError ? err.message : `失败：${(err as Error).message}`;
  console.error(message);
  process.exit(1);
}
