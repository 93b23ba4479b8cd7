import type { EventTime } from '../types.js';

/**
 * Converts an event time to integer Unix microseconds, the engine's resolution: integers below 2^53 are
 * exact in a double until the year 2255, so window arithmetic has no rounding. Returns NaN when invalid.
 */
export function toUnixMicros(time: EventTime): number {
  if (typeof time === 'string') {
    // OTLP/JSON carries nanoseconds as a decimal string; dropping the last three digits is exact and
    // avoids a BigInt allocation.
    if (time.length > 3) return Number(time.slice(0, -3));
    return time.length > 0 && Number.isFinite(Number(time)) ? 0 : Number.NaN;
  }
  if (typeof time === 'number') return Number.isFinite(time) ? Math.floor(time / 1000) : Number.NaN;
  if (typeof time === 'bigint') return Number(time / 1000n);
  if (Array.isArray(time)) return (time[0] as number) * 1e6 + Math.floor((time[1] as number) / 1000);
  return Number.NaN;
}

/** Integer Unix microseconds -> decimal string of Unix nanoseconds. */
export function microsToNanoString(micros: number): string {
  return micros === 0 ? '0' : `${micros}000`;
}

/** Milliseconds (possibly fractional) -> decimal string of Unix nanoseconds. */
export function millisToNanoString(millis: number): string {
  return microsToNanoString(Math.floor(millis * 1000));
}

/** Integer Unix microseconds -> OTel HrTime. */
export function microsToHrTime(micros: number): [number, number] {
  const seconds = Math.floor(micros / 1e6);
  return [seconds, (micros - seconds * 1e6) * 1000];
}
