/**
 * `npm run db:grant -- <role>`: gives an existing database role what the platform needs and no
 * more (see server/app/least-privilege.ts). Run with DATABASE_URL of the owner role, after
 * `npm run db:migrate`; re-run after every upgrade that adds tables. Refuses to run as anyone
 * but the owner (their GRANT would only warn) and to give the owner or a superuser the role.
 */
import { openEngine } from '../server/platform/db/engine.js';
import { grantApplicationRole } from '../server/app/least-privilege.js';
import { pendingMigrations } from '../server/platform/db/migrate.js';

const role = process.argv[2];
const url = process.env.DATABASE_URL;
if (!role || !url) {
  console.error('用法 / usage: DATABASE_URL=postgres://<owner>@host/db npm run db:grant -- <application role>');
  process.exit(2);
}
const engine = await openEngine<object>({ databaseUrl: url });
try {
  const pending = await pendingMigrations(engine);
  if (pending.length > 0) throw new Error(`还有 ${pending.length} 个迁移未执行：先运行 npm run db:migrate`);
  await grantApplicationRole(engine.db, role);
  console.log(`已授权：角色 ${role} 可读写业务表，不能修改、删除或清空审计日志（清理只经 audit_log_purge，并受法定保存期限约束）`);
} catch (err) {
  console.error(`授权失败：${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await engine.close();
}
