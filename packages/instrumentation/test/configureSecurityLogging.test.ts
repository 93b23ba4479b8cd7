import { logs } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecurityEvents, SecurityLogRecordProcessor, configureSecurityLogging } from '../src/index.js';
import { TEST_KEY } from './helpers.js';

afterEach(() => {
  logs.disable();
});

describe('configureSecurityLogging', () => {
  it('should register a global provider whose records go through the extra processors, then export', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const seen = vi.fn();
    const before: LogRecordProcessor = {
      onEmit: (r) => seen(r.eventName),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const logging = configureSecurityLogging({ exporter, processors: [before] });
    expect(logging.processor).toBeInstanceOf(SecurityLogRecordProcessor);
    new SecurityEvents({ pseudonymKey: TEST_KEY }).sys.startup();
    await logging.loggerProvider.forceFlush();
    expect(seen).toHaveBeenCalledWith('secmon.sys.startup');
    expect(exporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(['secmon.sys.startup']);
    await logging.shutdown();
  });
});
