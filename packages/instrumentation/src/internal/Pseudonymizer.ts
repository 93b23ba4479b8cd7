import { createHmac } from 'node:crypto';

/** Domain separation: the same string hashed as a user and as a session gives unrelated pseudonyms. */
export type PseudonymKind = 'user' | 'session' | 'token';

const PREFIX: Readonly<Record<PseudonymKind, string>> = {
  user: 'user\u0000',
  session: 'session\u0000',
  token: 'token\u0000',
};

/** Hex characters kept from the HMAC-SHA256 output: 128 bits, ample against collisions, half the bytes. */
const HEX_LENGTH = 32;

/**
 * Keyed HMAC-SHA256 pseudonyms (EVENTS.md §8): stable for a key across processes and hosts, so rules can count
 * distinct users; not reversible without the key, unlike a plain hash of a small input space.
 *
 * A bounded cache (insertion-order eviction) saves the HMAC (~1.5 µs) for identifiers that repeat: the same
 * user and session appear in many events. It holds raw identifiers in memory, which the process holds anyway.
 */
export class Pseudonymizer {
  private readonly _key: Buffer;
  // One cache per kind, keyed by the raw value: no concatenation (and re-hashing of a new string) per lookup.
  private readonly _caches: Record<PseudonymKind, Map<string, string>> = {
    user: new Map(),
    session: new Map(),
    token: new Map(),
  };
  private readonly _cacheSize: number;

  constructor(key: string | Uint8Array, cacheSize: number) {
    this._key = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    this._cacheSize = cacheSize;
  }

  /** Cached pseudonym for a raw (not yet normalised) value, or undefined. */
  cached(kind: PseudonymKind, raw: string): string | undefined {
    return this._caches[kind].get(raw);
  }

  /**
   * Pseudonym of `value`; cached under `raw` (the caller's value before normalisation, so that the next
   * identical call skips normalisation too).
   */
  hash(kind: PseudonymKind, value: string, raw: string = value): string {
    const cache = this._caches[kind];
    const hit = cache.get(raw);
    if (hit !== undefined) return hit;
    const out = createHmac('sha256', this._key)
      .update(PREFIX[kind] + value, 'utf8')
      .digest('hex')
      .slice(0, HEX_LENGTH);
    if (this._cacheSize > 0) {
      if (cache.size >= this._cacheSize) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(raw, out);
    }
    return out;
  }
}
