export { maskRow } from './validate.js';
export { CollectionService, MAX_API_RECORDS, IMPORT_JOB, importJobKey, type Submitter, type CollectionDeps } from './collection.service.js';
export { collectionRoutes } from './collection.routes.js';
export type { BatchView } from '../../../common/collection-api.js';
export type { CollectionTables } from './collection.tables.js';
export type { BatchRow } from './collection.repo.js';
