import { diag, logs } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordLimits, LogRecordProcessor, LoggerProviderOptions } from '@opentelemetry/sdk-logs';
import { SecurityLogRecordProcessor } from './SecurityLogRecordProcessor.js';
import type { SecurityLogProcessorOptions } from './SecurityLogRecordProcessor.js';

/** Options of {@link configureSecurityLogging}. */
export interface ConfigureSecurityLoggingOptions extends SecurityLogProcessorOptions {
  /** Resource of every record (service.name...). Default: the SDK's default resource. */
  resource?: LoggerProviderOptions['resource'];
  /** Processors that run before export, in order (e.g. `SecurityRulesProcessor`). Default []. */
  processors?: readonly LogRecordProcessor[];
  /**
   * SDK attribute limits. Default `{ attributeCountLimit: 128, attributeValueLengthLimit: 8192 }`: a backstop
   * behind the instrumentation's own caps.
   */
  logRecordLimits?: LogRecordLimits;
  /** Register the provider as the global LoggerProvider (`logs.setGlobalLoggerProvider`). Default true. */
  registerGlobal?: boolean;
}

/** What {@link configureSecurityLogging} built. */
export interface SecurityLogging {
  readonly loggerProvider: LoggerProvider;
  /** The export processor, with its loss counters (`processor.stats`). */
  readonly processor: SecurityLogRecordProcessor;
  /** Flush and shut down the provider (and every processor). */
  shutdown(): Promise<void>;
}

/**
 * The setup helper of DESIGN.md "Events": a LoggerProvider whose export processor is sized for bursts of
 * security events and counts every record it loses. Pass it nothing else and security events reach
 * `exporter`; pass `processors` to run e.g. secmon's rules processor first.
 *
 * @example
 * const { loggerProvider } = configureSecurityLogging({ exporter: new OTLPLogExporter(), resource });
 * const security = new SecurityEvents({ loggerProvider, pseudonymKey });
 */
export function configureSecurityLogging(options: ConfigureSecurityLoggingOptions): SecurityLogging {
  const processor = new SecurityLogRecordProcessor(options);
  const loggerProvider = new LoggerProvider({
    resource: options.resource,
    logRecordLimits: options.logRecordLimits ?? { attributeCountLimit: 128, attributeValueLengthLimit: 8192 },
    processors: [...(options.processors ?? []), processor],
  });
  if (options.registerGlobal ?? true) {
    if (!logs.setGlobalLoggerProvider(loggerProvider)) {
      diag.warn(
        'secmon-instrumentation: a global LoggerProvider is already registered; pass loggerProvider to SecurityEvents',
      );
    }
  }
  return {
    loggerProvider,
    processor,
    shutdown: () => loggerProvider.shutdown(),
  };
}
