// The typed method groups of SecurityEvents: one group per catalogue family, one method per event
// (`security.<family>.<event>`; EVENTS.md §6). Each call emits exactly one log record and never throws.
import type {
  AdminFields,
  AuthnFields,
  ConfigChangeFields,
  CorsFields,
  CspFields,
  DataAccessFields,
  DetectionFields,
  ImpossibleTravelFields,
  InputFields,
  PaymentFields,
  PermissionFields,
  RateLimitFields,
  ResourceFields,
  RoleChangeFields,
  SecurityEventFields,
  SessionFields,
  SystemFields,
  TargetUserFields,
  TokenFields,
  UploadFields,
  UserManagementFields,
} from './types.js';

/** [AUTHN] `secmon.authn.*`. */
export interface AuthnEvents {
  /** `secmon.authn.login_success` (INFO). */
  loginSuccess(fields?: AuthnFields): void;
  /** `secmon.authn.login_successafterfail` (INFO): pass `failedAttempts`. */
  loginSuccessAfterFail(fields?: AuthnFields): void;
  /** `secmon.authn.login_fail` (WARN): pass `login`, `userExists`, `userId` (if it exists), `reason`. */
  loginFail(fields?: AuthnFields): void;
  /** `secmon.authn.login_fail_max` (WARN). */
  loginFailMax(fields?: AuthnFields): void;
  /** `secmon.authn.login_lock` (WARN): the locked account in `targetUserId`. */
  loginLock(fields?: AuthnFields & TargetUserFields): void;
  /** `secmon.authn.password_change` (INFO). */
  passwordChange(fields?: SecurityEventFields & TargetUserFields): void;
  /** `secmon.authn.password_change_fail` (CRITICAL). */
  passwordChangeFail(fields?: SecurityEventFields & TargetUserFields): void;
  /** `secmon.authn.impossible_travel` (CRITICAL, kind alert). */
  impossibleTravel(fields?: ImpossibleTravelFields): void;
  /** `secmon.authn.token_created` (INFO). */
  tokenCreated(fields?: TokenFields): void;
  /** `secmon.authn.token_revoked` (INFO). */
  tokenRevoked(fields?: TokenFields): void;
  /** `secmon.authn.token_reuse` (CRITICAL): a revoked token used again. */
  tokenReuse(fields?: TokenFields): void;
  /** `secmon.authn.token_delete` (WARN). */
  tokenDelete(fields?: TokenFields): void;
}

/** [SESSION] `secmon.session.*`. */
export interface SessionEvents {
  /** `secmon.session.created` (INFO). */
  created(fields?: SessionFields): void;
  /** `secmon.session.renewed` (INFO): `sessionId` and `previousSessionId`. */
  renewed(fields?: SessionFields): void;
  /** `secmon.session.expired` (INFO): `reason` logout, timeout or revoked. */
  expired(fields?: SessionFields): void;
  /** `secmon.session.logout` (INFO). */
  logout(fields?: SessionFields): void;
  /** `secmon.session.use_after_expire` (CRITICAL). */
  useAfterExpire(fields?: SessionFields): void;
}

/** [AUTHZ] `secmon.authz.*`. */
export interface AuthzEvents {
  /** `secmon.authz.fail` (CRITICAL): access denied. */
  fail(fields?: SecurityEventFields & ResourceFields): void;
  /** `secmon.authz.change` (WARN): a user's roles changed. */
  change(fields?: RoleChangeFields): void;
  /** `secmon.authz.admin` (WARN): an administrative action. */
  admin(fields?: AdminFields): void;
}

/** [PRIVILEGE] `secmon.privilege.*`. */
export interface PrivilegeEvents {
  /** `secmon.privilege.permissions_changed` (WARN). */
  permissionsChanged(fields?: PermissionFields): void;
}

/** [INPUT] `secmon.input.*`. */
export interface InputEvents {
  /** `secmon.input.validation_fail` (WARN): field names in `fields`. */
  validationFail(fields?: InputFields): void;
  /** `secmon.input.validation_discrete_fail` (WARN): a value outside a fixed set (tampering). */
  validationDiscreteFail(fields?: InputFields): void;
}

/** [EXCESS] `secmon.excess.*`. */
export interface ExcessEvents {
  /** `secmon.excess.rate_limit_exceeded` (WARN). */
  rateLimitExceeded(fields?: RateLimitFields): void;
  /** `secmon.excess.sessions_exceeded` (WARN). */
  sessionsExceeded(fields?: SessionFields): void;
}

/** [MALICIOUS] `secmon.malicious.*`: detections (kind alert, except CSP reports). */
export interface MaliciousEvents {
  /** `secmon.malicious.excess_404` (WARN, alert): the app itself detected forced browsing. */
  excess404(fields?: SecurityEventFields): void;
  /** `secmon.malicious.extraneous` (CRITICAL, alert): unexpected field names in `fields`. */
  extraneous(fields?: InputFields): void;
  /** `secmon.malicious.attack_tool` (CRITICAL, alert): `ruleName` = the signature. */
  attackTool(fields?: DetectionFields): void;
  /** `secmon.malicious.sqli` (CRITICAL, alert). */
  sqli(fields?: DetectionFields): void;
  /** `secmon.malicious.cors` (CRITICAL, alert). */
  cors(fields?: CorsFields): void;
  /** `secmon.malicious.direct_reference` (CRITICAL, alert): IDOR attempt. */
  directReference(fields?: DetectionFields): void;
  /** `secmon.malicious.csrf` (WARN, alert). */
  csrf(fields?: SecurityEventFields): void;
  /** `secmon.malicious.csp_violation` (WARN). */
  cspViolation(fields?: CspFields): void;
}

/** [SEQUENCE] `secmon.sequence.*`. */
export interface SequenceEvents {
  /** `secmon.sequence.fail` (CRITICAL): a business-logic step skipped. */
  fail(fields?: SecurityEventFields & ResourceFields): void;
}

/** [DATA] `secmon.sensitive.*`: where the data is, never the data. */
export interface SensitiveEvents {
  /** `secmon.sensitive.create` (WARN). */
  create(fields?: DataAccessFields): void;
  /** `secmon.sensitive.read` (WARN). */
  read(fields?: DataAccessFields): void;
  /** `secmon.sensitive.update` (WARN). */
  update(fields?: DataAccessFields): void;
  /** `secmon.sensitive.delete` (WARN). */
  delete(fields?: DataAccessFields): void;
}

/** [UPLOAD] `secmon.upload.*`. */
export interface UploadEvents {
  /** `secmon.upload.complete` (INFO). */
  complete(fields?: UploadFields): void;
  /** `secmon.upload.stored` (INFO). */
  stored(fields?: UploadFields): void;
  /** `secmon.upload.validation` (INFO; CRITICAL when `scanResult` is `failed`). */
  validation(fields?: UploadFields): void;
  /** `secmon.upload.delete` (INFO). */
  delete(fields?: UploadFields): void;
}

/** [CRYPT] `secmon.crypt.*`. */
export interface CryptEvents {
  /** `secmon.crypt.decrypt_fail` (WARN). */
  decryptFail(fields?: SecurityEventFields): void;
  /** `secmon.crypt.encrypt_fail` (WARN). */
  encryptFail(fields?: SecurityEventFields): void;
}

/** [SYS] `secmon.sys.*`. */
export interface SysEvents {
  /** `secmon.sys.startup` (WARN). */
  startup(fields?: SystemFields): void;
  /** `secmon.sys.shutdown` (WARN). */
  shutdown(fields?: SystemFields): void;
  /** `secmon.sys.restart` (WARN). */
  restart(fields?: SystemFields): void;
  /** `secmon.sys.crash` (WARN): `exceptionType`, `reason`. */
  crash(fields?: SystemFields): void;
  /** `secmon.sys.monitor_disabled` (WARN). */
  monitorDisabled(fields?: SystemFields): void;
  /** `secmon.sys.monitor_enabled` (WARN). */
  monitorEnabled(fields?: SystemFields): void;
}

/** [USER] `secmon.user.*`: account management; the account is the target (`user.target.*`). */
export interface UserEvents {
  /** `secmon.user.created` (WARN). */
  created(fields?: UserManagementFields): void;
  /** `secmon.user.updated` (WARN): changed field names in `changedFields`. */
  updated(fields?: UserManagementFields): void;
  /** `secmon.user.archived` (WARN). */
  archived(fields?: UserManagementFields): void;
  /** `secmon.user.deleted` (WARN). */
  deleted(fields?: UserManagementFields): void;
}

/** `secmon.config.*` (custom token `config_change`). */
export interface ConfigEvents {
  /** `secmon.config.change` (WARN). */
  change(fields?: ConfigChangeFields): void;
}

/** `secmon.payment.*` (custom token `payment_fail`). */
export interface PaymentEvents {
  /** `secmon.payment.fail` (WARN): `reason` = decline category (card_declined, insufficient_funds...). */
  fail(fields?: PaymentFields): void;
}

/** `secmon.suspicious.*` (custom token `suspicious_activity`). */
export interface SuspiciousEvents {
  /** `secmon.suspicious.activity` (WARN): `ruleName` = the detector. */
  activity(fields?: DetectionFields): void;
}

/** `secmon.access.*` (custom token `access_not_found`). */
export interface AccessEvents {
  /** `secmon.access.not_found` (INFO): one per 404, the base event of forced-browsing rules. */
  notFound(fields?: SecurityEventFields): void;
}
