import { join } from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { RequestHandler } from 'express';
import type { ShopOptions } from '../ShopOptions.js';
import type { ShopSecurity } from '../ShopSecurity.js';
import { DemoFeedProcessor } from './DemoFeedProcessor.js';
import { OtlpJsonFileLogExporter } from './OtlpJsonFileLogExporter.js';
import { OtlpJsonFileSpanExporter } from './OtlpJsonFileSpanExporter.js';
import { otlpLogExporterFromEnv, otlpTraceExporterFromEnv } from './otlpExporters.js';
import { requestSpan } from './requestSpan.js';
import { createSecmon } from './secmon.js';

/** The shop's OpenTelemetry + secmon setup, as main.ts uses it. */
export interface ShopTelemetry {
  security: ShopSecurity;
  /** Middleware to mount first (request span, secmon request context, client block list). */
  first: RequestHandler[];
  /** Middleware to mount once the session is resolved (user block list). */
  afterAuthentication: RequestHandler[];
  /** One line describing the pipeline, for the demo's header. */
  describe: string;
  ruleIds: string[];
  /** Local files, when no OTLP endpoint is configured. */
  files?: { events: string; traces: string };
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry with NodeSDK and wires secmon into it:
 * - logs: secmon's SecurityRulesProcessor (detection) first, then a batch processor sized for bursts of
 *   security events that exports to OTLP (standard `OTEL_*` variables) or, with no endpoint configured, to
 *   a local OTLP JSON file that `secmon analyze` reads;
 * - traces: a span per request plus the `secmon.alert` spans, to OTLP or a local file.
 */
export function startTelemetry(options: ShopOptions): ShopTelemetry {
  let logExporter: LogRecordExporter;
  let spanExporter: SpanExporter;
  let files: ShopTelemetry['files'];
  if (options.otlpConfigured) {
    logExporter = otlpLogExporterFromEnv();
    spanExporter = otlpTraceExporterFromEnv();
  } else {
    files = {
      events: join(options.outputDir, 'security-events.otlp.jsonl'),
      traces: join(options.outputDir, 'traces.otlp.jsonl'),
    };
    logExporter = new OtlpJsonFileLogExporter(files.events);
    spanExporter = new OtlpJsonFileSpanExporter(files.traces);
  }

  const secmon = createSecmon(options, logExporter);
  const logRecordProcessors: LogRecordProcessor[] = [
    ...secmon.logRecordProcessors,
    new DemoFeedProcessor(secmon.feedSkip),
  ];
  const exporting = secmon.exportingProcessor ?? new BatchLogRecordProcessor({ exporter: logExporter, maxQueueSize: 65_536 });
  logRecordProcessors.push(exporting);
  const spanProcessor = new BatchSpanProcessor({ exporter: spanExporter });

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({ 'service.version': '0.1.0', 'deployment.environment.name': 'demo' }),
    logRecordProcessors,
    spanProcessors: [spanProcessor],
    // Metrics only when asked for (OTEL_METRICS_EXPORTER): the demo has no metrics backend.
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
  });
  sdk.start();
  secmon.start();

  return {
    security: secmon.security,
    first: [requestSpan, ...secmon.first],
    afterAuthentication: secmon.afterAuthentication,
    describe: `NodeSDK → ${secmon.describe} → ${files ? 'OTLP JSON files' : 'OTLP exporter (OTEL_EXPORTER_OTLP_*)'}`,
    ruleIds: secmon.ruleIds,
    ...(files ? { files } : {}),
    async forceFlush() {
      // Detection first (it may still emit alerts), then the exporters.
      for (const processor of secmon.logRecordProcessors) await processor.forceFlush();
      await exporting.forceFlush();
      await spanProcessor.forceFlush();
    },
    async shutdown() {
      await sdk.shutdown();
    },
  };
}
