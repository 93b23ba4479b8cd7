import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { RuleEngine, type Alert, type SecurityEvent, type StateStoreBinding } from '@secmon/processor';
import { freePort, RedisServer, describeWithServices } from '@secmon/test-utils';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_STATE_STORE_CONFIG, RedisStateStore } from '../src/index.js';
import {
  PROPERTY_LIMITS,
  collectingBinding,
  observationsOf,
  referenceDetections,
  seededRandom,
  sortDetections,
} from './support/observations.js';
import { BRUTE_FORCE, FAIL, propertyRules, SUCCESS } from './support/rules.js';

const T0 = 1_760_000_000_000;
const at = (ms: number): bigint => BigInt(T0 + ms) * 1_000_000n;
const fail = (ms: number, client: string, extra: Record<string, string> = {}): SecurityEvent => ({
  eventName: FAIL,
  timeUnixNano: at(ms),
  attributes: { 'client.address': client, ...extra },
});

let prefixes = 0;
const freshPrefix = (): string => `t${process.pid}.${prefixes++}:`;

await describeWithServices('RedisStateStore', { redis: RedisServer.check }, () => {
  let redis: RedisServer;
  let admin: Redis;
  const stores: RedisStateStore[] = [];
  const open = (options: Partial<ConstructorParameters<typeof RedisStateStore>[0]> = {}): RedisStateStore => {
    const store = new RedisStateStore({ redis: redis.url, keyPrefix: freshPrefix(), ...options });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.shutdown()));
    diag.disable();
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.close();
  });

  describe('constructor', () => {
    it('should resolve every documented default', () => {
      const store = open({ keyPrefix: undefined });
      const s = store as unknown as Record<string, unknown>;
      expect(DEFAULT_REDIS_STATE_STORE_CONFIG).toEqual({
        keyPrefix: 'secmon:',
        maxQueueSize: 10_000,
        maxBatchSize: 1_000,
        maxGroupsPerCall: 100,
        maxBatchesInFlight: 4,
        flushIntervalMillis: 10,
        retryDelayMillis: 250,
        flushTimeoutMillis: 5_000,
        commandTimeoutMillis: 1_000,
        maxReconnectDelayMillis: 2_000,
        outOfOrderToleranceMillis: 10_000,
        maxEvidence: 20,
        maxDistinctValuesPerGroup: 1_000,
        maxEventsPerStep: 256,
      });
      expect([
        s['_maxQueue'],
        s['_maxBatch'],
        s['_flushInterval'],
        s['_retryDelay'],
        s['_flushTimeout'],
      ]).toEqual([10_000, 1_000, 10, 250, 5_000]);
      expect(s['_scriptOptions']).toEqual({
        keyPrefix: 'secmon:',
        toleranceMillis: 10_000,
        maxEvidence: 20,
        maxDistinctValues: 1_000,
        maxEventsPerStep: 256,
      });
      const opts = store.client.options as {
        enableOfflineQueue?: boolean;
        maxRetriesPerRequest?: number;
        commandTimeout?: number;
        autoResendUnfulfilledCommands?: boolean;
      };
      expect(opts).toMatchObject({
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 1_000,
        autoResendUnfulfilledCommands: false,
      });
      expect(store.shared).toBe(true);
    });

    it('should clamp invalid options with a diag warning', () => {
      const warnings: string[] = [];
      diag.setLogger({ ...silentLogger(), warn: (m: string) => void warnings.push(m) }, DiagLogLevel.WARN);
      const store = open({ maxQueueSize: -1, flushIntervalMillis: Number.NaN });
      const s = store as unknown as Record<string, unknown>;
      expect([s['_maxQueue'], s['_flushInterval']]).toEqual([10_000, 10]);
      expect(warnings.filter((w) => w.includes('invalid'))).toHaveLength(2);
    });
  });

  describe('record', () => {
    it('should only enqueue: it returns synchronously, sends nothing itself, and the flusher applies the batch', async () => {
      const store = open();
      const engine = new RuleEngine({ rules: [BRUTE_FORCE], store });
      expect(await store.waitUntilReady()).toBe(true);
      for (let i = 0; i < 5; i++) {
        // record() returns undefined (not a promise): the emit path never awaits Redis.
        expect(
          store.record(
            {
              ruleId: BRUTE_FORCE.id,
              groupKey: 'x',
              groupValues: ['x'],
              timeUnixMicros: (T0 + i) * 1000,
              eventName: FAIL,
              values: [],
              step: -1,
            },
            bindingOf(engine),
          ),
        ).toBeUndefined();
      }
      expect(store.stats()).toMatchObject({ queued: 5, applied: 0 });
      await store.forceFlush();
      expect(store.stats()).toMatchObject({ queued: 0, applied: 5, droppedQueueFull: 0 });
    });

    it('should drop and count observations beyond its queue bound, and be degraded while full', async () => {
      const store = open({ maxQueueSize: 5, flushIntervalMillis: 1_000 });
      const alerts: Alert[] = [];
      const engine = new RuleEngine({
        rules: [{ ...BRUTE_FORCE, threshold: 8 }],
        store,
        onAlert: (a) => alerts.push(a),
      });
      expect(await store.waitUntilReady()).toBe(true);
      for (let i = 0; i < 8; i++) engine.process(fail(i, 'x'));
      expect(store.stats()).toMatchObject({ queued: 5, droppedQueueFull: 3, status: 'degraded' });
      // The 8th event completed a local detection while the store could not take it: raised locally, marked degraded.
      expect(alerts.map((a) => [a.origin, a.degraded])).toEqual([['local', true]]);
      await store.forceFlush();
      expect(store.status()).toBe('shared');
    });

    it('should never throw and count everything as unavailable when Redis cannot be reached', async () => {
      const port = await freePort(); // nothing listens there
      const store = open({ redis: `redis://127.0.0.1:${port}` });
      const alerts: Alert[] = [];
      const engine = new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) });
      for (let i = 0; i < 10; i++) engine.process(fail(i, 'x'));
      expect(store.status()).toBe('degraded');
      expect(store.stats()).toMatchObject({ droppedUnavailable: 10, queued: 0 });
      expect(alerts.map((a) => [a.origin, a.degraded])).toEqual([['local', true]]);
      await store.forceFlush();
      await store.shutdown();
    });
  });

  describe('detection semantics', () => {
    it('should raise exactly what the reference coordinator raises on random streams (every rule type)', async () => {
      const rules = propertyRules();
      const limits = PROPERTY_LIMITS;
      const event = fc.record({
        dt: fc.integer({ min: -2_500, max: 1_500 }),
        name: fc.constantFrom(FAIL, FAIL, SUCCESS),
        client: fc.constantFrom('10.0.0.1', '10.0.0.2'),
        user: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
        kind: fc.constantFrom('a', 'b', 'c'),
        ids: fc.constantFrom('none', 'span', 'uid'),
      });
      let total = 0;
      let withDetections = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(event, { minLength: 1, maxLength: 60 }),
          fc.integer({ min: 1, max: 25 }),
          async (raw, batch) => {
            let t = 0;
            let n = 0;
            const events: SecurityEvent[] = raw.map((r) => {
              t = Math.max(0, t + r.dt);
              n++;
              return {
                eventName: r.name,
                timeUnixNano: at(t),
                attributes: { 'client.address': r.client, 'user.hash': r.user, 'p.kind': r.kind },
                ...(r.ids === 'span'
                  ? { traceId: 'a'.repeat(31) + (n % 10), spanId: 'b'.repeat(15) + (n % 10) }
                  : {}),
                ...(r.ids === 'uid' ? { recordUid: `uid-${n}` } : {}),
              };
            });
            const observations = observationsOf(rules, events, limits);
            const expected = referenceDetections(rules, observations, limits);
            const store = new RedisStateStore({
              redis: redis.url,
              keyPrefix: freshPrefix(),
              maxBatchSize: batch,
              ...limits,
            });
            const binding = collectingBinding(rules);
            store.attach(binding);
            await store.waitUntilReady();
            for (const o of observations) store.record(o, binding);
            await store.shutdown();
            total += expected.length;
            if (expected.length > 0) withDetections++;
            expect(sortDetections(binding.raised)).toEqual(sortDetections(expected));
            expect(store.stats()).toMatchObject({
              applied: observations.length,
              droppedFailed: 0,
              droppedQueueFull: 0,
            });
          },
        ),
        { numRuns: Number(process.env['SECMON_PROPERTY_RUNS'] ?? 120) },
      );
      // The generator must exercise detections, not only quiet streams.
      expect(withDetections).toBeGreaterThan(60);
      expect(total).toBeGreaterThan(150);
    }, 600_000);

    it('should raise exactly what the reference coordinator raises on a long stream (caps and evictions under pressure)', async () => {
      const rules = propertyRules();
      const limits = PROPERTY_LIMITS;
      const rnd = seededRandom(11);
      let t = 0;
      const events: SecurityEvent[] = Array.from({ length: 5_000 }, (_, i) => {
        t = Math.max(0, t + Math.floor(rnd() * 1_200) - 400);
        return {
          eventName: rnd() < 0.7 ? FAIL : SUCCESS,
          timeUnixNano: at(t),
          attributes: {
            'client.address': `10.2.0.${Math.floor(rnd() * 4)}`,
            'user.hash': `u${Math.floor(rnd() * 6)}`,
            'p.kind': ['a', 'b', 'c'][Math.floor(rnd() * 3)]!,
          },
          recordUid: `r${i}`,
        };
      });
      const observations = observationsOf(rules, events, limits);
      const store = open({ maxBatchSize: 50, maxQueueSize: 100_000, ...limits });
      const binding = collectingBinding(rules);
      store.attach(binding);
      await store.waitUntilReady();
      for (const o of observations) store.record(o, binding);
      await store.forceFlush();
      const expected = referenceDetections(rules, observations, limits);
      expect(expected.length).toBeGreaterThan(1_000);
      expect(sortDetections(binding.raised)).toEqual(sortDetections(expected));
      expect(store.stats().evictions).toBeGreaterThan(0);
    });

    it('should keep fleet-wide state: three engines, each below the threshold, raise one alert through one of them', async () => {
      const fleet = [0, 1, 2].map(() => {
        const alerts: Alert[] = [];
        const store = open({ keyPrefix: 'fleet1:' });
        return {
          store,
          alerts,
          engine: new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) }),
        };
      });
      await Promise.all(fleet.map((f) => f.store.waitUntilReady()));
      for (let i = 0; i < 12; i++) {
        fleet[i % 3]!.engine.process(fail(i * 1000, '203.0.113.7', { 'log.record.uid': `e${i}` }));
        fleet[i % 3]!.engine.process(fail(i * 1000, `198.51.100.${i}`)); // benign: one failure per client
        await fleet[i % 3]!.store.forceFlush();
      }
      const all = fleet.flatMap((f) => f.alerts);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({
        origin: 'shared',
        degraded: false,
        count: 10,
        group: { 'client.address': '203.0.113.7' },
        triggerEventName: FAIL,
      });
      expect(all[0]!.evidence.map((e) => e.recordUid)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
      // The 10th event went to instance 0 (i = 9): that instance raised it.
      expect(fleet[0]!.alerts).toHaveLength(1);
      // The cooldown is fleet-wide too: ten more events within it raise nothing anywhere.
      for (let i = 12; i < 24; i++) fleet[i % 3]!.engine.process(fail(i * 1000, '203.0.113.7'));
      await Promise.all(fleet.map((f) => f.store.forceFlush()));
      expect(fleet.flatMap((f) => f.alerts)).toHaveLength(1);
      expect(fleet.reduce((n, f) => n + f.store.stats().suppressed, 0)).toBe(1);
    });
  });

  describe('keys', () => {
    it('should keep each group under one hash tag, expiring after the window plus the tolerance', async () => {
      const store = open({ keyPrefix: 'keys:' });
      await store.waitUntilReady();
      new RuleEngine({ rules: [BRUTE_FORCE], store }).process(fail(0, '203.0.113.7'));
      await store.forceFlush();
      const keys = await admin.keys('keys:*');
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^keys:\{fleet\.brute_force:[0-9a-f]{8}:=203\.0\.113\.7\}:s$/);
      const ttl = await admin.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(300_000);
      expect(ttl).toBeLessThanOrEqual(310_000);
    });

    it('should hash group keys too long to be used as they are', async () => {
      const store = open({ keyPrefix: 'long:' });
      await store.waitUntilReady();
      new RuleEngine({ rules: [BRUTE_FORCE], store }).process(fail(0, 'x'.repeat(5_000)));
      await store.forceFlush();
      const keys = await admin.keys('long:*');
      expect(keys).toHaveLength(1);
      expect(keys[0]!.length).toBeLessThan(100);
      expect(keys[0]).toMatch(/:#[A-Za-z0-9_-]{43}\}:s$/);
    });
  });

  describe('failures', () => {
    it('should drop (count) a group whose key holds foreign data, warn once, and keep serving the others', async () => {
      const warnings: string[] = [];
      diag.setLogger({ ...silentLogger(), warn: (m: string) => void warnings.push(m) }, DiagLogLevel.WARN);
      const store = open({ keyPrefix: 'foreign:' });
      const alerts: Alert[] = [];
      const engine = new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) });
      await store.waitUntilReady();
      engine.process(fail(0, 'victim'));
      await store.forceFlush();
      const [key] = await admin.keys('foreign:*');
      await admin.del(key!);
      await admin.hset(key!, 'not', 'ours');
      for (let i = 1; i <= 3; i++) engine.process(fail(i, 'victim'));
      for (let i = 0; i < 10; i++) engine.process(fail(i, 'other'));
      await store.forceFlush();
      expect(store.stats()).toMatchObject({ droppedFailed: 3, status: 'shared' });
      expect(alerts.map((a) => a.group['client.address'])).toEqual(['other']);
      expect(warnings.filter((w) => w.includes('holds data the store did not write'))).toHaveLength(1);
    });
  });

  describe('outage', () => {
    it('should turn degraded when Redis dies (one warning, self-metrics), detect locally, and share again after a restart', async () => {
      const own = await RedisServer.start();
      try {
        const warnings: string[] = [];
        diag.setLogger({ ...silentLogger(), warn: (m: string) => void warnings.push(m) }, DiagLogLevel.WARN);
        const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
        const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
        const meterProvider = new MeterProvider({ readers: [reader] });
        const store = open({ redis: own.url, meterProvider, keyPrefix: 'outage:' });
        const alerts: Alert[] = [];
        const engine = new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) });
        expect(await store.waitUntilReady()).toBe(true);

        for (let i = 0; i < 5; i++) engine.process(fail(i, 'attacker'));
        await store.forceFlush();
        await own.kill();
        await waitFor(() => store.status() === 'degraded');
        for (let i = 5; i < 10; i++) engine.process(fail(i, 'attacker'));
        expect(alerts.map((a) => [a.origin, a.degraded, a.count])).toEqual([['local', true, 10]]);
        expect(engine.stats().degradedAlerts).toBe(1);
        // Reconnection attempts fail repeatedly meanwhile: still one warning.
        await new Promise((r) => setTimeout(r, 300));
        expect(warnings.filter((w) => w.includes('shared detection state unavailable'))).toHaveLength(1);

        await reader.forceFlush();
        const metrics = metricValues(exporter);
        expect(metrics['secmon.store.degraded']).toBe(1);
        expect(metrics['secmon.store.outages']).toBe(1);
        expect(metrics['secmon.store.observations.dropped{unavailable}']).toBe(5);

        await own.restart();
        expect(await store.waitUntilReady(10_000)).toBe(true);
        // A fresh Redis has no scripts (NOSCRIPT) and no state: shared detection starts over.
        for (let i = 0; i < 10; i++) engine.process(fail(60_000 + i, 'attacker2'));
        await store.forceFlush();
        expect(alerts.map((a) => [a.origin, a.degraded, a.group['client.address']])).toEqual([
          ['local', true, 'attacker'],
          ['shared', false, 'attacker2'],
        ]);
        exporter.reset();
        await reader.forceFlush();
        expect(metricValues(exporter)['secmon.store.degraded']).toBe(0);
        await meterProvider.shutdown();
      } finally {
        await own.close();
      }
    });

    it('should treat a Redis that stops answering as an outage (command timeout), and recover when it answers again', async () => {
      const own = await RedisServer.start();
      try {
        diag.setLogger(silentLogger(), DiagLogLevel.WARN);
        const store = open({
          redis: own.url,
          commandTimeoutMillis: 200,
          retryDelayMillis: 50,
          keyPrefix: 'hang:',
        });
        const alerts: Alert[] = [];
        const engine = new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) });
        expect(await store.waitUntilReady()).toBe(true);
        const pid = (own as unknown as { _child: { pid: number } })._child.pid;
        process.kill(pid, 'SIGSTOP');
        try {
          for (let i = 0; i < 3; i++) engine.process(fail(i, 'slow'));
          await store.forceFlush();
          expect(store.status()).toBe('degraded');
          expect(store.stats().failedBatches).toBeGreaterThan(0);
          // The failed batch waits in the queue (accepted while shared: its detections were deferred to the store).
          expect(store.stats().queued).toBe(3);
          for (let i = 3; i < 10; i++) engine.process(fail(i, 'slow'));
          expect(alerts.map((a) => [a.origin, a.degraded])).toEqual([['local', true]]);
        } finally {
          process.kill(pid, 'SIGCONT');
        }
        await waitFor(() => store.status() === 'shared', 10_000);
        expect(store.stats().queued).toBe(0);
      } finally {
        await own.close();
      }
    });
  });

  describe('shutdown', () => {
    it('should flush, close the client it created, be idempotent, and drop (count) later records', async () => {
      const store = open({ keyPrefix: 'shutdown:' });
      const engine = new RuleEngine({ rules: [BRUTE_FORCE], store });
      await store.waitUntilReady();
      engine.process(fail(0, 'x'));
      await Promise.all([store.shutdown(), store.shutdown()]);
      expect(store.stats().applied).toBe(1);
      await waitFor(() => store.client.status === 'end');
      engine.process(fail(1, 'x'));
      expect(store.stats().droppedFailed).toBe(1);
    });

    it('should leave a client it was given open', async () => {
      const client = new Redis(redis.url, { enableOfflineQueue: false });
      const store = open({ redis: client, keyPrefix: 'given:' });
      await store.waitUntilReady();
      await store.shutdown();
      expect(client.status).toBe('ready');
      client.disconnect();
    });
  });
});

function bindingOf(engine: RuleEngine): StateStoreBinding {
  return { rules: engine.rules, raise: () => undefined };
}

function silentLogger(): DiagLogger {
  const noop = (): void => undefined;
  return { error: noop, warn: noop, info: noop, debug: noop, verbose: noop };
}

async function waitFor(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function metricValues(exporter: InMemoryMetricExporter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const rm of exporter.getMetrics()) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const p of m.dataPoints) {
          const reason = p.attributes['secmon.store.drop.reason'];
          out[`${m.descriptor.name}${reason !== undefined ? `{${String(reason)}}` : ''}`] = p.value as number;
        }
      }
    }
  }
  return out;
}
