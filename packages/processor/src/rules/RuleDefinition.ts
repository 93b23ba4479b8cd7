import type { AlertSeverity } from '@secmon/semconv';

/** Rule types, named after the Sigma correlation specification. */
export type RuleType = 'event_count' | 'value_count' | 'temporal_ordered';

/** A literal compared with an attribute value. */
export type ConditionLiteral = string | number | boolean;

/**
 * A condition on one attribute. Shorthands: a literal means `equals`, a list means `in`.
 * Operators may be combined in one object; all must hold. When the attribute is an array, a
 * condition holds when **any** element satisfies it (like ECS / Elasticsearch); `exists: false`
 * and the negative operators hold when **no** element matches.
 */
export type AttributeCondition =
  | ConditionLiteral
  | readonly ConditionLiteral[]
  | {
      readonly equals?: ConditionLiteral;
      readonly not_equals?: ConditionLiteral;
      readonly in?: readonly ConditionLiteral[];
      readonly not_in?: readonly ConditionLiteral[];
      /** `true`: the attribute is present; `false`: absent. */
      readonly exists?: boolean;
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
      /** A JavaScript regular expression (no flags; use `(?i)` is not supported: write `[Aa]`). */
      readonly regex?: string;
    };

/** Which events a rule (or a step of a `temporal_ordered` rule) counts. */
export interface MatchDefinition {
  /** One or more EventNames. */
  readonly event: string | readonly string[];
  /** Attribute conditions (key -> condition); keys are looked up in the event's attributes, then its resource. */
  readonly where?: Readonly<Record<string, AttributeCondition>>;
}

/** One step of a `temporal_ordered` rule: `count` (default 1) events matching it, before the next step. */
export interface StepDefinition extends MatchDefinition {
  /** Events of this step needed before the next step may start. Default 1. */
  readonly count?: number;
}

/** A response the application should take when the rule fires. */
export interface ResponseDefinition {
  /**
   * `block_client` (block `client.address` of the group), `lock_user` (block `user.id`, or `user.hash`, of the
   * group) are enforced by the {@link BlockList}; any other token (e.g. `revoke_token`, `review`) is advisory and
   * handed to `onAlert`.
   */
  readonly action: string;
  /** How long the block lasts: `15m`, `1h`, or milliseconds. Default 15 minutes for blocking actions. */
  readonly duration?: string | number;
}

/** Threshold condition (Sigma correlation `condition`). Only lower bounds are meaningful for alerting. */
export interface ThresholdDefinition {
  readonly gte?: number;
  readonly gt?: number;
}

/**
 * A rule as written by a person: in YAML (keys `group-by` etc., see the README) or in TypeScript with
 * {@link defineRule} (same keys, `groupBy` in camelCase).
 */
export interface RuleDefinition {
  /** Stable identifier, `[a-z0-9][a-z0-9._-]*`; becomes `security_rule.uuid` and `event.action` of the alert. */
  readonly id: string;
  /** Short human title; becomes `security_rule.name`. */
  readonly title: string;
  readonly description?: string;
  readonly type: RuleType;
  /** The events counted (`event_count`, `value_count`). */
  readonly match?: MatchDefinition;
  /** The ordered steps (`temporal_ordered`), at least two. */
  readonly events?: readonly StepDefinition[];
  /** Attribute keys the state is kept per (any key, including resource keys such as `service.name`). */
  readonly groupBy?: readonly string[];
  /** Sliding window length: `30s`, `5m`, `1h`, `1d`, `500ms`, or milliseconds. */
  readonly timespan: string | number;
  /** Threshold, default `{ gte: 1 }` (a single-event rule). Not used by `temporal_ordered`. */
  readonly condition?: ThresholdDefinition;
  /** `value_count`: the attribute whose distinct values are counted; a list requires each one to reach the threshold. */
  readonly field?: string | readonly string[];
  readonly severity: AlertSeverity;
  /** Cooldown per rule and group after an alert (`10m`...); would-be alerts meanwhile are counted, not raised. */
  readonly suppress?: string | number;
  /** Runbook or reference URL; becomes `security_rule.reference`. */
  readonly reference?: string;
  readonly response?: ResponseDefinition;
  /** `security_rule.category`, e.g. `authentication`. */
  readonly category?: string;
  /** `security_rule.version`. */
  readonly version?: string;
  readonly tags?: readonly string[];
  /** `false` keeps the rule in the file but out of the engine. Default true. */
  readonly enabled?: boolean;
}
