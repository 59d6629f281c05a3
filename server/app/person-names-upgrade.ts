/**
 * The start-up step that brings a database written before migration 0012 in line with ADR 0002
 * (docs/adr/0002-natural-person-names-encrypted.md): natural persons' names encrypted and masked
 * in `subject`, organizations given their representative's published name, names masked in
 * `subject_version`, `record` and `record_version`. It needs the key material, so it runs in code
 * after the migrations, not in SQL. Each part works in batches of its own transactions, converts
 * only what is still in clear (run again, it changes nothing) and carries on where a stopped run
 * ended; when all parts are through, a setting records it and later starts skip the step.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CatalogService } from '../modules/catalog/index.js';
import { maskLegacyPartyNames, type RecordTables } from '../modules/records/index.js';
import type { SubjectsService } from '../modules/subjects/index.js';
import { getSetting, putSetting, type SettingsTables } from '../platform/db/settings.js';

export const PERSON_NAMES_PROTECTED = 'person_names_protected';

export interface PersonNamesUpgrade {
  representatives: number;
  persons: number;
  versions: number;
  records: number;
  recordVersions: number;
}

/** Runs the conversion unless a previous start finished it; null when there was nothing to do. */
export async function protectLegacyPersonNames(db: Kysely<RecordTables & SettingsTables>, subjects: SubjectsService, catalog: CatalogService, log: Logger, batchSize = 500): Promise<PersonNamesUpgrade | null> {
  if ((await getSetting(db, PERSON_NAMES_PROTECTED)) !== undefined) return null;
  const started = performance.now();
  const s = await subjects.protectLegacyNames(batchSize);
  const items = catalog.list('infoItem').map((e) => e.content);
  const r = await maskLegacyPartyNames(db, items, batchSize);
  await putSetting(db, PERSON_NAMES_PROTECTED, new Date().toISOString());
  const done = { ...s, records: r.records, recordVersions: r.versions };
  if (Object.values(done).some((n) => n > 0)) log.info({ ...done, seconds: Math.round((performance.now() - started) / 100) / 10 }, 'natural persons’ names written before migration 0012 encrypted and masked (ADR 0002)');
  return done;
}
