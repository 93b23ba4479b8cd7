import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Options of {@link PasswordHasher}. */
export interface PasswordHasherOptions {
  /**
   * log2 of scrypt's CPU/memory cost N. Default 17 (N = 131072, 128 MiB per hash), the OWASP Password
   * Storage Cheat Sheet minimum for scrypt with r = 8, p = 1. The demo lowers it (see README) so that a
   * simulated attack of a few hundred logins runs in seconds on two cores; the stored format records the
   * cost, so hashes made with different settings keep verifying.
   */
  log2Cost?: number;
}

const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

function derive(password: string, salt: Buffer, log2Cost: number): Promise<Buffer> {
  const N = 2 ** log2Cost;
  // scrypt needs 128 * N * r bytes; allow twice that so the default limit (32 MiB) does not reject N = 2^17.
  const maxmem = 256 * N * BLOCK_SIZE;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N, r: BLOCK_SIZE, p: PARALLELISM, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/**
 * Password hashing with node:crypto scrypt, a random 16-byte salt per password, constant-time comparison.
 * Stored format: `scrypt$<log2N>$<r>$<p>$<salt b64>$<key b64>`.
 */
export class PasswordHasher {
  private readonly _log2Cost: number;

  constructor(options: PasswordHasherOptions = {}) {
    const log2 = options.log2Cost ?? 17;
    this._log2Cost = Number.isInteger(log2) && log2 >= 10 && log2 <= 20 ? log2 : 17;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this._log2Cost);
    return [
      'scrypt',
      this._log2Cost,
      BLOCK_SIZE,
      PARALLELISM,
      salt.toString('base64'),
      key.toString('base64'),
    ].join('$');
  }

  /** True when `password` matches `stored`. Malformed stored values never match. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const log2 = Number(parts[1]);
    if (!Number.isInteger(log2) || log2 < 10 || log2 > 20) return false;
    const salt = Buffer.from(parts[4] ?? '', 'base64');
    const expected = Buffer.from(parts[5] ?? '', 'base64');
    if (expected.length !== KEY_LENGTH) return false;
    const actual = await derive(password, salt, log2);
    return timingSafeEqual(actual, expected);
  }
}
