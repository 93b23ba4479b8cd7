// One call per catalogue event through the typed method groups, with the extra attributes each event
// documents (EVENTS.md §6). Used by the SDK and the OTLP suites; a test checks the table covers the catalogue.
import { EVENTS } from '@secmon/semconv';
import type { SecurityEvents } from '../src/index.js';

export interface CatalogueCall {
  name: string;
  call: (s: SecurityEvents) => void;
  /** Attributes the record must carry (subset). */
  expect: Record<string, unknown>;
}

const E = EVENTS;

export const CATALOGUE_CALLS: readonly CatalogueCall[] = [
  {
    name: E.AUTHN_LOGIN_SUCCESS,
    call: (s) =>
      s.authn.loginSuccess({
        login: 'alice',
        userId: 'u-1',
        method: 'password',
        mfa: true,
        sessionId: 'sess-1',
      }),
    expect: { 'user.id': 'u-1', 'secmon.authn.method': 'password', 'secmon.authn.mfa': true },
  },
  {
    name: E.AUTHN_LOGIN_SUCCESSAFTERFAIL,
    call: (s) => s.authn.loginSuccessAfterFail({ login: 'alice', userId: 'u-1', failedAttempts: 3 }),
    expect: { 'secmon.authn.failed_attempts': 3 },
  },
  {
    name: E.AUTHN_LOGIN_FAIL,
    call: (s) =>
      s.authn.loginFail({
        login: 'alice',
        userExists: true,
        userId: 'u-1',
        reason: 'invalid_credentials',
        method: 'password',
      }),
    expect: { 'error.type': 'invalid_credentials', 'secmon.user.exists': true, 'user.id': 'u-1' },
  },
  {
    name: E.AUTHN_LOGIN_FAIL_MAX,
    call: (s) => s.authn.loginFailMax({ login: 'alice', failedAttempts: 5, maxAttempts: 5 }),
    expect: { 'secmon.authn.failed_attempts': 5, 'secmon.limit.max': 5 },
  },
  {
    name: E.AUTHN_LOGIN_LOCK,
    call: (s) => s.authn.loginLock({ targetUserId: 'u-1', reason: 'max_attempts' }),
    expect: { 'user.target.id': 'u-1', 'event.reason': 'max_attempts' },
  },
  {
    name: E.AUTHN_PASSWORD_CHANGE,
    call: (s) => s.authn.passwordChange({ userId: 'admin-1', targetUserId: 'u-1' }),
    expect: { 'user.target.id': 'u-1' },
  },
  {
    name: E.AUTHN_PASSWORD_CHANGE_FAIL,
    call: (s) => s.authn.passwordChangeFail({ userId: 'u-1', reason: 'password_policy' }),
    expect: { 'error.type': 'password_policy' },
  },
  {
    name: E.AUTHN_IMPOSSIBLE_TRAVEL,
    call: (s) =>
      s.authn.impossibleTravel({
        userId: 'u-1',
        previousRegion: 'eu-west',
        currentRegion: 'ap-south',
        countryIsoCode: 'IN',
      }),
    expect: { 'secmon.geo.previous_region': 'eu-west', 'geo.country.iso_code': 'IN' },
  },
  {
    name: E.AUTHN_TOKEN_CREATED,
    call: (s) => s.authn.tokenCreated({ userId: 'u-1', tokenId: 'tok-1', userRoles: ['read'] }),
    expect: { 'user.roles': ['read'] },
  },
  { name: E.AUTHN_TOKEN_REVOKED, call: (s) => s.authn.tokenRevoked({ tokenId: 'tok-1' }), expect: {} },
  {
    name: E.AUTHN_TOKEN_REUSE,
    call: (s) => s.authn.tokenReuse({ tokenId: 'tok-1' }),
    expect: { 'error.type': 'token_revoked' },
  },
  { name: E.AUTHN_TOKEN_DELETE, call: (s) => s.authn.tokenDelete({ tokenId: 'tok-1' }), expect: {} },
  {
    name: E.AUTHZ_FAIL,
    call: (s) =>
      s.authz.fail({
        userId: 'u-1',
        resourceType: 'invoice',
        resourceId: '7',
        route: '/invoices/:id',
        statusCode: 403,
      }),
    expect: {
      'error.type': 'forbidden',
      'secmon.resource.type': 'invoice',
      'http.route': '/invoices/:id',
      'http.response.status_code': 403,
    },
  },
  {
    name: E.AUTHZ_CHANGE,
    call: (s) =>
      s.authz.change({
        userId: 'admin-1',
        targetUserId: 'u-1',
        targetRoles: ['user'],
        newRoles: ['user', 'admin'],
      }),
    expect: { 'user.target.roles': ['user'], 'user.changes.roles': ['user', 'admin'] },
  },
  {
    name: E.AUTHZ_ADMIN,
    call: (s) =>
      s.authz.admin({
        userId: 'admin-1',
        userRoles: ['admin'],
        resourceType: 'config',
        adminAction: 'change',
      }),
    expect: { 'event.type': ['admin', 'change'], 'user.roles': ['admin'] },
  },
  {
    name: E.PRIVILEGE_PERMISSIONS_CHANGED,
    call: (s) =>
      s.privilege.permissionsChanged({
        resourceType: 'folder',
        resourceId: 'f1',
        previousPermissions: ['r'],
        currentPermissions: ['r', 'w'],
      }),
    expect: { 'secmon.permission.current': ['r', 'w'] },
  },
  {
    name: E.SESSION_CREATED,
    call: (s) => s.session.created({ userId: 'u-1', sessionId: 'sess-1' }),
    expect: {},
  },
  {
    name: E.SESSION_RENEWED,
    call: (s) => s.session.renewed({ sessionId: 'sess-2', previousSessionId: 'sess-1' }),
    expect: {},
  },
  {
    name: E.SESSION_EXPIRED,
    call: (s) => s.session.expired({ sessionId: 'sess-1', reason: 'timeout' }),
    expect: { 'event.reason': 'timeout' },
  },
  { name: E.SESSION_LOGOUT, call: (s) => s.session.logout({ sessionId: 'sess-1' }), expect: {} },
  {
    name: E.SESSION_USE_AFTER_EXPIRE,
    call: (s) => s.session.useAfterExpire({ sessionId: 'sess-1' }),
    expect: { 'error.type': 'session_expired' },
  },
  {
    name: E.EXCESS_SESSIONS_EXCEEDED,
    call: (s) => s.excess.sessionsExceeded({ userId: 'u-1', maxSessions: 3 }),
    expect: { 'secmon.limit.max': 3 },
  },
  {
    name: E.INPUT_VALIDATION_FAIL,
    call: (s) => s.input.validationFail({ fields: ['email', 'age'], route: '/signup' }),
    expect: { 'secmon.input.fields': ['email', 'age'], 'error.type': 'validation_failed' },
  },
  {
    name: E.INPUT_VALIDATION_DISCRETE_FAIL,
    call: (s) => s.input.validationDiscreteFail({ fields: ['country'] }),
    expect: { 'secmon.input.fields': ['country'] },
  },
  {
    name: E.EXCESS_RATE_LIMIT_EXCEEDED,
    call: (s) => s.excess.rateLimitExceeded({ limit: 100, windowMs: 60_000 }),
    expect: { 'secmon.limit.max': 100, 'secmon.limit.window_ms': 60_000, 'error.type': 'rate_limited' },
  },
  {
    name: E.MALICIOUS_EXCESS_404,
    call: (s) => s.malicious.excess404({ urlPath: '/.env', userAgent: 'Nikto' }),
    expect: { 'url.path': '/.env', 'user_agent.original': 'Nikto' },
  },
  {
    name: E.MALICIOUS_EXTRANEOUS,
    call: (s) => s.malicious.extraneous({ fields: ['isAdmin'] }),
    expect: { 'secmon.input.fields': ['isAdmin'] },
  },
  {
    name: E.MALICIOUS_ATTACK_TOOL,
    call: (s) => s.malicious.attackTool({ ruleName: 'sqlmap', userAgent: 'sqlmap/1.7' }),
    expect: { 'security_rule.name': 'sqlmap', 'user_agent.original': 'sqlmap/1.7' },
  },
  {
    name: E.MALICIOUS_SQLI,
    call: (s) => s.malicious.sqli({ fields: ['q'], ruleName: 'sqli-union', ruleId: '942100' }),
    expect: { 'security_rule.uuid': '942100' },
  },
  {
    name: E.MALICIOUS_CORS,
    call: (s) => s.malicious.cors({ origin: 'https://evil.example', referer: 'https://evil.example/x' }),
    expect: { 'http.request.header.origin': 'https://evil.example' },
  },
  {
    name: E.MALICIOUS_DIRECT_REFERENCE,
    call: (s) => s.malicious.directReference({ resourceType: 'order', resourceId: '99' }),
    expect: { 'secmon.resource.id': '99' },
  },
  {
    name: E.MALICIOUS_CSRF,
    call: (s) => s.malicious.csrf({ route: '/transfer' }),
    expect: { 'http.route': '/transfer' },
  },
  {
    name: E.MALICIOUS_CSP_VIOLATION,
    call: (s) =>
      s.malicious.cspViolation({ cspDirective: 'script-src', blockedUri: 'https://cdn.evil/x.js' }),
    expect: { 'secmon.csp.directive': 'script-src', 'url.full': 'https://cdn.evil/x.js' },
  },
  {
    name: E.SEQUENCE_FAIL,
    call: (s) => s.sequence.fail({ route: '/checkout/confirm', resourceType: 'order' }),
    expect: { 'http.route': '/checkout/confirm' },
  },
  {
    name: E.SENSITIVE_CREATE,
    call: (s) =>
      s.sensitive.create({
        resourceType: 'patient',
        dbNamespace: 'clinic',
        dbCollection: 'patients',
        dbOperation: 'insert',
      }),
    expect: { 'db.collection.name': 'patients' },
  },
  {
    name: E.SENSITIVE_READ,
    call: (s) => s.sensitive.read({ resourceType: 'patient', resourceId: 'p-1' }),
    expect: { 'secmon.resource.id': 'p-1' },
  },
  {
    name: E.SENSITIVE_UPDATE,
    call: (s) => s.sensitive.update({ filePath: '/data/p-1.json' }),
    expect: { 'file.path': '/data/p-1.json' },
  },
  {
    name: E.SENSITIVE_DELETE,
    call: (s) => s.sensitive.delete({ resourceType: 'patient', resourceId: 'p-1' }),
    expect: {},
  },
  {
    name: E.UPLOAD_COMPLETE,
    call: (s) => s.upload.complete({ fileName: 'cv.pdf', fileSize: 1234, mimeType: 'application/pdf' }),
    expect: { 'file.name': 'cv.pdf', 'file.size': 1234, 'file.mime_type': 'application/pdf' },
  },
  {
    name: E.UPLOAD_STORED,
    call: (s) => s.upload.stored({ filePath: '/uploads/ab12', resourceId: 'ab12' }),
    expect: { 'file.path': '/uploads/ab12' },
  },
  {
    name: E.UPLOAD_VALIDATION,
    call: (s) => s.upload.validation({ scanEngine: 'clamav', scanResult: 'passed' }),
    expect: { 'secmon.upload.scan_result': 'passed' },
  },
  { name: E.UPLOAD_DELETE, call: (s) => s.upload.delete({ resourceId: 'ab12' }), expect: {} },
  {
    name: E.CRYPT_DECRYPT_FAIL,
    call: (s) => s.crypt.decryptFail({}),
    expect: { 'error.type': 'decryption_failed' },
  },
  {
    name: E.CRYPT_ENCRYPT_FAIL,
    call: (s) => s.crypt.encryptFail({ reason: 'key_unavailable' }),
    expect: { 'error.type': 'key_unavailable' },
  },
  { name: E.SYS_STARTUP, call: (s) => s.sys.startup({ userId: 'ops' }), expect: { 'user.id': 'ops' } },
  { name: E.SYS_SHUTDOWN, call: (s) => s.sys.shutdown(), expect: {} },
  { name: E.SYS_RESTART, call: (s) => s.sys.restart(), expect: {} },
  {
    name: E.SYS_CRASH,
    call: (s) => s.sys.crash({ exceptionType: 'TypeError', reason: 'uncaught_exception' }),
    expect: { 'exception.type': 'TypeError', 'error.type': 'uncaught_exception' },
  },
  {
    name: E.SYS_MONITOR_DISABLED,
    call: (s) => s.sys.monitorDisabled({ monitorName: 'audit-log' }),
    expect: { 'secmon.monitor.name': 'audit-log' },
  },
  {
    name: E.SYS_MONITOR_ENABLED,
    call: (s) => s.sys.monitorEnabled({ monitorName: 'audit-log' }),
    expect: {},
  },
  {
    name: E.USER_CREATED,
    call: (s) => s.user.created({ userId: 'admin-1', targetUserId: 'u-2', targetRoles: ['user'] }),
    expect: { 'user.target.id': 'u-2', 'user.target.roles': ['user'] },
  },
  {
    name: E.USER_UPDATED,
    call: (s) => s.user.updated({ targetUserId: 'u-2', changedFields: ['email'] }),
    expect: { 'user.changes.fields': ['email'] },
  },
  { name: E.USER_ARCHIVED, call: (s) => s.user.archived({ targetUserId: 'u-2' }), expect: {} },
  { name: E.USER_DELETED, call: (s) => s.user.deleted({ targetUserId: 'u-2' }), expect: {} },
  {
    name: E.CONFIG_CHANGE,
    call: (s) => s.config.change({ key: 'payments.max_amount', secret: false }),
    expect: { 'secmon.config.key': 'payments.max_amount', 'secmon.config.secret': false },
  },
  {
    name: E.PAYMENT_FAIL,
    call: (s) =>
      s.payment.fail({ reason: 'card_declined', provider: 'stripe', amount: 42.5, currency: 'EUR' }),
    expect: {
      'error.type': 'card_declined',
      'secmon.payment.provider': 'stripe',
      'secmon.payment.amount': 42.5,
    },
  },
  {
    name: E.SUSPICIOUS_ACTIVITY,
    call: (s) => s.suspicious.activity({ ruleName: 'coupon-abuse', resourceType: 'coupon' }),
    expect: { 'security_rule.name': 'coupon-abuse' },
  },
  {
    name: E.ACCESS_NOT_FOUND,
    call: (s) => s.access.notFound({ urlPath: '/wp-admin', statusCode: 404 }),
    expect: { 'error.type': 'not_found', 'url.path': '/wp-admin' },
  },
];
