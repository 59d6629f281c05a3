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
