/**
 * Event names of the catalogue (EVENTS.md §6): the LogRecord EventName, `secmon.<category>.<event>`.
 * Never set the deprecated `event.name` attribute; the name travels in the EventName field.
 */
export const EVENTS = {
  AUTHN_LOGIN_SUCCESS: 'secmon.authn.login_success',
  AUTHN_LOGIN_SUCCESSAFTERFAIL: 'secmon.authn.login_successafterfail',
  AUTHN_LOGIN_FAIL: 'secmon.authn.login_fail',
  AUTHN_LOGIN_FAIL_MAX: 'secmon.authn.login_fail_max',
  AUTHN_LOGIN_LOCK: 'secmon.authn.login_lock',
  AUTHN_PASSWORD_CHANGE: 'secmon.authn.password_change',
  AUTHN_PASSWORD_CHANGE_FAIL: 'secmon.authn.password_change_fail',
  AUTHN_IMPOSSIBLE_TRAVEL: 'secmon.authn.impossible_travel',
  AUTHN_TOKEN_CREATED: 'secmon.authn.token_created',
  AUTHN_TOKEN_REVOKED: 'secmon.authn.token_revoked',
  AUTHN_TOKEN_REUSE: 'secmon.authn.token_reuse',
  AUTHN_TOKEN_DELETE: 'secmon.authn.token_delete',
  AUTHZ_FAIL: 'secmon.authz.fail',
  AUTHZ_CHANGE: 'secmon.authz.change',
  AUTHZ_ADMIN: 'secmon.authz.admin',
  PRIVILEGE_PERMISSIONS_CHANGED: 'secmon.privilege.permissions_changed',
  SESSION_CREATED: 'secmon.session.created',
  SESSION_RENEWED: 'secmon.session.renewed',
  SESSION_EXPIRED: 'secmon.session.expired',
  SESSION_LOGOUT: 'secmon.session.logout',
  SESSION_USE_AFTER_EXPIRE: 'secmon.session.use_after_expire',
  EXCESS_SESSIONS_EXCEEDED: 'secmon.excess.sessions_exceeded',
  INPUT_VALIDATION_FAIL: 'secmon.input.validation_fail',
  INPUT_VALIDATION_DISCRETE_FAIL: 'secmon.input.validation_discrete_fail',
  EXCESS_RATE_LIMIT_EXCEEDED: 'secmon.excess.rate_limit_exceeded',
  MALICIOUS_EXCESS_404: 'secmon.malicious.excess_404',
  MALICIOUS_EXTRANEOUS: 'secmon.malicious.extraneous',
  MALICIOUS_ATTACK_TOOL: 'secmon.malicious.attack_tool',
  MALICIOUS_SQLI: 'secmon.malicious.sqli',
  MALICIOUS_CORS: 'secmon.malicious.cors',
  MALICIOUS_DIRECT_REFERENCE: 'secmon.malicious.direct_reference',
  MALICIOUS_CSRF: 'secmon.malicious.csrf',
  MALICIOUS_CSP_VIOLATION: 'secmon.malicious.csp_violation',
  SEQUENCE_FAIL: 'secmon.sequence.fail',
  SENSITIVE_CREATE: 'secmon.sensitive.create',
  SENSITIVE_READ: 'secmon.sensitive.read',
  SENSITIVE_UPDATE: 'secmon.sensitive.update',
  SENSITIVE_DELETE: 'secmon.sensitive.delete',
  UPLOAD_COMPLETE: 'secmon.upload.complete',
  UPLOAD_STORED: 'secmon.upload.stored',
  UPLOAD_VALIDATION: 'secmon.upload.validation',
  UPLOAD_DELETE: 'secmon.upload.delete',
  CRYPT_DECRYPT_FAIL: 'secmon.crypt.decrypt_fail',
  CRYPT_ENCRYPT_FAIL: 'secmon.crypt.encrypt_fail',
  SYS_STARTUP: 'secmon.sys.startup',
  SYS_SHUTDOWN: 'secmon.sys.shutdown',
  SYS_RESTART: 'secmon.sys.restart',
  SYS_CRASH: 'secmon.sys.crash',
  SYS_MONITOR_DISABLED: 'secmon.sys.monitor_disabled',
  SYS_MONITOR_ENABLED: 'secmon.sys.monitor_enabled',
  USER_CREATED: 'secmon.user.created',
  USER_UPDATED: 'secmon.user.updated',
  USER_ARCHIVED: 'secmon.user.archived',
  USER_DELETED: 'secmon.user.deleted',
  CONFIG_CHANGE: 'secmon.config.change',
  PAYMENT_FAIL: 'secmon.payment.fail',
  SUSPICIOUS_ACTIVITY: 'secmon.suspicious.activity',
  /**
   * A request for a resource that does not exist (HTTP 404). The base event for forced-browsing detection:
   * one per 404, kind `event`; the rule that counts them raises the alert (`malicious_excess_404` is the
   * alert-kind event an application emits when it detects excess 404s itself).
   */
  ACCESS_NOT_FOUND: 'secmon.access.not_found',
} as const;

/** A catalogue event name. */
export type SecurityEventName = (typeof EVENTS)[keyof typeof EVENTS];

/** EventName of processor alerts (EVENTS.md §7); never part of the catalogue and never fed back into rules. */
export const ALERT_EVENT_NAME = 'secmon.alert' as const;
/** Span name of processor alerts. */
export const ALERT_SPAN_NAME = 'secmon.alert' as const;
/** EventName of the counted summary emitted for malformed or dropped security events (STYLE.md rule 11). */
export const MALFORMED_EVENT_NAME = 'secmon.sys.malformed_event' as const;
/** Prefix reserved for secmon; custom events must use the application's own prefix. */
export const SECMON_PREFIX = 'secmon.' as const;
