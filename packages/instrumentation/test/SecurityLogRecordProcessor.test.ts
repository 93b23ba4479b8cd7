import { DiagLogLevel, diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS,
  SecurityEvents,
  SecurityLogRecordProcessor,
  configureSecurityLogging,
  createSecurityLogProcessor,
} from '../src/index.js';
import { TEST_KEY } from './helpers.js';

/** Counts what it receives and answers asynchronously, like a network exporter; keeps nothing. */
class CountingExporter implements LogRecordExporter {
  exported = 0;
  batches = 0;
  private readonly _fail: boolean;

  constructor(fail = false) {
    this._fail = fail;
  }

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.batches++;
    setImmediate(() => {
      if (this._fail) done({ code: ExportResultCode.FAILED, error: new Error('backend down') });
      else {
        this.exported += records.length;
        done({ code: ExportResultCode.SUCCESS });
      }
    });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const BURST = 100_000;

function burst(security: SecurityEvents, n: number): void {
  for (let i = 0; i < n; i++) {
    security.authn.loginFail({
      login: `user${i % 1000}`,
      clientAddress: '203.0.113.7',
      reason: 'invalid_credentials',
    });
  }
}

afterEach(() => {
  diag.disable();
});

describe('SecurityLogRecordProcessor', () => {
  it('should deliver a synchronous burst of 100k security events with the default sizing', async () => {
    const exporter = new CountingExporter();
    const logging = configureSecurityLogging({ exporter, registerGlobal: false });
    const security = new SecurityEvents({ loggerProvider: logging.loggerProvider, pseudonymKey: TEST_KEY });
    burst(security, BURST);
    await logging.loggerProvider.forceFlush();
    expect(logging.processor.stats).toEqual({
      received: BURST,
      exported: BURST,
      dropped: 0,
      exportFailed: 0,
    });
    expect(exporter.exported).toBe(BURST);
    await logging.shutdown();
  });

  it('should count every record lost when the queue is too small, and say so once', async () => {
    const warn = vi.fn();
    diag.setLogger(
      { warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() },
      DiagLogLevel.WARN,
    );
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const exporter = new CountingExporter();
    const processor = createSecurityLogProcessor({
      exporter,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      meterProvider,
    });
    const provider = new LoggerProvider({ processors: [processor] });
    const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
    burst(security, BURST);
    await provider.forceFlush();

    const { received, exported, dropped, exportFailed } = processor.stats;
    expect(received).toBe(BURST);
    expect(dropped).toBeGreaterThan(0);
    expect(exported + dropped + exportFailed).toBe(BURST);
    expect(exporter.exported).toBe(exported);
    expect(warn.mock.calls.filter(([m]) => String(m).includes('queue full'))).toHaveLength(1);

    await reader.forceFlush();
    const points = metricExporter
      .getMetrics()
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .filter((m) => m.descriptor.name === 'secmon.export.dropped')
      .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]);
    expect(points.find((p) => p.attributes['reason'] === 'queue_full')?.value).toBe(dropped);
    await provider.shutdown();
    await meterProvider.shutdown();
  });

  it('should count records lost in failed exports', async () => {
    diag.setLogger(
      { warn: vi.fn(), error: vi.fn(), info: vi.fn(), debug: vi.fn(), verbose: vi.fn() },
      DiagLogLevel.WARN,
    );
    const processor = new SecurityLogRecordProcessor({ exporter: new CountingExporter(true) });
    const provider = new LoggerProvider({ processors: [processor] });
    const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
    burst(security, 1000);
    await provider.forceFlush();
    expect(processor.stats).toEqual({ received: 1000, exported: 0, dropped: 0, exportFailed: 1000 });
    await provider.shutdown();
  });

  it('should be shut down once, and ignore records afterwards', async () => {
    const exporter = new CountingExporter();
    const processor = new SecurityLogRecordProcessor({ exporter });
    const shutdown = vi.spyOn(exporter, 'shutdown');
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    expect(shutdown).toHaveBeenCalledTimes(1);
    const provider = new LoggerProvider({ processors: [processor] });
    new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY }).sys.shutdown();
    expect(processor.stats.received).toBe(0);
  });

  it('should document its defaults', () => {
    expect(DEFAULT_SECURITY_LOG_PROCESSOR_OPTIONS).toEqual({
      maxQueueSize: 131_072,
      maxExportBatchSize: 2048,
      scheduledDelayMillis: 500,
      exportTimeoutMillis: 30_000,
    });
    const p = new SecurityLogRecordProcessor({ exporter: new CountingExporter() });
    const inner = (p as unknown as { _inner: Record<string, unknown> })._inner;
    expect(inner['_maxQueueSize']).toBe(131_072);
    expect(inner['_maxExportBatchSize']).toBe(2048);
    expect(inner['_scheduledDelayMillis']).toBe(500);
    expect(inner['_exportTimeoutMillis']).toBe(30_000);
  });
});

describe('the SDK default BatchLogRecordProcessor (why this processor exists)', () => {
  it('should lose most of a 100k burst without reporting it', async () => {
    const exporter = new CountingExporter();
    const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
    const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
    burst(security, BURST);
    await provider.forceFlush();
    // Queue of 2048 plus the one batch of 512 already taken out: the rest (97%) is gone.
    expect(exporter.exported).toBeLessThanOrEqual(2048 + 512);
    await provider.shutdown();
  });
});
