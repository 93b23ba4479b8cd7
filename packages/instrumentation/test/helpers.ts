// Shared test pipeline: the real SDK (LoggerProvider → SimpleLogRecordProcessor → InMemoryLogRecordExporter),
// a real tracer with the AsyncLocalStorage context manager for trace ids, and a flattening of records.
import { context, trace } from '@opentelemetry/api';
import type { AnyValue, Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { SecurityEvents } from '../src/index.js';
import type { SecurityEventsOptions } from '../src/index.js';

let contextManagerInstalled = false;

/** Install the AsyncLocalStorage context manager once per test file (spans become active in callbacks). */
export function installContextManager(): void {
  if (contextManagerInstalled) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerInstalled = true;
}

export const TEST_KEY = 'test-pseudonym-key-0123456789abcdef0123456789abcdef';

export interface FlatRecord {
  eventName: string | undefined;
  severityNumber: number | undefined;
  severityText: string | undefined;
  body: unknown;
  attributes: Record<string, AnyValue>;
  traceId: string | undefined;
  spanId: string | undefined;
}

export interface Pipeline {
  provider: LoggerProvider;
  exporter: InMemoryLogRecordExporter;
  security: SecurityEvents;
  records(): FlatRecord[];
  last(): FlatRecord;
}

export function pipeline(options: SecurityEventsOptions = {}): Pipeline {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY, ...options });
  const records = (): FlatRecord[] =>
    exporter.getFinishedLogRecords().map((r) => ({
      eventName: r.eventName,
      severityNumber: r.severityNumber,
      severityText: r.severityText,
      body: r.body,
      attributes: r.attributes as Record<string, AnyValue>,
      traceId: r.spanContext?.traceId,
      spanId: r.spanContext?.spanId,
    }));
  return {
    provider,
    exporter,
    security,
    records,
    last: () => {
      const all = records();
      const r = all[all.length - 1];
      if (r === undefined) throw new Error('no record emitted');
      return r;
    },
  };
}

/** Run `fn` inside an active span of a real tracer; returns the span's ids. */
export function inSpan(fn: () => void): { traceId: string; spanId: string } {
  installContextManager();
  const tracer = new TracerProvider().getTracer('test');
  return tracer.startActiveSpan('request', (span: Span) => {
    try {
      fn();
    } finally {
      span.end();
    }
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  });
}

/** ULID: 26 Crockford base32 characters. */
export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
