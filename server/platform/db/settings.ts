/** Small key/value settings kept in the database (e.g. the key-file check value, demo marker). */
import { sql, type Generated, type Kysely } from 'kysely';

export interface SettingsTables {
  app_setting: { key: string; value: string; updated_at: Generated<Date> };
}

export async function getSetting(db: Kysely<SettingsTables>, key: string): Promise<string | undefined> {
  const r = await db.selectFrom('app_setting').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

export async function putSetting(db: Kysely<SettingsTables>, key: string, value: string): Promise<void> {
  await db
    .insertInto('app_setting')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: sql<Date>`now()` }))
    .execute();
}
