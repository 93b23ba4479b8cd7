import type { EcsKind, EcsOutcome, EventDefinition, EventFamily, OcsfMapping, OwaspLevel } from './EventDefinition.js';
import { EVENTS } from './events.js';

const SEVERITY: Record<OwaspLevel, { n: number; t: 'INFO' | 'WARN' | 'ERROR' }> = {
  INFO: { n: 9, t: 'INFO' },
  WARN: { n: 13, t: 'WARN' },
  // CRITICAL is the only OWASP level in the ERROR range, so it takes the lowest ERROR number (EVENTS.md §5).
  CRITICAL: { n: 17, t: 'ERROR' },
};

function ocsf(classUid: number, activityId: number, nextClassUid?: number, nextActivityId?: number): OcsfMapping {
  return nextClassUid === undefined ? { classUid, activityId } : { classUid, activityId, nextClassUid, nextActivityId };
}

function def(
  name: string,
  action: string,
  owasp: boolean,
  family: EventFamily,
  level: OwaspLevel,
  ecs: [kind: EcsKind, category: string, type: string, outcome: EcsOutcome],
  ocsfMapping: OcsfMapping,
  attributes: readonly string[],
  description: string,
): EventDefinition {
  const sev = SEVERITY[level];
  return Object.freeze({
    name,
    action,
    owasp,
    family,
    level,
    severityNumber: sev.n,
    severityText: sev.t,
    ecs: Object.freeze({
      kind: ecs[0],
      category: Object.freeze(ecs[1].split(',')),
      type: Object.freeze(ecs[2].split(',')),
      outcome: ecs[3],
    }),
    ocsf: Object.freeze(ocsfMapping),
    attributes: Object.freeze([...attributes]),
    description,
  });
}

const E = EVENTS;

/**
 * The security event catalogue of EVENTS.md §6, one entry per event, in document order.
 * `ecs` is [kind, category (comma-separated), type (comma-separated), default outcome].
 */
export const CATALOGUE: readonly EventDefinition[] = Object.freeze([
  // 6.1 Authentication
  def(E.AUTHN_LOGIN_SUCCESS, 'authn_login_success', true, 'authn', 'INFO', ['event', 'authentication', 'start', 'success'], ocsf(3002, 1),
    ['secmon.authn.method', 'secmon.authn.mfa', 'session.id'], 'A user logged in.'),
  def(E.AUTHN_LOGIN_SUCCESSAFTERFAIL, 'authn_login_successafterfail', true, 'authn', 'INFO', ['event', 'authentication', 'start', 'success'], ocsf(3002, 1),
    ['secmon.authn.method', 'secmon.authn.failed_attempts', 'session.id'], 'A user logged in after failed attempts.'),
  def(E.AUTHN_LOGIN_FAIL, 'authn_login_fail', true, 'authn', 'WARN', ['event', 'authentication', 'start', 'failure'], ocsf(3002, 1),
    ['error.type', 'secmon.authn.method', 'secmon.user.exists'], 'A login attempt failed.'),
  def(E.AUTHN_LOGIN_FAIL_MAX, 'authn_login_fail_max', true, 'authn', 'WARN', ['event', 'authentication', 'start', 'failure'], ocsf(3002, 1),
    ['secmon.authn.failed_attempts', 'secmon.limit.max'], 'A user reached the maximum number of failed logins.'),
  def(E.AUTHN_LOGIN_LOCK, 'authn_login_lock', true, 'authn', 'WARN', ['event', 'iam', 'user,change', 'success'], ocsf(3001, 9, 3007, 6),
    ['user.target.id', 'event.reason'], 'An account was locked.'),
  def(E.AUTHN_PASSWORD_CHANGE, 'authn_password_change', true, 'authn', 'INFO', ['event', 'iam', 'user,change', 'success'], ocsf(3001, 3, 3007, 8),
    ['user.target.id'], 'A password was changed.'),
  def(E.AUTHN_PASSWORD_CHANGE_FAIL, 'authn_password_change_fail', true, 'authn', 'CRITICAL', ['event', 'iam', 'user,change', 'failure'], ocsf(3001, 3, 3007, 8),
    ['error.type', 'user.target.id'], 'A password change failed.'),
  def(E.AUTHN_IMPOSSIBLE_TRAVEL, 'authn_impossible_travel', true, 'authn', 'CRITICAL', ['alert', 'authentication', 'info', 'unknown'], ocsf(3002, 1),
    ['secmon.geo.previous_region', 'secmon.geo.current_region', 'geo.country.iso_code'], 'A user appeared in two distant places too quickly.'),
  def(E.AUTHN_TOKEN_CREATED, 'authn_token_created', true, 'authn', 'INFO', ['event', 'iam', 'creation', 'success'], ocsf(3001, 99, 3007, 18),
    ['secmon.token.id_hash', 'user.roles'], 'An API token was created.'),
  def(E.AUTHN_TOKEN_REVOKED, 'authn_token_revoked', true, 'authn', 'INFO', ['event', 'iam', 'change', 'success'], ocsf(3001, 99, 3007, 19),
    ['secmon.token.id_hash'], 'An API token was revoked.'),
  def(E.AUTHN_TOKEN_REUSE, 'authn_token_reuse', true, 'authn', 'CRITICAL', ['event', 'authentication', 'start', 'failure'], ocsf(3002, 1),
    ['secmon.token.id_hash', 'error.type'], 'A revoked token was used again.'),
  def(E.AUTHN_TOKEN_DELETE, 'authn_token_delete', true, 'authn', 'WARN', ['event', 'iam', 'deletion', 'success'], ocsf(3001, 99, 3007, 19),
    ['secmon.token.id_hash'], 'An API token was deleted.'),

  // 6.2 Authorization, privilege and admin
  def(E.AUTHZ_FAIL, 'authz_fail', true, 'authz', 'CRITICAL', ['event', 'api', 'access,denied', 'failure'], ocsf(6003, 99),
    ['error.type', 'secmon.resource.type', 'secmon.resource.id', 'http.route', 'http.response.status_code'], 'Access to a resource was denied.'),
  def(E.AUTHZ_CHANGE, 'authz_change', true, 'authz', 'WARN', ['event', 'iam', 'user,change', 'success'], ocsf(3005, 1, 3007, 14),
    ['user.target.id', 'user.target.roles', 'user.changes.roles'], "A user's roles were changed."),
  def(E.AUTHZ_ADMIN, 'authz_admin', true, 'authz', 'WARN', ['event', 'api', 'admin', 'success'], ocsf(6003, 99),
    ['user.roles', 'secmon.resource.type', 'secmon.resource.id', 'http.route'], 'An administrative action was performed.'),
  def(E.PRIVILEGE_PERMISSIONS_CHANGED, 'privilege_permissions_changed', true, 'privilege', 'WARN', ['event', 'iam', 'change', 'success'], ocsf(3004, 3),
    ['secmon.resource.type', 'secmon.resource.id', 'secmon.permission.previous', 'secmon.permission.current'], "An object's permissions were changed."),

  // 6.3 Session
  def(E.SESSION_CREATED, 'session_created', true, 'session', 'INFO', ['event', 'session', 'start', 'success'], ocsf(3002, 1),
    ['session.id'], 'A session was created.'),
  def(E.SESSION_RENEWED, 'session_renewed', true, 'session', 'INFO', ['event', 'session', 'info', 'success'], ocsf(3002, 99),
    ['session.id', 'session.previous_id'], 'A session was renewed.'),
  def(E.SESSION_EXPIRED, 'session_expired', true, 'session', 'INFO', ['event', 'session', 'end', 'success'], ocsf(3002, 2),
    ['session.id', 'event.reason'], 'A session expired (logout, timeout or revoked).'),
  def(E.SESSION_LOGOUT, 'session_logout', true, 'session', 'INFO', ['event', 'authentication,session', 'end', 'success'], ocsf(3002, 2),
    ['session.id'], 'A user logged out.'),
  def(E.SESSION_USE_AFTER_EXPIRE, 'session_use_after_expire', true, 'session', 'CRITICAL', ['event', 'authentication,session', 'start', 'failure'], ocsf(3002, 1),
    ['session.id', 'error.type'], 'An expired session was used.'),
  def(E.EXCESS_SESSIONS_EXCEEDED, 'excess_sessions_exceeded', true, 'excess', 'WARN', ['event', 'session', 'start', 'failure'], ocsf(3002, 1),
    ['secmon.limit.max'], 'A user exceeded the number of concurrent sessions.'),

  // 6.4 Input, abuse and malicious behaviour
  def(E.INPUT_VALIDATION_FAIL, 'input_validation_fail', true, 'input', 'WARN', ['event', 'web', 'error', 'failure'], ocsf(6003, 99),
    ['secmon.input.fields', 'error.type', 'http.route'], 'Input failed server-side validation.'),
  def(E.INPUT_VALIDATION_DISCRETE_FAIL, 'input_validation_discrete_fail', true, 'input', 'WARN', ['event', 'intrusion_detection', 'denied', 'failure'], ocsf(6003, 99),
    ['secmon.input.fields', 'error.type'], 'Input outside a discrete set of allowed values (tampering).'),
  def(E.EXCESS_RATE_LIMIT_EXCEEDED, 'excess_rate_limit_exceeded', true, 'excess', 'WARN', ['event', 'api', 'denied', 'failure'], ocsf(6003, 99),
    ['secmon.limit.max', 'secmon.limit.window_ms', 'error.type'], 'A rate limit was exceeded.'),
  def(E.MALICIOUS_EXCESS_404, 'malicious_excess_404', true, 'malicious', 'WARN', ['alert', 'intrusion_detection', 'info', 'unknown'], ocsf(2004, 1),
    ['url.path', 'user_agent.original'], 'A client requested many missing resources (forced browsing).'),
  def(E.MALICIOUS_EXTRANEOUS, 'malicious_extraneous', true, 'malicious', 'CRITICAL', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['secmon.input.fields'], 'Unexpected input fields were submitted.'),
  def(E.MALICIOUS_ATTACK_TOOL, 'malicious_attack_tool', true, 'malicious', 'CRITICAL', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['security_rule.name', 'user_agent.original'], 'An attack tool was detected.'),
  def(E.MALICIOUS_SQLI, 'malicious_sqli', true, 'malicious', 'CRITICAL', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['secmon.input.fields', 'security_rule.uuid', 'security_rule.name'], 'A SQL injection attempt was detected.'),
  def(E.MALICIOUS_CORS, 'malicious_cors', true, 'malicious', 'CRITICAL', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['http.request.header.origin', 'http.request.header.referer'], 'A request from a disallowed origin was refused.'),
  def(E.MALICIOUS_DIRECT_REFERENCE, 'malicious_direct_reference', true, 'malicious', 'CRITICAL', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['secmon.resource.type', 'secmon.resource.id'], 'An insecure direct object reference was attempted.'),
  def(E.MALICIOUS_CSRF, 'malicious_csrf', true, 'malicious', 'WARN', ['alert', 'intrusion_detection', 'denied', 'failure'], ocsf(2004, 1),
    ['http.route'], 'A request failed CSRF validation.'),
  def(E.MALICIOUS_CSP_VIOLATION, 'malicious_csp_violation', true, 'malicious', 'WARN', ['event', 'intrusion_detection', 'info', 'unknown'], ocsf(2004, 1),
    ['secmon.csp.directive', 'url.full'], 'A Content-Security-Policy violation was reported.'),
  def(E.SEQUENCE_FAIL, 'sequence_fail', true, 'sequence', 'CRITICAL', ['event', 'api', 'denied', 'failure'], ocsf(6003, 99),
    ['http.route', 'secmon.resource.type', 'secmon.resource.id'], 'A business-logic sequence was bypassed.'),

  // 6.5 Data, files and crypto
  def(E.SENSITIVE_CREATE, 'sensitive_create', true, 'sensitive', 'WARN', ['event', 'database', 'creation', 'success'], ocsf(6005, 6),
    ['secmon.resource.type', 'secmon.resource.id', 'db.namespace', 'db.collection.name', 'db.operation.name', 'file.path'], 'Sensitive data was created.'),
  def(E.SENSITIVE_READ, 'sensitive_read', true, 'sensitive', 'WARN', ['event', 'database', 'access', 'success'], ocsf(6005, 1),
    ['secmon.resource.type', 'secmon.resource.id', 'db.namespace', 'db.collection.name', 'db.operation.name', 'file.path'], 'Sensitive data was read.'),
  def(E.SENSITIVE_UPDATE, 'sensitive_update', true, 'sensitive', 'WARN', ['event', 'database', 'change', 'success'], ocsf(6005, 2),
    ['secmon.resource.type', 'secmon.resource.id', 'db.namespace', 'db.collection.name', 'db.operation.name', 'file.path'], 'Sensitive data was updated.'),
  def(E.SENSITIVE_DELETE, 'sensitive_delete', true, 'sensitive', 'WARN', ['event', 'database', 'deletion', 'success'], ocsf(6005, 7),
    ['secmon.resource.type', 'secmon.resource.id', 'db.namespace', 'db.collection.name', 'db.operation.name', 'file.path'], 'Sensitive data was deleted.'),
  def(E.UPLOAD_COMPLETE, 'upload_complete', true, 'upload', 'INFO', ['event', 'file', 'creation', 'success'], ocsf(6006, 1),
    ['file.name', 'file.size', 'file.mime_type'], 'A file upload completed.'),
  def(E.UPLOAD_STORED, 'upload_stored', true, 'upload', 'INFO', ['event', 'file', 'change', 'success'], ocsf(6006, 7),
    ['file.path', 'secmon.resource.id'], 'An uploaded file was stored.'),
  def(E.UPLOAD_VALIDATION, 'upload_validation', true, 'upload', 'INFO', ['event', 'file,malware', 'info', 'success'], ocsf(6006, 17),
    ['secmon.upload.scan_engine', 'secmon.upload.scan_result'], 'An uploaded file was scanned (CRITICAL when it failed).'),
  def(E.UPLOAD_DELETE, 'upload_delete', true, 'upload', 'INFO', ['event', 'file', 'deletion', 'success'], ocsf(6006, 4),
    ['secmon.resource.id'], 'An uploaded file was deleted.'),
  def(E.CRYPT_DECRYPT_FAIL, 'crypt_decrypt_fail', true, 'crypt', 'WARN', ['event', 'api', 'info', 'failure'], ocsf(6005, 10),
    ['error.type'], 'Decryption failed.'),
  def(E.CRYPT_ENCRYPT_FAIL, 'crypt_encrypt_fail', true, 'crypt', 'WARN', ['event', 'api', 'info', 'failure'], ocsf(6005, 9),
    ['error.type'], 'Encryption failed.'),

  // 6.6 System, user management and custom
  def(E.SYS_STARTUP, 'sys_startup', true, 'sys', 'WARN', ['event', 'process', 'start', 'success'], ocsf(6002, 3),
    ['user.id'], 'The application started.'),
  def(E.SYS_SHUTDOWN, 'sys_shutdown', true, 'sys', 'WARN', ['event', 'process', 'end', 'success'], ocsf(6002, 4),
    ['user.id'], 'The application shut down.'),
  def(E.SYS_RESTART, 'sys_restart', true, 'sys', 'WARN', ['event', 'process', 'start', 'success'], ocsf(6002, 5),
    ['user.id'], 'The application restarted.'),
  def(E.SYS_CRASH, 'sys_crash', true, 'sys', 'WARN', ['event', 'process', 'end', 'failure'], ocsf(6002, 4),
    ['error.type', 'exception.type'], 'The application crashed.'),
  def(E.SYS_MONITOR_DISABLED, 'sys_monitor_disabled', true, 'sys', 'WARN', ['event', 'configuration', 'change', 'success'], ocsf(6002, 7),
    ['secmon.monitor.name'], 'A monitoring or logging function was disabled.'),
  def(E.SYS_MONITOR_ENABLED, 'sys_monitor_enabled', true, 'sys', 'WARN', ['event', 'configuration', 'change', 'success'], ocsf(6002, 6),
    ['secmon.monitor.name'], 'A monitoring or logging function was enabled.'),
  def(E.USER_CREATED, 'user_created', true, 'user', 'WARN', ['event', 'iam', 'user,creation', 'success'], ocsf(3001, 1, 3007, 1),
    ['user.target.id', 'user.target.roles'], 'A user account was created.'),
  def(E.USER_UPDATED, 'user_updated', true, 'user', 'WARN', ['event', 'iam', 'user,change', 'success'], ocsf(3001, 99, 3007, 2),
    ['user.target.id', 'user.changes.fields'], 'A user account was updated.'),
  def(E.USER_ARCHIVED, 'user_archived', true, 'user', 'WARN', ['event', 'iam', 'user,change', 'success'], ocsf(3001, 5, 3007, 5),
    ['user.target.id'], 'A user account was archived (disabled).'),
  def(E.USER_DELETED, 'user_deleted', true, 'user', 'WARN', ['event', 'iam', 'user,deletion', 'success'], ocsf(3001, 6, 3007, 3),
    ['user.target.id'], 'A user account was deleted.'),
  def(E.CONFIG_CHANGE, 'config_change', false, 'config', 'WARN', ['event', 'configuration', 'change', 'success'], ocsf(3004, 3),
    ['secmon.config.key', 'secmon.config.secret'], 'A configuration value was changed.'),
  def(E.PAYMENT_FAIL, 'payment_fail', false, 'payment', 'WARN', ['event', 'api', 'creation', 'failure'], ocsf(6003, 1),
    ['error.type', 'secmon.payment.provider'], 'A payment failed (declined, invalid card...).'),
  def(E.SUSPICIOUS_ACTIVITY, 'suspicious_activity', false, 'suspicious', 'WARN', ['event', 'intrusion_detection', 'info', 'unknown'], ocsf(2004, 1),
    ['security_rule.name', 'secmon.resource.type', 'secmon.resource.id'], 'Application-specific suspicious activity.'),
  // Base event of forced-browsing detection (one per 404; the alert comes from a counting rule). [decision]
  def(E.ACCESS_NOT_FOUND, 'access_not_found', false, 'access', 'INFO', ['event', 'web', 'access', 'failure'], ocsf(6003, 2),
    ['url.path', 'http.route', 'http.response.status_code', 'error.type', 'user_agent.original'], 'A request named a resource that does not exist (HTTP 404).'),
]);

const BY_NAME: ReadonlyMap<string, EventDefinition> = new Map(CATALOGUE.map((d) => [d.name, d]));

/** The catalogue entry for an event name, or `undefined` for names outside the catalogue. */
export function getEventDefinition(name: string): EventDefinition | undefined {
  return BY_NAME.get(name);
}
