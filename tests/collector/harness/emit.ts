// Sends security events and alerts to the collector over OTLP/HTTP with the OpenTelemetry JS SDK, using the
// @secmon/semconv names and severities. @secmon/instrumentation was not published in the monorepo when these
// suites were written; the records have the same wire shape (EventName field, catalogue severity, typed
// attributes, constant body) and the ECS/OCSF fields are left out on purpose, so the suites see the collector add them.
import { SeverityNumber, SpanKind } from '@opentelemetry/api';
import type { Attributes, Link } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ALERT_EVENT_NAME, ALERT_SEVERITY_TO_OCSF, ALERT_SEVERITY_TO_SEVERITY_NUMBER, getEventDefinition } from '@secmon/semconv';

export interface SenderOptions {
  serviceName?: string;
  /** SDK queue; large enough that a test burst is never dropped by the SDK itself. */
  maxQueueSize?: number;
}

export class SecurityEventSender {
  private readonly _logs: LoggerProvider;
  private readonly _traces: TracerProvider;

  constructor(otlpHttpUrl: string, options: SenderOptions = {}) {
    const resource = resourceFromAttributes({ 'service.name': options.serviceName ?? 'e2e-shop', 'host.name': 'e2e-host' });
    this._logs = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${otlpHttpUrl}/v1/logs` }),
          maxQueueSize: options.maxQueueSize ?? 200_000,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 50,
        }),
      ],
    });
    this._traces = new TracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }), scheduledDelayMillis: 50 })],
    });
  }

  /** One catalogue event: EventName, the catalogue's severity, the given attributes, no ECS/OCSF fields. */
  event(name: string, attributes: Attributes, options: { body?: string; timestamp?: number } = {}): void {
    const def = getEventDefinition(name);
    if (def === undefined) throw new Error(`${name} is not in the @secmon/semconv catalogue`);
    this._logs.getLogger('@secmon/e2e', '0.1.0').emit({
      eventName: name,
      severityNumber: def.severityNumber as SeverityNumber,
      severityText: def.severityText,
      timestamp: options.timestamp ?? Date.now(),
      ...(options.body !== undefined ? { body: options.body } : {}),
      attributes,
    });
  }

  /** Any log record (e.g. an application log that is not a security event). */
  raw(record: { eventName?: string; severityNumber: SeverityNumber; body?: string; attributes?: Attributes }): void {
    this._logs.getLogger('@secmon/e2e', '0.1.0').emit({ timestamp: Date.now(), ...record });
  }

  /** An alert as the rule engine raises it: a `secmon.alert` span linked to evidence, and the `secmon.alert` log record. */
  alert(rule: string, severity: keyof typeof ALERT_SEVERITY_TO_OCSF, attributes: Attributes, links: Link[] = []): void {
    const common: Attributes = {
      'security_rule.name': rule,
      'secmon.alert.severity': ALERT_SEVERITY_TO_OCSF[severity],
      ...attributes,
    };
    const span = this._traces.getTracer('@secmon/processor', '0.1.0').startSpan(ALERT_EVENT_NAME, { kind: SpanKind.INTERNAL, attributes: common, links });
    span.end();
    this._logs.getLogger('@secmon/processor', '0.1.0').emit({
      eventName: ALERT_EVENT_NAME,
      severityNumber: ALERT_SEVERITY_TO_SEVERITY_NUMBER[severity] as SeverityNumber,
      severityText: 'ERROR',
      timestamp: Date.now(),
      attributes: common,
    });
  }

  /** An ordinary span (not an alert). */
  span(name: string): void {
    this._traces.getTracer('@secmon/e2e', '0.1.0').startSpan(name).end();
  }

  async flush(): Promise<void> {
    await Promise.all([this._logs.forceFlush(), this._traces.forceFlush()]);
  }

  async shutdown(): Promise<void> {
    await Promise.all([this._logs.shutdown(), this._traces.shutdown()]);
  }
}
