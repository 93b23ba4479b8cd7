// Hostile input, asserted on the exported OTLP bytes: no secret and no raw control character may leave the
// process, and no call may throw, whatever the application passes (CWE-117, CWE-532).
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OtlpCaptureServer } from '@secmon/test-utils';
import type { CapturedLogRecord } from '@secmon/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEvents, createSecurityLogProcessor, runWithSecurityContext } from '../src/index.js';
import type { CustomEventFields } from '../src/index.js';
import { TEST_KEY } from './helpers.js';

/** Every secret planted below. None may appear in the exported bytes. */
export const SECRETS = [
  'hunter2',
  'Tr0ub4dor&3',
  'p4ssw0rd-in-url',
  'qtok-secret-123',
  'sig-secret-456',
  'tok_abcdefghijkl123456',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'AKIAIOSFODNN7EXAMPLE',
  'sess-cookie-value-789',
  'api-key-value-000',
  '4111111111111111',
  '4111 1111 1111',
  '4111-1111-1111',
  '5500005555555559',
  '3782 822463 10005',
  'cvv-code-321',
  'mallory@evil.example',
  'dXNlcjpodW50ZXIy',
];

/** Log injection: CR/LF, NEL, LS/PS, ANSI escapes, bidi overrides, NUL, DEL, C1 CSI, lone surrogates. */
const INJECTION =
  'ok\r\n2026-01-01T00:00:00Z INFO authn_login_success user=admin\u0085NEL\u2028LS\u2029PS ' +
  '\u001b[2J\u001b[31mred\u001b[0m \u202eevil\u202c \u2066iso\u2069 \u0000nul \u007fdel \u009bcsi ' +
  'lone \ud800 surrogate \udfff end';

/** Every kind of secret in free text. */
const SECRET_TEXT =
  'password=hunter2 "passwd": "Tr0ub4dor&3" https://admin:p4ssw0rd-in-url@db.internal/x?token=qtok-secret-123&X-Amz-Signature=sig-secret-456 ' +
  'Authorization: Bearer tok_abcdefghijkl123456 Basic dXNlcjpodW50ZXIy ' +
  'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c ' +
  'stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc gh ghp_16C7e42F292c6912E7710c838347Ae178B4a aws AKIAIOSFODNN7EXAMPLE ' +
  'cookie: sid=sess-cookie-value-789; api_key=api-key-value-000 ' +
  'cards 4111111111111111 qty 2 4111 1111 1111 1111 x 4111-1111-1111-1111 mc 5500005555555559 amex 3782 822463 10005 cvv=cvv-code-321';

/** Both in one string, longer than the caps: whatever survives truncation must still be clean. */
const PAYLOAD = `${INJECTION} ${SECRET_TEXT} ${INJECTION}`;

/** Raw sequences that would forge or rewrite log lines if they got through unescaped. */
const RAW_INJECTIONS = [
  '\r\n2026-01-01',
  '\u001b[2J',
  '\u001b[31m',
  '\u202eevil',
  '\u2028LS',
  '\u0000nul',
  '\u0085NEL',
];

const CONTROL =
  // eslint-disable-next-line no-control-regex -- the assertion is about control characters
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const STRING_FIELDS = [
  'login',
  'userId',
  'reason',
  'userAgent',
  'httpMethod',
  'route',
  'urlPath',
  'url',
  'sessionId',
  'targetUserId',
  'targetLogin',
  'resourceType',
  'resourceId',
  'resourceName',
  'method',
  'tokenId',
  'previousRegion',
  'currentRegion',
  'countryIsoCode',
  'ruleName',
  'ruleId',
  'origin',
  'referer',
  'cspDirective',
  'blockedUri',
  'dbNamespace',
  'dbCollection',
  'dbOperation',
  'filePath',
  'fileName',
  'mimeType',
  'scanEngine',
  'exceptionType',
  'monitorName',
  'key',
  'provider',
  'currency',
  'previousSessionId',
  'action',
  'clientAddress',
] as const;
const ARRAY_FIELDS = [
  'userRoles',
  'targetRoles',
  'newRoles',
  'fields',
  'changedFields',
  'previousPermissions',
  'currentPermissions',
  'category',
  'type',
] as const;

function deep(n: number): Record<string, unknown> {
  let o: Record<string, unknown> = { leaf: PAYLOAD };
  for (let i = 0; i < n; i++) o = { next: o, password: 'hunter2' };
  return o;
}

const circular: Record<string, unknown> = { name: PAYLOAD };
circular['self'] = circular;

/** Non-string garbage where strings are expected. */
const GARBAGE: unknown[] = [
  42,
  -0,
  NaN,
  Infinity,
  12345678901234567890n,
  true,
  null,
  Symbol('x'),
  () => 'fn',
  { toString: () => 'hunter2' },
  [PAYLOAD],
  new Date(NaN),
  new Map([['password', 'hunter2']]),
  new Error(PAYLOAD),
  Buffer.from([0xff, 0xfe, 0x41, 0x0a, 0x1b]),
  Object.create(null),
  circular,
  4111111111111111,
];

function allFieldsWith(value: unknown): CustomEventFields {
  const f: Record<string, unknown> = {};
  for (const k of STRING_FIELDS) f[k] = value;
  for (const k of ARRAY_FIELDS) f[k] = [value, value];
  return f as CustomEventFields;
}

function emitEverything(security: SecurityEvents): number {
  let calls = 0;
  const call = (fn: () => void): void => {
    expect(fn).not.toThrow();
    calls++;
  };
  const hostileAttributes = {
    'shop.note': PAYLOAD,
    'shop.password': 'hunter2',
    'shop.apiKey': 'api-key-value-000',
    'shop.authorization': 'Bearer tok_abcdefghijkl123456',
    'shop.cookie': 'sid=sess-cookie-value-789',
    'shop.session': 'sess-cookie-value-789',
    'shop.card_number': '4111111111111111',
    'shop.cvv': 'cvv-code-321',
    'shop.pan': 4111111111111111,
    'shop.pin': '1234',
    'shop.deep': deep(1000),
    'shop.circular': circular,
    'shop.big': 'x'.repeat(1_000_000) + PAYLOAD,
    'shop.array': new Array(100_000).fill(PAYLOAD),
    'shop.bytes': Buffer.from(PAYLOAD),
    'shop.nested': {
      headers: {
        Authorization: 'Bearer tok_abcdefghijkl123456',
        Cookie: 'sess-cookie-value-789',
        [PAYLOAD]: 'x',
      },
    },
    [PAYLOAD]: 'key injection',
  };

  runWithSecurityContext(
    {
      clientAddress: PAYLOAD,
      userAgent: PAYLOAD,
      method: PAYLOAD,
      urlPath: PAYLOAD,
      route: PAYLOAD,
      sessionId: PAYLOAD,
      user: { id: PAYLOAD, login: PAYLOAD, roles: [PAYLOAD] },
    },
    () => {
      // every field of every kind, with the payload, on a catalogue event and a custom one
      call(() =>
        security.authn.loginFail({ ...allFieldsWith(PAYLOAD), attributes: hostileAttributes } as never),
      );
      call(() =>
        security.custom('shop.hostile', { ...allFieldsWith(PAYLOAD), attributes: hostileAttributes }),
      );
      call(() =>
        security.config.change({
          key: 'db.password',
          secret: false,
          previousValue: 'hunter2',
          newValue: PAYLOAD,
        }),
      );
      call(() =>
        security.payment.fail({
          reason: PAYLOAD,
          provider: PAYLOAD,
          amount: 4111111111111111,
          currency: PAYLOAD,
        }),
      );
      // a huge value everywhere
      call(() => security.authz.fail(allFieldsWith('y'.repeat(2_000_000) + PAYLOAD)));
      // garbage everywhere
      for (const g of GARBAGE) {
        call(() => security.authn.loginFail({ ...allFieldsWith(g), attributes: { 'shop.g': g } } as never));
        call(() => security.custom('shop.garbage', { ...allFieldsWith(g) } as never));
      }
      call(() => security.authn.loginFail(null as never));
      call(() => security.authn.loginFail(PAYLOAD as never));
      call(() => security.custom(PAYLOAD));
      call(() => security.emit(PAYLOAD as never));
      call(() =>
        security.authn.loginFail({
          login: 'mallory@evil.example',
          sessionId: 'sess-cookie-value-789',
          tokenId: 'tok_abcdefghijkl123456',
        } as never),
      );
      // short enough to survive the caps, for the "visible escape" and "masking" assertions
      call(() =>
        security.custom('shop.visible', { userAgent: INJECTION, attributes: { 'shop.note': SECRET_TEXT } }),
      );
    },
  );
  return calls;
}

function allStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      allStrings(x, out);
    }
  }
}

describe.each([
  ['OTLP/HTTP JSON', (url: string): LogRecordExporter => new OTLPLogExporterJson({ url })],
  ['OTLP/HTTP protobuf', (url: string): LogRecordExporter => new OTLPLogExporterProto({ url })],
])('hostile input over %s', (_label, makeExporter) => {
  let server: OtlpCaptureServer;
  let logs: CapturedLogRecord[];
  let bytes: Buffer;
  let calls: number;
  let security: SecurityEvents;

  beforeAll(async () => {
    server = await OtlpCaptureServer.start();
    const provider = new LoggerProvider({
      processors: [createSecurityLogProcessor({ exporter: makeExporter(`${server.url}/v1/logs`) })],
    });
    security = new SecurityEvents({
      loggerProvider: provider,
      pseudonymKey: TEST_KEY,
      customPrefix: 'shop.',
      configValueKeys: ['db.password'],
    });
    calls = emitEverything(security);
    await provider.forceFlush();
    logs = await server.waitForLogs(1);
    await provider.shutdown();
    bytes = Buffer.concat(server.rawBodies());
  });

  afterAll(async () => {
    await server.close();
  });

  it('should never throw and still emit the events', () => {
    expect(calls).toBeGreaterThan(40);
    // Every call whose event name is valid produced a record; the invalid names were counted instead.
    const stats = security.getStats();
    const emitted = Object.values(stats.emitted).reduce((a, b) => a + b, 0);
    expect(logs.length).toBe(emitted);
    expect(emitted).toBeGreaterThanOrEqual(calls - 4);
    expect(stats.dropped['internal_error']).toBe(0);
  });

  it.each(SECRETS)('should not let %s out in the exported bytes', (secret) => {
    expect(bytes.includes(secret)).toBe(false);
  });

  it('should not let a raw injection sequence out in the exported bytes', () => {
    for (const seq of RAW_INJECTIONS) expect(bytes.includes(seq), JSON.stringify(seq)).toBe(false);
  });

  it('should leave no control, bidi or lone-surrogate character in any decoded string, key or value', () => {
    const strings: string[] = [];
    for (const l of logs) {
      allStrings(l.attributes, strings);
      allStrings(l.body, strings);
      strings.push(l.eventName ?? '');
    }
    expect(strings.length).toBeGreaterThan(100);
    for (const s of strings) expect(CONTROL.test(s), JSON.stringify(s.slice(0, 80))).toBe(false);
  });

  it('should escape injections visibly instead of deleting them', () => {
    const ua = logs.find((l) => l.eventName === 'shop.visible')!.attributes['user_agent.original'] as string;
    expect(ua).toContain('ok\\r\\n2026-01-01');
    expect(ua).toContain('\\u{1b}[2J');
    expect(ua).toContain('\\u{202e}evil');
    expect(ua).toContain('\ufffd');
  });

  it('should mask card numbers to the last 4 digits and keep the rest of the text', () => {
    const note = logs.find((l) => l.eventName === 'shop.visible')!.attributes['shop.note'] as string;
    expect(note).toContain('cards ************1111');
    expect(note).toContain('mc ************5559');
    expect(note).toContain('amex **** ****** *0005');
    expect(note).toContain('****-****-****-1111');
    expect(note).toContain('https://REDACTED:REDACTED@db.internal/x?token=REDACTED&X-Amz-Signature=REDACTED');
    expect(note).toContain('Bearer REDACTED');
    expect(note).toContain('password=REDACTED');
  });

  it('should bound sizes: strings, arrays, depth and keys', () => {
    for (const l of logs) {
      for (const [k, v] of Object.entries(l.attributes)) {
        expect(k.length).toBeLessThanOrEqual(128);
        if (typeof v === 'string') expect(v.length, k).toBeLessThanOrEqual(1024);
        if (Array.isArray(v)) expect(v.length, k).toBeLessThanOrEqual(32);
      }
      expect(JSON.stringify(l.attributes).length).toBeLessThan(200_000);
    }
  });

  it('should never put untrusted data in the body or the event name', () => {
    for (const l of logs) {
      expect(l.body).toBeUndefined();
      expect(l.eventName).toMatch(/^(secmon|shop)\.[a-z_.]+$/);
    }
  });
});
