import type { Alert } from '../engine/Alert.js';
import { neutralize } from './neutralize.js';

/** Unix nanoseconds (decimal string) -> ISO 8601. */
export function nanoToIso(nanos: string): string {
  const ms = nanos.length > 6 ? Number(nanos.slice(0, -6)) : 0;
  return new Date(ms).toISOString();
}

/** One-line summary (email subject, Slack fallback text). Group values are neutralised. */
export function alertSummary(alert: Alert): string {
  const group = alert.groupKey === '' ? '' : ` (${neutralize(alert.groupKey, 200)})`;
  return `[${alert.rule.severity.toUpperCase()}] ${alert.rule.title}${group}`;
}

/** The facts of an alert as label/value lines, values neutralised (CWE-117): shared by email and Slack. */
export function alertFacts(alert: Alert): [label: string, value: string][] {
  const facts: [string, string][] = [
    ['Rule', `${alert.rule.title} (${alert.rule.id})`],
    ['Severity', alert.rule.severity],
  ];
  for (const [k, v] of Object.entries(alert.group)) facts.push([k, neutralize(v, 256)]);
  facts.push([
    'Count',
    `${alert.count} (threshold ${alert.threshold} in ${formatWindow(alert.windowMillis)})`,
  ]);
  facts.push(['First seen', nanoToIso(alert.firstSeenUnixNano)]);
  facts.push(['Last seen', nanoToIso(alert.lastSeenUnixNano)]);
  if (alert.suppressedCount > 0) facts.push(['Suppressed since last alert', String(alert.suppressedCount)]);
  if (alert.rule.response !== undefined) {
    const d = alert.rule.response.durationMillis;
    facts.push([
      'Suggested response',
      d === undefined ? alert.rule.response.action : `${alert.rule.response.action} for ${formatWindow(d)}`,
    ]);
  }
  if (alert.rule.reference !== undefined) facts.push(['Runbook', alert.rule.reference]);
  const traces = alert.evidence.filter((e) => e.traceId !== undefined).map((e) => e.traceId as string);
  if (traces.length > 0) facts.push(['Evidence traces', [...new Set(traces)].slice(0, 5).join(', ')]);
  if (alert.degraded)
    facts.push(['Degraded', 'raised on local state: the shared state store was unreachable']);
  facts.push(['Alert id', alert.id]);
  return facts;
}

/** 300000 -> "5m". */
export function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
