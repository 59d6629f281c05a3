export { RecordsRepo, copyRecords, csvField, type BulkRecord, type CopyCsv, type RecordSubmission, type QualityFilter, type PublicRecordRow, type PublicListQuery } from './records.repo.js';
export type { RecordTables } from './records.tables.js';
export { RecordsService, MAX_FILTER_SUBJECTS, MAX_BROWSE_ROWS, type RecordFilter, type RecordsDeps } from './records.service.js';
export { recordsRoutes, type RecordsRouteDeps } from './records.routes.js';
export { maskLegacyPartyNames, maskPartyNames, partyOfRecord, type Party } from './party-names.js';
/** Notified by every commit that changes records (migration 0009). */
export const RECORD_CHANGES_CHANNEL = 'record_changed';
