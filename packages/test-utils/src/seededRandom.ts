/**
 * A deterministic pseudo-random generator in [0, 1) (mulberry32): the same seed gives the same stream, so a
 * benchmark or a generated test stream is the same on every run and every machine.
 *
 * @example
 * const rnd = seededRandom(42);
 * const pick = items[Math.floor(rnd() * items.length)];
 */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
