export { PortalService, PUBLICITY_ITEMS, type PortalDeps } from './portal.service.js';
export { portalRoutes } from './portal.routes.js';
export { presentPublicRecord, type PublicRecordView } from './public-record.js';
