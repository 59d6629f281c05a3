export { RecordsRepo, copyRecords, csvField, visibleNow, type Audience, type BulkRecord, type CopyCsv, type RecordSubmission, type QualityFilter, type PublicRecordRow, type PublicListQuery } from './records.repo.js';
export type { RecordTables } from './records.tables.js';
export { RecordsService, MAX_FILTER_SUBJECTS, MAX_BROWSE_ROWS, type RecordFilter, type RecordsDeps, type BatchSource, type RecordIntake, type IntakeResult } from './records.service.js';
export { recordsRoutes, recordVersionView, type RecordsRouteDeps } from './records.routes.js';
export { maskLegacyPartyNames, maskPartyNames, partyOfRecord, type Party } from './party-names.js';
export { RECORD_MACHINE, RECORD_EVENTS, RECORD_TRANSITIONS, SUBJECT_STATES, itemsDisclosedTo, publiclyVisible, visibleTo, type ItemDisclosure, type RecordEvent, type RecordFacts, type RecordSeen } from './records.workflow.js';
export { consoleAudience } from './records.policy.js';
export { Lifecycle, type Machine, type Transition, type Applied, type FireContext, type Who } from './lifecycle.js';
export { TransitionQueue, MAX_GROUP_OBJECTS } from './transition-queue.js';
/**
 * Told by every commit that changes records: by a lifecycle transition with the subjects it changed
 * (comma-separated ids; '' when more than 100), by any other write to `record` with '' (migration
 * 0009's trigger, quieted during transitions by migration 0018). '' means anything may have changed.
 */
export const RECORD_CHANGES_CHANNEL = 'record_changed';
