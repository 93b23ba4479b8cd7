// Sends security events to the collector the way an application does: @secmon/instrumentation's SecurityEvents
// on an OpenTelemetry SDK pipeline exporting OTLP/HTTP protobuf. Also, for the defence-in-depth suites, records
// that bypass the instrumentation (`bypass`: what a legacy or misconfigured application sends, secrets included),
// and alerts shaped as the rule engine raises them (a secmon.alert span with evidence links + the alert log record).
import { SpanKind } from '@opentelemetry/api';
import type { Attributes, Link, SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SecurityEvents } from '@secmon/instrumentation';
import {
  ALERT_EVENT_NAME,
  ALERT_SEVERITY_TO_OCSF,
  ALERT_SEVERITY_TO_SEVERITY_NUMBER,
  getEventDefinition,
} from '@secmon/semconv';

/** The pseudonym key of the suites (32 bytes, as the instrumentation asks). */
export const E2E_PSEUDONYM_KEY = 'e2e-pseudonym-key-0123456789abcdef';

export interface SenderOptions {
  serviceName?: string;
  /** SDK queue; large enough that a test burst is never dropped by the SDK itself. */
  maxQueueSize?: number;
  /** Let the instrumentation record `user.name` (opt-in PII). */
  recordUserName?: boolean;
}

export class SecurityEventSender {
  /** @secmon/instrumentation, exporting through this sender's SDK pipeline. Extra attributes take the `e2e.` prefix. */
  readonly security: SecurityEvents;
  private readonly _logs: LoggerProvider;
  private readonly _traces: TracerProvider;

  constructor(otlpHttpUrl: string, options: SenderOptions = {}) {
    const resource = resourceFromAttributes({
      'service.name': options.serviceName ?? 'e2e-shop',
      'host.name': 'e2e-host',
    });
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
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }),
          scheduledDelayMillis: 50,
        }),
      ],
    });
    this.security = new SecurityEvents({
      loggerProvider: this._logs,
      pseudonymKey: E2E_PSEUDONYM_KEY,
      environment: 'test',
      customPrefix: 'e2e.',
      recordUserName: options.recordUserName ?? false,
    });
  }

  /**
   * A catalogue event that did NOT go through the instrumentation (a legacy or misconfigured application): the
   * EventName and the catalogue's severity, the attributes as given (secrets included), no ECS/OCSF fields.
   */
  bypass(name: string, attributes: Attributes, options: { body?: string; timestamp?: number } = {}): void {
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
  raw(record: {
    eventName?: string;
    severityNumber: SeverityNumber;
    body?: string;
    attributes?: Attributes;
  }): void {
    this._logs.getLogger('@secmon/e2e', '0.1.0').emit({ timestamp: Date.now(), ...record });
  }

  /** An alert as the rule engine raises it: a `secmon.alert` span linked to evidence, and the `secmon.alert` log record. */
  alert(
    rule: string,
    severity: keyof typeof ALERT_SEVERITY_TO_OCSF,
    attributes: Attributes,
    links: Link[] = [],
  ): void {
    const common: Attributes = {
      'security_rule.name': rule,
      'secmon.alert.severity': ALERT_SEVERITY_TO_OCSF[severity],
      ...attributes,
    };
    const span = this._traces
      .getTracer('@secmon/processor', '0.1.0')
      .startSpan(ALERT_EVENT_NAME, { kind: SpanKind.INTERNAL, attributes: common, links });
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
