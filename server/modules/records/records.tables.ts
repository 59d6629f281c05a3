import type { ColumnType, Generated } from 'kysely';

export interface RecordTables {
  record: {
    id: Generated<string>;
    item_code: string;
    item_version: number;
    subject_id: string;
    provider_uscc: string;
    document_number: string;
    decision_date: string;
    data: ColumnType<unknown, string, string>;
    status: Generated<'active' | 'revoked' | 'repaired' | 'expired'>;
    version: Generated<number>;
    created_at: Generated<Date>;
    department_id: string | null;
    batch_id: string | null;
    subject_minor: Generated<boolean>;
    updated_at: Generated<Date>;
  };
  record_version: {
    record_id: string;
    version: number;
    subject_id: string;
    data: ColumnType<unknown, string, string>;
    batch_id: string | null;
    changed_at: Generated<Date>;
  };
}
