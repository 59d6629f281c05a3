/**
 * A record keeps no natural person's name in clear (docs/adr/0002-natural-person-names-encrypted.md).
 * Departments write the party's name into the party-name field, and also into 违法事实, 处罚内容, the
 * title of a permit decision (关于准予张三…的决定), 备注: when the party is a natural person, the
 * name field holds the masked name and every occurrence of the full name in the record's other
 * text is masked. A 个体工商户's operator is a natural person in business on their own account:
 * their name in the representative field and in the text is masked the same way, while the
 * business's registered name stays as registered. A company's legal representative is published
 * registration information and is kept as given.
 *
 * The person's name itself is kept only encrypted, with the subject. Collection masks at ingest
 * (validate.ts), the demo writes records masked, and the upgrade of older databases masks what was
 * stored before (`maskLegacyPartyNames`). Masking is idempotent: a masked name masks to itself.
 */
import type { Kysely } from 'kysely';
import { maskPersonName } from '../../../common/masking.js';
import type { InfoItem } from '../catalog/index.js';
import { RecordNamesUpgradeRepo, type StoredRecordData } from './records.repo.js';
import type { RecordTables } from './records.tables.js';

export type Party = 'person' | 'individualBusiness' | 'organization';

const PERSON = '自然人';
const INDIVIDUAL_BUSINESS = '个体工商户';

interface Shape {
  name: string | undefined;
  representative: string | undefined;
  category: string | undefined;
  idNumber: string | undefined;
  /**
   * Text fields a name may be written into: all but the data source (the department's registered
   * name) and the record's identity (its document number: record.document_number must stay its key).
   */
  texts: string[];
}

const shapes = new WeakMap<InfoItem, Shape>();

function shapeOf(item: InfoItem): Shape {
  let shape = shapes.get(item);
  if (!shape) {
    const sf = item.subjectFields;
    shape = {
      name: sf.name,
      representative: sf.legalRepresentative,
      category: sf.category,
      idNumber: sf.idNumber,
      texts: item.fields.filter((f) => f.type === 'text' && f.code !== item.sourceField && !item.naturalKey.includes(f.code)).map((f) => f.code),
    };
    shapes.set(item, shape);
  }
  return shape;
}

/**
 * Who a stored record's party is, from its own data: its category (行政相对人类别), or, with none,
 * an ID number — the rule collection applies to a row (validate.ts).
 */
export function partyOfRecord(item: InfoItem, data: Readonly<Record<string, unknown>>): Party {
  const s = shapeOf(item);
  const category = s.category ? data[s.category] : undefined;
  if (category === PERSON) return 'person';
  if (category === INDIVIDUAL_BUSINESS) return 'individualBusiness';
  if ((category === undefined || category === '') && s.idNumber && typeof data[s.idNumber] === 'string' && data[s.idNumber] !== '') return 'person';
  return 'organization';
}

function replaceAll(text: string, name: string, masked: string): string {
  return text.includes(name) ? text.split(name).join(masked) : text;
}

/**
 * Masks, in place, the natural person a record names: the party (`person`) or a 个体工商户's operator.
 * `clearName`: the name as validated (collection), else the one in the record's own field (a record
 * stored before). Returns whether anything changed. Per row a few string searches: it runs for
 * every row collection accepts.
 */
export function maskPartyNames(item: InfoItem, data: Record<string, unknown>, party: Party, clearName?: string): boolean {
  if (party === 'organization') return false;
  const s = shapeOf(item);
  const field = party === 'person' ? s.name : s.representative;
  if (!field) return false;
  const stored = data[field];
  const name = clearName ?? (typeof stored === 'string' ? stored : undefined);
  if (!name) return false;
  const masked = maskPersonName(name);
  // A name of one character is its own mask, and the portal's presenter masks no shorter match.
  if (masked === name) return false;
  let changed = false;
  if (typeof stored === 'string') {
    const out = stored === name ? masked : replaceAll(stored, name, masked);
    if (out !== stored) {
      data[field] = out;
      changed = true;
    }
  }
  for (const code of s.texts) {
    // A 个体工商户's registered name stays as registered, even where it carries the operator's name.
    if (code === field || (party === 'individualBusiness' && code === s.name)) continue;
    const v = data[code];
    if (typeof v !== 'string') continue;
    const out = replaceAll(v, name, masked);
    if (out !== v) {
      data[code] = out;
      changed = true;
    }
  }
  return changed;
}

/**
 * Databases written before migration 0012 keep the party's name in clear in record.data and in the
 * replaced versions: masked here, in batches (each its own transaction, the history trigger told
 * to keep no copy), without a new version. Idempotent — a masked record is not read again — and
 * resumable. `items`: the catalog's items (their current versions say where the names are).
 */
export async function maskLegacyPartyNames(db: Kysely<RecordTables>, items: readonly InfoItem[], batchSize = 500): Promise<{ records: number; versions: number }> {
  const upgrade = new RecordNamesUpgradeRepo(db);
  const byCode = new Map(items.map((i) => [i.code, i]));
  const fields = items.map((i) => ({ itemCode: i.code, name: i.subjectFields.name, category: i.subjectFields.category, idNumber: i.subjectFields.idNumber, representative: i.subjectFields.legalRepresentative }));
  const masked = (rows: StoredRecordData[]) =>
    rows.flatMap((r) => {
      const item = byCode.get(r.item_code);
      if (!item) return [];
      const data = { ...r.data };
      return maskPartyNames(item, data, partyOfRecord(item, data)) ? [{ id: r.id, version: r.version ?? 0, data }] : [];
    });
  const done = { records: 0, versions: 0 };
  for (let after: string | null = null; ; ) {
    const page = await upgrade.batch(async (repo) => {
      const rows = await repo.records(fields, after, batchSize);
      const changed = masked(rows);
      await repo.setRecordData(changed);
      done.records += changed.length;
      return rows;
    });
    if (page.length < batchSize) break;
    after = page[page.length - 1]?.id ?? null;
  }
  for (let after: { id: string; version: number } | null = null; ; ) {
    const page = await upgrade.batch(async (repo) => {
      const rows = await repo.versions(fields, after, batchSize);
      const changed = masked(rows);
      await repo.setVersionData(changed);
      done.versions += changed.length;
      return rows;
    });
    if (page.length < batchSize) break;
    const last = page[page.length - 1];
    after = last ? { id: last.id, version: last.version ?? 0 } : null;
  }
  return done;
}
