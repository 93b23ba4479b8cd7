import { escapeForTerminal } from '../terminal/escapeForTerminal.js';
import type { Style } from '../terminal/Style.js';
import type { InputStats, ProblemList } from '../input/InputStats.js';
import { groupLabel } from './AlertRecord.js';
import type { AlertSummary } from './AlertSummary.js';
import { topGroups } from './AlertSummary.js';
import { formatCount, formatTime, formatTimeSameDay } from './formatTime.js';

/** What the report says about the run besides alerts and input counters. */
export interface ReportContext {
  ruleCount: number;
  /** Where the rules came from: file paths, or "default pack". */
  ruleSources: string[];
  elapsedMillis: number;
  engine?: EngineCounters;
  /** Groups shown per rule. Default 5. */
  topKeys?: number;
  /** Alerts shown in the timeline. Default 50. */
  timelineLimit?: number;
}

const SEVERITY_LABEL: Readonly<Record<string, string>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'INFO',
};

function severityStyle(style: Style, severity: string): (s: string) => string {
  if (severity === 'critical' || severity === 'high') return (s) => style.bold(style.red(s));
  if (severity === 'medium') return style.yellow;
  return style.cyan;
}

/** Cuts already-escaped text. */
function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padStart(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/**
 * The human report of `secmon analyze`: alerts grouped by rule (most severe first) with their top offending
 * groups, a timeline of alerts in event time, and what was wrong with the input. Every string that comes
 * from the logs (group values, problem texts) is escaped for the terminal.
 */
export function renderTextReport(
  summary: AlertSummary,
  stats: InputStats,
  ctx: ReportContext,
  style: Style,
): string {
  const out: string[] = [];
  const topKeys = ctx.topKeys ?? 5;
  const timelineLimit = ctx.timelineLimit ?? 50;
  const span =
    stats.events > 0 ? `, ${formatTime(stats.minTimeUnixNano)} to ${formatTime(stats.maxTimeUnixNano)}` : '';
  out.push(
    style.bold(
      `secmon analyze: ${formatCount(stats.events)} events from ${plural(stats.sources, 'input')}${span}`,
    ),
  );
  out.push(
    style.dim(`rules: ${ctx.ruleCount} from ${ctx.ruleSources.map((s) => escapeForTerminal(s)).join(', ')}`),
  );
  out.push('');

  if (summary.total === 0) {
    out.push(style.green('No alerts.'));
  } else {
    const bySeverity = new Map<string, number>();
    for (const rule of summary.rules.values()) {
      bySeverity.set(rule.severity, (bySeverity.get(rule.severity) ?? 0) + rule.alerts);
    }
    const parts = ['critical', 'high', 'medium', 'low', 'informational']
      .filter((s) => bySeverity.has(s))
      .map((s) => `${bySeverity.get(s)} ${s}`);
    out.push(
      style.bold(
        `${plural(summary.total, 'alert')} from ${plural(summary.rules.size, 'rule')} (${parts.join(', ')})`,
      ),
    );
    for (const rule of summary.sortedRules()) {
      out.push('');
      const sev = severityStyle(style, rule.severity)(pad(SEVERITY_LABEL[rule.severity] ?? rule.severity, 8));
      out.push(
        `${sev}  ${style.bold(escapeForTerminal(rule.ruleId, 80))}  ${escapeForTerminal(rule.title, 100)}`,
      );
      out.push(
        `          ${plural(rule.alerts, 'alert')} on ${plural(rule.events, 'event')}, ${plural(rule.groups.size + (rule.untrackedGroupAlerts > 0 ? 1 : 0), 'group')}`,
      );
      if (rule.reference !== undefined)
        out.push(style.dim(`          see ${escapeForTerminal(rule.reference, 120)}`));
      const top = topGroups(rule, topKeys);
      const labels = top.map((g) => truncate(g.label, 60));
      const width = Math.max(20, ...labels.map((l) => l.length));
      out.push(
        style.dim(
          `          ${pad('top keys', width)}  ${padStart('alerts', 6)}  ${padStart('events', 7)}  first seen            last seen`,
        ),
      );
      top.forEach((g, i) => {
        out.push(
          `          ${pad(labels[i]!, width)}  ${padStart(formatCount(g.alerts), 6)}  ${padStart(formatCount(g.events), 7)}  ${pad(formatTime(g.firstTimeUnixNano), 20)}  ${formatTimeSameDay(g.lastTimeUnixNano, g.firstTimeUnixNano)}`,
        );
      });
      const more = rule.groups.size - top.length;
      if (more > 0) out.push(style.dim(`          … ${plural(more, 'more group')}`));
      if (rule.untrackedGroupAlerts > 0) {
        out.push(
          style.dim(
            `          … ${plural(rule.untrackedGroupAlerts, 'alert')} in groups beyond the tracking cap`,
          ),
        );
      }
    }

    out.push('');
    out.push(style.bold('Timeline (event time, UTC)'));
    const timeline = [...summary.timeline].sort((a, b) => a.firstTimeUnixNano - b.firstTimeUnixNano);
    const shown = timeline.slice(0, timelineLimit);
    const idWidth = Math.min(48, Math.max(...shown.map((a) => escapeForTerminal(a.ruleId, 48).length)));
    for (const a of shown) {
      const sev = severityStyle(style, a.severity)(pad(SEVERITY_LABEL[a.severity] ?? a.severity, 8));
      const when =
        a.lastTimeUnixNano === a.firstTimeUnixNano
          ? pad(formatTime(a.firstTimeUnixNano), 33)
          : `${formatTime(a.firstTimeUnixNano)} to ${pad(formatTimeSameDay(a.lastTimeUnixNano, a.firstTimeUnixNano), 9)}`;
      out.push(
        `  ${when}  ${sev}  ${pad(escapeForTerminal(a.ruleId, 48), idWidth)}  ${truncate(groupLabel(a.group), 120)}  ${style.dim(`(${plural(a.count, 'event')})`)}`,
      );
    }
    const hidden = summary.total - Math.min(timeline.length, timelineLimit);
    if (hidden > 0) out.push(style.dim(`  … ${plural(hidden, 'more alert')} (use --format jsonl for all)`));
  }

  out.push('');
  out.push(...renderInputSection(stats, ctx.elapsedMillis, style, ctx.engine));
  return out.join('\n') + '\n';
}

/** The "Input" section: counters and every kind of bad line with positions (escaped). */
/** What the rule engine dropped or could not group: it changes what the alerts mean, so the report says it. */
export interface EngineCounters {
  lateEvents: number;
  evictions: number;
  ungroupedEvents: number;
  malformedEvents: number;
}

export function renderInputSection(
  stats: InputStats,
  elapsedMillis: number,
  style: Style,
  engine?: EngineCounters,
): string[] {
  const out: string[] = [];
  out.push(style.bold('Input'));
  const seconds = elapsedMillis / 1000;
  const rate = seconds > 0 ? ` (${formatCount(Math.round(stats.records / seconds))} records/s)` : '';
  out.push(
    `  ${plural(stats.sources, 'input')}, ${plural(stats.lines, 'line')}, ${plural(stats.records, 'log record')}, ${plural(stats.events, 'event')} checked in ${seconds.toFixed(2)} s${rate}`,
  );
  if (stats.unnamed > 0)
    out.push(`  ${plural(stats.unnamed, 'record')} without an event name (not security events; ignored)`);
  if (stats.untimed > 0)
    out.push(style.yellow(`  ${plural(stats.untimed, 'record')} without a timestamp (ignored)`));
  if (stats.otherSignals > 0)
    out.push(`  ${plural(stats.otherSignals, 'line')} of spans or metrics (ignored)`);
  if (engine !== undefined) {
    if (engine.lateEvents > 0) {
      out.push(
        style.yellow(
          `  ${plural(engine.lateEvents, 'event')} arrived too far out of time order and were not counted (see --out-of-order)`,
        ),
      );
    }
    if (engine.evictions > 0)
      out.push(
        style.yellow(
          `  ${plural(engine.evictions, 'rule state')} evicted by the memory caps (counts may be low)`,
        ),
      );
    if (engine.ungroupedEvents > 0)
      out.push(
        `  ${plural(engine.ungroupedEvents, 'matching event')} without the rule's group-by attribute (not counted)`,
      );
    if (engine.malformedEvents > 0)
      out.push(
        style.yellow(`  ${plural(engine.malformedEvents, 'event')} with an unusable time (not counted)`),
      );
  }
  problems(out, style, stats.malformed, 'malformed line');
  problems(out, style, stats.truncated, 'truncated line');
  problems(out, style, stats.oversize, 'oversize line');
  problems(out, style, stats.sourceErrors, 'input error');
  return out;
}

function problems(out: string[], style: Style, list: ProblemList, what: string): void {
  if (list.count === 0) return;
  out.push(style.yellow(`  ${plural(list.count, what)}:`));
  for (const p of list.samples) {
    const where = p.line > 0 ? `${p.source}:${p.line}` : p.source;
    out.push(`    ${escapeForTerminal(where, 120)}  ${escapeForTerminal(p.reason, 160)}`);
  }
  if (list.count > list.samples.length) out.push(style.dim(`    … ${list.count - list.samples.length} more`));
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
