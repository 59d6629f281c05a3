export { CatalogService, type Versioned, type HolidayYearInfo, type ItemReview } from './catalog.service.js';
export { readCatalog, CatalogInvalidError, CATALOG_DIR, type CatalogProblem, type Region } from './catalog.loader.js';
export type { CatalogTables } from './catalog.tables.js';
export type { InfoItem, Measure, ListType, LegalInstrument, PeriodRule, TimeLimit, CodeTable, CatalogField, HolidayYear } from './catalog.schema.js';
export { catalogRoutes } from './catalog.routes.js';
export { policiesRoutes } from './catalog.policies.js';
export { isFreeText } from './fields.js';
export { CATALOG_CHANGES_CHANNEL } from './catalog.repo.js';
