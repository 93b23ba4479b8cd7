const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses a Sigma-style duration (`500ms`, `30s`, `5m`, `1h`, `1d`) or a number of milliseconds.
 * Returns `undefined` when the input is not a positive, finite duration.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input > 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const m = DURATION.exec(input.trim());
  if (m === null) return undefined;
  const millis = Number(m[1]) * (UNIT_MILLIS[m[2] as string] as number);
  return Number.isFinite(millis) && millis > 0 ? millis : undefined;
}
