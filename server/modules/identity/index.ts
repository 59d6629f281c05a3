export { IdentityService, roleIssues, type UserView, type DepartmentView, type NextStep, type StepResult } from './identity.service.js';
export { identityRoutes, sessionAuthenticate, SESSION_COOKIE } from './identity.routes.js';
export { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from './security-policy.js';
export { totpAt, stepOf } from './totp.js';
export type { IdentityTables } from './identity.tables.js';
export { SignedRequests, sign, stringToSign, REPLAY_WINDOW_MS, type AccountStatusListener, type SystemAccountView } from './signed-requests.js';
export { TotpFactor, type SecondFactor, type Enrolment } from './second-factor.js';
