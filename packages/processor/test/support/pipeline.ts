import { ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** A metric reader collected on demand. */
export class TestMetricReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** The real OTel SDK pipeline the processor sits in: logs, traces and metrics, all in memory. */
export function createPipeline(
  makeProcessor: (p: {
    tracerProvider: TracerProvider;
    loggerProvider: LoggerProvider;
    meterProvider: MeterProvider;
  }) => LogRecordProcessor,
) {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const logExporter = new InMemoryLogRecordExporter();
  const metricReader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  // The processor needs the provider it sits in (to emit alert records), so it is added through a holder.
  const holder: { processor?: LogRecordProcessor } = {};
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    processors: [
      {
        onEmit: (r, c) => holder.processor?.onEmit(r, c),
        forceFlush: () => holder.processor?.forceFlush() ?? Promise.resolve(),
        shutdown: () => holder.processor?.shutdown() ?? Promise.resolve(),
      },
      new SimpleLogRecordProcessor({ exporter: logExporter }),
    ],
  });
  const processor = makeProcessor({ tracerProvider, loggerProvider, meterProvider });
  holder.processor = processor;
  const tracer = tracerProvider.getTracer('app');
  const logger = loggerProvider.getLogger('app');
  /** Emits a security event inside its own request span; returns the span. */
  const emitInSpan = (
    eventName: string,
    attributes: Record<string, string | number>,
    timeMs: number,
  ): Span => {
    const span = tracer.startSpan('POST /login', {}, ROOT_CONTEXT);
    const ctx: Context = trace.setSpan(ROOT_CONTEXT, span);
    logger.emit({ eventName, timestamp: timeMs, severityNumber: 13, attributes, context: ctx });
    span.end();
    return span;
  };
  return {
    spans,
    logExporter,
    tracerProvider,
    loggerProvider,
    meterProvider,
    metricReader,
    processor,
    tracer,
    logger,
    emitInSpan,
  };
}
