import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/index.js';

describe('seededRandom', () => {
  it('should give the same stream for the same seed, and another for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c())).not.toEqual(xs);
  });

  it('should stay in [0, 1) and spread over it (mulberry32: the first values of seed 1 are pinned)', () => {
    const r = seededRandom(1);
    const xs = Array.from({ length: 10_000 }, () => r());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const buckets = [0, 0, 0, 0];
    for (const x of xs) buckets[Math.floor(x * 4)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(2_300);
    const s = seededRandom(1);
    expect(s().toFixed(10)).toBe(xs[0]!.toFixed(10));
    expect(xs[0]).toBeCloseTo(0.6270739405881613, 12);
  });
});
