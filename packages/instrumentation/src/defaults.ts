import type { SecurityEventsOptions } from './types.js';

/**
 * Query parameters whose values are replaced by `REDACTED` (key kept). OTel's default list plus EVENTS.md §8
 * additions; matched case-insensitively (redacting more is the safe side).
 */
export const DEFAULT_SENSITIVE_QUERY_PARAMS: readonly string[] = Object.freeze([
  // OTel semantic conventions (url.query / url.full)
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  // EVENTS.md §8 [decision]
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'code',
  'state',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'key',
  'session',
  'sessionid',
  'session_id',
  'jsessionid',
  'phpsessid',
  'sid',
  'auth',
  'authorization',
]);

/**
 * The fixed development key used when no `pseudonymKey` is given. Pseudonyms made with it are reversible by
 * anyone who reads this file (dictionary attack on logins): never use it in production.
 */
export const DEVELOPMENT_PSEUDONYM_KEY = 'secmon-insecure-development-pseudonym-key-do-not-use-in-production';

type ResolvedDefaults = Required<
  Omit<
    SecurityEventsOptions,
    'loggerProvider' | 'meterProvider' | 'pseudonymKey' | 'environment' | 'customPrefix'
  >
>;

/** Documented defaults of {@link SecurityEventsOptions} (a test asserts each one). */
export const DEFAULT_SECURITY_EVENTS_OPTIONS: Readonly<ResolvedDefaults> = Object.freeze({
  recordUserName: false,
  normalizeLogin: true,
  redact: true,
  sensitiveQueryParams: Object.freeze([]) as readonly string[],
  sensitiveKeys: Object.freeze([]) as readonly (string | RegExp)[],
  redactPatterns: Object.freeze([]) as readonly RegExp[],
  configValueKeys: Object.freeze([]) as readonly string[],
  maxStringLength: 1024,
  maxUserAgentLength: 512,
  maxArrayLength: 32,
  maxAttributeDepth: 3,
  maxAttributeKeys: 32,
  truncateClientAddress: false,
  recordCounts: true,
  pseudonymCacheSize: 4096,
});
