export { NoticesService, NOTICE_ATTACHMENT_MAX_BYTES, type NoticesDeps } from './notices.service.js';
export { noticesRoutes, noticesPublicRoutes, type NoticesRouteDeps } from './notices.routes.js';
export { demoNotices } from './notices.demo.js';
export type { NoticeTables } from './notices.tables.js';
