/**
 * Public data types shared by the engine, the stores and the processor (STYLE.md rule 1: `types.ts` holds
 * plain data shapes; pluggable interfaces live in their own PascalCase files).
 */

/** A primitive attribute value, as in OpenTelemetry. */
export type PrimitiveAttributeValue = string | number | boolean;

/**
 * An attribute value as the engine reads it: an OTel attribute value (primitive or homogeneous array).
 * `null`/`undefined` array members are tolerated and ignored by conditions.
 */
export type AttributeValue =
  PrimitiveAttributeValue | readonly (PrimitiveAttributeValue | null | undefined)[];

/**
 * Attributes of an event or a resource. Values are typed `unknown` so that OTel's `Attributes` (whose values
 * may be any `AnyValue`) pass as they are; the engine reads {@link AttributeValue}s and treats anything else
 * (maps, bytes) as a string.
 */
export type Attributes = Readonly<Record<string, unknown>>;

/** OpenTelemetry's high-resolution time: `[seconds, nanoseconds]` since the Unix epoch. */
export type HrTime = readonly [seconds: number, nanos: number];

/**
 * Time of occurrence of an event, in one of the forms the sources give it:
 * - `bigint` or decimal `string` of Unix nanoseconds (OTLP/JSON `timeUnixNano` is a string: pass it as is);
 * - `number` of Unix nanoseconds (precise to about 256 ns only, since doubles hold 53 bits);
 * - an OTel {@link HrTime} tuple (what `ReadableLogRecord.hrTime` holds).
 *
 * The engine works at **microsecond** resolution: sub-microsecond digits are dropped.
 */
export type EventTime = bigint | string | number | HrTime;

/**
 * One security event as the {@link RuleEngine} consumes it. The processor builds it from a log record;
 * `secmon analyze` builds it from OTLP/JSON or JSON lines.
 */
export interface SecurityEvent {
  /** The LogRecord EventName, e.g. `secmon.authn.login_fail`. */
  readonly eventName: string;
  /** Time of occurrence (event time, not observed time). */
  readonly timeUnixNano: EventTime;
  /** The log record's attributes. */
  readonly attributes: Attributes;
  /** Resource attributes (`service.name`, ...). Conditions and `group-by` fall back to them. */
  readonly resource?: Attributes;
  /** Trace id (32 hex chars) of the span active when the event was recorded, if any. */
  readonly traceId?: string;
  /** Span id (16 hex chars) of the span active when the event was recorded, if any. */
  readonly spanId?: string;
  /** The record's `log.record.uid`; read from `attributes['log.record.uid']` when absent. */
  readonly recordUid?: string;
}

/** A reference to one contributing event, so an alert leads back to its evidence. */
export interface Evidence {
  readonly traceId?: string;
  readonly spanId?: string;
  readonly recordUid?: string;
  /** Event time in Unix nanoseconds (decimal string, microsecond resolution). */
  readonly timeUnixNano: string;
  /** EventName of the contributing event. */
  readonly eventName: string;
}

/** Wall clock used for detection times and block expiry; inject one in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}
