// One test asserts every documented default (STYLE.md rule 14); the only place that reads privates.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SECURITY_EVENTS_OPTIONS,
  DEFAULT_SENSITIVE_QUERY_PARAMS,
  SecurityEvents,
} from '../src/index.js';
import { TEST_KEY, pipeline } from './helpers.js';

describe('SecurityEventsOptions defaults', () => {
  it('should document and apply every default', () => {
    expect(DEFAULT_SECURITY_EVENTS_OPTIONS).toEqual({
      recordUserName: false,
      normalizeLogin: true,
      redact: true,
      sensitiveQueryParams: [],
      sensitiveKeys: [],
      redactPatterns: [],
      configValueKeys: [],
      maxStringLength: 1024,
      maxUserAgentLength: 512,
      maxArrayLength: 32,
      maxAttributeDepth: 3,
      maxAttributeKeys: 32,
      truncateClientAddress: false,
      recordCounts: true,
      pseudonymCacheSize: 4096,
    });
    const s = new SecurityEvents({ pseudonymKey: TEST_KEY }) as unknown as Record<string, unknown>;
    expect(s['_recordUserName']).toBe(false);
    expect(s['_normalizeLogin']).toBe(true);
    expect(s['_maxString']).toBe(1024);
    expect(s['_maxUserAgent']).toBe(512);
    expect(s['_maxArray']).toBe(32);
    expect(s['_maxDepth']).toBe(3);
    expect(s['_maxKeys']).toBe(32);
    expect(s['_truncateIp']).toBe(false);
    expect(s['_customPrefix']).toBeUndefined();
    expect(s['_recordCounts']).toBe(true);
    expect((s['_configValueKeys'] as Set<string>).size).toBe(0);
    expect((s['_pseudonyms'] as Record<string, unknown>)['_cacheSize']).toBe(4096);
    expect((s['_scrubber'] as Record<string, unknown>)['_redact']).toBe(true);
  });

  it('should apply the default caps to real values', () => {
    const p = pipeline({ customPrefix: 'shop.' });
    p.security.authn.loginFail({
      userAgent: 'u'.repeat(600),
      url: 'x'.repeat(2000),
      userRoles: Array.from({ length: 40 }, (_, i) => `r${i}`),
      attributes: { 'shop.deep': { a: { b: { c: { d: 1 } } } } },
    });
    const a = p.last().attributes;
    expect((a['user_agent.original'] as string).length).toBe(512);
    expect((a['url.full'] as string).length).toBe(1024);
    expect(a['user.roles']).toHaveLength(32);
    expect(a['shop.deep']).toEqual({ a: { b: {} } });
    expect(a['secmon.sanitized_count']).toBe(4);
  });

  it('should ship the OTel sensitive query parameters plus EVENTS.md §8 additions', () => {
    for (const k of [
      'X-Amz-Signature',
      'X-Amz-Credential',
      'X-Amz-Security-Token',
      'AWSAccessKeyId',
      'Signature',
      'sig',
      'X-Goog-Signature',
    ]) {
      expect(DEFAULT_SENSITIVE_QUERY_PARAMS).toContain(k);
    }
    for (const k of [
      'access_token',
      'id_token',
      'refresh_token',
      'token',
      'code',
      'password',
      'passwd',
      'secret',
      'api_key',
      'apikey',
      'session',
      'sessionid',
      'jsessionid',
      'phpsessid',
    ]) {
      expect(DEFAULT_SENSITIVE_QUERY_PARAMS).toContain(k);
    }
  });

  it('should clamp invalid numeric options', () => {
    const s = new SecurityEvents({
      pseudonymKey: TEST_KEY,
      maxStringLength: 1,
      maxArrayLength: Number.NaN,
    }) as unknown as Record<string, unknown>;
    expect(s['_maxString']).toBe(16);
    expect(s['_maxArray']).toBe(1);
  });
});
