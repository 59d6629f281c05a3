export { RecordsRepo, copyRecords, csvField, type BulkRecord, type CopyCsv, type RecordSubmission, type QualityFilter } from './records.repo.js';
export type { RecordTables } from './records.tables.js';
