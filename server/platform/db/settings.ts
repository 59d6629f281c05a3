/** Small key/value settings kept in the database (e.g. the key-file check value, demo marker). */
import { sql, type Generated, type Kysely } from 'kysely';

export interface SettingsTables {
  app_setting: { key: string; value: string; updated_at: Generated<Date> };
}

/** Any Kysely instance or transaction whose tables include app_setting. */
type KyselyLike = Pick<Kysely<object>, 'isTransaction'>;
function settings(db: KyselyLike): Kysely<SettingsTables> {
  return db as unknown as Kysely<SettingsTables>;
}

export async function getSetting(db: KyselyLike, key: string): Promise<string | undefined> {
  const r = await settings(db).selectFrom('app_setting').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

export async function putSetting(db: KyselyLike, key: string, value: string): Promise<void> {
  await settings(db)
    .insertInto('app_setting')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: sql<Date>`now()` }))
    .execute();
}

/**
 * Sets `key` to `value` only when it is missing or its current value sorts before `unlessAtLeast`
 * (ISO timestamps sort by time). True for exactly one of several instances racing for it, so a
 * scheduled job runs once per period however many servers run.
 */
export async function claimSetting(db: KyselyLike, key: string, value: string, unlessAtLeast: string): Promise<boolean> {
  const r = await settings(db)
    .insertInto('app_setting')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: sql<Date>`now()` }).where('app_setting.value', '<', unlessAtLeast))
    .returning('key')
    .executeTakeFirst();
  return r !== undefined;
}
