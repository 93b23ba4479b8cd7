import { describe, expect, it } from 'vitest';
import { ulid, ulidTime } from '../../src/internal/ulid.js';

describe('ulid', () => {
  it('should encode the time in 10 sortable characters and 80 random bits in 16', () => {
    const t = Date.UTC(2026, 7, 21, 12, 0, 0);
    const id = ulid(t);
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ulidTime(id)).toBe(t);
    expect(ulid(0).slice(0, 10)).toBe('0000000000');
    expect(ulid(t + 1) > ulid(t)).toBe(true);
  });

  it('should not repeat across many ids (pool refills included)', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) ids.add(ulid(1));
    expect(ids.size).toBe(5000);
  });
});
