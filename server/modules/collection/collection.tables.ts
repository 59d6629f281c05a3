import type { ColumnType, Generated } from 'kysely';

export type BatchStatus = 'importing' | 'imported' | 'failed';

export interface CollectionTables {
  department_item: { department_id: string; item_code: string; granted_at: Generated<Date> };
  import_batch: {
    id: Generated<string>;
    department_id: string;
    item_code: string;
    item_version: number;
    source: 'file' | 'api';
    file_name: string | null;
    file_format: string | null;
    content_sm3: string;
    content_size: number;
    idempotency_key: string | null;
    status: Generated<BatchStatus>;
    failure: string | null;
    rows_total: number | null;
    accepted: Generated<number>;
    rejected: Generated<number>;
    created_records: Generated<number>;
    updated_records: Generated<number>;
    unchanged_records: Generated<number>;
    warnings: Generated<number>;
    next_row: Generated<number>;
    submitted_by: string;
    submitted_by_name: string | null;
    submitted_by_display: string | null;
    created_at: Generated<Date>;
    finished_at: Date | null;
    review_status: Generated<'none' | 'pending' | 'approved' | 'rejected'>;
    reviewed_by: string | null;
    reviewed_by_name: string | null;
    reviewed_by_display: string | null;
    reviewed_at: Date | null;
    review_reason: string | null;
  };
  import_row_issue: {
    batch_id: string;
    row_number: number;
    kind: 'rejected' | 'warning';
    problems: ColumnType<unknown, string, string>;
    row_data: ColumnType<unknown, string | null, string | null>;
  };
}
