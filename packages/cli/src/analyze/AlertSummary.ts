import type { AlertRecord } from './AlertRecord.js';
import { groupLabel, severityRank } from './AlertRecord.js';

/** One offending group of a rule: how often it fired and on how many events. */
export interface GroupSummary {
  label: string;
  alerts: number;
  events: number;
  firstTimeUnixNano: number;
  lastTimeUnixNano: number;
}

/** Everything the report says about one rule. */
export interface RuleSummary {
  ruleId: string;
  title: string;
  severity: AlertRecord['severity'];
  reference?: string;
  alerts: number;
  events: number;
  groups: Map<string, GroupSummary>;
  /** Alerts whose group was not tracked because `maxGroupsPerRule` was reached. */
  untrackedGroupAlerts: number;
}

/** Options of an {@link AlertSummary}. */
export interface AlertSummaryOptions {
  /** Distinct groups tracked per rule for "top offenders". Default 10 000. */
  maxGroupsPerRule?: number;
  /** Alerts kept for the timeline. Default 10 000 (the count stays exact). */
  maxTimelineAlerts?: number;
}

/**
 * Aggregates alerts for the text report with bounded memory: per rule the counts and the top groups, and
 * the first alerts for a timeline. A log with millions of alerts costs at most the configured caps.
 */
export class AlertSummary {
  readonly rules = new Map<string, RuleSummary>();
  readonly timeline: AlertRecord[] = [];
  total = 0;
  /** Highest severity rank seen (-1 before any alert). */
  maxSeverityRank = -1;
  private readonly _maxGroups: number;
  private readonly _maxTimeline: number;

  constructor(options: AlertSummaryOptions = {}) {
    this._maxGroups = options.maxGroupsPerRule ?? 10_000;
    this._maxTimeline = options.maxTimelineAlerts ?? 10_000;
  }

  /** Alerts not kept for the timeline. */
  get timelineOmitted(): number {
    return this.total - this.timeline.length;
  }

  add(alert: AlertRecord): void {
    this.total++;
    const rank = severityRank(alert.severity);
    if (rank > this.maxSeverityRank) this.maxSeverityRank = rank;
    let rule = this.rules.get(alert.ruleId);
    if (rule === undefined) {
      rule = {
        ruleId: alert.ruleId,
        title: alert.title,
        severity: alert.severity,
        alerts: 0,
        events: 0,
        groups: new Map(),
        untrackedGroupAlerts: 0,
      };
      if (alert.reference !== undefined) rule.reference = alert.reference;
      this.rules.set(alert.ruleId, rule);
    }
    rule.alerts++;
    rule.events += alert.count;
    const label = groupLabel(alert.group);
    const group = rule.groups.get(label);
    if (group !== undefined) {
      group.alerts++;
      group.events += alert.count;
      if (alert.firstTimeUnixNano < group.firstTimeUnixNano)
        group.firstTimeUnixNano = alert.firstTimeUnixNano;
      if (alert.lastTimeUnixNano > group.lastTimeUnixNano) group.lastTimeUnixNano = alert.lastTimeUnixNano;
    } else if (rule.groups.size < this._maxGroups) {
      rule.groups.set(label, {
        label,
        alerts: 1,
        events: alert.count,
        firstTimeUnixNano: alert.firstTimeUnixNano,
        lastTimeUnixNano: alert.lastTimeUnixNano,
      });
    } else {
      rule.untrackedGroupAlerts++;
    }
    if (this.timeline.length < this._maxTimeline) this.timeline.push(alert);
  }

  /** Rules by severity (most severe first), then by number of alerts. */
  sortedRules(): RuleSummary[] {
    return [...this.rules.values()].sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) || b.alerts - a.alerts || cmp(a.ruleId, b.ruleId),
    );
  }
}

/** Top `n` groups of a rule by events, then alerts. */
export function topGroups(rule: RuleSummary, n: number): GroupSummary[] {
  return [...rule.groups.values()]
    .sort((a, b) => b.events - a.events || b.alerts - a.alerts || cmp(a.label, b.label))
    .slice(0, n);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
