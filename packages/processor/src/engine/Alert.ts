import type { AlertSeverity } from '@secmon/semconv';
import type { RuleResponse } from '../rules/Rule.js';
import type { RuleType } from '../rules/RuleDefinition.js';
import type { Evidence } from '../types.js';

/** The rule facts an alert carries (a stable subset of {@link Rule}). */
export interface AlertRule {
  readonly id: string;
  readonly title: string;
  readonly type: RuleType;
  readonly severity: AlertSeverity;
  readonly description?: string;
  readonly reference?: string;
  readonly category?: string;
  readonly version?: string;
  readonly response?: RuleResponse;
}

/**
 * A detection. Plain data (JSON-serialisable: times are decimal strings of Unix nanoseconds), frozen.
 */
export interface Alert {
  /** Unique id (a UUID unless the engine's `idGenerator` says otherwise). */
  readonly id: string;
  readonly rule: AlertRule;
  /** The group-by values, key -> value (values as strings). Empty object when the rule has no group-by. */
  readonly group: Readonly<Record<string, string>>;
  /** `key=value` pairs joined with `|` in group-by order, e.g. `client.address=203.0.113.7`; `` when ungrouped. */
  readonly groupKey: string;
  /**
   * `event_count`: events in the detecting window; `value_count`: distinct values of the (first) field;
   * `temporal_ordered`: events of the matched sequence.
   */
  readonly count: number;
  /** The rule's threshold (see {@link Rule.threshold}). */
  readonly threshold: number;
  readonly windowMillis: number;
  /** Event time of the first contributing event (span start), Unix nanoseconds. */
  readonly firstSeenUnixNano: string;
  /** Event time of the last contributing event, Unix nanoseconds. */
  readonly lastSeenUnixNano: string;
  /** Wall-clock time of detection (from the engine's clock), Unix nanoseconds. */
  readonly detectedAtUnixNano: string;
  /** Contributing events, capped at the engine's `maxEvidence` (the first one and the most recent ones). */
  readonly evidence: readonly Evidence[];
  /** Number of contributing events (may exceed `evidence.length`). */
  readonly evidenceCount: number;
  /** `value_count`: distinct values per field in the detecting window (capped sample of 20 per field). */
  readonly distinctValues?: Readonly<Record<string, readonly string[]>>;
  /** Would-be alerts of this rule and group suppressed by the cooldown since the previous alert. */
  readonly suppressedCount: number;
  /** EventName of the event whose arrival completed the detection. */
  readonly triggerEventName: string;
  /** True when raised on local state because the shared state store was unreachable. */
  readonly degraded: boolean;
  /** `local` (this process's engine) or `shared` (raised by a shared {@link StateStore} on fleet-wide state). */
  readonly origin: 'local' | 'shared';
}
