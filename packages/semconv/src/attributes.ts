/**
 * Attribute keys used by secmon, as `as const` string constants.
 *
 * - OpenTelemetry **stable** keys carry the same names and values as `@opentelemetry/semantic-conventions`
 *   (a test checks that they agree); they are defined here rather than imported so that this package
 *   has no runtime dependency.
 * - OpenTelemetry **development** keys are copied here on purpose: runtime code must not import the
 *   `incubating` entry point (EVENTS.md, "Facts that shape everything").
 * - ECS keys fill what OTel lacks (outcome, kind, category, target user).
 * - `secmon.*` keys are our own, under one prefix (never `security.*` or `app.*`).
 */

// --- OpenTelemetry stable ---------------------------------------------------------------------------

export const ATTR_CLIENT_ADDRESS = 'client.address' as const;
export const ATTR_CLIENT_PORT = 'client.port' as const;
export const ATTR_ERROR_TYPE = 'error.type' as const;
export const ATTR_EXCEPTION_TYPE = 'exception.type' as const;
export const ATTR_HTTP_REQUEST_METHOD = 'http.request.method' as const;
export const ATTR_HTTP_ROUTE = 'http.route' as const;
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code' as const;
export const ATTR_NETWORK_PEER_ADDRESS = 'network.peer.address' as const;
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
export const ATTR_SERVER_PORT = 'server.port' as const;
export const ATTR_SERVICE_NAME = 'service.name' as const;
export const ATTR_SERVICE_VERSION = 'service.version' as const;
export const ATTR_URL_FULL = 'url.full' as const;
export const ATTR_URL_PATH = 'url.path' as const;
export const ATTR_URL_QUERY = 'url.query' as const;
export const ATTR_URL_SCHEME = 'url.scheme' as const;
export const ATTR_USER_AGENT_ORIGINAL = 'user_agent.original' as const;
export const ATTR_DB_NAMESPACE = 'db.namespace' as const;
export const ATTR_DB_COLLECTION_NAME = 'db.collection.name' as const;
export const ATTR_DB_OPERATION_NAME = 'db.operation.name' as const;

// --- OpenTelemetry development (copied, never imported from `incubating`) ---------------------------

export const ATTR_SERVICE_NAMESPACE = 'service.namespace' as const;
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id' as const;
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name' as const;
export const ATTR_HOST_NAME = 'host.name' as const;
export const ATTR_CLOUD_REGION = 'cloud.region' as const;
export const ATTR_USER_ID = 'user.id' as const;
export const ATTR_USER_NAME = 'user.name' as const;
export const ATTR_USER_HASH = 'user.hash' as const;
export const ATTR_USER_ROLES = 'user.roles' as const;
export const ATTR_USER_EMAIL = 'user.email' as const;
export const ATTR_USER_FULL_NAME = 'user.full_name' as const;
export const ATTR_USER_AGENT_SYNTHETIC_TYPE = 'user_agent.synthetic.type' as const;
export const ATTR_SESSION_ID = 'session.id' as const;
export const ATTR_SESSION_PREVIOUS_ID = 'session.previous_id' as const;
export const ATTR_LOG_RECORD_UID = 'log.record.uid' as const;
export const ATTR_GEO_COUNTRY_ISO_CODE = 'geo.country.iso_code' as const;
export const ATTR_FILE_NAME = 'file.name' as const;
export const ATTR_FILE_PATH = 'file.path' as const;
export const ATTR_FILE_SIZE = 'file.size' as const;
export const ATTR_HTTP_REQUEST_HEADER_ORIGIN = 'http.request.header.origin' as const;
export const ATTR_HTTP_REQUEST_HEADER_REFERER = 'http.request.header.referer' as const;
export const ATTR_SECURITY_RULE_NAME = 'security_rule.name' as const;
export const ATTR_SECURITY_RULE_UUID = 'security_rule.uuid' as const;
export const ATTR_SECURITY_RULE_VERSION = 'security_rule.version' as const;
export const ATTR_SECURITY_RULE_CATEGORY = 'security_rule.category' as const;
export const ATTR_SECURITY_RULE_RULESET_NAME = 'security_rule.ruleset.name' as const;
export const ATTR_SECURITY_RULE_DESCRIPTION = 'security_rule.description' as const;
export const ATTR_SECURITY_RULE_REFERENCE = 'security_rule.reference' as const;

// --- ECS (what OTel lacks) ----------------------------------------------------------------------------

export const ATTR_EVENT_ACTION = 'event.action' as const;
export const ATTR_EVENT_KIND = 'event.kind' as const;
export const ATTR_EVENT_CATEGORY = 'event.category' as const;
export const ATTR_EVENT_TYPE = 'event.type' as const;
export const ATTR_EVENT_OUTCOME = 'event.outcome' as const;
export const ATTR_EVENT_REASON = 'event.reason' as const;
export const ATTR_EVENT_SEVERITY = 'event.severity' as const;
export const ATTR_EVENT_RISK_SCORE = 'event.risk_score' as const;
export const ATTR_USER_TARGET_ID = 'user.target.id' as const;
export const ATTR_USER_TARGET_NAME = 'user.target.name' as const;
export const ATTR_USER_TARGET_HASH = 'user.target.hash' as const;
export const ATTR_USER_TARGET_ROLES = 'user.target.roles' as const;
export const ATTR_USER_CHANGES_ROLES = 'user.changes.roles' as const;
export const ATTR_USER_CHANGES_FIELDS = 'user.changes.fields' as const;
export const ATTR_FILE_MIME_TYPE = 'file.mime_type' as const;

// --- secmon.* (our own prefix) ------------------------------------------------------------------------

export const ATTR_SECMON_AUTHN_METHOD = 'secmon.authn.method' as const;
export const ATTR_SECMON_AUTHN_MFA = 'secmon.authn.mfa' as const;
export const ATTR_SECMON_AUTHN_FAILED_ATTEMPTS = 'secmon.authn.failed_attempts' as const;
/** Whether the account named by the login attempt exists (identity model, EVENTS.md §5 [decision]). */
export const ATTR_SECMON_USER_EXISTS = 'secmon.user.exists' as const;
export const ATTR_SECMON_LIMIT_MAX = 'secmon.limit.max' as const;
export const ATTR_SECMON_LIMIT_WINDOW_MS = 'secmon.limit.window_ms' as const;
export const ATTR_SECMON_RESOURCE_TYPE = 'secmon.resource.type' as const;
export const ATTR_SECMON_RESOURCE_ID = 'secmon.resource.id' as const;
export const ATTR_SECMON_RESOURCE_NAME = 'secmon.resource.name' as const;
export const ATTR_SECMON_PERMISSION_PREVIOUS = 'secmon.permission.previous' as const;
export const ATTR_SECMON_PERMISSION_CURRENT = 'secmon.permission.current' as const;
export const ATTR_SECMON_TOKEN_ID_HASH = 'secmon.token.id_hash' as const;
export const ATTR_SECMON_INPUT_FIELDS = 'secmon.input.fields' as const;
export const ATTR_SECMON_CONFIG_KEY = 'secmon.config.key' as const;
export const ATTR_SECMON_CONFIG_SECRET = 'secmon.config.secret' as const;
export const ATTR_SECMON_CONFIG_PREVIOUS_VALUE = 'secmon.config.previous_value' as const;
export const ATTR_SECMON_CONFIG_NEW_VALUE = 'secmon.config.new_value' as const;
export const ATTR_SECMON_MONITOR_NAME = 'secmon.monitor.name' as const;
export const ATTR_SECMON_GEO_PREVIOUS_REGION = 'secmon.geo.previous_region' as const;
export const ATTR_SECMON_GEO_CURRENT_REGION = 'secmon.geo.current_region' as const;
export const ATTR_SECMON_UPLOAD_SCAN_ENGINE = 'secmon.upload.scan_engine' as const;
export const ATTR_SECMON_UPLOAD_SCAN_RESULT = 'secmon.upload.scan_result' as const;
export const ATTR_SECMON_CSP_DIRECTIVE = 'secmon.csp.directive' as const;
export const ATTR_SECMON_PAYMENT_PROVIDER = 'secmon.payment.provider' as const;
export const ATTR_SECMON_PAYMENT_AMOUNT = 'secmon.payment.amount' as const;
export const ATTR_SECMON_PAYMENT_CURRENCY = 'secmon.payment.currency' as const;
/** Number of attribute values that were redacted in this record (set only when > 0). */
export const ATTR_SECMON_REDACTED_COUNT = 'secmon.redacted_count' as const;
/** Number of attribute values that were neutralised (control characters escaped, truncated, repaired). */
export const ATTR_SECMON_SANITIZED_COUNT = 'secmon.sanitized_count' as const;

// ECS and OCSF fields added by the collector (collector-config/generated), listed so the keys are shared.
export const ATTR_OCSF_CLASS_UID = 'ocsf.class_uid' as const;
export const ATTR_OCSF_ACTIVITY_ID = 'ocsf.activity_id' as const;
export const ATTR_OCSF_CATEGORY_UID = 'ocsf.category_uid' as const;
export const ATTR_OCSF_TYPE_UID = 'ocsf.type_uid' as const;
export const ATTR_OCSF_SEVERITY_ID = 'ocsf.severity_id' as const;
export const ATTR_OCSF_STATUS_ID = 'ocsf.status_id' as const;

// --- Processor alerts (EVENTS.md §7) --------------------------------------------------------------------

export const ATTR_SECMON_ALERT_ID = 'secmon.alert.id' as const;
export const ATTR_SECMON_ALERT_COUNT = 'secmon.alert.count' as const;
export const ATTR_SECMON_ALERT_THRESHOLD = 'secmon.alert.threshold' as const;
export const ATTR_SECMON_ALERT_WINDOW_MS = 'secmon.alert.window_ms' as const;
export const ATTR_SECMON_ALERT_TRIGGER_EVENT_NAME = 'secmon.alert.trigger_event_name' as const;
/** OCSF severity_id of the alert (1 informational .. 5 critical, 6 fatal). */
export const ATTR_SECMON_ALERT_SEVERITY = 'secmon.alert.severity' as const;
/** The group key as `key=value` pairs joined with `|`, e.g. `client.address=203.0.113.7|`. */
export const ATTR_SECMON_ALERT_GROUP = 'secmon.alert.group' as const;
export const ATTR_SECMON_ALERT_GROUP_BY = 'secmon.alert.group_by' as const;
export const ATTR_SECMON_ALERT_RULE_TYPE = 'secmon.alert.rule_type' as const;
export const ATTR_SECMON_ALERT_SUPPRESSED_COUNT = 'secmon.alert.suppressed_count' as const;
export const ATTR_SECMON_ALERT_RECORD_UIDS = 'secmon.alert.record_uids' as const;
export const ATTR_SECMON_ALERT_FIRST_SEEN_UNIX_NANO = 'secmon.alert.first_seen_unix_nano' as const;
export const ATTR_SECMON_ALERT_LAST_SEEN_UNIX_NANO = 'secmon.alert.last_seen_unix_nano' as const;
export const ATTR_SECMON_ALERT_RESPONSE = 'secmon.alert.response' as const;
/** True when the alert was raised on local state because the shared store was unreachable. */
export const ATTR_SECMON_ALERT_DEGRADED = 'secmon.alert.degraded' as const;
