import { context as otelContext, diag, logs } from '@opentelemetry/api';
import type { AnyValue, Context, Logger } from '@opentelemetry/api';
import { EVENTS } from '@secmon/semconv';
import type { SecurityEventName } from '@secmon/semconv';
import {
  DEFAULT_SECURITY_EVENTS_OPTIONS,
  DEFAULT_SENSITIVE_QUERY_PARAMS,
  DEVELOPMENT_PSEUDONYM_KEY,
} from './defaults.js';
import type {
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
import {
  COMPILED_EVENTS,
  LEVEL_SEVERITY,
  SLOT_NAMES,
  compiled,
  severityText,
} from './internal/compiledEvents.js';
import type { CompiledEvent } from './internal/compiledEvents.js';
import { normalizeIp, truncateIp } from './internal/ip.js';
import { Pseudonymizer } from './internal/Pseudonymizer.js';
import type { PseudonymKind } from './internal/Pseudonymizer.js';
import { requestStorage } from './internal/RequestState.js';
import type { RequestState } from './internal/RequestState.js';
import { REDACTED, REDACT_REASONS, SANITIZE_REASONS, Scrubber } from './internal/Scrubber.js';
import { DROP_REASONS, SelfMetrics } from './internal/SelfMetrics.js';
import { ulid } from './internal/ulid.js';
import { WarnOnce } from './internal/WarnOnce.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
import type { CustomEventFields, RequestUser, SecurityEventsOptions } from './types.js';

/** What {@link SecurityEvents.getStats} reports: the same numbers as the self-metrics. */
export interface SecurityEventsStats {
  /** Records emitted, by event name. */
  emitted: Record<string, number>;
  /** Events not emitted, by reason (`invalid_name`, `internal_error`). */
  dropped: Record<string, number>;
  /** Values neutralised, by reason (`control_chars`, `invalid_unicode`, `truncated`, `coerced`, `invalid_type`). */
  sanitized: Record<string, number>;
  /** Values redacted, by reason (`secret_key`, `card_number`, `auth_scheme`, `jwt`, `api_key`, ...). */
  redacted: Record<string, number>;
}

type Attrs = Record<string, AnyValue>;
type AllFields = CustomEventFields & Record<string, unknown>;

// Per-attribute caps below the global maxStringLength: identifiers and names are short by nature.
const ID_MAX = 256;
const NAME_MAX = 256;
const TOKEN_MAX = 64;
const SHORT_MAX = 64;
const KEY_MAX = 128;
/** Input bound before hashing a login or session id (the hash input is never logged). */
const HASH_INPUT_MAX = 1024;

const HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);
const OUTCOMES: ReadonlySet<string> = new Set(['success', 'failure', 'unknown']);
const ADMIN_TYPES: Readonly<Record<string, readonly string[]>> = {
  creation: Object.freeze(['admin', 'creation']),
  change: Object.freeze(['admin', 'change']),
  deletion: Object.freeze(['admin', 'deletion']),
  access: Object.freeze(['admin', 'access']),
};
const SCAN_RESULTS: ReadonlySet<string> = new Set(['passed', 'failed', 'incomplete']);
const TOKEN_RE = /^[a-z][a-z0-9_]*$/;
const EVENT_NAME_RE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;
const PREFIX_RE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\.$/;
const ATTRIBUTE_KEY_RE = /^[A-Za-z_][\w.-]{0,127}$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NON_ASCII = /[^\u0000-\u007f]/;
/**
 * Namespaces whose keys we set from typed fields only: an extra attribute must never forge the actor,
 * the client, the outcome or our own counters (EVENTS.md §8 "Identity integrity"), nor squat OTel/ECS names.
 */
const RESERVED_PREFIXES: readonly string[] = [
  'secmon.',
  'event.',
  'log.',
  'user.',
  'session.',
  'client.',
  'server.',
  'network.',
  'http.',
  'url.',
  'user_agent.',
  'error.',
  'exception.',
  'security_rule.',
  'service.',
  'telemetry.',
  'otel.',
  'db.',
  'file.',
  'geo.',
  'security.',
  'app.',
  'ocsf.',
];
const CUSTOM_DEFAULT_CATEGORY: readonly string[] = Object.freeze(['api']);
const CUSTOM_DEFAULT_TYPE: readonly string[] = Object.freeze(['info']);
const MAX_CUSTOM_COMPILED = 1024;
const TOKEN_CACHE_MAX = 1024;

const textDecoder = new TextDecoder('utf-8', { fatal: false });
let developmentKeyWarned = false;

/**
 * Records security events as OpenTelemetry log records (EVENTS.md): one record per call, through the Logs API
 * of `@opentelemetry/api`, with the catalogue's EventName, severity and ECS fields, a ULID `log.record.uid`,
 * the active trace context, and the request context. Every untrusted string is sanitised (CWE-117) and
 * redacted (CWE-532); identifiers that must correlate become keyed HMAC pseudonyms.
 *
 * Never throws and never blocks: misuse and internal failures go to OTel `diag` and the self-metrics. When
 * no LoggerProvider is registered (or the logger is disabled) a call returns after one `enabled()` check.
 *
 * @example
 * const security = new SecurityEvents({ pseudonymKey: process.env.SECMON_PSEUDONYM_KEY, environment: process.env.NODE_ENV });
 * security.authn.loginFail({ login: 'alice', userExists: true, userId: 'u-42', reason: 'invalid_credentials' });
 */
export class SecurityEvents {
  readonly authn: AuthnEvents;
  readonly session: SessionEvents;
  readonly authz: AuthzEvents;
  readonly privilege: PrivilegeEvents;
  readonly input: InputEvents;
  readonly excess: ExcessEvents;
  readonly malicious: MaliciousEvents;
  readonly sequence: SequenceEvents;
  readonly sensitive: SensitiveEvents;
  readonly upload: UploadEvents;
  readonly crypt: CryptEvents;
  readonly sys: SysEvents;
  readonly user: UserEvents;
  readonly config: ConfigEvents;
  readonly payment: PaymentEvents;
  readonly suspicious: SuspiciousEvents;
  readonly access: AccessEvents;

  private readonly _logger: Logger;
  private readonly _scrubber: Scrubber;
  private readonly _pseudonyms: Pseudonymizer;
  private readonly _metrics: SelfMetrics;
  private readonly _warn = new WarnOnce();
  private readonly _recordUserName: boolean;
  private readonly _normalizeLogin: boolean;
  private readonly _maxString: number;
  private readonly _maxUserAgent: number;
  private readonly _maxArray: number;
  private readonly _maxDepth: number;
  private readonly _maxKeys: number;
  private readonly _truncateIp: boolean;
  private readonly _customPrefix: string | undefined;
  private readonly _recordCounts: boolean;
  private readonly _configValueKeys: ReadonlySet<string>;
  private readonly _customEvents = new Map<string, CompiledEvent>();
  /** Strings already known to be valid tokens (bounded; only clean values are cached, so no count is skipped). */
  private readonly _tokens = new Map<string, string>();

  constructor(options: SecurityEventsOptions = {}) {
    const d = DEFAULT_SECURITY_EVENTS_OPTIONS;
    this._logger = (options.loggerProvider ?? logs).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
    this._recordUserName = options.recordUserName ?? d.recordUserName;
    this._normalizeLogin = options.normalizeLogin ?? d.normalizeLogin;
    this._maxString = clamp('maxStringLength', options.maxStringLength ?? d.maxStringLength, 16, 65_536);
    this._maxUserAgent = clamp(
      'maxUserAgentLength',
      options.maxUserAgentLength ?? d.maxUserAgentLength,
      16,
      65_536,
    );
    this._maxArray = clamp('maxArrayLength', options.maxArrayLength ?? d.maxArrayLength, 1, 1024);
    this._maxDepth = clamp('maxAttributeDepth', options.maxAttributeDepth ?? d.maxAttributeDepth, 0, 16);
    this._maxKeys = clamp('maxAttributeKeys', options.maxAttributeKeys ?? d.maxAttributeKeys, 1, 1024);
    this._truncateIp = options.truncateClientAddress ?? d.truncateClientAddress;
    this._recordCounts = options.recordCounts ?? d.recordCounts;
    this._configValueKeys = new Set(options.configValueKeys ?? d.configValueKeys);

    const prefix = options.customPrefix;
    if (prefix !== undefined && (!PREFIX_RE.test(prefix) || RESERVED_PREFIXES.includes(prefix))) {
      diag.warn(
        `secmon-instrumentation: invalid customPrefix '${String(prefix).slice(0, 64)}' (want e.g. 'shop.', not a ` +
          'reserved namespace); custom events and extra attributes are disabled',
      );
      this._customPrefix = undefined;
    } else {
      this._customPrefix = prefix;
    }

    this._scrubber = new Scrubber({
      redact: options.redact ?? d.redact,
      sensitiveQueryParams: [
        ...DEFAULT_SENSITIVE_QUERY_PARAMS,
        ...(options.sensitiveQueryParams ?? d.sensitiveQueryParams),
      ],
      sensitiveKeys: (options.sensitiveKeys ?? d.sensitiveKeys).map((k) =>
        typeof k === 'string' ? new RegExp(`^${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i') : k,
      ),
      redactPatterns: options.redactPatterns ?? d.redactPatterns,
    });

    const key = options.pseudonymKey;
    if (key === undefined || key === DEVELOPMENT_PSEUDONYM_KEY) warnDevelopmentKey(options.environment);
    else if ((typeof key === 'string' ? Buffer.byteLength(key) : key.byteLength) < 32) {
      diag.warn('secmon-instrumentation: pseudonymKey is shorter than 32 bytes; use a long random secret');
    }
    this._pseudonyms = new Pseudonymizer(
      key ?? DEVELOPMENT_PSEUDONYM_KEY,
      clamp('pseudonymCacheSize', options.pseudonymCacheSize ?? d.pseudonymCacheSize, 0, 1_000_000),
    );
    this._metrics = new SelfMetrics(SLOT_NAMES, this._scrubber, options.meterProvider);

    // The method groups are built once here: one arrow per method for the life of the instance, none per call.
    const E = EVENTS;
    const on = (name: string): ((fields?: object) => void) => {
      const ev = compiled(name);
      return (fields?: object) => this._emit(ev, fields, undefined);
    };
    this.authn = {
      loginSuccess: on(E.AUTHN_LOGIN_SUCCESS),
      loginSuccessAfterFail: on(E.AUTHN_LOGIN_SUCCESSAFTERFAIL),
      loginFail: on(E.AUTHN_LOGIN_FAIL),
      loginFailMax: on(E.AUTHN_LOGIN_FAIL_MAX),
      loginLock: on(E.AUTHN_LOGIN_LOCK),
      passwordChange: on(E.AUTHN_PASSWORD_CHANGE),
      passwordChangeFail: on(E.AUTHN_PASSWORD_CHANGE_FAIL),
      impossibleTravel: on(E.AUTHN_IMPOSSIBLE_TRAVEL),
      tokenCreated: on(E.AUTHN_TOKEN_CREATED),
      tokenRevoked: on(E.AUTHN_TOKEN_REVOKED),
      tokenReuse: on(E.AUTHN_TOKEN_REUSE),
      tokenDelete: on(E.AUTHN_TOKEN_DELETE),
    };
    this.session = {
      created: on(E.SESSION_CREATED),
      renewed: on(E.SESSION_RENEWED),
      expired: on(E.SESSION_EXPIRED),
      logout: on(E.SESSION_LOGOUT),
      useAfterExpire: on(E.SESSION_USE_AFTER_EXPIRE),
    };
    this.authz = { fail: on(E.AUTHZ_FAIL), change: on(E.AUTHZ_CHANGE), admin: on(E.AUTHZ_ADMIN) };
    this.privilege = { permissionsChanged: on(E.PRIVILEGE_PERMISSIONS_CHANGED) };
    this.input = {
      validationFail: on(E.INPUT_VALIDATION_FAIL),
      validationDiscreteFail: on(E.INPUT_VALIDATION_DISCRETE_FAIL),
    };
    this.excess = {
      rateLimitExceeded: on(E.EXCESS_RATE_LIMIT_EXCEEDED),
      sessionsExceeded: on(E.EXCESS_SESSIONS_EXCEEDED),
    };
    this.malicious = {
      excess404: on(E.MALICIOUS_EXCESS_404),
      extraneous: on(E.MALICIOUS_EXTRANEOUS),
      attackTool: on(E.MALICIOUS_ATTACK_TOOL),
      sqli: on(E.MALICIOUS_SQLI),
      cors: on(E.MALICIOUS_CORS),
      directReference: on(E.MALICIOUS_DIRECT_REFERENCE),
      csrf: on(E.MALICIOUS_CSRF),
      cspViolation: on(E.MALICIOUS_CSP_VIOLATION),
    };
    this.sequence = { fail: on(E.SEQUENCE_FAIL) };
    this.sensitive = {
      create: on(E.SENSITIVE_CREATE),
      read: on(E.SENSITIVE_READ),
      update: on(E.SENSITIVE_UPDATE),
      delete: on(E.SENSITIVE_DELETE),
    };
    this.upload = {
      complete: on(E.UPLOAD_COMPLETE),
      stored: on(E.UPLOAD_STORED),
      validation: on(E.UPLOAD_VALIDATION),
      delete: on(E.UPLOAD_DELETE),
    };
    this.crypt = { decryptFail: on(E.CRYPT_DECRYPT_FAIL), encryptFail: on(E.CRYPT_ENCRYPT_FAIL) };
    this.sys = {
      startup: on(E.SYS_STARTUP),
      shutdown: on(E.SYS_SHUTDOWN),
      restart: on(E.SYS_RESTART),
      crash: on(E.SYS_CRASH),
      monitorDisabled: on(E.SYS_MONITOR_DISABLED),
      monitorEnabled: on(E.SYS_MONITOR_ENABLED),
    };
    this.user = {
      created: on(E.USER_CREATED),
      updated: on(E.USER_UPDATED),
      archived: on(E.USER_ARCHIVED),
      deleted: on(E.USER_DELETED),
    };
    this.config = { change: on(E.CONFIG_CHANGE) };
    this.payment = { fail: on(E.PAYMENT_FAIL) };
    this.suspicious = { activity: on(E.SUSPICIOUS_ACTIVITY) };
    this.access = { notFound: on(E.ACCESS_NOT_FOUND) };
  }

  /**
   * Emit any catalogue event by name (for replay tools and generic adapters). Names outside the catalogue
   * are refused (diag + `secmon.events.dropped{reason=invalid_name}`); use {@link custom} for your own.
   */
  emit(name: SecurityEventName, fields?: CustomEventFields): void {
    const ev = COMPILED_EVENTS.get(name);
    if (ev === undefined) {
      this._metrics.countDropped('invalid_name');
      this._warn.warn(
        `unknown:${String(name).slice(0, 128)}`,
        `emit(): '${safeName(name)}' is not a catalogue event; dropped`,
      );
      return;
    }
    this._emit(ev, fields, undefined);
  }

  /**
   * Emit an event of the application's own vocabulary, `<customPrefix><name...>` (e.g. `shop.coupon_abuse`).
   * Names must be lower snake case segments joined by dots, start with the configured `customPrefix`, and
   * never use `secmon.`. Invalid names are dropped with a one-time diag warning per name and counted.
   */
  custom(name: string, fields?: CustomEventFields): void {
    try {
      const level = fields?.level ?? 'WARN';
      const ev = this._customEvent(name, level);
      if (ev === undefined) return;
      this._emit(ev, fields, undefined);
    } catch (err) {
      this._internalError(err);
    }
  }

  /**
   * The `user.hash` pseudonym this instance records for a login string (keyed HMAC-SHA256, normalised as the
   * events normalise it), or undefined for a value that is not a usable string. Lets the application act on
   * alerts grouped by `user.hash` (e.g. enforce a `lock_user` block on the account being attacked) without ever
   * logging the login itself. Never throws.
   */
  userHash(login: string): string | undefined {
    try {
      return this._hashLogin(login);
    } catch (e) {
      this._warn.warn('user-hash', `userHash failed: ${String(e)}`);
      return undefined;
    }
  }

  /** Counters behind the self-metrics, for tests and health endpoints. */
  getStats(): SecurityEventsStats {
    const sc = this._scrubber;
    return {
      emitted: this._metrics.emittedByName(),
      dropped: Object.fromEntries(DROP_REASONS.map((r, i) => [r, this._metrics.dropped[i]!])),
      sanitized: Object.fromEntries(SANITIZE_REASONS.map((r, i) => [r, sc.sanitized[i]!])),
      redacted: Object.fromEntries(REDACT_REASONS.map((r, i) => [r, sc.redacted[i]!])),
    };
  }

  /**
   * @internal Used by the Express integration to emit after the response, outside the request's async
   * context: the request state and the OTel context at request entry are passed explicitly.
   */
  _emitForRequest(name: string, fields: object, state: RequestState): void {
    const ev = COMPILED_EVENTS.get(name);
    if (ev !== undefined) this._emit(ev, fields, state);
  }

  // --- the hot path --------------------------------------------------------------------------------------

  private _emit(
    ev: CompiledEvent,
    fields: object | undefined,
    explicitState: RequestState | undefined,
  ): void {
    try {
      // The only work a disabled logger (no provider, or LoggerConfig.enabled false) ever sees.
      if (!this._logger.enabled(ev.enabledOptions)) return;
      this._build(ev, fields, explicitState ?? requestStorage.getStore());
    } catch (err) {
      this._internalError(err);
    }
  }

  private _build(ev: CompiledEvent, rawFields: object | undefined, state: RequestState | undefined): void {
    const sc = this._scrubber;
    sc.recordSanitized = 0;
    sc.recordRedacted = 0;
    const now = Date.now();
    const attrs: Attrs = {
      'event.action': ev.action,
      'event.kind': ev.kind,
      'event.category': ev.category,
      'event.type': ev.type,
      'event.outcome': ev.outcome,
      'log.record.uid': ulid(now),
    };
    if (state !== undefined) {
      this._applyRequestStatic(state, attrs);
      state.flags |= ev.flag;
    }

    let actorSet = false;
    let reason: string | undefined;
    let outcome: string | undefined;
    let timestamp: number | undefined;
    let ctx: Context | undefined;
    let extra: object | undefined;
    let severityNumber = ev.severityNumber;
    let cfgKey: string | undefined;
    let cfgSecret = false;
    let cfgValues = false;
    let cfgPrevious: unknown;
    let cfgNew: unknown;
    const custom = ev.slot < 0;

    if (rawFields !== undefined && rawFields !== null && typeof rawFields === 'object') {
      const f = rawFields as AllFields;
      for (const k in f) {
        const v: unknown = f[k];
        if (v === undefined || v === null) continue;
        switch (k) {
          // actor
          case 'login': {
            const h = this._hashLogin(v);
            if (h !== undefined) {
              attrs['user.hash'] = h;
              actorSet = true;
              if (this._recordUserName) this._setString(attrs, 'user.name', v, NAME_MAX);
            }
            break;
          }
          case 'userId':
            if (this._setString(attrs, 'user.id', v, ID_MAX)) actorSet = true;
            break;
          case 'userExists':
            if (this._setBool(attrs, 'secmon.user.exists', v)) actorSet = true;
            break;
          case 'userRoles':
            this._setArray(attrs, 'user.roles', v, NAME_MAX);
            break;
          case 'reason':
            reason = this._token(v);
            break;
          // request
          case 'clientAddress':
            this._setAddress(attrs, v);
            break;
          case 'clientPort':
            this._setInt(attrs, 'client.port', v, 0, 65_535);
            break;
          case 'userAgent':
            this._setString(attrs, 'user_agent.original', v, this._maxUserAgent);
            break;
          case 'httpMethod':
            this._setMethod(attrs, v);
            break;
          case 'route':
            this._setString(attrs, 'http.route', v, NAME_MAX);
            break;
          case 'urlPath':
            this._setPath(attrs, v);
            break;
          case 'url':
            this._setString(attrs, 'url.full', v, this._maxString);
            break;
          case 'statusCode':
            this._setInt(attrs, 'http.response.status_code', v, 100, 599);
            break;
          case 'sessionId':
            this._setHash(attrs, 'session.id', 'session', v);
            break;
          case 'previousSessionId':
            this._setHash(attrs, 'session.previous_id', 'session', v);
            break;
          case 'timestamp':
            timestamp = this._time(v);
            break;
          case 'attributes':
            extra = typeof v === 'object' ? v : undefined;
            if (extra === undefined) sc.countSanitized('invalid_type');
            break;
          case 'context':
            if (typeof v === 'object' && typeof (v as Context).getValue === 'function') ctx = v as Context;
            break;
          // target user
          case 'targetUserId':
            this._setString(attrs, 'user.target.id', v, ID_MAX);
            break;
          case 'targetLogin': {
            const h = this._hashLogin(v);
            if (h !== undefined) {
              attrs['user.target.hash'] = h;
              if (this._recordUserName) this._setString(attrs, 'user.target.name', v, NAME_MAX);
            }
            break;
          }
          case 'targetRoles':
            this._setArray(attrs, 'user.target.roles', v, NAME_MAX);
            break;
          case 'newRoles':
            this._setArray(attrs, 'user.changes.roles', v, NAME_MAX);
            break;
          // resource
          case 'resourceType':
            this._setString(attrs, 'secmon.resource.type', v, NAME_MAX);
            break;
          case 'resourceId':
            this._setString(attrs, 'secmon.resource.id', v, ID_MAX);
            break;
          case 'resourceName':
            this._setString(attrs, 'secmon.resource.name', v, NAME_MAX);
            break;
          // authn
          case 'method': {
            const t = this._token(v);
            if (t !== undefined) attrs['secmon.authn.method'] = t;
            break;
          }
          case 'mfa':
            this._setBool(attrs, 'secmon.authn.mfa', v);
            break;
          case 'failedAttempts':
            this._setInt(attrs, 'secmon.authn.failed_attempts', v, 0, Number.MAX_SAFE_INTEGER);
            break;
          case 'maxAttempts':
          case 'maxSessions':
          case 'limit':
            this._setInt(attrs, 'secmon.limit.max', v, 0, Number.MAX_SAFE_INTEGER);
            break;
          case 'windowMs':
            this._setInt(attrs, 'secmon.limit.window_ms', v, 0, Number.MAX_SAFE_INTEGER);
            break;
          case 'tokenId':
            this._setHash(attrs, 'secmon.token.id_hash', 'token', v);
            break;
          case 'previousRegion':
            this._setString(attrs, 'secmon.geo.previous_region', v, SHORT_MAX);
            break;
          case 'currentRegion':
            this._setString(attrs, 'secmon.geo.current_region', v, SHORT_MAX);
            break;
          case 'countryIsoCode':
            this._setString(attrs, 'geo.country.iso_code', v, 8);
            break;
          // input and detections
          case 'fields':
            this._setArray(attrs, 'secmon.input.fields', v, SHORT_MAX);
            break;
          case 'ruleName':
            this._setString(attrs, 'security_rule.name', v, NAME_MAX);
            break;
          case 'ruleId':
            this._setString(attrs, 'security_rule.uuid', v, SHORT_MAX);
            break;
          case 'origin':
            this._setString(attrs, 'http.request.header.origin', v, this._maxString);
            break;
          case 'referer':
            this._setString(attrs, 'http.request.header.referer', v, this._maxString);
            break;
          case 'cspDirective':
            this._setString(attrs, 'secmon.csp.directive', v, SHORT_MAX);
            break;
          case 'blockedUri':
            this._setString(attrs, 'url.full', v, this._maxString);
            break;
          // data and files
          case 'dbNamespace':
            this._setString(attrs, 'db.namespace', v, NAME_MAX);
            break;
          case 'dbCollection':
            this._setString(attrs, 'db.collection.name', v, NAME_MAX);
            break;
          case 'dbOperation':
            this._setString(attrs, 'db.operation.name', v, SHORT_MAX);
            break;
          case 'filePath':
            this._setString(attrs, 'file.path', v, this._maxString);
            break;
          case 'fileName':
            this._setString(attrs, 'file.name', v, NAME_MAX);
            break;
          case 'fileSize':
            this._setInt(attrs, 'file.size', v, 0, Number.MAX_SAFE_INTEGER);
            break;
          case 'mimeType':
            this._setString(attrs, 'file.mime_type', v, SHORT_MAX);
            break;
          case 'scanEngine':
            this._setString(attrs, 'secmon.upload.scan_engine', v, SHORT_MAX);
            break;
          case 'scanResult': {
            const r = this._token(v);
            if (r !== undefined && SCAN_RESULTS.has(r)) {
              attrs['secmon.upload.scan_result'] = r;
              if (r === 'failed') {
                outcome = 'failure';
                // EVENTS.md §6.5: upload_validation is INFO, or CRITICAL when the scan failed.
                severityNumber = 17;
              } else if (r === 'incomplete') outcome ??= 'unknown';
            } else this._unknownValue('scanResult');
            break;
          }
          // system, users, config, payment
          case 'exceptionType':
            this._setString(attrs, 'exception.type', v, NAME_MAX);
            break;
          case 'monitorName':
            this._setString(attrs, 'secmon.monitor.name', v, NAME_MAX);
            break;
          case 'changedFields':
            this._setArray(attrs, 'user.changes.fields', v, SHORT_MAX);
            break;
          case 'previousPermissions':
            this._setArray(attrs, 'secmon.permission.previous', v, SHORT_MAX);
            break;
          case 'currentPermissions':
            this._setArray(attrs, 'secmon.permission.current', v, SHORT_MAX);
            break;
          case 'key':
            if (this._setString(attrs, 'secmon.config.key', v, NAME_MAX))
              cfgKey = attrs['secmon.config.key'] as string;
            break;
          case 'secret':
            if (this._setBool(attrs, 'secmon.config.secret', v))
              cfgSecret = attrs['secmon.config.secret'] === true;
            break;
          case 'previousValue':
            cfgPrevious = v;
            cfgValues = true;
            break;
          case 'newValue':
            cfgNew = v;
            cfgValues = true;
            break;
          case 'provider':
            this._setString(attrs, 'secmon.payment.provider', v, SHORT_MAX);
            break;
          case 'amount':
            if (typeof v !== 'number' || !Number.isFinite(v)) this._unknownValue('amount');
            else if (sc.isPanNumber(v)) sc.countRedacted('card_number');
            else attrs['secmon.payment.amount'] = v;
            break;
          case 'currency':
            this._setString(attrs, 'secmon.payment.currency', v, 8);
            break;
          // envelope
          case 'outcome': {
            const o = this._token(v);
            if (o !== undefined && OUTCOMES.has(o)) outcome = o;
            else this._unknownValue('outcome');
            break;
          }
          case 'adminAction': {
            const t = typeof v === 'string' ? ADMIN_TYPES[v] : undefined;
            if (t !== undefined && ev.name === EVENTS.AUTHZ_ADMIN) attrs['event.type'] = t;
            else this._unknownValue('adminAction');
            break;
          }
          case 'level':
            // Read by custom() before the call: the level decides the compiled event (and `enabled()`).
            if (!custom) this._unknownField(k);
            break;
          case 'action':
          case 'kind':
          case 'category':
          case 'type':
            if (custom) this._applyCustomEnvelope(attrs, k, v);
            else this._unknownField(k);
            break;
          default:
            this._unknownField(k);
        }
      }
    } else if (rawFields !== undefined && rawFields !== null) {
      sc.countSanitized('invalid_type');
      this._warn.warn('fields-type', `fields must be an object, got ${typeof rawFields}; ignored`);
    }

    if (state !== undefined) this._applyRequestDynamic(state, attrs, actorSet);

    const effectiveOutcome = outcome ?? ev.outcome;
    if (effectiveOutcome !== ev.outcome) attrs['event.outcome'] = effectiveOutcome;
    if (effectiveOutcome === 'failure') attrs['error.type'] = reason ?? ev.defaultErrorType;
    else if (reason !== undefined) attrs['event.reason'] = reason;

    if (cfgValues) this._applyConfigValues(attrs, cfgKey, cfgSecret, cfgPrevious, cfgNew);
    if (extra !== undefined) this._applyExtra(attrs, extra);

    if (this._recordCounts) {
      if (sc.recordSanitized > 0) attrs['secmon.sanitized_count'] = sc.recordSanitized;
      if (sc.recordRedacted > 0) attrs['secmon.redacted_count'] = sc.recordRedacted;
    }

    this._logger.emit({
      eventName: ev.name,
      severityNumber,
      severityText: severityNumber === ev.severityNumber ? ev.severityText : severityText(severityNumber),
      timestamp: timestamp ?? now,
      context: ctx ?? otelContext.active(),
      attributes: attrs,
    });
    if (custom) this._metrics.countCustom(ev.name);
    else this._metrics.emitted[ev.slot]!++;
  }

  // --- request context -----------------------------------------------------------------------------------

  private _applyRequestStatic(state: RequestState, attrs: Attrs): void {
    let memo = state.memo;
    if (memo === undefined || state.memoOwner !== this) {
      // Once per request: sanitise the values that cannot change while it runs.
      const scratch: Attrs = {};
      const data = state.data;
      if (data.clientAddress !== undefined) this._setAddress(scratch, data.clientAddress);
      if (data.clientPort !== undefined) this._setInt(scratch, 'client.port', data.clientPort, 0, 65_535);
      if (data.userAgent !== undefined)
        this._setString(scratch, 'user_agent.original', data.userAgent, this._maxUserAgent);
      if (data.method !== undefined) this._setMethod(scratch, data.method);
      if (data.urlPath !== undefined) this._setPath(scratch, data.urlPath);
      memo = [];
      for (const k in scratch) memo.push(k, scratch[k] as string | number);
      state.memo = memo;
      state.memoOwner = this;
    }
    for (let i = 0; i < memo.length; i += 2) attrs[memo[i] as string] = memo[i + 1]!;
  }

  private _applyRequestDynamic(state: RequestState, attrs: Attrs, actorSet: boolean): void {
    if (!actorSet) {
      let user: RequestUser | undefined;
      try {
        user = state.userFn !== undefined ? state.userFn() : state.data.user;
      } catch (err) {
        this._warn.warn(
          'getUser',
          `the getUser callback threw (${errorName(err)}); event emitted without the user`,
        );
      }
      if (user !== undefined && user !== null && typeof user === 'object') {
        if (user.id !== undefined) this._setString(attrs, 'user.id', user.id, ID_MAX);
        if (user.login !== undefined) {
          const h = this._hashLogin(user.login);
          if (h !== undefined) {
            attrs['user.hash'] = h;
            if (this._recordUserName) this._setString(attrs, 'user.name', user.login, NAME_MAX);
          }
        }
        if (user.roles !== undefined && attrs['user.roles'] === undefined)
          this._setArray(attrs, 'user.roles', user.roles, NAME_MAX);
      }
    }
    if (attrs['http.route'] === undefined) {
      let route: string | undefined;
      try {
        route = state.routeFn !== undefined ? state.routeFn() : state.data.route;
      } catch {
        route = undefined;
      }
      if (route !== undefined) {
        if (route === state.routeRaw && state.memoOwner === this) attrs['http.route'] = state.routeValue!;
        else {
          const value = this._scrubString(route, NAME_MAX);
          if (value !== undefined) {
            attrs['http.route'] = value;
            // Routes repeat for every event of a request: remember the last one sanitised.
            state.routeRaw = route;
            state.routeValue = value;
          }
        }
      }
    }
    if (attrs['session.id'] === undefined) {
      let sid: string | undefined;
      try {
        sid = state.sessionFn !== undefined ? state.sessionFn() : state.data.sessionId;
      } catch (err) {
        this._warn.warn('getSessionId', `the getSessionId callback threw (${errorName(err)})`);
      }
      if (sid !== undefined) this._setHash(attrs, 'session.id', 'session', sid);
    }
  }

  // --- field helpers (methods, not closures: nothing is allocated per call but the values) -----------------

  /** Coerce an untrusted value expected to be a string; count and drop what cannot be one. */
  private _str(v: unknown): string | undefined {
    if (typeof v === 'string') return v;
    const sc = this._scrubber;
    switch (typeof v) {
      case 'number':
      case 'bigint':
      case 'boolean':
        sc.countSanitized('coerced');
        return String(v);
      case 'object':
        if (v instanceof Uint8Array) {
          // Bytes where text is expected: decode as UTF-8, invalid sequences become U+FFFD.
          sc.countSanitized('coerced');
          return textDecoder.decode(v.subarray(0, HASH_INPUT_MAX * 4));
        }
        break;
      default:
        break;
    }
    sc.countSanitized('invalid_type');
    return undefined;
  }

  private _scrubString(v: unknown, max: number): string | undefined {
    const s = this._str(v);
    return s === undefined ? undefined : this._scrubber.scrub(s, Math.min(max, this._maxString));
  }

  private _setString(attrs: Attrs, key: string, v: unknown, max: number): boolean {
    const s = this._scrubString(v, max);
    if (s === undefined) return false;
    attrs[key] = s;
    return true;
  }

  private _setInt(attrs: Attrs, key: string, v: unknown, min: number, max: number): boolean {
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && /^\d{1,15}$/.test(v)) {
      n = Number(v);
      this._scrubber.countSanitized('coerced');
    } else {
      this._scrubber.countSanitized('invalid_type');
      return false;
    }
    if (!Number.isFinite(n) || n < min || n > max) {
      this._scrubber.countSanitized('invalid_type');
      return false;
    }
    if (this._scrubber.isPanNumber(n)) {
      // A card number passed as a count or size: a number cannot be masked, so it is dropped.
      this._scrubber.countRedacted('card_number');
      return false;
    }
    attrs[key] = Math.trunc(n);
    return true;
  }

  private _setBool(attrs: Attrs, key: string, v: unknown): boolean {
    if (typeof v === 'boolean') {
      attrs[key] = v;
      return true;
    }
    if (v === 'true' || v === 'false') {
      this._scrubber.countSanitized('coerced');
      attrs[key] = v === 'true';
      return true;
    }
    this._scrubber.countSanitized('invalid_type');
    return false;
  }

  private _setArray(attrs: Attrs, key: string, v: unknown, itemMax: number): void {
    const sc = this._scrubber;
    if (typeof v === 'string') {
      attrs[key] = [sc.scrub(v, itemMax)];
      return;
    }
    if (!Array.isArray(v)) {
      sc.countSanitized('invalid_type');
      return;
    }
    const n = Math.min(v.length, this._maxArray);
    if (v.length > n) sc.countSanitized('truncated');
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = this._str(v[i]);
      if (s !== undefined) out.push(sc.scrub(s, itemMax));
    }
    attrs[key] = out;
  }

  /** Enum-like values (error.type, methods, outcomes): lower snake case, never free text. */
  private _token(v: unknown): string | undefined {
    // Fast path: tokens are low-cardinality constants (`invalid_credentials`, `password`...).
    if (typeof v === 'string') {
      const hit = this._tokens.get(v);
      if (hit !== undefined) return hit;
    }
    const raw = this._str(v);
    if (raw === undefined) return undefined;
    const t = this._tokenize(raw);
    if (this._tokens.size < TOKEN_CACHE_MAX && t === raw) this._tokens.set(raw, t);
    return t;
  }

  private _tokenize(raw: string): string {
    // Redact first: a secret can be token-shaped (`sk_live_...`) or embedded (`password=hunter2`).
    const s = this._scrubber.scrub(raw, TOKEN_MAX * 4);
    if (s.length <= TOKEN_MAX && TOKEN_RE.test(s)) return s;
    this._scrubber.countSanitized('coerced');
    const t = s
      .slice(0, TOKEN_MAX)
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .replace(/_+$/, '');
    return t === '' ? 'other' : t;
  }

  private _setMethod(attrs: Attrs, v: unknown): void {
    const s = this._str(v);
    if (s === undefined) return;
    const m = s.length <= 16 ? s.toUpperCase() : '';
    attrs['http.request.method'] = HTTP_METHODS.has(m) ? m : '_OTHER';
  }

  private _setPath(attrs: Attrs, v: unknown): void {
    const s = this._str(v);
    if (s === undefined) return;
    const q = s.indexOf('?');
    // url.path never carries the query (where tokens live); url.query is not recorded at all.
    attrs['url.path'] = this._scrubber.scrub(q >= 0 ? s.slice(0, q) : s, this._maxString);
  }

  private _setAddress(attrs: Attrs, v: unknown): void {
    const s = this._str(v);
    if (s === undefined) return;
    const ip = s.length <= 64 ? normalizeIp(s) : undefined;
    if (ip === undefined) {
      // Rules group by client.address: a non-IP here is spoofed or broken input, never logged as is.
      this._scrubber.countSanitized('invalid_type');
      this._warn.warn('client-address', 'clientAddress is not an IP address; dropped');
      return;
    }
    attrs['client.address'] = this._truncateIp ? truncateIp(ip) : ip;
  }

  private _hashLogin(v: unknown): string | undefined {
    if (typeof v === 'string') {
      // Fast path: the same login string seen recently (normalisation and HMAC both skipped).
      const hit = this._pseudonyms.cached('user', v);
      if (hit !== undefined) return hit;
    }
    const raw = this._str(v);
    if (raw === undefined) return undefined;
    let s = raw.length > HASH_INPUT_MAX ? raw.slice(0, HASH_INPUT_MAX) : raw;
    if (this._normalizeLogin) {
      s = s.trim().toLowerCase();
      if (NON_ASCII.test(s)) s = s.normalize('NFC');
    }
    return this._pseudonyms.hash('user', s, raw.length > HASH_INPUT_MAX ? s : raw);
  }

  private _setHash(attrs: Attrs, key: string, kind: PseudonymKind, v: unknown): void {
    const s = this._str(v);
    if (s === undefined || s === '') return;
    attrs[key] = this._pseudonyms.hash(kind, s.length > HASH_INPUT_MAX ? s.slice(0, HASH_INPUT_MAX) : s);
  }

  private _time(v: unknown): number | undefined {
    const t = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : NaN;
    if (Number.isFinite(t) && t > 0) return t;
    this._scrubber.countSanitized('invalid_type');
    return undefined;
  }

  private _applyConfigValues(
    attrs: Attrs,
    key: string | undefined,
    secret: boolean,
    previous: unknown,
    next: unknown,
  ): void {
    if (key !== undefined && !secret && this._configValueKeys.has(key) && !this._scrubber.isSecretKey(key)) {
      const p = previous === undefined ? undefined : this._anyValue(previous, 1);
      const n = next === undefined ? undefined : this._anyValue(next, 1);
      if (p !== undefined) attrs['secmon.config.previous_value'] = p;
      if (n !== undefined) attrs['secmon.config.new_value'] = n;
      return;
    }
    // Values of secret or non-allowlisted keys never leave the process (EVENTS.md §5 secmon.config.*).
    this._scrubber.countRedacted(
      'secret_key',
      (previous === undefined ? 0 : 1) + (next === undefined ? 0 : 1),
    );
  }

  private _applyCustomEnvelope(attrs: Attrs, k: string, v: unknown): void {
    if (k === 'action') {
      const t = this._token(v);
      if (t !== undefined) attrs['event.action'] = t;
    } else if (k === 'kind') {
      if (v === 'event' || v === 'alert') attrs['event.kind'] = v;
      else this._unknownValue('kind');
    } else if (Array.isArray(v)) {
      const out: string[] = [];
      for (let i = 0; i < v.length && i < 8; i++) {
        const t = this._token(v[i]);
        if (t !== undefined) out.push(t);
      }
      attrs[k === 'category' ? 'event.category' : 'event.type'] = out;
    } else this._unknownValue(k);
  }

  /** Extra attributes: default-deny keys, secret keys redacted, values sanitised recursively and bounded. */
  private _applyExtra(attrs: Attrs, extra: object): void {
    const sc = this._scrubber;
    const prefix = this._customPrefix;
    let n = 0;
    try {
      for (const key in extra) {
        if (n >= this._maxKeys) {
          sc.countSanitized('truncated');
          break;
        }
        const value: unknown = (extra as Record<string, unknown>)[key];
        if (value === undefined) continue;
        n++;
        if (prefix === undefined || !key.startsWith(prefix) || !ATTRIBUTE_KEY_RE.test(key)) {
          sc.countSanitized('invalid_type');
          this._warn.warn(
            prefix === undefined ? 'extra-no-prefix' : `extra-key:${key.slice(0, KEY_MAX)}`,
            prefix === undefined
              ? 'extra attributes need a customPrefix (default-deny); dropped'
              : `extra attribute '${safeName(key)}' is outside customPrefix '${prefix}' or not a valid key; dropped`,
          );
          continue;
        }
        if (sc.isSecretKey(key)) {
          attrs[key] = REDACTED;
          sc.countRedacted('secret_key');
          continue;
        }
        const av = this._anyValue(value, 1);
        if (av !== undefined) attrs[key] = av;
      }
    } catch (err) {
      // A getter or Proxy that throws: keep what we have, count the rest as invalid.
      sc.countSanitized('invalid_type');
      this._warn.warn(
        'extra-throw',
        `reading extra attributes threw (${errorName(err)}); the rest were dropped`,
      );
    }
  }

  /** An untrusted value as an OTel AnyValue: plain objects, arrays, scalars; bounded in depth and size. */
  private _anyValue(v: unknown, depth: number): AnyValue | undefined {
    const sc = this._scrubber;
    switch (typeof v) {
      case 'string':
        return sc.scrub(v, this._maxString);
      case 'number':
        if (!Number.isFinite(v)) {
          sc.countSanitized('invalid_type');
          return undefined;
        }
        return sc.scrubNumber(v);
      case 'boolean':
        return v;
      case 'bigint':
        sc.countSanitized('coerced');
        return sc.scrub(String(v), this._maxString);
      case 'object': {
        if (v === null) return undefined;
        if (v instanceof Uint8Array) {
          sc.countSanitized('coerced');
          return sc.scrub(textDecoder.decode(v.subarray(0, this._maxString * 4)), this._maxString);
        }
        if (v instanceof Date) {
          const t = v.getTime();
          sc.countSanitized('coerced');
          return Number.isFinite(t) ? v.toISOString() : undefined;
        }
        if (depth > this._maxDepth) {
          sc.countSanitized('truncated');
          return undefined;
        }
        if (Array.isArray(v)) {
          const n = Math.min(v.length, this._maxArray);
          if (v.length > n) sc.countSanitized('truncated');
          const out: AnyValue[] = [];
          for (let i = 0; i < n; i++) {
            const item = this._anyValue(v[i], depth + 1);
            if (item !== undefined) out.push(item);
          }
          return out;
        }
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) {
          // Class instances (Error, Map, Request...) may carry anything; only plain data is logged.
          sc.countSanitized('invalid_type');
          return undefined;
        }
        const out: Record<string, AnyValue> = {};
        let n = 0;
        for (const rawKey in v) {
          if (n >= this._maxKeys) {
            sc.countSanitized('truncated');
            break;
          }
          const item: unknown = (v as Record<string, unknown>)[rawKey];
          if (item === undefined) continue;
          n++;
          // Nested keys are untrusted too (they become kvlist keys): escape and cap them.
          const key = ATTRIBUTE_KEY_RE.test(rawKey) ? rawKey : sc.scrub(rawKey, SHORT_MAX);
          if (sc.isSecretKey(rawKey)) {
            out[key] = REDACTED;
            sc.countRedacted('secret_key');
            continue;
          }
          const av = this._anyValue(item, depth + 1);
          if (av !== undefined) out[key] = av;
        }
        return out;
      }
      default:
        sc.countSanitized('invalid_type');
        return undefined;
    }
  }

  private _customEvent(name: string, level: string): CompiledEvent | undefined {
    const cacheKey = `${level}\u0000${name}`;
    const cached = this._customEvents.get(cacheKey);
    if (cached !== undefined) return cached;
    const severity = LEVEL_SEVERITY[level];
    const prefix = this._customPrefix;
    let problem: string | undefined;
    if (typeof name !== 'string' || name.length > 128 || !EVENT_NAME_RE.test(name)) {
      problem = 'is not lower snake case segments joined by dots (max 128 chars)';
    } else if (name.startsWith('secmon.')) problem = "uses the reserved 'secmon.' prefix";
    else if (prefix === undefined) problem = 'cannot be checked: set the customPrefix option (e.g. "shop.")';
    else if (!name.startsWith(prefix)) problem = `is outside customPrefix '${prefix}'`;
    else if (severity === undefined) problem = `has an invalid level '${String(level).slice(0, 16)}'`;
    if (problem !== undefined) {
      this._metrics.countDropped('invalid_name');
      this._warn.warn(
        `custom:${String(name).slice(0, 128)}`,
        `custom event '${safeName(name)}' ${problem}; dropped`,
      );
      return undefined;
    }
    const ev: CompiledEvent = Object.freeze({
      name,
      action: name.replace(/\./g, '_'),
      kind: 'event',
      category: CUSTOM_DEFAULT_CATEGORY,
      type: CUSTOM_DEFAULT_TYPE,
      outcome: 'unknown',
      severityNumber: severity!,
      severityText: severityText(severity!),
      enabledOptions: Object.freeze({ severityNumber: severity!, eventName: name }),
      defaultErrorType: 'other',
      slot: -1,
      flag: 0,
    });
    if (this._customEvents.size < MAX_CUSTOM_COMPILED) this._customEvents.set(cacheKey, ev);
    return ev;
  }

  private _unknownField(k: string): void {
    this._scrubber.countSanitized('invalid_type');
    this._warn.warn(`field:${k.slice(0, 64)}`, `unknown field '${safeName(k)}' ignored`);
  }

  private _unknownValue(k: string): void {
    this._scrubber.countSanitized('invalid_type');
    this._warn.warn(`value:${k}`, `invalid value for '${k}' ignored`);
  }

  private _internalError(err: unknown): void {
    this._metrics.countDropped('internal_error');
    this._warn.error(
      `internal:${errorName(err)}`,
      `event dropped after an internal error (${errorName(err)})`,
    );
  }
}

function clamp(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    diag.warn(`secmon-instrumentation: ${name} must be a number; using ${min}`);
    return min;
  }
  if (value < min || value > max) {
    const v = Math.min(max, Math.max(min, value));
    diag.warn(`secmon-instrumentation: ${name}=${value} out of range [${min}, ${max}]; using ${v}`);
    return Math.trunc(v);
  }
  return Math.trunc(value);
}

function warnDevelopmentKey(environment: string | undefined): void {
  if (developmentKeyWarned) return;
  developmentKeyWarned = true;
  if (environment === 'production') {
    diag.error(
      'secmon-instrumentation: SECURITY WARNING: no pseudonymKey is configured in production. user.hash, ' +
        'session.id and secmon.token.id_hash are made with the public development key and can be reversed by ' +
        'anyone (dictionary attack). Set SecurityEventsOptions.pseudonymKey to a managed secret of 32+ bytes.',
    );
  } else {
    diag.warn(
      'secmon-instrumentation: no pseudonymKey configured; using the development key (fine for development, ' +
        'never for production)',
    );
  }
}

/** For diag messages: names are untrusted when they come from the caller at runtime. */
function safeName(v: unknown): string {
  return String(v)
    .slice(0, 64)
    .replace(/[^\w.:-]/g, '?');
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/** @internal For tests of the one-time warning. */
export function _resetDevelopmentKeyWarning(): void {
  developmentKeyWarned = false;
}
