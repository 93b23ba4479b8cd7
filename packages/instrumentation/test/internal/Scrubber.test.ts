import { describe, expect, it } from 'vitest';
import { Scrubber } from '../../src/internal/Scrubber.js';
import { containsPan, isSecretKey, luhnValid, maskPan } from '../../src/internal/patterns.js';
import { DEFAULT_SENSITIVE_QUERY_PARAMS } from '../../src/defaults.js';

function scrubber(overrides: Partial<ConstructorParameters<typeof Scrubber>[0]> = {}): Scrubber {
  return new Scrubber({
    redact: true,
    sensitiveQueryParams: DEFAULT_SENSITIVE_QUERY_PARAMS,
    sensitiveKeys: [],
    redactPatterns: [],
    ...overrides,
  });
}

describe('Scrubber', () => {
  describe('scrub (CWE-117)', () => {
    it.each([
      ['a\r\nb', 'a\\r\\nb'],
      ['tab\there', 'tab\\there'],
      ['\u0000\u0007\u001f\u007f', '\\u{0}\\u{7}\\u{1f}\\u{7f}'],
      ['\u0085\u009b', '\\u{85}\\u{9b}'],
      ['\u2028\u2029', '\\u{2028}\\u{2029}'],
      ['\u001b[31mred\u001b[0m', '\\u{1b}[31mred\\u{1b}[0m'],
      ['a\u202eb\u2066c\u2069\u200e\u200f\u061c', 'a\\u{202e}b\\u{2066}c\\u{2069}\\u{200e}\\u{200f}\\u{61c}'],
      ['lone \ud800 and \udc00', 'lone \ufffd and \ufffd'],
      ['pair 😀 ok', 'pair 😀 ok'],
      ['plain ASCII route /a/b', 'plain ASCII route /a/b'],
      ['déjà vu 東京', 'déjà vu 東京'],
    ])('should escape %j visibly', (input, output) => {
      expect(scrubber().scrub(input, 1024)).toBe(output);
    });

    it('should cap the length with an ellipsis without splitting a surrogate pair', () => {
      const s = scrubber();
      expect(s.scrub('abcdef', 4)).toBe('abc…');
      expect(s.scrub('ab😀cd', 4)).toBe('ab…');
      expect(s.sanitized[2]).toBe(2); // truncated
    });

    it('should bound the work on huge values and never keep half a card number', () => {
      const s = scrubber();
      const out = s.scrub(`${'a '.repeat(500_000)}4111 1111 1111 1111`, 64);
      expect(out.length).toBe(64);
      const tail = s.scrub(`${'x'.repeat(4150)} 4111111111111111`, 1024);
      expect(tail).not.toMatch(/\d{5}/);
    });
  });

  describe('scrub (CWE-532)', () => {
    it.each([
      ['https://bob:hunter2@example.com/x', 'https://REDACTED:REDACTED@example.com/x'],
      ['postgres://app:pw@db:5432/shop', 'postgres://REDACTED:REDACTED@db:5432/shop'],
      ['/cb?code=abc&state=xyz&ok=1', '/cb?code=REDACTED&state=REDACTED&ok=1'],
      [
        'https://s3/x?X-Amz-Signature=abc&X-Amz-Credential=def',
        'https://s3/x?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED',
      ],
      ['/app;jsessionid=ABC123', '/app;jsessionid=REDACTED'],
      ['token=abc', 'token=REDACTED'],
      ['Bearer abcdefgh12345', 'Bearer REDACTED'],
      ['Authorization: Bearer abc', 'Authorization: Bearer REDACTED'],
      ['Basic dXNlcjpwYXNz', 'Basic REDACTED'],
      ['Basic authentication failed', 'Basic authentication failed'],
      ['x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc y', 'x REDACTED y'],
      ['key sk_live_abcdefghijkl', 'key REDACTED'],
      ['AKIAIOSFODNN7EXAMPLE', 'REDACTED'],
      ['password=hunter2 user=bob', 'password=REDACTED user=bob'],
      ['{"password":"hunter2","user":"bob"}', '{"password":REDACTED,"user":"bob"}'],
      ["db_password: 'x y z'", 'db_password: REDACTED'],
      ['Cookie: sid=abc; theme=dark', 'Cookie: REDACTED; theme=dark'],
      ['4111111111111111', '************1111'],
      ['4111 1111 1111 1111', '**** **** **** 1111'],
      ['4111-1111-1111-1111', '****-****-****-1111'],
      ['amex 3782 822463 10005', 'amex **** ****** *0005'],
      ['qty 2 4111 1111 1111 1111', 'qty * **** **** **** 1111'],
      ['order 4111111111111112', 'order 4111111111111112'],
      ['ts 1700000000123', 'ts 1700000000123'],
      ['phone +1 415 555 2671', 'phone +1 415 555 2671'],
    ])('should redact %j', (input, output) => {
      expect(scrubber().scrub(input, 1024)).toBe(output);
    });

    it('should count each redaction by reason and leave clean text alone', () => {
      const s = scrubber();
      s.scrub('https://u:p@h/?token=t Bearer abcdefghijk 4111111111111111 password=x', 1024);
      expect(s.recordRedacted).toBe(5);
      s.recordRedacted = 0;
      expect(s.scrub('Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0', 1024)).toBe(
        'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0',
      );
      expect(s.recordRedacted).toBe(0);
    });

    it('should apply extra query parameters and patterns, and nothing when redaction is off', () => {
      expect(scrubber({ sensitiveQueryParams: ['otp'] }).scrub('/x?otp=123456', 1024)).toBe(
        '/x?otp=REDACTED',
      );
      expect(scrubber({ redactPatterns: [/EMP-\d+/] }).scrub('id EMP-123 and EMP-456', 1024)).toBe(
        'id REDACTED and REDACTED',
      );
      expect(scrubber({ redact: false }).scrub('password=hunter2\n', 1024)).toBe('password=hunter2\\n');
    });

    it('should stay linear on inputs that make naive patterns backtrack', () => {
      const s = scrubber();
      const t = performance.now();
      s.scrub('a.'.repeat(3000) + '=', 8192);
      s.scrub('a://'.repeat(1500), 8192);
      s.scrub('password="'.repeat(600), 8192);
      s.scrub('1 '.repeat(3000), 8192);
      // Not a timing assertion on a budget: a quadratic pattern would take seconds here, not milliseconds.
      expect(performance.now() - t).toBeLessThan(2000);
    });
  });

  describe('isSecretKey', () => {
    it.each([
      'password',
      'userPassword',
      'db.passwd',
      'api_key',
      'apiKey',
      'X-API-Key',
      'authorization',
      'cookie',
      'Set-Cookie',
      'session',
      'sessionId',
      'card',
      'card_number',
      'cvv',
      'cvc',
      'pan',
      'pin',
      'token',
      'access_token',
      'client_secret',
      'private-key',
      'otp',
    ])('should treat %s as secret', (k) => {
      expect(isSecretKey(k, [])).toBe(true);
      expect(scrubber().isSecretKey(k)).toBe(true);
    });

    it.each([
      'company',
      'shipping',
      'span',
      'expand',
      'keyboard',
      'status',
      'route',
      'user.id',
      'cart_size',
      'mapping',
      'spinner',
    ])('should not treat %s as secret', (k) => {
      expect(isSecretKey(k, [])).toBe(false);
    });
  });

  describe('card numbers', () => {
    it('should validate Luhn, find card numbers in runs and mask to the last 4', () => {
      expect(luhnValid('4111111111111111')).toBe(true);
      expect(luhnValid('4111111111111112')).toBe(false);
      expect(containsPan('2 4111 1111 1111 1111')).toBe(true);
      expect(containsPan('1700000000123')).toBe(false);
      expect(maskPan('4111-1111-1111-1111')).toBe('****-****-****-1111');
      expect(scrubber().scrubNumber(4111111111111111)).toBe('************1111');
      expect(scrubber().scrubNumber(1700000000123)).toBe(1700000000123);
    });
  });
});
