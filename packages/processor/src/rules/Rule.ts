import type { AlertSeverity } from '@secmon/semconv';
import type { AttributeCondition, RuleDefinition, RuleType } from './RuleDefinition.js';

/** A normalised attribute condition: `key` and the operators that apply. */
export interface RuleCondition {
  readonly key: string;
  readonly condition: AttributeCondition;
}

/** A normalised match: event names and conditions. */
export interface RuleMatch {
  readonly events: readonly string[];
  readonly where: readonly RuleCondition[];
}

/** A normalised step of a `temporal_ordered` rule. */
export interface RuleStep extends RuleMatch {
  readonly count: number;
}

/** A normalised response. */
export interface RuleResponse {
  readonly action: string;
  /** Block duration in milliseconds (blocking actions); undefined for advisory ones without a duration. */
  readonly durationMillis?: number;
}

/**
 * A validated, normalised rule: the output of {@link defineRule} and {@link parseRules}, and the only rule
 * shape the {@link RuleEngine} accepts. Frozen.
 */
export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly type: RuleType;
  readonly severity: AlertSeverity;
  /** `event_count`/`value_count`: the match. For `temporal_ordered`, the union of the steps' event names. */
  readonly match: RuleMatch;
  /** `temporal_ordered` only: the ordered steps. Empty otherwise. */
  readonly steps: readonly RuleStep[];
  readonly groupBy: readonly string[];
  readonly windowMillis: number;
  /**
   * `event_count`: events needed; `value_count`: distinct values needed (per field);
   * `temporal_ordered`: the sum of the steps' counts.
   */
  readonly threshold: number;
  /** `value_count`: fields whose distinct values are counted. Empty otherwise. */
  readonly fields: readonly string[];
  /** Cooldown in milliseconds; 0 = none. */
  readonly suppressMillis: number;
  readonly reference?: string;
  readonly response?: RuleResponse;
  readonly category?: string;
  readonly version?: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  /** Where the rule was defined (`parseRules` source and line), for messages. */
  readonly source?: { readonly file?: string; readonly line?: number };
  /** The definition as written (camelCase keys), e.g. for `secmon rules` tooling. */
  readonly definition: RuleDefinition;
}
