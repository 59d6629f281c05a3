/**
 * Least privilege on a PostgreSQL server (等保: 最小权限). Migrations run as an owner role; the
 * platform runs as a role that owns nothing and cannot change or remove audit rows — the
 * retention purge goes through `audit_log_purge`, which runs with its owner's rights and enforces
 * the legal floors itself. `npm run db:grant -- <role>` applies these grants; the platform checks
 * at start which kind of role it was given.
 */
import { sql, type Kysely } from 'kysely';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The statements, in order; idempotent, so they are re-run after every migration. */
export function applicationRoleGrants(role: string): string[] {
  if (!ROLE_NAME.test(role)) throw new Error(`角色名 "${role}" 无效：只能用小写字母、数字和下划线，以字母或下划线开头`);
  return [
    `grant usage on schema public to ${role}`,
    `grant select, insert, update, delete on all tables in schema public to ${role}`,
    `grant usage, select, update on all sequences in schema public to ${role}`,
    // The second wall after the append-only triggers: no privilege to change audit rows at all.
    `revoke update, delete, truncate on audit_log from ${role}`,
    `grant execute on function audit_log_purge(bigint, timestamptz) to ${role}`,
  ];
}

/** Any Kysely instance, whatever its table types. */
type AnyKysely = Pick<Kysely<object>, 'isTransaction'>;

export async function grantApplicationRole(anyDb: AnyKysely, role: string): Promise<void> {
  const db = anyDb as Kysely<object>;
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  if (!exists.rows[0]?.n) throw new Error(`数据库角色 ${role} 不存在：先由数据库管理员创建（create role ${role} login password '…'）`);
  await db.transaction().execute(async (trx) => {
    for (const statement of applicationRoleGrants(role)) await sql.raw(statement).execute(trx);
  });
}

export interface DatabaseRoleCheck {
  role: string;
  /** False when the connected role could delete audit rows (owner or superuser): a warning at start. */
  leastPrivilege: boolean;
}

/** Which role the platform is connected as, and whether it is the least-privilege one. */
export async function checkDatabaseRole(anyDb: AnyKysely): Promise<DatabaseRoleCheck> {
  const db = anyDb as Kysely<object>;
  const r = await sql<{ role: string; can_delete: boolean; super: boolean }>`
    select current_user as role,
           has_table_privilege('audit_log', 'DELETE') or has_table_privilege('audit_log', 'TRUNCATE') as can_delete,
           coalesce((select rolsuper from pg_roles where rolname = current_user), false) as super`.execute(db);
  const row = r.rows[0];
  return { role: row?.role ?? '?', leastPrivilege: !row?.can_delete && !row?.super };
}
