import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/domain/PasswordHasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ log2Cost: 12 });

  it('should verify the right password and reject a wrong one', async () => {
    const stored = await hasher.hash('Alice-garden-42-tulips');
    expect(await hasher.verify('Alice-garden-42-tulips', stored)).toBe(true);
    expect(await hasher.verify('Alice-garden-42-tulipz', stored)).toBe(false);
  });

  it('should store scrypt parameters and a random salt, never the password', async () => {
    const a = await hasher.hash('same-password');
    const b = await hasher.hash('same-password');
    expect(a).toMatch(/^scrypt\$12\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toEqual(b);
    expect(a).not.toContain('same-password');
  });

  it('should default to the OWASP minimum cost (N = 2^17)', () => {
    expect(new PasswordHasher()['_log2Cost']).toBe(17);
  });

  it('should reject malformed stored values', async () => {
    expect(await hasher.verify('x', 'plain')).toBe(false);
    expect(await hasher.verify('x', 'scrypt$99$8$1$AAAA$BBBB')).toBe(false);
  });
});
