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
    // …but the chainer links committed rows into the hash chain (docs/adr/0004): those three
    // columns, once per row, which the append-only trigger enforces.
    `grant update (chain_pos, prev_hash, hash) on audit_log to ${role}`,
    `grant execute on function audit_log_purge(bigint, timestamptz) to ${role}`,
  ];
}

/** Any Kysely instance, whatever its table types. */
type AnyKysely = Pick<Kysely<object>, 'isTransaction'>;

export async function grantApplicationRole(anyDb: AnyKysely, role: string): Promise<void> {
  const db = anyDb as Kysely<object>;
  applicationRoleGrants(role); // the name check, before it reaches any statement
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  if (!exists.rows[0]?.n) throw new Error(`数据库角色 ${role} 不存在：先由数据库管理员创建（create role ${role} login password '…'）`);
  const r = await sql<{ target_super: boolean; target_owns: boolean; grantor: string; grantor_owns: boolean }>`
    select (select rolsuper from pg_roles where rolname = ${role}) as target_super,
           pg_has_role(${role}, (select relowner from pg_class where oid = 'audit_log'::regclass), 'USAGE') as target_owns,
           current_user as grantor,
           coalesce((select rolsuper from pg_roles where rolname = current_user), false)
             or pg_has_role(current_user, (select relowner from pg_class where oid = 'audit_log'::regclass), 'USAGE') as grantor_owns`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error('pg_roles gave no answer');
  // A GRANT by someone who is not the owner only warns and grants nothing: refuse instead of
  // reporting a success that did not happen.
  if (!row.grantor_owns) throw new Error(`当前连接的角色 ${row.grantor} 不是数据库对象的所有者：用执行 npm run db:migrate 的所有者角色运行 db:grant`);
  // Revoking from the owner would only hide its rights (it can grant them back to itself, or drop
  // the triggers), and a superuser passes every privilege check.
  if (row.target_super || row.target_owns) throw new Error(`角色 ${role} 是超级用户或数据库对象的所有者：平台要用一个什么都不拥有的角色（create role xinyong_app login password '…'）`);
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
  // The owner counts as privileged even with its own privileges revoked: it can grant them back.
  const r = await sql<{ role: string; can_delete: boolean; super: boolean; owns: boolean }>`
    select current_user as role,
           has_table_privilege('audit_log', 'DELETE') or has_table_privilege('audit_log', 'TRUNCATE') as can_delete,
           coalesce((select rolsuper from pg_roles where rolname = current_user), false) as super,
           coalesce((select pg_has_role(current_user, relowner, 'USAGE') from pg_class where oid = 'audit_log'::regclass), false) as owns`.execute(db);
  const row = r.rows[0];
  return { role: row?.role ?? '?', leastPrivilege: !row?.can_delete && !row?.super && !row?.owns };
}
