import type { AlertSeverity } from '@secmon/semconv';
import { escapeForTerminal } from '../terminal/escapeForTerminal.js';

/** An alert as `analyze` reports it: what fired, for which group, on how much evidence, when. */
export interface AlertRecord {
  ruleId: string;
  title: string;
  severity: AlertSeverity;
  /** Group-by key -> value of the events that fired the rule (values from the logs: untrusted). */
  group: Record<string, string>;
  /** Matching events (or distinct values, for `value_count` rules) counted when the rule fired. */
  count: number;
  /** Event time of the first and last contributing event, unix nanoseconds. */
  firstTimeUnixNano: number;
  lastTimeUnixNano: number;
  /** Number of evidence records the alert cites. */
  evidenceCount: number;
  /** `log.record.uid` of the evidence records that had one (capped by the engine). */
  evidence: string[];
  /** Runbook or reference URL of the rule. */
  reference?: string;
}

/** Severities from the least to the most severe; the index is the rank. */
export const SEVERITY_ORDER: readonly AlertSeverity[] = [
  'informational',
  'low',
  'medium',
  'high',
  'critical',
];

/** Rank of a severity for comparisons (-1 when unknown). */
export function severityRank(severity: string): number {
  return SEVERITY_ORDER.indexOf(severity as AlertSeverity);
}

/**
 * `key=value` pairs of a group joined with a space, safe to print on a terminal (also the map key of the
 * report). Keys and values are escaped with {@link escapeForTerminal}; a value that is empty or holds spaces,
 * `=` or quotes is put in double quotes, so a crafted value cannot pose as a second pair.
 */
export function groupLabel(group: Readonly<Record<string, string>>): string {
  const keys = Object.keys(group);
  if (keys.length === 0) return '(all events)';
  return keys
    .map((k) => `${escapeForTerminal(k, 100)}=${quoteIfNeeded(escapeForTerminal(String(group[k]), 200))}`)
    .join(' ');
}

const NEEDS_QUOTES = /^$|[\s="]/;

function quoteIfNeeded(value: string): string {
  // Backslashes are already doubled by escapeForTerminal, so \" is unambiguous.
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}
