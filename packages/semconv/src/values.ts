/** Values of enumerated attributes. Untrusted input never becomes one of these: they come from fixed lists. */

/** `error.type` values for security failures (snake_case, low cardinality; EVENTS.md §5). */
export const ERROR_TYPES = [
  'invalid_credentials',
  'account_locked',
  'account_disabled',
  'user_not_found',
  'mfa_failed',
  'password_expired',
  'password_policy',
  'token_revoked',
  'token_expired',
  'token_invalid',
  'session_expired',
  'forbidden',
  'unauthenticated',
  'rate_limited',
  'validation_failed',
  'not_found',
  'card_declined',
  'insufficient_funds',
  'invalid_card',
  'expired_card',
  'fraud_suspected',
  'processing_error',
  'decryption_failed',
  'encryption_failed',
  'blocked',
  'other',
] as const;

/** A known `error.type` value. */
export type ErrorType = (typeof ERROR_TYPES)[number];

/** `secmon.authn.method` values. */
export const AUTHN_METHODS = [
  'password',
  'oidc',
  'saml',
  'webauthn',
  'api_key',
  'magic_link',
  'otp',
  'certificate',
  'other',
] as const;

/** A known authentication method. */
export type AuthnMethod = (typeof AUTHN_METHODS)[number];

/** OTel SeverityNumber per OWASP level (EVENTS.md §5, severity map). */
export const SEVERITY_NUMBER = { INFO: 9, WARN: 13, CRITICAL: 17 } as const;

/** OCSF `severity_id` values. Alerts default to HIGH (4); broad-scope rules use CRITICAL (5). */
export const OCSF_SEVERITY = {
  UNKNOWN: 0,
  INFORMATIONAL: 1,
  LOW: 2,
  MEDIUM: 3,
  HIGH: 4,
  CRITICAL: 5,
  FATAL: 6,
} as const;

/** Rule severity names, as written in rule files. */
export type AlertSeverity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** OCSF severity_id of each rule severity. */
export const ALERT_SEVERITY_TO_OCSF: Readonly<Record<AlertSeverity, number>> = Object.freeze({
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
});

/**
 * OTel SeverityNumber of the `secmon.alert` log record for each rule severity: always >= 17 (ERROR),
 * as EVENTS.md §7 requires, rising with the rule's severity.
 */
export const ALERT_SEVERITY_TO_SEVERITY_NUMBER: Readonly<Record<AlertSeverity, number>> = Object.freeze({
  informational: 17,
  low: 17,
  medium: 18,
  high: 19,
  critical: 21,
});

/** OCSF severity_id of each OWASP level (EVENTS.md §5). */
export const OWASP_LEVEL_TO_OCSF_SEVERITY = { INFO: 1, WARN: 2, CRITICAL: 4 } as const;

/** OCSF `category_uid` of a class: the class uid's thousands digit. */
export function ocsfCategoryUid(classUid: number): number {
  return Math.floor(classUid / 1000);
}

/** OCSF `type_uid` = class_uid * 100 + activity_id. */
export function ocsfTypeUid(classUid: number, activityId: number): number {
  return classUid * 100 + activityId;
}

/** OCSF `status_id` from an ECS outcome: 1 Success, 2 Failure, 0 Unknown. */
export function ocsfStatusId(outcome: string): number {
  return outcome === 'success' ? 1 : outcome === 'failure' ? 2 : 0;
}
