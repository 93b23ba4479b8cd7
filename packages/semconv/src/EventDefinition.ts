/** The family an event belongs to; one typed method group of the instrumentation per family. */
export type EventFamily =
  | 'authn'
  | 'authz'
  | 'privilege'
  | 'session'
  | 'input'
  | 'excess'
  | 'malicious'
  | 'sequence'
  | 'sensitive'
  | 'upload'
  | 'crypt'
  | 'sys'
  | 'user'
  | 'config'
  | 'payment'
  | 'suspicious'
  | 'access';

/** ECS `event.kind`: `alert` marks detections (EVENTS.md §5). */
export type EcsKind = 'event' | 'alert';

/** ECS `event.outcome`. */
export type EcsOutcome = 'success' | 'failure' | 'unknown';

/** OWASP Logging Vocabulary level. */
export type OwaspLevel = 'INFO' | 'WARN' | 'CRITICAL';

/** The OCSF class and activity of an event (v1.8.0, with the 1.9.0-dev class where it differs). */
export interface OcsfMapping {
  /** OCSF v1.8.0 `class_uid`, e.g. 3002 Authentication. */
  readonly classUid: number;
  /** OCSF `activity_id` within that class. */
  readonly activityId: number;
  /** OCSF 1.9.0-dev class, where the event moves (e.g. 3001 Account Change ⇒ 3007 User Management). */
  readonly nextClassUid?: number;
  /** Activity in the 1.9.0-dev class. */
  readonly nextActivityId?: number;
}

/** One event of the catalogue (EVENTS.md §6), as data. */
export interface EventDefinition {
  /** The LogRecord EventName, `secmon.<category>.<event>`. */
  readonly name: string;
  /** The value of `event.action`: the OWASP vocabulary token, or our custom token. */
  readonly action: string;
  /** True when `action` is a verbatim OWASP Logging Vocabulary token; false for `custom` events. */
  readonly owasp: boolean;
  readonly family: EventFamily;
  readonly level: OwaspLevel;
  /** OTel SeverityNumber: INFO 9, WARN 13, CRITICAL 17. */
  readonly severityNumber: number;
  /** OTel SeverityText matching `severityNumber`: INFO, WARN or ERROR. */
  readonly severityText: 'INFO' | 'WARN' | 'ERROR';
  readonly ecs: {
    readonly kind: EcsKind;
    readonly category: readonly string[];
    readonly type: readonly string[];
    /** The default outcome; events that can go either way (e.g. `authz_admin`) are emitted with the actual one. */
    readonly outcome: EcsOutcome;
  };
  readonly ocsf: OcsfMapping;
  /** Attribute keys this event adds to the common set (EVENTS.md §6 "Extra attributes"). */
  readonly attributes: readonly string[];
  /** One line for docs and generated tables. */
  readonly description: string;
}
