import { join } from 'node:path';
import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { SecurityEvents, createSecurityLogProcessor } from '@secmon/instrumentation';
import type { SecurityLogProcessorStats } from '@secmon/instrumentation';
import { BlockList, DEFAULT_RULES, SecurityRulesProcessor } from '@secmon/processor';
import type { Alert, BlockEntry } from '@secmon/processor';
import { ALERT_EVENT_NAME, ATTR_CLIENT_ADDRESS, ATTR_USER_HASH, ATTR_USER_ID } from '@secmon/semconv';
import type { ShopOptions } from '../ShopOptions.js';
import { CONFIG_KEYS_WITH_LOGGABLE_VALUES } from '../domain/ConfigStore.js';
import { ConsoleAlertAction } from './ConsoleAlertAction.js';
import { DemoFeedProcessor, sendToDemo } from './DemoFeedProcessor.js';
import type { DemoFeedMessage } from './DemoFeedProcessor.js';
import { OtlpJsonFileLogExporter } from './OtlpJsonFileLogExporter.js';
import { OtlpJsonFileSpanExporter } from './OtlpJsonFileSpanExporter.js';
import { otlpLogExporterFromEnv, otlpTraceExporterFromEnv } from './otlpExporters.js';

/** The shop's OpenTelemetry + secmon setup, as main.ts uses it. */
export interface ShopTelemetry {
  /** The security event API the routes call (`security.authn.loginFail(...)`...). */
  security: SecurityEvents;
  /** Filled by alert responses (`block_client`, `lock_user`), enforced by the block list middleware. */
  blockList: BlockList;
  /** One line describing the pipeline, for the demo's header. */
  describe: string;
  ruleIds: string[];
  /** Local files, when no OTLP endpoint is configured. */
  files?: { events: string; traces: string };
  /** Counters of the export processor (received = exported + dropped + exportFailed after a flush). */
  exportStats(): SecurityLogProcessorStats;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * What the demo view shows as the response taken for an alert: `block` is the block the alert put in place
 * (`AlertResponse.block` from the processor), so "enforced" is what the BlockList did, not a guess.
 */
function responseOf(
  alert: Alert,
  block: BlockEntry | undefined,
): Extract<DemoFeedMessage, { type: 'alert' }>['response'] {
  const response = alert.rule.response;
  if (!response) return undefined;
  let target = block?.value;
  if (target === undefined && response.action === 'block_client') target = alert.group[ATTR_CLIENT_ADDRESS];
  else if (target === undefined && response.action === 'lock_user')
    target = alert.group[ATTR_USER_ID] ?? alert.group[ATTR_USER_HASH];
  return {
    action: response.action,
    ...(target !== undefined ? { target } : {}),
    ...(response.durationMillis !== undefined ? { durationMillis: response.durationMillis } : {}),
    enforced: block !== undefined,
  };
}

/**
 * Starts OpenTelemetry with NodeSDK and wires secmon into it. Log record processors, in order:
 * 1. `SecurityRulesProcessor` with `DEFAULT_RULES` (detection sees every record, with its resource, before
 *    export); alerts become a `secmon.alert` span linked to the evidence and a `secmon.alert` log record,
 *    apply their response to the `BlockList`, go to `onAlert` (the demo view) and to the console action;
 * 2. the demo feed (event names to the demo runner over IPC; a no-op outside the demo);
 * 3. secmon's burst-sized export processor, which counts every record it loses, to OTLP (standard `OTEL_*`
 *    variables) or, with no endpoint configured, to a local OTLP JSON file that `secmon analyze` reads.
 * Traces (a span per request, the alert spans) go to OTLP or a local file as well.
 */
export async function startTelemetry(options: ShopOptions): Promise<ShopTelemetry> {
  // secmon never throws into the app: what goes wrong (a lost record, the development pseudonym key, an
  // invalid rule) is reported on OTel's diag channel. Show warnings unless OTEL_LOG_LEVEL says otherwise
  // (NodeSDK then installs its own diag logger).
  if (!process.env.OTEL_LOG_LEVEL) diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.WARN });

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

  const blockList = new BlockList();
  const rules = new SecurityRulesProcessor({
    rules: DEFAULT_RULES,
    blockList,
    // Synchronous, right after the block list: the demo view shows each alert as it fires, with the block it
    // put in place (response.block), if any.
    onAlert: (alert, { block }) =>
      sendToDemo({
        type: 'alert',
        ruleId: alert.rule.id,
        title: alert.rule.title,
        severity: alert.rule.severity,
        group: { ...alert.group },
        count: alert.count,
        windowMillis: alert.windowMillis,
        ...(alert.rule.response ? { response: responseOf(alert, block) } : {}),
      }),
    // Off the request path, from the processor's bounded queue (add WebhookAction, SlackAction... here).
    actions: [new ConsoleAlertAction()],
  });
  const exporting = createSecurityLogProcessor({ exporter: logExporter, ...options.logExport });
  const spanProcessor = new BatchSpanProcessor({ exporter: spanExporter, ...options.spanExport });

  // NodeSDK's resource detectors, run here and awaited: some attributes (host.id) arrive asynchronously, and
  // the rules processor reads each record's resource as it is emitted (credential stuffing is grouped by
  // service.name). Records emitted before they settle would make the SDK report "Accessing resource
  // attributes before async attributes settled" once per record. Precedence as in NodeSDK: detected
  // (OTEL_RESOURCE_ATTRIBUTES...) over the shop's defaults; `serviceName` on top.
  const detected = detectResources({
    detectors: [serviceInstanceIdDetector, processDetector, hostDetector, osDetector, envDetector],
  });
  await detected.waitForAsyncAttributes?.();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.version': '0.1.0', 'deployment.environment.name': 'demo' }))
    .merge(detected);

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource,
    autoDetectResources: false,
    logRecordProcessors: [rules, new DemoFeedProcessor([ALERT_EVENT_NAME]), exporting],
    spanProcessors: [spanProcessor],
    // Metrics only when asked for (OTEL_METRICS_EXPORTER): the demo has no metrics backend.
    ...(process.env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
  });
  sdk.start();

  // Emits through the global LoggerProvider that NodeSDK has just registered.
  const security = new SecurityEvents({
    ...(options.pseudonymKey !== undefined ? { pseudonymKey: options.pseudonymKey } : {}),
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    customPrefix: 'shop.',
    configValueKeys: CONFIG_KEYS_WITH_LOGGABLE_VALUES,
  });

  return {
    security,
    blockList,
    describe: `NodeSDK → SecurityRulesProcessor (${DEFAULT_RULES.length} default rules, BlockList) → secmon export processor → ${files ? 'OTLP JSON files' : 'OTLP exporter (OTEL_EXPORTER_OTLP_*)'}`,
    ruleIds: DEFAULT_RULES.map((r) => r.id),
    ...(files ? { files } : {}),
    exportStats: () => exporting.stats,
    async forceFlush() {
      // Detection first (its queued actions), then the exporters: alert records are already queued for
      // export, since the processor emits them while it evaluates the record that completed a detection.
      await rules.forceFlush();
      await exporting.forceFlush();
      await spanProcessor.forceFlush();
    },
    async shutdown() {
      await sdk.shutdown();
    },
  };
}
