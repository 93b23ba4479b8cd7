import { terminalSafeJson } from '../terminal/escapeForTerminal.js';
import type { AlertRecord } from './AlertRecord.js';
import { nanosToString } from './formatTime.js';

/**
 * One `--format jsonl` line (without the newline). Times are unix nanoseconds as decimal strings, as in
 * OTLP/JSON, because they exceed 2^53. Characters a terminal could act on are `\u`-escaped.
 */
export function alertToJsonLine(alert: AlertRecord): string {
  const line: Record<string, unknown> = {
    ruleId: alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    group: alert.group,
    count: alert.count,
    firstTimeUnixNano: nanosToString(alert.firstTimeUnixNano),
    lastTimeUnixNano: nanosToString(alert.lastTimeUnixNano),
    evidenceCount: alert.evidenceCount,
    evidence: alert.evidence,
  };
  if (alert.reference !== undefined) line['reference'] = alert.reference;
  return terminalSafeJson(line);
}
