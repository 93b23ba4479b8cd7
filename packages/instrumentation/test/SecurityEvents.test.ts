import { DiagLogLevel, diag, logs } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { CATALOGUE, EVENTS, getEventDefinition } from '@secmon/semconv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityEvents } from '../src/index.js';
import { _resetDevelopmentKeyWarning } from '../src/SecurityEvents.js';
import { CATALOGUE_CALLS } from './catalogueCalls.js';
import { TEST_KEY, ULID_RE, inSpan, pipeline } from './helpers.js';

function spyDiag(): { warn: ReturnType<typeof vi.fn>; error: ReturnType<typeof vi.fn> } {
  const warn = vi.fn();
  const error = vi.fn();
  const logger: DiagLogger = { error, warn, info: vi.fn(), debug: vi.fn(), verbose: vi.fn() };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return { warn, error };
}

describe('SecurityEvents', () => {
  afterEach(() => {
    diag.disable();
  });

  describe('catalogue methods (real SDK pipeline)', () => {
    it('should have one call in the test table per catalogue event', () => {
      expect(CATALOGUE_CALLS.map((c) => c.name).sort()).toEqual(CATALOGUE.map((d) => d.name).sort());
    });

    it.each(CATALOGUE_CALLS)(
      'should emit $name with the catalogue envelope and the active trace context',
      ({ name, call, expect: attrs }) => {
        const p = pipeline();
        const ids = inSpan(() => call(p.security));
        const records = p.records();
        expect(records).toHaveLength(1);
        const r = records[0]!;
        const def = getEventDefinition(name)!;
        expect(r.eventName).toBe(name);
        expect(r.body).toBeUndefined();
        expect(r.traceId).toBe(ids.traceId);
        expect(r.spanId).toBe(ids.spanId);
        expect(r.attributes['event.action']).toBe(def.action);
        expect(r.attributes['event.kind']).toBe(def.ecs.kind);
        expect(r.attributes['event.category']).toEqual(def.ecs.category);
        expect(r.attributes['log.record.uid']).toMatch(ULID_RE);
        expect(r.attributes['event.name']).toBeUndefined(); // deprecated attribute, never set
        if (name !== EVENTS.AUTHZ_ADMIN) expect(r.attributes['event.type']).toEqual(def.ecs.type);
        expect(r.attributes['event.outcome']).toBe(def.ecs.outcome);
        expect(r.severityNumber).toBe(def.severityNumber);
        expect(r.severityText).toBe(def.severityText);
        if (def.ecs.outcome === 'failure') expect(r.attributes['error.type']).toEqual(expect.any(String));
        expect(r.attributes).toMatchObject(attrs);
      },
    );

    it('should emit catalogue events by name through emit()', () => {
      const p = pipeline();
      p.security.emit(EVENTS.AUTHZ_FAIL, { resourceType: 'invoice' });
      expect(p.last()).toMatchObject({
        eventName: EVENTS.AUTHZ_FAIL,
        attributes: { 'secmon.resource.type': 'invoice' },
      });
    });

    it('should refuse names outside the catalogue in emit()', () => {
      const p = pipeline();
      const { warn } = spyDiag();
      p.security.emit('secmon.authn.nope' as never);
      expect(p.records()).toHaveLength(0);
      expect(p.security.getStats().dropped['invalid_name']).toBe(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('not a catalogue event'));
    });

    it('should give every record a distinct, time-ordered ULID', () => {
      const p = pipeline();
      for (let i = 0; i < 50; i++) p.security.sys.restart();
      const uids = p.records().map((r) => r.attributes['log.record.uid'] as string);
      expect(new Set(uids).size).toBe(50);
      expect([...uids].sort((a, b) => a.slice(0, 10).localeCompare(b.slice(0, 10)))).toEqual(uids);
    });
  });

  describe('identity model', () => {
    it('should pseudonymise the typed login as user.hash and never log it by default', () => {
      const p = pipeline();
      p.security.authn.loginFail({
        login: 'mallory@example.com',
        userExists: false,
        reason: 'user_not_found',
      });
      const a = p.last().attributes;
      expect(a['user.hash']).toMatch(/^[0-9a-f]{32}$/);
      expect(a['secmon.user.exists']).toBe(false);
      expect(a['user.id']).toBeUndefined();
      expect(a['user.name']).toBeUndefined();
      expect(JSON.stringify(a)).not.toContain('mallory');
    });

    it('should carry user.id, the hash and existence together when the account exists', () => {
      const p = pipeline();
      p.security.authn.loginFail({
        login: 'alice',
        userExists: true,
        userId: 'u-42',
        reason: 'invalid_credentials',
      });
      expect(p.last().attributes).toMatchObject({
        'user.id': 'u-42',
        'secmon.user.exists': true,
        'user.hash': expect.any(String),
      });
    });

    it('should log user.name only when recordUserName is on (sanitised)', () => {
      const p = pipeline({ recordUserName: true });
      p.security.authn.loginFail({ login: 'alice\nINFO admin logged in' });
      expect(p.last().attributes['user.name']).toBe('alice\\nINFO admin logged in');
    });

    it('should normalise logins (trim, case) so that one person has one pseudonym', () => {
      const p = pipeline();
      p.security.authn.loginFail({ login: ' Alice@Example.COM ' });
      p.security.authn.loginFail({ login: 'alice@example.com' });
      const [a, b] = p.records();
      expect(a!.attributes['user.hash']).toBe(b!.attributes['user.hash']);
    });

    it('should give the application the same user.hash as the events (userHash), never throwing', () => {
      const p = pipeline();
      p.security.authn.loginFail({ login: ' Alice@Example.COM ' });
      expect(p.security.userHash('alice@example.com')).toBe(p.last().attributes['user.hash']);
      expect(p.security.userHash(42 as unknown as string)).toBe(p.security.userHash('42'));
      expect(p.security.userHash(Symbol('x') as unknown as string)).toBeUndefined();
    });

    it('should keep pseudonyms stable across instances with the same key and change them with the key', () => {
      const a = pipeline();
      const b = pipeline();
      const c = pipeline({ pseudonymKey: 'another-key-another-key-another-key-1234' });
      for (const p of [a, b, c]) p.security.authn.loginFail({ login: 'alice', sessionId: 's-1' });
      expect(a.last().attributes['user.hash']).toBe(b.last().attributes['user.hash']);
      expect(a.last().attributes['session.id']).toBe(b.last().attributes['session.id']);
      expect(c.last().attributes['user.hash']).not.toBe(a.last().attributes['user.hash']);
    });

    it('should separate pseudonym domains: the same string as user and as session hashes differently', () => {
      const p = pipeline();
      p.security.session.created({ login: 'x-1', sessionId: 'x-1', tokenId: 'x-1' } as never);
      const a = p.last().attributes;
      expect(new Set([a['user.hash'], a['session.id'], a['secmon.token.id_hash']]).size).toBe(3);
    });

    it('should put the target user under user.target.* and the actor under user.*', () => {
      const p = pipeline({ recordUserName: true });
      p.security.authz.change({
        userId: 'admin-1',
        userRoles: ['admin'],
        targetUserId: 'u-2',
        targetLogin: 'bob',
        targetRoles: ['user'],
        newRoles: ['admin'],
      });
      expect(p.last().attributes).toMatchObject({
        'user.id': 'admin-1',
        'user.roles': ['admin'],
        'user.target.id': 'u-2',
        'user.target.name': 'bob',
        'user.target.hash': expect.stringMatching(/^[0-9a-f]{32}$/),
        'user.target.roles': ['user'],
        'user.changes.roles': ['admin'],
      });
    });
  });

  describe('envelope rules', () => {
    it('should map reason to error.type on failures and to event.reason otherwise, as a token', () => {
      const p = pipeline();
      p.security.authn.loginFail({ reason: 'Invalid Credentials!' });
      p.security.session.expired({ reason: 'logout' });
      const [fail, expired] = p.records();
      expect(fail!.attributes['error.type']).toBe('invalid_credentials');
      expect(expired!.attributes['event.reason']).toBe('logout');
      expect(expired!.attributes['error.type']).toBeUndefined();
    });

    it('should make a failed upload scan CRITICAL with outcome failure', () => {
      const p = pipeline();
      p.security.upload.validation({ scanEngine: 'clamav', scanResult: 'failed', reason: 'malware' });
      expect(p.last()).toMatchObject({
        severityNumber: 17,
        severityText: 'ERROR',
        attributes: { 'event.outcome': 'failure', 'error.type': 'malware' },
      });
    });

    it('should record a failed admin action with its outcome', () => {
      const p = pipeline();
      p.security.authz.admin({ outcome: 'failure', adminAction: 'deletion', reason: 'forbidden' });
      expect(p.last().attributes).toMatchObject({
        'event.outcome': 'failure',
        'event.type': ['admin', 'deletion'],
        'error.type': 'forbidden',
      });
    });

    it('should honour an explicit timestamp', () => {
      const p = pipeline();
      p.security.sys.startup({ timestamp: new Date('2026-01-02T03:04:05.678Z') });
      const rec = p.exporter.getFinishedLogRecords()[0]!;
      expect(rec.hrTime).toEqual([Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, 678_000_000]);
    });

    it('should log config values only for allowlisted non-secret keys', () => {
      const p = pipeline({ configValueKeys: ['payments.max_amount', 'smtp.password'] });
      p.security.config.change({
        key: 'payments.max_amount',
        secret: false,
        previousValue: 100,
        newValue: 5000,
      });
      p.security.config.change({
        key: 'smtp.password',
        secret: false,
        previousValue: 'old',
        newValue: 'hunter2',
      });
      p.security.config.change({ key: 'feature.x', previousValue: 'a', newValue: 'b' });
      const [allowed, secretKey, notListed] = p.records();
      expect(allowed!.attributes).toMatchObject({
        'secmon.config.previous_value': 100,
        'secmon.config.new_value': 5000,
      });
      expect(secretKey!.attributes['secmon.config.new_value']).toBeUndefined();
      expect(notListed!.attributes['secmon.config.new_value']).toBeUndefined();
      expect(JSON.stringify(p.records())).not.toContain('hunter2');
    });

    it('should drop a client address that is not an IP and truncate when asked', () => {
      const p = pipeline({ truncateClientAddress: true });
      p.security.authn.loginFail({ clientAddress: '203.0.113.77' });
      p.security.authn.loginFail({ clientAddress: '2001:db8:85a3:1:2:3:4:5' });
      p.security.authn.loginFail({ clientAddress: '1.2.3.4\nforged' });
      const [v4, v6, bad] = p.records();
      expect(v4!.attributes['client.address']).toBe('203.0.113.0');
      expect(v6!.attributes['client.address']).toBe('2001:db8:85a3::');
      expect(bad!.attributes['client.address']).toBeUndefined();
    });

    it('should strip the query from url.path and map unknown methods to _OTHER', () => {
      const p = pipeline();
      p.security.authz.fail({ urlPath: '/a/b?token=secret', httpMethod: 'BREW' });
      expect(p.last().attributes).toMatchObject({ 'url.path': '/a/b', 'http.request.method': '_OTHER' });
    });
  });

  describe('custom', () => {
    it('should emit a custom event under the configured prefix with its envelope', () => {
      const p = pipeline({ customPrefix: 'shop.' });
      inSpan(() =>
        p.security.custom('shop.coupon_abuse', {
          level: 'CRITICAL',
          kind: 'alert',
          category: ['intrusion_detection'],
          type: ['denied'],
          outcome: 'failure',
          reason: 'coupon_reuse',
          userId: 'u-1',
          attributes: { 'shop.coupon': 'WELCOME10' },
        }),
      );
      expect(p.last()).toMatchObject({
        eventName: 'shop.coupon_abuse',
        severityNumber: 17,
        severityText: 'ERROR',
        traceId: expect.any(String),
        attributes: {
          'event.action': 'shop_coupon_abuse',
          'event.kind': 'alert',
          'event.category': ['intrusion_detection'],
          'event.type': ['denied'],
          'event.outcome': 'failure',
          'error.type': 'coupon_reuse',
          'user.id': 'u-1',
          'shop.coupon': 'WELCOME10',
        },
      });
      expect(p.security.getStats().emitted['shop.coupon_abuse']).toBe(1);
    });

    it.each([
      ['secmon.authn.login_fail', 'reserved'],
      ['shop', 'no dot'],
      ['Shop.Coupon', 'upper case'],
      ['other.thing', 'outside the prefix'],
      ['shop.bad name', 'space'],
      ['shop.x\n', 'control character'],
    ])('should refuse %s (%s) without throwing, with one diag warning', (name) => {
      const p = pipeline({ customPrefix: 'shop.' });
      const { warn } = spyDiag();
      expect(() => p.security.custom(name)).not.toThrow();
      p.security.custom(name);
      expect(p.records()).toHaveLength(0);
      expect(p.security.getStats().dropped['invalid_name']).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('should refuse custom events when no customPrefix is configured', () => {
      const p = pipeline();
      const { warn } = spyDiag();
      p.security.custom('shop.thing');
      expect(p.records()).toHaveLength(0);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('customPrefix'));
    });

    it('should refuse a reserved or malformed customPrefix', () => {
      const { warn } = spyDiag();
      const p = pipeline({ customPrefix: 'secmon.' });
      p.security.custom('secmon.x');
      expect(p.records()).toHaveLength(0);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('invalid customPrefix'));
    });
  });

  describe('extra attributes', () => {
    it('should deny keys outside the custom prefix and never let them forge reserved attributes', () => {
      const p = pipeline({ customPrefix: 'shop.' });
      p.security.authn.loginFail({
        userId: 'u-1',
        attributes: { 'user.id': 'admin', 'event.outcome': 'success', 'shop.cart_size': 3, random: 'x' },
      });
      const a = p.last().attributes;
      expect(a['user.id']).toBe('u-1');
      expect(a['event.outcome']).toBe('failure');
      expect(a['shop.cart_size']).toBe(3);
      expect(a['random']).toBeUndefined();
    });

    it('should keep nested plain data bounded in depth, keys and array length', () => {
      const p = pipeline({
        customPrefix: 'shop.',
        maxAttributeDepth: 2,
        maxArrayLength: 3,
        maxAttributeKeys: 4,
      });
      p.security.suspicious.activity({
        attributes: {
          'shop.ctx': { a: { b: { c: 'too deep' } }, list: [1, 2, 3, 4, 5], k1: 1, k2: 2, k3: 3, k4: 4 },
          'shop.when': new Date(0),
          'shop.err': new Error('boom'),
        },
      });
      const a = p.last().attributes;
      expect(a['shop.ctx']).toEqual({ a: {}, list: [1, 2, 3], k1: 1, k2: 2 });
      expect(a['shop.when']).toBe('1970-01-01T00:00:00.000Z');
      expect(a['shop.err']).toBeUndefined();
      expect(a['secmon.sanitized_count']).toBeGreaterThan(0);
    });
  });

  describe('disabled logger', () => {
    beforeEach(() => {
      logs.disable();
    });

    it('should emit nothing and not throw without any LoggerProvider', () => {
      const s = new SecurityEvents({ pseudonymKey: TEST_KEY });
      expect(() => s.authn.loginFail({ login: 'x' })).not.toThrow();
      expect(s.getStats().emitted).toEqual({});
    });

    it('should respect a LoggerConfig that disables the logger', () => {
      const p = pipeline();
      const provider = new LoggerProvider({
        processors: [],
        loggerConfigurator: () => ({ enabled: false, minimumSeverity: 0, traceBased: false }),
      });
      const s = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
      s.authz.fail();
      expect(s.getStats().emitted).toEqual({});
      expect(p.records()).toHaveLength(0);
    });

    it('should use the global LoggerProvider registered after construction', () => {
      const s = new SecurityEvents({ pseudonymKey: TEST_KEY });
      const p = pipeline();
      logs.setGlobalLoggerProvider(p.provider);
      s.sys.startup();
      expect(p.records()).toHaveLength(1);
    });
  });

  describe('never throws', () => {
    it('should survive hostile field objects and count the failure', () => {
      const p = pipeline({ customPrefix: 'shop.' });
      spyDiag();
      const hostile = new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('ownKeys');
          },
        },
      );
      const getterBomb = Object.defineProperty({}, 'login', {
        enumerable: true,
        get: () => {
          throw new Error('getter');
        },
      });
      expect(() => p.security.authn.loginFail(hostile as never)).not.toThrow();
      expect(() => p.security.authn.loginFail(getterBomb as never)).not.toThrow();
      expect(() => p.security.authn.loginFail('not an object' as never)).not.toThrow();
      expect(() => p.security.authn.loginFail({ attributes: hostile } as never)).not.toThrow();
      expect(() => p.security.custom(undefined as never)).not.toThrow();
      expect(() => p.security.custom('shop.x', { level: 'LOUD' as never })).not.toThrow();
      const stats = p.security.getStats();
      expect(stats.dropped['internal_error']).toBeGreaterThanOrEqual(2);
      // The string and the hostile attributes map still produced events (without the bad parts).
      expect(p.records().length).toBeGreaterThanOrEqual(2);
    });

    it('should keep going when the exporter pipeline throws', () => {
      const provider = new LoggerProvider({
        processors: [
          {
            onEmit: () => {
              throw new Error('processor bug');
            },
            forceFlush: () => Promise.resolve(),
            shutdown: () => Promise.resolve(),
          },
        ],
      });
      spyDiag();
      const s = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
      expect(() => s.authn.loginFail({ login: 'x' })).not.toThrow();
      expect(s.getStats().dropped['internal_error']).toBe(1);
    });
  });

  describe('pseudonym key warnings', () => {
    beforeEach(() => {
      _resetDevelopmentKeyWarning();
    });

    it('should warn loudly once when the development key is used in production', () => {
      const { error } = spyDiag();
      new SecurityEvents({ environment: 'production' });
      new SecurityEvents({ environment: 'production' });
      expect(error).toHaveBeenCalledTimes(1);
      expect(error.mock.calls[0]![0]).toMatch(/SECURITY WARNING.*pseudonymKey/);
    });

    it('should only warn (not error) outside production', () => {
      const { warn, error } = spyDiag();
      new SecurityEvents({ environment: 'development' });
      expect(error).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('development key'));
    });

    it('should warn about a short key', () => {
      const { warn } = spyDiag();
      new SecurityEvents({ pseudonymKey: 'short' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('shorter than 32 bytes'));
    });
  });

  describe('self-metrics', () => {
    it('should export emitted, dropped, sanitised and redacted counters through the metrics API', async () => {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      const meterProvider = new MeterProvider({ readers: [reader] });
      const p = pipeline({ meterProvider, customPrefix: 'shop.' });
      spyDiag();
      p.security.authn.loginFail({ userAgent: 'x\ny', url: 'https://u:p@h/' });
      p.security.authn.loginFail();
      p.security.custom('bad name');
      await reader.forceFlush();
      const metrics = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
      const points = (name: string): Record<string, number> =>
        Object.fromEntries(
          metrics
            .filter((m) => m.descriptor.name === name)
            .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[])
            .map((dp) => [String(Object.values(dp.attributes)[0]), dp.value as number]),
        );
      expect(points('secmon.events.emitted')).toEqual({ [EVENTS.AUTHN_LOGIN_FAIL]: 2 });
      expect(points('secmon.events.dropped')).toMatchObject({ invalid_name: 1, internal_error: 0 });
      expect(points('secmon.values.sanitized')).toMatchObject({ control_chars: 1 });
      expect(points('secmon.values.redacted')).toMatchObject({ url_credentials: 1 });
      await meterProvider.shutdown();
    });
  });
});
