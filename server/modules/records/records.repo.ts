/** The only code touching the record and record_version tables. */
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

/** A record as collection submits it: identity (item, provider, document number) plus content. */
export interface RecordSubmission {
  itemCode: string;
  itemVersion: number;
  providerUscc: string;
  departmentId: string;
  documentNumber: string;
  decisionDate: string;
  subjectId: string;
  subjectMinor: boolean;
  data: Record<string, unknown>;
  batchId: string;
}

export function csvField(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

export class RecordsRepo {
  constructor(private readonly db: Kysely<RecordTables>) {}

  async countByItem(): Promise<{ item_code: string; n: number }[]> {
    return this.db.selectFrom('record').select(['item_code', sql<number>`count(*)::int`.as('n')]).groupBy('item_code').orderBy('item_code').execute();
  }

  /**
   * Inserts new records and gives changed ones a new version, in one statement; a record
   * submitted again unchanged is left alone (idempotent re-submission). Returns the records that
   * were created (version 1) or changed, each with its new version also written to history.
   */
  async submit(rows: readonly RecordSubmission[]): Promise<{ created: number; updated: number }> {
    if (rows.length === 0) return { created: 0, updated: 0 };
    const written = await this.db
      .insertInto('record')
      .values(
        rows.map((r) => ({
          item_code: r.itemCode,
          item_version: r.itemVersion,
          subject_id: r.subjectId,
          provider_uscc: r.providerUscc,
          department_id: r.departmentId,
          document_number: r.documentNumber,
          decision_date: r.decisionDate,
          data: JSON.stringify(r.data),
          batch_id: r.batchId,
          subject_minor: r.subjectMinor,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['item_code', 'provider_uscc', 'document_number'])
          .doUpdateSet({
            item_version: (eb) => eb.ref('excluded.item_version'),
            subject_id: (eb) => eb.ref('excluded.subject_id'),
            department_id: (eb) => eb.ref('excluded.department_id'),
            decision_date: (eb) => eb.ref('excluded.decision_date'),
            data: (eb) => eb.ref('excluded.data'),
            batch_id: (eb) => eb.ref('excluded.batch_id'),
            subject_minor: (eb) => eb.ref('excluded.subject_minor'),
            version: sql<number>`record.version + 1`,
            updated_at: sql<Date>`now()`,
          })
          .where(sql<boolean>`(record.data, record.subject_id) is distinct from (excluded.data, excluded.subject_id)`),
      )
      .returning(['id', 'version', 'document_number', 'subject_id', 'data'])
      .execute();
    if (written.length > 0) {
      const batch = new Map(rows.map((r) => [r.documentNumber, r.batchId]));
      await this.db
        .insertInto('record_version')
        .values(written.map((w) => ({ record_id: w.id, version: w.version, subject_id: w.subject_id, data: JSON.stringify(w.data), batch_id: batch.get(w.document_number) ?? null })))
        .execute();
    }
    const created = written.filter((w) => w.version === 1).length;
    return { created, updated: written.length - created };
  }

  /** Which of these document numbers this batch has already written (a repeat within one file). */
  async writtenByBatch(batchId: string, itemCode: string, providerUscc: string, documentNumbers: string[]): Promise<Set<string>> {
    if (documentNumbers.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('record')
      .select('document_number')
      .where('item_code', '=', itemCode)
      .where('provider_uscc', '=', providerUscc)
      .where('document_number', 'in', documentNumbers)
      .where('batch_id', '=', batchId)
      .execute();
    return new Set(rows.map((r) => r.document_number));
  }

  async versions(recordId: string) {
    return this.db.selectFrom('record_version').select(['version', 'subject_id', 'data', 'batch_id', 'changed_at']).where('record_id', '=', recordId).orderBy('version', 'desc').execute();
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
