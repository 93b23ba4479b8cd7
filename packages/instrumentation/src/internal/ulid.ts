import { randomFillSync } from 'node:crypto';

// ULID (https://github.com/ulid/spec): 48-bit millisecond time + 80 random bits, Crockford base32, 26 chars,
// lexicographically sortable by time. Used for `log.record.uid` so the processor can cite events in alerts.

const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BYTES_PER_ID = 10;
// One randomFillSync per 409 ids instead of one per id: the syscall dominates otherwise.
const POOL_IDS = 409;
const pool = Buffer.allocUnsafe(BYTES_PER_ID * POOL_IDS);
let poolOffset = pool.length;
let lastTime = -1;
let lastTimePrefix = '';

function encodeTime(ms: number): string {
  let t = ms;
  let out = '';
  for (let i = 0; i < 10; i++) {
    const mod = t % 32;
    out = ENCODING[mod]! + out;
    t = (t - mod) / 32;
  }
  return out;
}

function encode40(b: Buffer, o: number): string {
  const b0 = b[o]!;
  const b1 = b[o + 1]!;
  const b2 = b[o + 2]!;
  const b3 = b[o + 3]!;
  const b4 = b[o + 4]!;
  return (
    ENCODING[b0 >> 3]! +
    ENCODING[((b0 & 7) << 2) | (b1 >> 6)]! +
    ENCODING[(b1 >> 1) & 31]! +
    ENCODING[((b1 & 1) << 4) | (b2 >> 4)]! +
    ENCODING[((b2 & 15) << 1) | (b3 >> 7)]! +
    ENCODING[(b3 >> 2) & 31]! +
    ENCODING[((b3 & 3) << 3) | (b4 >> 5)]! +
    ENCODING[b4 & 31]!
  );
}

/** A new ULID for the given time in epoch milliseconds. */
export function ulid(nowMs: number): string {
  if (nowMs !== lastTime) {
    lastTime = nowMs;
    lastTimePrefix = encodeTime(nowMs);
  }
  if (poolOffset + BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const o = poolOffset;
  poolOffset += BYTES_PER_ID;
  return lastTimePrefix + encode40(pool, o) + encode40(pool, o + 5);
}

/** Milliseconds encoded in a ULID's first 10 characters (for tests and tools). */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ENCODING.indexOf(id[i] ?? '0');
  return t;
}
