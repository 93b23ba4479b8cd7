/** Public shapes of what the capture server decoded. Plain JS values, easy to assert on. */

/** An OTLP `InstrumentationScope`, reduced to what tests assert on. */
export interface CapturedScope {
  name: string;
  version?: string;
}

/**
 * One OTLP log record, flattened with its resource and scope. AnyValues are decoded to JS: strings,
 * numbers (int64 beyond 2^53 stays a decimal string), booleans, arrays, kvlists as plain objects, bytes as
 * `Buffer`.
 */
export interface CapturedLogRecord {
  resource: Record<string, unknown>;
  scope: CapturedScope;
  /** Nanoseconds since the epoch, as a decimal string ('0' when unset). */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText?: string;
  body?: unknown;
  /** The LogRecord EventName field (OTLP `event_name`). */
  eventName?: string;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  flags: number;
  /** Lowercase hex, absent when the record carried no trace context. */
  traceId?: string;
  spanId?: string;
}

/** A span link, with hex ids. */
export interface CapturedLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

/** A span event. */
export interface CapturedSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Record<string, unknown>;
}

/** One OTLP span, flattened with its resource and scope. */
export interface CapturedSpan {
  resource: Record<string, unknown>;
  scope: CapturedScope;
  name: string;
  /** OTLP SpanKind number: 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  events: CapturedSpanEvent[];
  links: CapturedLink[];
  /** OTLP status: code 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message?: string };
}

/** One HTTP request the server received, whatever its outcome. */
export interface CapturedRequest {
  path: string;
  method: string;
  contentType: string;
  contentEncoding: string;
  headers: Record<string, string | string[] | undefined>;
  /** The decompressed body. */
  bytes: Buffer;
  /** The status the server answered. */
  status: number;
  /** Set when the body could not be decompressed or decoded (the server answered 400). */
  error?: string;
}
