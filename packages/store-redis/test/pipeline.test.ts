// Through the real OpenTelemetry pipeline, as a SIEM sees it: an application LoggerProvider with the
// processor's SecurityRulesProcessor sharing state through RedisStateStore; the `secmon.alert` log records go
// to an in-memory exporter. During an outage the alert record says `secmon.alert.degraded = true`.
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SecurityRulesProcessor } from '@secmon/processor';
import { RedisServer, describeWithServices } from '@secmon/test-utils';
import { expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { BRUTE_FORCE, FAIL } from './support/rules.js';

await describeWithServices(
  'SecurityRulesProcessor with RedisStateStore',
  { redis: RedisServer.check },
  () => {
    it('should export shared alerts with secmon.alert.degraded = false, and degraded ones during an outage', async () => {
      const redis = await RedisServer.start();
      const exporter = new InMemoryLogRecordExporter();
      const alertLogs = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
      const store = new RedisStateStore({ redis: redis.url });
      const app = new LoggerProvider({
        processors: [
          new SecurityRulesProcessor({
            rules: [BRUTE_FORCE],
            store,
            loggerProvider: alertLogs,
            emitSpans: false,
          }),
        ],
      });
      const logger = app.getLogger('shop');
      const attack = (ip: string): void => {
        for (let i = 0; i < 10; i++) logger.emit({ eventName: FAIL, attributes: { 'client.address': ip } });
      };
      const alerts = (): { degraded: unknown }[] =>
        exporter
          .getFinishedLogRecords()
          .filter((r) => r.eventName === 'secmon.alert')
          .map((r) => ({ degraded: r.attributes['secmon.alert.degraded'] }));
      try {
        expect(await store.waitUntilReady()).toBe(true);
        attack('203.0.113.1');
        await app.forceFlush();
        expect(alerts().map((a) => a.degraded)).toEqual([false]);

        await redis.stop();
        const deadline = Date.now() + 5_000;
        while (store.status() !== 'degraded' && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        attack('203.0.113.2');
        await app.forceFlush();
        expect(alerts().map((a) => a.degraded)).toEqual([false, true]);
      } finally {
        await app.shutdown();
        await alertLogs.shutdown();
        await redis.close();
      }
    });
  },
);
