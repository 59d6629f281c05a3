export { SubjectsService, type RegisteredRead, type SubjectInput, type SubjectPatch } from './subjects.service.js';
export { subjectsRoutes } from './subjects.routes.js';
export { presentForPublic, presentForStaff, type SubjectView } from './subjects.presenter.js';
export type { SubjectTables, SubjectKind, OrgType } from './subjects.tables.js';
export { copySubjects, type BulkRegistration, type BulkSubject } from './subjects.bulk.js';
export type { SubjectClaim, Resolution } from './subjects.resolve.js';
export { SUBJECT_CHANGES_CHANNEL } from './subjects.repo.js';
