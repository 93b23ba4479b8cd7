/** An attribute value as the rules see it (OTel attribute values; kvlists arrive as JSON text). */
export type AttributeValue = string | number | boolean | ReadonlyArray<string | number | boolean | null>;

/** A flat attribute map. */
export type Attributes = Record<string, AttributeValue>;

/** One decoded log record, in the shape the rule engine takes. */
export interface LogEvent {
  /** The LogRecord EventName (or the legacy `event.name` attribute). */
  eventName: string;
  /**
   * Event time in nanoseconds since the Unix epoch (observed time when the record had none): a number, or the
   * decimal string of OTLP/JSON and JSON lines, handed to the engine as is.
   */
  timeUnixNano: number | string;
  severityNumber?: number;
  attributes: Attributes;
  resource?: Attributes;
  /** Lowercase hex trace id, when the record had one. */
  traceId?: string;
  spanId?: string;
  /** `log.record.uid`, cited by alerts as evidence. */
  recordUid?: string;
}
