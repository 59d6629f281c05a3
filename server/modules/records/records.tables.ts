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
    severity: 'positive' | 'minor' | 'general' | 'serious' | null;
    publication: Generated<'pending_review' | 'published' | 'not_published' | 'ended' | 'withdrawn' | 'rejected'>;
    publishable: Generated<boolean>;
    publicity_start: string | null;
    publicity_end: string | null;
    publicity_rule: string | null;
    withdrawn_reason: string | null;
    withdrawn_at: Date | null;
    ended_at: Date | null;
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
