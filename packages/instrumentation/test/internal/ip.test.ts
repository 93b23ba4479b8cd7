import { describe, expect, it } from 'vitest';
import { clientAddressFromChain, compileTrustList, normalizeIp, truncateIp } from '../../src/internal/ip.js';

describe('ip', () => {
  it('should normalise addresses and refuse non-IPs', () => {
    expect(normalizeIp('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(normalizeIp('203.0.113.7:8080')).toBe('203.0.113.7');
    expect(normalizeIp(' 2001:db8::1 ')).toBe('2001:db8::1');
    expect(normalizeIp('evil.example')).toBeUndefined();
    expect(normalizeIp('1.2.3.4\n')).toBe('1.2.3.4');
    expect(normalizeIp('1.2.3.4 x')).toBeUndefined();
  });

  it('should truncate IPv4 to /24 and IPv6 to /48', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::');
  });

  it('should compile trust lists with CIDRs and names, reporting bad entries', () => {
    const { check, errors } = compileTrustList([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
      'bad',
      '1.2.3.4/99',
    ]);
    expect(check('127.0.0.1')).toBe(true);
    expect(check('::1')).toBe(true);
    expect(check('10.1.2.3')).toBe(true);
    expect(check('2001:db8::5')).toBe(true);
    expect(check('203.0.113.1')).toBe(false);
    expect(errors).toEqual(['bad', '1.2.3.4/99']);
  });

  it('should walk X-Forwarded-For from the right through trusted hops only', () => {
    const trustPrivate = (a: string): boolean => a.startsWith('10.') || a === '127.0.0.1';
    expect(clientAddressFromChain('10.0.0.1', '6.6.6.6, 203.0.113.5, 10.0.0.2', trustPrivate)).toEqual({
      address: '203.0.113.5',
      fromPeer: false,
    });
    expect(clientAddressFromChain('203.0.113.9', '6.6.6.6', trustPrivate)).toEqual({
      address: '203.0.113.9',
      fromPeer: true,
    });
    expect(clientAddressFromChain('10.0.0.1', undefined, trustPrivate)).toEqual({
      address: '10.0.0.1',
      fromPeer: true,
    });
    expect(clientAddressFromChain(undefined, '1.2.3.4', trustPrivate)).toBeUndefined();
  });
});
