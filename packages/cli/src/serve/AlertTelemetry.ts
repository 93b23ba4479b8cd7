import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ActionDispatcherStats, ActionFailure, Alert, AlertAction } from '@secmon/processor';
import { AlertPublisher } from '@secmon/processor';
import { ATTR_SERVICE_NAME } from '@secmon/semconv';
import type { ExportProtocol } from './ServeConfig.js';

/** Options of {@link AlertTelemetry}. */
export interface AlertTelemetryOptions {
  logsProtocol: ExportProtocol;
  tracesProtocol: ExportProtocol;
  /** Environment for the batch settings (`OTEL_BLRP_*`, `OTEL_BSP_*`) and the resource (`OTEL_SERVICE_NAME`...). */
  env: NodeJS.ProcessEnv;
  /** Alert actions, run by the publisher's bounded, retrying queue. Default none. */
  actions?: readonly AlertAction[];
  /** Every failed action attempt (see the processor's `onActionFailure`). */
  onActionFailure?: (failure: ActionFailure) => void;
}

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Exports alerts as OTLP telemetry with the processor's own {@link AlertPublisher} (EVENTS.md §7: a
 * `secmon.alert` span from the first contributing event to the detection, linked to the spans of the
 * evidence, and a `secmon.alert` log record with the span's ids), so an alert from `secmon serve` looks exactly
 * like one raised in-process. Exporters read the standard `OTEL_EXPORTER_OTLP_*` variables; batching follows
 * `OTEL_BLRP_*` / `OTEL_BSP_*`, with a queue sized for alert bursts (8192, not the SDK's 2048).
 */
export class AlertTelemetry {
  private readonly _loggerProvider: LoggerProvider;
  private readonly _tracerProvider: TracerProvider;
  private readonly _publisher: AlertPublisher;
  private _shutdown: Promise<void> | undefined;

  constructor(options: AlertTelemetryOptions) {
    const env = options.env;
    const detected = detectResources({ detectors: [envDetector] });
    const resource: Resource = defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'secmon-serve' }))
      .merge(detected);
    const logExporter =
      options.logsProtocol === 'http/json' ? new OTLPLogExporterJson() : new OTLPLogExporterProto();
    const spanExporter =
      options.tracesProtocol === 'http/json' ? new OTLPTraceExporterJson() : new OTLPTraceExporterProto();
    this._loggerProvider = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: logExporter,
          maxQueueSize: envInt(env, 'OTEL_BLRP_MAX_QUEUE_SIZE', 8192),
          maxExportBatchSize: envInt(env, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 512),
          scheduledDelayMillis: envInt(env, 'OTEL_BLRP_SCHEDULE_DELAY', 1000),
          exportTimeoutMillis: envInt(env, 'OTEL_BLRP_EXPORT_TIMEOUT', 30_000),
        }),
      ],
    });
    this._tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: spanExporter,
          maxQueueSize: envInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 8192),
          maxExportBatchSize: envInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
          scheduledDelayMillis: envInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 1000),
          exportTimeoutMillis: envInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000),
        }),
      ],
    });
    this._publisher = new AlertPublisher({
      tracerProvider: this._tracerProvider,
      loggerProvider: this._loggerProvider,
      actions: options.actions ?? [],
      ...(options.onActionFailure !== undefined ? { onActionFailure: options.onActionFailure } : {}),
    });
  }

  /** Errors the publisher caught (span or log emission). */
  get errors(): number {
    return this._publisher.errors;
  }

  /** Counters of the action queue (delivered, failed attempts, abandoned, dropped, pending). */
  actionStats(): ActionDispatcherStats {
    return this._publisher.actionStats();
  }

  /** Queues one alert for export (span + log record) and for the actions. Never throws. */
  emit(alert: Alert): void {
    if (this._shutdown !== undefined) return;
    this._publisher.publish(alert);
  }

  /** Exports everything queued. */
  async forceFlush(): Promise<void> {
    await Promise.all([this._tracerProvider.forceFlush(), this._loggerProvider.forceFlush()]);
  }

  /**
   * Flushes and stops the exporters, and waits for queued action deliveries up to `timeoutMillis` (the rest
   * are dropped and counted); idempotent.
   */
  shutdown(timeoutMillis?: number): Promise<void> {
    this._shutdown ??= Promise.all([
      this._publisher.shutdown(timeoutMillis),
      this._tracerProvider.shutdown(),
      this._loggerProvider.shutdown(),
    ]).then(() => {});
    return this._shutdown;
  }
}
