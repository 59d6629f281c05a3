/** The only code touching the record table. */
import { sql, type Kysely } from 'kysely';
import type { RecordTables } from './records.tables.js';

export type CopyCsv = (table: string, columns: string[], csv: string) => Promise<void>;

export interface BulkRecord {
  itemCode: string;
  itemVersion: number;
  subjectId: string;
  providerUscc: string;
  documentNumber: string;
  decisionDate: string;
  data: Record<string, unknown>;
}

export function csvField(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

export class RecordsRepo {
  constructor(private readonly db: Kysely<RecordTables>) {}

  async countByItem(): Promise<{ item_code: string; n: number }[]> {
    return this.db.selectFrom('record').select(['item_code', sql<number>`count(*)::int`.as('n')]).groupBy('item_code').orderBy('item_code').execute();
  }

  async forSubject(subjectId: string) {
    return this.db
      .selectFrom('record')
      .select(['id', 'item_code', 'item_version', 'document_number', 'decision_date', 'data', 'status', 'version'])
      .where('subject_id', '=', subjectId)
      .orderBy('decision_date', 'desc')
      .execute();
  }
}

/** COPY path for bulk loads (demo and benchmark data); callers batch rows. */
export async function copyRecords(copy: CopyCsv, rows: BulkRecord[]): Promise<void> {
  const csv = rows
    .map((r) =>
      [r.itemCode, String(r.itemVersion), r.subjectId, r.providerUscc, csvField(r.documentNumber), r.decisionDate, csvField(JSON.stringify(r.data))].join(','),
    )
    .join('\n');
  await copy('record', ['item_code', 'item_version', 'subject_id', 'provider_uscc', 'document_number', 'decision_date', 'data'], `${csv}\n`);
}
