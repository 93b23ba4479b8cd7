// Public option and field interfaces of @secmon/instrumentation (STYLE.md rules 1 and 5).
import type { Context, LoggerProvider, MeterProvider } from '@opentelemetry/api';
import type { AuthnMethod, ErrorType } from '@secmon/semconv';

/** ECS `event.outcome`. */
export type EventOutcome = 'success' | 'failure' | 'unknown';

/** OWASP level of a custom event: INFO → SeverityNumber 9, WARN → 13, CRITICAL → 17 (ERROR). */
export type SecurityLevel = 'INFO' | 'WARN' | 'CRITICAL';

/**
 * Fields every security event accepts. All are optional; the request context (Express middleware or
 * {@link runWithSecurityContext}) fills client, user agent, route, path and the authenticated user, and
 * fields given here override it. Every string is untrusted: it is sanitised, redacted and length-capped.
 */
export interface SecurityEventFields {
  /**
   * The login string the user typed (name or email), even for unknown accounts. Becomes `user.hash`, a keyed
   * HMAC-SHA256 pseudonym of the normalised string (trimmed, lower-cased), so rules can count distinct users
   * without logging them; `user.name` too only when `recordUserName` is on.
   */
  login?: string;
  /** Stable internal id of the account (`user.id`): only when the account exists, from server-side state. */
  userId?: string;
  /** Whether the account named by `login` exists (`secmon.user.exists`). */
  userExists?: boolean;
  /** Roles of the actor at event time (`user.roles`). */
  userRoles?: readonly string[];
  /** Failure class (`error.type`, snake_case, e.g. `invalid_credentials`) on failure events; `event.reason` otherwise. */
  reason?: ErrorType | (string & {});
  /** Client IP (`client.address`); must parse as an IP address. Default: the request context. */
  clientAddress?: string;
  /** Client port (`client.port`). */
  clientPort?: number;
  /** `user_agent.original` (capped at `maxUserAgentLength`). */
  userAgent?: string;
  /** `http.request.method`; unknown methods become `_OTHER`. */
  httpMethod?: string;
  /** Low-cardinality route template (`http.route`), e.g. `/orders/:id`. */
  route?: string;
  /** `url.path`; anything from `?` on is dropped. */
  urlPath?: string;
  /** A full URL (`url.full`), credentials and sensitive query parameters redacted. */
  url?: string;
  /** `http.response.status_code`. */
  statusCode?: number;
  /** The server-side session id; only its keyed HMAC leaves the process (`session.id`). */
  sessionId?: string;
  /** Time of occurrence (epoch milliseconds or Date); default now. */
  timestamp?: number | Date;
  /**
   * Extra attributes. Default-deny (EVENTS.md §8): keys must start with the configured `customPrefix`;
   * secret-looking keys keep their key with the value `REDACTED`; values are sanitised recursively
   * (depth, key and array caps).
   */
  attributes?: Readonly<Record<string, unknown>>;
  /** OTel context whose span ids the record carries; default the active context. */
  context?: Context;
}

/** The user acted upon (ECS `user.target.*`), as opposed to the actor (`user.*`). */
export interface TargetUserFields {
  /** `user.target.id`. */
  targetUserId?: string;
  /** The target's login string: `user.target.hash` (and `user.target.name` when `recordUserName`). */
  targetLogin?: string;
  /** `user.target.roles`: the target's roles (before the change, for `authz.change`). */
  targetRoles?: readonly string[];
}

/** The object of the event (`secmon.resource.*`). */
export interface ResourceFields {
  resourceType?: string;
  resourceId?: string;
  resourceName?: string;
}

/** Login events. */
export interface AuthnFields extends SecurityEventFields {
  /** `secmon.authn.method`: password, oidc, saml, webauthn, api_key, magic_link, otp, certificate, other. */
  method?: AuthnMethod | (string & {});
  /** `secmon.authn.mfa`. */
  mfa?: boolean;
  /** `secmon.authn.failed_attempts`. */
  failedAttempts?: number;
  /** `secmon.limit.max`: the failed-attempt limit. */
  maxAttempts?: number;
}

/** API token events: the token id is hashed (`secmon.token.id_hash`), the token itself is never accepted. */
export interface TokenFields extends SecurityEventFields {
  /** An identifier of the token (not the token): only its keyed HMAC is logged. */
  tokenId?: string;
}

/** `authn.impossibleTravel`. */
export interface ImpossibleTravelFields extends SecurityEventFields {
  previousRegion?: string;
  currentRegion?: string;
  /** `geo.country.iso_code` of the current location. */
  countryIsoCode?: string;
}

/** Session events. */
export interface SessionFields extends SecurityEventFields {
  /** The previous server-side session id (`session.previous_id`, hashed) for renewals. */
  previousSessionId?: string;
  /** `secmon.limit.max` for `excess.sessionsExceeded`. */
  maxSessions?: number;
}

/** `authz.admin`. */
export interface AdminFields extends SecurityEventFields, ResourceFields {
  /** Adds to `event.type` (`admin` plus this). */
  adminAction?: 'creation' | 'change' | 'deletion' | 'access';
  /** Default success. */
  outcome?: 'success' | 'failure';
}

/** `authz.change`. */
export interface RoleChangeFields extends SecurityEventFields, TargetUserFields {
  /** The roles after the change (`user.changes.roles`); `targetRoles` holds those before. */
  newRoles?: readonly string[];
}

/** `privilege.permissionsChanged`. */
export interface PermissionFields extends SecurityEventFields, ResourceFields {
  previousPermissions?: readonly string[];
  currentPermissions?: readonly string[];
}

/** Input validation and extraneous-field events: field **names**, never values. */
export interface InputFields extends SecurityEventFields {
  /** `secmon.input.fields`. */
  fields?: readonly string[];
}

/** `excess.rateLimitExceeded`. */
export interface RateLimitFields extends SecurityEventFields {
  /** `secmon.limit.max`. */
  limit?: number;
  /** `secmon.limit.window_ms`. */
  windowMs?: number;
}

/** Detections that name a signature or rule. */
export interface DetectionFields extends SecurityEventFields, ResourceFields {
  /** `security_rule.name`: the signature, detector or tool name. */
  ruleName?: string;
  /** `security_rule.uuid`. */
  ruleId?: string;
  /** `secmon.input.fields`: the parameter names involved. */
  fields?: readonly string[];
}

/** `malicious.cors`. */
export interface CorsFields extends SecurityEventFields {
  /** `http.request.header.origin`. */
  origin?: string;
  /** `http.request.header.referer` (query secrets redacted). */
  referer?: string;
}

/** `malicious.cspViolation`. */
export interface CspFields extends SecurityEventFields {
  /** `secmon.csp.directive`, e.g. `script-src`. */
  cspDirective?: string;
  /** The blocked URI, logged as redacted `url.full`. */
  blockedUri?: string;
}

/** `sensitive.*`: where the data lives, never the data. */
export interface DataAccessFields extends SecurityEventFields, ResourceFields {
  dbNamespace?: string;
  dbCollection?: string;
  dbOperation?: string;
  filePath?: string;
}

/** Upload events. */
export interface UploadFields extends SecurityEventFields, ResourceFields {
  fileName?: string;
  /** Bytes. */
  fileSize?: number;
  mimeType?: string;
  /** Where the file was stored (`file.path`). */
  filePath?: string;
  scanEngine?: string;
  /** `failed` makes `upload.validation` CRITICAL (17) with outcome failure; `incomplete` outcome unknown. */
  scanResult?: 'passed' | 'failed' | 'incomplete';
}

/** System events. */
export interface SystemFields extends SecurityEventFields {
  /** `exception.type` for `sys.crash`. */
  exceptionType?: string;
  /** `secmon.monitor.name` for `sys.monitorDisabled/Enabled`. */
  monitorName?: string;
}

/** User management events. */
export interface UserManagementFields extends SecurityEventFields, TargetUserFields {
  /** `user.changes.fields`: names of the changed account fields, not their values. */
  changedFields?: readonly string[];
}

/** `config.change`. */
export interface ConfigChangeFields extends SecurityEventFields {
  /** `secmon.config.key`. */
  key?: string;
  /** `secmon.config.secret`: true for secrets; their values are never logged. */
  secret?: boolean;
  /** Logged only when `key` is in `configValueKeys`, `secret` is not true and the key does not look secret. */
  previousValue?: unknown;
  newValue?: unknown;
}

/** `payment.fail`: never PAN, CVV or expiry (they are redacted anyway if passed anywhere). */
export interface PaymentFields extends SecurityEventFields {
  /** `secmon.payment.provider`. */
  provider?: string;
  /** `secmon.payment.amount`, in the currency's major unit or cents as the app chooses. */
  amount?: number;
  /** `secmon.payment.currency`, ISO 4217. */
  currency?: string;
}

/** `custom(name, fields)`: the envelope fields a catalogue event takes from the catalogue. */
export interface CustomEventFields extends AuthnFields, DetectionFields, TargetUserFields {
  /** Default WARN. */
  level?: SecurityLevel;
  /** `event.action`; default the name with `.` replaced by `_`. Lower snake case. */
  action?: string;
  /** `event.kind`; default `event`. */
  kind?: 'event' | 'alert';
  /** `event.category`; default `['api']`. ECS category names. */
  category?: readonly string[];
  /** `event.type`; default `['info']`. */
  type?: readonly string[];
  /** `event.outcome`; default `unknown`. */
  outcome?: EventOutcome;
}

/** The authenticated user of a request, from server-side state (never from client-supplied fields). */
export interface RequestUser {
  /** `user.id`. */
  id?: string;
  /** Login string: `user.hash` (and `user.name` when `recordUserName`). */
  login?: string;
  /** `user.roles`. */
  roles?: readonly string[];
}

/**
 * What the request context holds. Raw values: they are sanitised when an event is emitted (static ones once
 * per request).
 */
export interface SecurityRequestContext {
  clientAddress?: string;
  clientPort?: number;
  userAgent?: string;
  method?: string;
  route?: string;
  urlPath?: string;
  /** Raw server-side session id (hashed into `session.id`). */
  sessionId?: string;
  user?: RequestUser;
}

/** Options of {@link SecurityEvents}. Every field is optional; defaults in `DEFAULT_SECURITY_EVENTS_OPTIONS`. */
export interface SecurityEventsOptions {
  /** Where records go. Default: the global `LoggerProvider` of `@opentelemetry/api` (`logs.getLogger`). */
  loggerProvider?: LoggerProvider;
  /** Where self-metrics go. Default: the global `MeterProvider` (`metrics.getMeter`); no-op if none. */
  meterProvider?: MeterProvider;
  /**
   * Key of the HMAC-SHA256 pseudonyms (`user.hash`, `session.id`, `secmon.token.id_hash`). Use a managed
   * secret of at least 32 bytes, the same on every instance. Default: a fixed development key, with a
   * one-time `diag.warn` (a loud `diag.error` when `environment` is `production`).
   */
  pseudonymKey?: string | Uint8Array;
  /**
   * Deployment environment name (e.g. `process.env.NODE_ENV`, read by your bootstrap: the library never reads
   * the environment). Only used to make the default-key warning loud in `production`. Default undefined.
   */
  environment?: string;
  /** Also log the login string as `user.name` / `user.target.name` (PII, opt-in). Default false. */
  recordUserName?: boolean;
  /** Trim and lower-case (and NFC-normalise non-ASCII) login strings before hashing. Default true. */
  normalizeLogin?: boolean;
  /** Redact secrets (CWE-532). Default true. Sanitising (CWE-117) cannot be turned off. */
  redact?: boolean;
  /** Query parameters whose values are redacted, in addition to the built-in list. Default []. */
  sensitiveQueryParams?: readonly string[];
  /** Attribute keys treated as secrets, in addition to the built-in patterns. Default []. */
  sensitiveKeys?: readonly (string | RegExp)[];
  /** Extra value patterns replaced by `REDACTED` in every string. Default []. */
  redactPatterns?: readonly RegExp[];
  /** Config keys whose previous/new values may be logged (`secmon.config.*_value`). Default [] (never). */
  configValueKeys?: readonly string[];
  /** Cap on any string attribute, in UTF-16 code units. Default 1024. */
  maxStringLength?: number;
  /** Cap on `user_agent.original`. Default 512. */
  maxUserAgentLength?: number;
  /** Cap on array attributes (roles, fields...), in items. Default 32. */
  maxArrayLength?: number;
  /** Nesting depth of extra attribute objects. Default 3. */
  maxAttributeDepth?: number;
  /** Keys per extra attribute object (and extra attributes per event). Default 32. */
  maxAttributeKeys?: number;
  /** Truncate `client.address` (last IPv4 octet, last 80 IPv6 bits). Default false. */
  truncateClientAddress?: boolean;
  /**
   * The application's own prefix (e.g. `shop.`), required for `custom()` event names and extra attribute
   * keys (default-deny). Must not be `secmon.` or an OTel/ECS namespace. Default undefined (custom events
   * and extra attributes are refused, with a one-time diag warning).
   */
  customPrefix?: string;
  /** Add `secmon.sanitized_count` / `secmon.redacted_count` to records where something was changed. Default true. */
  recordCounts?: boolean;
  /** Entries of the pseudonym cache (0 disables it). Default 4096. */
  pseudonymCacheSize?: number;
}
