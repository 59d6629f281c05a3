import type { ColumnType, Generated } from 'kysely';
import type { RecordStateName } from '../../../common/records-api.js';

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
    /** Written only by the lifecycle (lifecycle.ts, and the upsert's routed state for a new version). */
    state: Generated<RecordStateName>;
    disputed: Generated<boolean>;
    version: Generated<number>;
    created_at: Generated<Date>;
    department_id: string | null;
    batch_id: string | null;
    subject_minor: Generated<boolean>;
    updated_at: Generated<Date>;
    severity: 'positive' | 'minor' | 'general' | 'serious' | null;
    publishable: Generated<boolean>;
    publicity_start: string | null;
    publicity_end: string | null;
    publicity_rule: string | null;
  };
  record_event: {
    id: Generated<number>;
    record_id: string;
    event: string;
    from_state: string | null;
    to_state: string;
    actor_id: string | null;
    actor_name: string;
    reason: string | null;
    reference: string | null;
    at: Date;
  };
  record_version: {
    record_id: string;
    version: number;
    subject_id: string;
    data: ColumnType<unknown, string, string>;
    batch_id: string | null;
    changed_at: Generated<Date>;
  };
  /** Kept by the record table's triggers (migration 0022); read by standing.ts. */
  subject_standing: {
    subject_id: string;
    records: ColumnType<unknown, string, string>;
    overflow: Generated<boolean>;
    disputed: Generated<number>;
    updated_at: Generated<Date>;
  };
}
