/** `2025-03-14 09:12:04Z` from unix nanoseconds (UTC, second precision). */
export function formatTime(unixNano: number): string {
  if (!Number.isFinite(unixNano)) return '-';
  const iso = new Date(Math.floor(unixNano / 1e6)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** Like {@link formatTime}, but only `09:12:04Z` when the day is the same as `reference`'s. */
export function formatTimeSameDay(unixNano: number, reference: number): string {
  const full = formatTime(unixNano);
  return full.slice(0, 10) === formatTime(reference).slice(0, 10) ? full.slice(11) : full;
}

/** `1,234,567` */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Nanoseconds as a decimal string without float noise (OTLP/JSON style). */
export function nanosToString(unixNano: number): string {
  return Number.isFinite(unixNano) ? BigInt(Math.round(unixNano)).toString() : '0';
}
