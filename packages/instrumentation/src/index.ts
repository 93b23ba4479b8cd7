// Public surface of @secmon/instrumentation. Every name is exported explicitly (STYLE.md rule 4).

export { SecurityEvents } from './SecurityEvents.js';
export type { SecurityEventsStats } from './SecurityEvents.js';
export {
  DEFAULT_SECURITY_EVENTS_OPTIONS,
  DEFAULT_SENSITIVE_QUERY_PARAMS,
  DEVELOPMENT_PSEUDONYM_KEY,
} from './defaults.js';
export type {
  AccessEvents,
  AuthnEvents,
  AuthzEvents,
  ConfigEvents,
  CryptEvents,
  ExcessEvents,
  InputEvents,
  MaliciousEvents,
  PaymentEvents,
  PrivilegeEvents,
  SensitiveEvents,
  SequenceEvents,
  SessionEvents,
  SuspiciousEvents,
  SysEvents,
  UploadEvents,
  UserEvents,
} from './groups.js';
export type {
  AdminFields,
  AuthnFields,
  ConfigChangeFields,
  CorsFields,
  CspFields,
  CustomEventFields,
  DataAccessFields,
  DetectionFields,
  EventOutcome,
  ImpossibleTravelFields,
  InputFields,
  PaymentFields,
  PermissionFields,
  RateLimitFields,
  RequestUser,
  ResourceFields,
  RoleChangeFields,
  SecurityEventFields,
  SecurityEventsOptions,
  SecurityLevel,
  SecurityRequestContext,
  SessionFields,
  SystemFields,
  TargetUserFields,
  TokenFields,
  UploadFields,
  UserManagementFields,
} from './types.js';
export { runWithSecurityContext, getSecurityContext, setSecurityUser } from './requestContext.js';
export { createExpressMiddleware } from './express.js';
export type { ExpressMiddlewareOptions, TrustProxy } from './express.js';
export {
  SecurityLogRecordProcessor,
  createSecurityLogProcessor,
  DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS,
} from './SecurityLogRecordProcessor.js';
export type { SecurityLogProcessorOptions, SecurityLogProcessorStats } from './SecurityLogRecordProcessor.js';
export { configureSecurityLogging } from './configureSecurityLogging.js';
export type { ConfigureSecurityLoggingOptions, SecurityLogging } from './configureSecurityLogging.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
