import { createHmac } from 'node:crypto';

/** Domain separation: the same string hashed as a user and as a session gives unrelated pseudonyms. */
export type PseudonymKind = 'user' | 'session' | 'token';

const PREFIX: Readonly<Record<PseudonymKind, string>> = { user: 'user\u0000', session: 'session\u0000', token: 'token\u0000' };

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
  private readonly _cache = new Map<string, string>();
  private readonly _cacheSize: number;

  constructor(key: string | Uint8Array, cacheSize: number) {
    this._key = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    this._cacheSize = cacheSize;
  }

  hash(kind: PseudonymKind, value: string): string {
    const input = PREFIX[kind] + value;
    const cached = this._cache.get(input);
    if (cached !== undefined) return cached;
    const out = createHmac('sha256', this._key).update(input, 'utf8').digest('hex').slice(0, HEX_LENGTH);
    if (this._cacheSize > 0) {
      if (this._cache.size >= this._cacheSize) {
        const oldest = this._cache.keys().next().value;
        if (oldest !== undefined) this._cache.delete(oldest);
      }
      this._cache.set(input, out);
    }
    return out;
  }
}
