import { createNoopMeter, diag, metrics } from '@opentelemetry/api';
import type {
  BatchObservableCallback,
  Context,
  Counter,
  Gauge,
  Histogram,
  Meter,
  MeterOptions,
  MeterProvider,
  MetricAttributes,
  MetricOptions,
  Observable,
  ObservableCounter,
  ObservableGauge,
  ObservableResult,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import { BindOnceFuture } from '@opentelemetry/core';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Options of {@link SecurityLogRecordProcessor} / {@link createSecurityLogProcessor}. */
export interface SecurityLogProcessorOptions {
  /** Where batches go (e.g. `OTLPLogExporter`). Required. */
  exporter: LogRecordExporter;
  /**
   * Records held while exports catch up. Default 131 072 (the SDK's default of 2048 drops 97% of a
   * synchronous burst of 100k records, silently). Memory: roughly 1–2 KB per queued security record.
   */
  maxQueueSize?: number;
  /** Records per export request. Default 2048. */
  maxExportBatchSize?: number;
  /** Delay between scheduled exports, in milliseconds. Default 500. */
  scheduledDelayMillis?: number;
  /** Timeout of one export, in milliseconds. Default 30 000. */
  exportTimeoutMillis?: number;
  /**
   * Where `secmon.export.*` counters go, and the SDK's own `otel.sdk.processor.log.*` metrics.
   * Default: the global MeterProvider.
   */
  meterProvider?: MeterProvider;
}

/** Counters of a {@link SecurityLogRecordProcessor}. After `forceFlush()`: received = exported + dropped + exportFailed. */
export interface SecurityLogProcessorStats {
  /** Records handed to the processor. */
  received: number;
  /** Records the exporter accepted. */
  exported: number;
  /** Records dropped because the queue was full. */
  dropped: number;
  /** Records lost because their export failed (after the exporter's own retries) or timed out. */
  exportFailed: number;
}

/** Documented defaults of {@link SecurityLogProcessorOptions}. */
export const DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS = Object.freeze({
  maxQueueSize: 131_072,
  maxExportBatchSize: 2048,
  scheduledDelayMillis: 500,
  exportTimeoutMillis: 30_000,
});

/** The SDK's own "processed" counter (semconv `otel.sdk.processor.log.processed`), with `error.type` on losses. */
const SDK_PROCESSED = 'otel.sdk.processor.log.processed';

/**
 * A `BatchLogRecordProcessor` sized for bursts of security events, whose every loss is counted: records
 * dropped on a full queue and records whose export failed are exported as the `secmon.export.dropped`
 * counter (`reason` = `queue_full` | `export_failed`), available from {@link stats}, and announced by one
 * `diag.warn` per cause. Security events must not vanish silently (DESIGN.md "Events").
 *
 * The counts come from the SDK's own self-observability signal (`otel.sdk.processor.log.processed`, whose
 * `error.type=queue_full` marks drops): the processor hands the batch processor a meter that taps it.
 */
export class SecurityLogRecordProcessor implements LogRecordProcessor {
  private readonly _inner: BatchLogRecordProcessor;
  private readonly _maxQueueSize: number;
  private readonly _shutdownOnce: BindOnceFuture<void>;
  private _received = 0;
  private _exported = 0;
  private _dropped = 0;
  private _exportFailed = 0;
  private _warnedDrop = false;
  private _warnedFailure = false;

  constructor(options: SecurityLogProcessorOptions) {
    const d = DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS;
    this._maxQueueSize = positive('maxQueueSize', options.maxQueueSize, d.maxQueueSize);
    const base = options.meterProvider;
    const tap: MeterProvider = {
      getMeter: (name: string, version?: string, opts?: MeterOptions): Meter =>
        new TapMeter(
          base !== undefined ? base.getMeter(name, version, opts) : createNoopMeter(),
          (n, attrs) => this._onProcessed(n, attrs),
        ),
    };
    this._inner = new BatchLogRecordProcessor({
      exporter: options.exporter,
      maxQueueSize: this._maxQueueSize,
      maxExportBatchSize: positive('maxExportBatchSize', options.maxExportBatchSize, d.maxExportBatchSize),
      scheduledDelayMillis: positive(
        'scheduledDelayMillis',
        options.scheduledDelayMillis,
        d.scheduledDelayMillis,
      ),
      exportTimeoutMillis: positive(
        'exportTimeoutMillis',
        options.exportTimeoutMillis,
        d.exportTimeoutMillis,
      ),
      selfObsMeterProvider: tap,
    });
    this._shutdownOnce = new BindOnceFuture(this._shutdown, this);

    const meter = (base ?? metrics).getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    meter
      .createObservableCounter('secmon.export.dropped', {
        description:
          'Security log records lost before reaching the exporter or in a failed export, by reason.',
        unit: '{log_record}',
      })
      .addCallback((result: ObservableResult) => {
        result.observe(this._dropped, { reason: 'queue_full' });
        result.observe(this._exportFailed, { reason: 'export_failed' });
      });
    meter
      .createObservableCounter('secmon.export.exported', {
        description: 'Security log records accepted by the exporter.',
        unit: '{log_record}',
      })
      .addCallback((result: ObservableResult) => result.observe(this._exported));
  }

  /** Counters so far (see {@link SecurityLogProcessorStats}). */
  get stats(): SecurityLogProcessorStats {
    return {
      received: this._received,
      exported: this._exported,
      dropped: this._dropped,
      exportFailed: this._exportFailed,
    };
  }

  onEmit(logRecord: ReadWriteLogRecord, _context?: Context): void {
    if (this._shutdownOnce.isCalled) return;
    this._received++;
    this._inner.onEmit(logRecord);
  }

  forceFlush(): Promise<void> {
    return this._inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._shutdownOnce.call();
  }

  private async _shutdown(): Promise<void> {
    await this._inner.shutdown();
    if (this._dropped > 0 || this._exportFailed > 0) {
      diag.warn(
        `secmon-instrumentation: security log processor lost ${this._dropped} record(s) on a full queue and ` +
          `${this._exportFailed} in failed exports out of ${this._received}`,
      );
    }
  }

  private _onProcessed(n: number, attrs: MetricAttributes | undefined): void {
    const errorType = attrs?.['error.type'];
    if (errorType === undefined) {
      this._exported += n;
    } else if (errorType === 'queue_full') {
      this._dropped += n;
      if (!this._warnedDrop) {
        this._warnedDrop = true;
        diag.warn(
          `secmon-instrumentation: security log queue full (maxQueueSize=${this._maxQueueSize}); records are ` +
            'dropped and counted in secmon.export.dropped{reason=queue_full}',
        );
      }
    } else {
      this._exportFailed += n;
      if (!this._warnedFailure) {
        this._warnedFailure = true;
        diag.warn(
          `secmon-instrumentation: security log export failed (${String(errorType)}); lost records are counted ` +
            'in secmon.export.dropped{reason=export_failed}',
        );
      }
    }
  }
}

/**
 * Build the export processor for security events: a burst-sized batch processor that counts every loss.
 *
 * @example
 * const processor = createSecurityLogProcessor({ exporter: new OTLPLogExporter() });
 * const provider = new LoggerProvider({ processors: [rulesProcessor, processor] });
 */
export function createSecurityLogProcessor(options: SecurityLogProcessorOptions): SecurityLogRecordProcessor {
  return new SecurityLogRecordProcessor(options);
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) {
    diag.warn(`secmon-instrumentation: ${name}=${value} is not a positive number; using ${fallback}`);
    return fallback;
  }
  return Math.trunc(value);
}

/** A Meter that forwards everything and reports the SDK's processed counter to `onProcessed`. */
class TapMeter implements Meter {
  private readonly _base: Meter;
  private readonly _onProcessed: (n: number, attrs: MetricAttributes | undefined) => void;

  constructor(base: Meter, onProcessed: (n: number, attrs: MetricAttributes | undefined) => void) {
    this._base = base;
    this._onProcessed = onProcessed;
  }

  createCounter<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): Counter<A> {
    const real = this._base.createCounter<A>(name, options);
    if (name !== SDK_PROCESSED) return real;
    const onProcessed = this._onProcessed;
    return {
      add(value: number, attributes?: A, context?: Context): void {
        onProcessed(value, attributes);
        real.add(value, attributes, context);
      },
    };
  }

  createGauge<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): Gauge<A> {
    return this._base.createGauge<A>(name, options);
  }

  createHistogram<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): Histogram<A> {
    return this._base.createHistogram<A>(name, options);
  }

  createUpDownCounter<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): UpDownCounter<A> {
    return this._base.createUpDownCounter<A>(name, options);
  }

  createObservableGauge<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): ObservableGauge<A> {
    return this._base.createObservableGauge<A>(name, options);
  }

  createObservableCounter<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): ObservableCounter<A> {
    return this._base.createObservableCounter<A>(name, options);
  }

  createObservableUpDownCounter<A extends MetricAttributes = MetricAttributes>(
    name: string,
    options?: MetricOptions,
  ): ObservableUpDownCounter<A> {
    return this._base.createObservableUpDownCounter<A>(name, options);
  }

  addBatchObservableCallback<A extends MetricAttributes = MetricAttributes>(
    callback: BatchObservableCallback<A>,
    observables: Observable<A>[],
  ): void {
    this._base.addBatchObservableCallback(callback, observables);
  }

  removeBatchObservableCallback<A extends MetricAttributes = MetricAttributes>(
    callback: BatchObservableCallback<A>,
    observables: Observable<A>[],
  ): void {
    this._base.removeBatchObservableCallback(callback, observables);
  }
}
