import type { Attributes, Link } from '@opentelemetry/api';
import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Alert } from '@secmon/processor';
import {
  ALERT_EVENT_NAME,
  ALERT_SEVERITY_TO_OCSF,
  ALERT_SEVERITY_TO_SEVERITY_NUMBER,
  ALERT_SPAN_NAME,
  ATTR_EVENT_ACTION,
  ATTR_EVENT_KIND,
  ATTR_SECMON_ALERT_COUNT,
  ATTR_SECMON_ALERT_DEGRADED,
  ATTR_SECMON_ALERT_FIRST_SEEN_UNIX_NANO,
  ATTR_SECMON_ALERT_GROUP,
  ATTR_SECMON_ALERT_GROUP_BY,
  ATTR_SECMON_ALERT_ID,
  ATTR_SECMON_ALERT_LAST_SEEN_UNIX_NANO,
  ATTR_SECMON_ALERT_RECORD_UIDS,
  ATTR_SECMON_ALERT_RULE_TYPE,
  ATTR_SECMON_ALERT_SEVERITY,
  ATTR_SECMON_ALERT_SUPPRESSED_COUNT,
  ATTR_SECMON_ALERT_THRESHOLD,
  ATTR_SECMON_ALERT_TRIGGER_EVENT_NAME,
  ATTR_SECMON_ALERT_WINDOW_MS,
  ATTR_SECURITY_RULE_CATEGORY,
  ATTR_SECURITY_RULE_DESCRIPTION,
  ATTR_SECURITY_RULE_NAME,
  ATTR_SECURITY_RULE_REFERENCE,
  ATTR_SECURITY_RULE_RULESET_NAME,
  ATTR_SECURITY_RULE_UUID,
  ATTR_SECURITY_RULE_VERSION,
  ATTR_SERVICE_NAME,
} from '@secmon/semconv';
import type { ExportProtocol } from './ServeConfig.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/** Options of {@link AlertTelemetry}. */
export interface AlertTelemetryOptions {
  logsProtocol: ExportProtocol;
  tracesProtocol: ExportProtocol;
  /** Environment for the batch settings (`OTEL_BLRP_*`, `OTEL_BSP_*`) and the resource (`OTEL_SERVICE_NAME`...). */
  env: NodeJS.ProcessEnv;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function nanosToHrTime(nanos: string): [number, number] {
  // Decimal string of nanoseconds, possibly beyond 2^53: split without float rounding.
  const s = nanos.padStart(10, '0');
  return [Number(s.slice(0, -9)), Number(s.slice(-9))];
}

/**
 * Exports alerts as OTLP telemetry (EVENTS.md §7): a `secmon.alert` span from the first contributing event to
 * the detection, linked to the spans of the evidence, and a `secmon.alert` log record in that span's context
 * (SIEMs ingest logs more often than spans). Exporters read the standard `OTEL_EXPORTER_OTLP_*` variables;
 * batching follows `OTEL_BLRP_*` / `OTEL_BSP_*`, with a queue sized for alert bursts (8192, not 2048).
 */
export class AlertTelemetry {
  private readonly _loggerProvider: LoggerProvider;
  private readonly _tracerProvider: TracerProvider;
  private readonly _logger;
  private readonly _tracer;
  private _shutdown: Promise<void> | undefined;

  constructor(options: AlertTelemetryOptions) {
    const env = options.env;
    const detected = detectResources({ detectors: [envDetector] });
    const resource: Resource = defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'secmon-serve' }))
      .merge(detected);
    const logExporter = options.logsProtocol === 'http/json' ? new OTLPLogExporterJson() : new OTLPLogExporterProto();
    const spanExporter = options.tracesProtocol === 'http/json' ? new OTLPTraceExporterJson() : new OTLPTraceExporterProto();
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
    this._logger = this._loggerProvider.getLogger(PACKAGE_NAME, PACKAGE_VERSION);
    this._tracer = this._tracerProvider.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
  }

  /** Queues one alert for export (span + log record). Never throws. */
  emit(alert: Alert): void {
    if (this._shutdown !== undefined) return;
    const attributes = alertAttributes(alert);
    const links: Link[] = [];
    for (const e of alert.evidence) {
      if (e.traceId !== undefined && e.spanId !== undefined && HEX32.test(e.traceId) && HEX16.test(e.spanId)) {
        links.push({ context: { traceId: e.traceId, spanId: e.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true } });
      }
    }
    // A root span: the alert is not part of whatever request happened to be in flight.
    const span = this._tracer.startSpan(
      ALERT_SPAN_NAME,
      { kind: SpanKind.INTERNAL, startTime: nanosToHrTime(alert.firstSeenUnixNano), links, attributes, root: true },
      context.active(),
    );
    const severity = alert.rule.severity;
    this._logger.emit({
      eventName: ALERT_EVENT_NAME,
      timestamp: nanosToHrTime(alert.detectedAtUnixNano),
      severityNumber: ALERT_SEVERITY_TO_SEVERITY_NUMBER[severity],
      severityText: 'ERROR',
      body: alert.rule.title,
      attributes,
      context: trace.setSpan(context.active(), span),
    });
    span.end(nanosToHrTime(alert.detectedAtUnixNano));
  }

  /** Exports everything queued. */
  async forceFlush(): Promise<void> {
    await Promise.all([this._tracerProvider.forceFlush(), this._loggerProvider.forceFlush()]);
  }

  /** Flushes and stops the exporters; idempotent. */
  shutdown(): Promise<void> {
    this._shutdown ??= Promise.all([this._tracerProvider.shutdown(), this._loggerProvider.shutdown()]).then(() => {});
    return this._shutdown;
  }
}

/** The attributes shared by the alert span and log record. */
export function alertAttributes(alert: Alert): Attributes {
  const rule = alert.rule;
  const attributes: Attributes = {
    [ATTR_EVENT_KIND]: 'alert',
    [ATTR_EVENT_ACTION]: rule.id,
    [ATTR_SECURITY_RULE_NAME]: rule.title,
    [ATTR_SECURITY_RULE_UUID]: rule.id,
    [ATTR_SECURITY_RULE_RULESET_NAME]: 'secmon',
    [ATTR_SECMON_ALERT_ID]: alert.id,
    [ATTR_SECMON_ALERT_COUNT]: alert.count,
    [ATTR_SECMON_ALERT_THRESHOLD]: alert.threshold,
    [ATTR_SECMON_ALERT_WINDOW_MS]: alert.windowMillis,
    [ATTR_SECMON_ALERT_TRIGGER_EVENT_NAME]: alert.triggerEventName,
    [ATTR_SECMON_ALERT_SEVERITY]: ALERT_SEVERITY_TO_OCSF[rule.severity],
    [ATTR_SECMON_ALERT_GROUP]: alert.groupKey,
    [ATTR_SECMON_ALERT_GROUP_BY]: Object.keys(alert.group),
    [ATTR_SECMON_ALERT_RULE_TYPE]: rule.type,
    [ATTR_SECMON_ALERT_SUPPRESSED_COUNT]: alert.suppressedCount,
    [ATTR_SECMON_ALERT_FIRST_SEEN_UNIX_NANO]: alert.firstSeenUnixNano,
    [ATTR_SECMON_ALERT_LAST_SEEN_UNIX_NANO]: alert.lastSeenUnixNano,
    [ATTR_SECMON_ALERT_DEGRADED]: alert.degraded,
  };
  if (rule.version !== undefined) attributes[ATTR_SECURITY_RULE_VERSION] = rule.version;
  if (rule.category !== undefined) attributes[ATTR_SECURITY_RULE_CATEGORY] = rule.category;
  if (rule.description !== undefined) attributes[ATTR_SECURITY_RULE_DESCRIPTION] = rule.description;
  if (rule.reference !== undefined) attributes[ATTR_SECURITY_RULE_REFERENCE] = rule.reference;
  // The group-by values under their own keys (client.address, user.id...), as EVENTS.md §7 asks.
  for (const [key, value] of Object.entries(alert.group)) if (!(key in attributes)) attributes[key] = value;
  const uids = alert.evidence.map((e) => e.recordUid).filter((u): u is string => u !== undefined);
  if (uids.length > 0) attributes[ATTR_SECMON_ALERT_RECORD_UIDS] = uids;
  return attributes;
}
