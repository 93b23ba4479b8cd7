import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Pseudonymizer } from '../../src/internal/Pseudonymizer.js';

describe('Pseudonymizer', () => {
  it('should be a keyed HMAC-SHA256 with domain separation, truncated to 128 bits', () => {
    const p = new Pseudonymizer('k'.repeat(32), 10);
    const expected = createHmac('sha256', 'k'.repeat(32))
      .update('user\u0000alice')
      .digest('hex')
      .slice(0, 32);
    expect(p.hash('user', 'alice')).toBe(expected);
    expect(p.hash('session', 'alice')).not.toBe(expected);
  });

  it('should give the same answers with and without its bounded cache', () => {
    const cached = new Pseudonymizer('key', 2);
    const uncached = new Pseudonymizer('key', 0);
    for (const v of ['a', 'b', 'c', 'a', 'b', 'd', 'a'])
      expect(cached.hash('user', v)).toBe(uncached.hash('user', v));
    expect((cached as unknown as { _caches: { user: Map<string, string> } })._caches.user.size).toBe(2);
  });
});
