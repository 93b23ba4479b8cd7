// The stores on a real Redis Cluster (three masters): every script call touches one slot thanks to the
// `{rule:fingerprint:group}` hash tag, groups spread over the nodes, and detection is the same as standalone.
import { RuleEngine, type Alert } from '@secmon/processor';
import { commandExists, describeWithServices } from '@secmon/test-utils';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { RedisBlockList, RedisStateStore } from '../src/index.js';
import {
  PROPERTY_LIMITS,
  collectingBinding,
  observationsOf,
  referenceDetections,
  seededRandom,
  sortDetections,
} from './support/observations.js';
import { RedisCluster } from './support/RedisCluster.js';
import { BRUTE_FORCE, FAIL, propertyRules, SUCCESS } from './support/rules.js';

const CLUSTER_NEEDS = {
  'redis cluster': () =>
    commandExists('redis-server') && commandExists('redis-cli')
      ? true
      : 'redis-server or redis-cli not on PATH (Debian: apt-get install redis-server)',
};

await describeWithServices('on Redis Cluster', CLUSTER_NEEDS, () => {
  let cluster: RedisCluster;
  const closers: (() => Promise<unknown> | void)[] = [];
  const client = (): Cluster => {
    // The options the README recommends for a cluster client (see REDIS_CLIENT_DEFAULTS).
    const c = new Cluster(cluster.startupNodes, {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      redisOptions: { commandTimeout: 1_000, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false },
    });
    closers.push(() => c.disconnect());
    return c;
  };

  beforeAll(async () => {
    cluster = await RedisCluster.start();
  }, 60_000);
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('should raise one alert fleet-wide per attacked group, with groups spread over the three nodes', async () => {
    const fleet = [0, 1, 2].map(() => {
      const store = new RedisStateStore({ redis: client(), keyPrefix: 'cl:' });
      closers.push(() => store.shutdown());
      const alerts: Alert[] = [];
      return {
        store,
        alerts,
        engine: new RuleEngine({ rules: [BRUTE_FORCE], store, onAlert: (a) => alerts.push(a) }),
      };
    });
    for (const f of fleet) expect(await f.store.waitUntilReady(10_000)).toBe(true);
    const T0 = Date.now();
    for (let i = 0; i < 12; i++) {
      for (let g = 0; g < 60; g++) {
        fleet[(i + g) % 3]!.engine.process({
          eventName: FAIL,
          timeUnixNano: BigInt(T0 + i) * 1_000_000n,
          attributes: { 'client.address': `10.1.0.${g}` },
        });
      }
    }
    await Promise.all(fleet.map((f) => f.store.forceFlush()));
    const alerts = fleet.flatMap((f) => f.alerts);
    expect(alerts).toHaveLength(60);
    expect(new Set(alerts.map((a) => a.group['client.address'])).size).toBe(60);
    expect(alerts.every((a) => a.origin === 'shared' && !a.degraded && a.count === 10)).toBe(true);
    for (const f of fleet) expect(f.store.stats()).toMatchObject({ droppedFailed: 0, failedBatches: 0 });

    // State and cooldown keys of each group live on one node; every node holds some.
    const sizes = await Promise.all(
      cluster.nodes.map(async (n) => {
        const c = new Redis({ host: n.host, port: n.port });
        try {
          return (await c.keys('cl:*')).length;
        } finally {
          c.disconnect();
        }
      }),
    );
    expect(sizes.every((s) => s > 0)).toBe(true);
    // Per group: the cooldown key, and the state key of the 2 events after the detection reset it.
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
  });

  it('should detect exactly as the reference coordinator (same random streams as standalone)', async () => {
    const rules = propertyRules();
    const limits = PROPERTY_LIMITS;
    const rnd = seededRandom(1);
    const store = new RedisStateStore({ redis: client(), keyPrefix: 'clp:', maxBatchSize: 7, ...limits });
    closers.push(() => store.shutdown());
    expect(await store.waitUntilReady(10_000)).toBe(true);
    const binding = collectingBinding(rules);
    store.attach(binding);
    let t = 0;
    const events = Array.from({ length: 1_500 }, (_, i) => {
      t = Math.max(0, t + Math.floor(rnd() * 1_200) - 400);
      return {
        eventName: rnd() < 0.7 ? FAIL : SUCCESS,
        timeUnixNano: BigInt(1_760_000_000_000 + t) * 1_000_000n,
        attributes: {
          'client.address': `10.2.0.${Math.floor(rnd() * 4)}`,
          'user.hash': `u${Math.floor(rnd() * 6)}`,
          'p.kind': ['a', 'b', 'c'][Math.floor(rnd() * 3)]!,
        },
        recordUid: `r${i}`,
      };
    });
    const observations = observationsOf(rules, events, limits);
    for (const o of observations) store.record(o, binding);
    await store.forceFlush();
    const expected = referenceDetections(rules, observations, limits);
    expect(expected.length).toBeGreaterThan(100);
    expect(sortDetections(binding.raised)).toEqual(sortDetections(expected));
  });

  it('should share blocks (both keys in one slot; publish/subscribe across nodes)', async () => {
    const a = new RedisBlockList({ redis: client(), keyPrefix: 'clb:' });
    const b = new RedisBlockList({ redis: client(), keyPrefix: 'clb:' });
    closers.push(
      () => a.shutdown(),
      () => b.shutdown(),
    );
    const deadline = Date.now() + 10_000;
    while (a.client.status !== 'ready' || b.client.status !== 'ready') {
      if (Date.now() > deadline) throw new Error('cluster clients not ready');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    a.block('client', '203.0.113.77', 60_000);
    for (;;) {
      if (b.isBlocked('client', '203.0.113.77') !== undefined) break;
      if (Date.now() > deadline) throw new Error('block not shared');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
