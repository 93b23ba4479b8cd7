import { describe, expect, it } from 'vitest';
import { defineRule, InMemoryStateStore, RuleEngine, type Alert } from '../../src/index.js';

const T0 = 1_760_000_000_000;
const rule = defineRule({
  id: 'fleet.brute_force',
  title: 'Brute force',
  type: 'event_count',
  match: { event: 'login_fail' },
  groupBy: ['client.address'],
  timespan: '5m',
  condition: { gte: 10 },
  severity: 'high',
});

function fleet(store: InMemoryStateStore, n = 3) {
  return Array.from({ length: n }, () => {
    const alerts: Alert[] = [];
    const engine = new RuleEngine({ rules: [rule], store, onAlert: (a) => alerts.push(a) });
    return { engine, alerts };
  });
}

describe('InMemoryStateStore', () => {
  it('should raise exactly one alert fleet-wide for an attack spread round-robin, and none for benign traffic', async () => {
    const store = new InMemoryStateStore();
    const f = fleet(store);
    for (let i = 0; i < 12; i++) {
      f[i % 3]!.engine.process({
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + i * 1000) * 1_000_000n,
        attributes: { 'client.address': 'attacker' },
      });
      f[i % 3]!.engine.process({
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + i * 1000) * 1_000_000n,
        attributes: { 'client.address': `user-${i}` },
      });
    }
    await store.forceFlush();
    const all = f.flatMap((x) => x.alerts);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      origin: 'shared',
      count: 10,
      group: { 'client.address': 'attacker' },
      degraded: false,
    });
    // No instance saw 10 events: every local detection would have needed the others.
    expect(f.reduce((n, x) => n + x.engine.stats().deferredToStore, 0)).toBe(0);
  });

  it('should give the same alerts as one engine on the merged stream', async () => {
    const store = new InMemoryStateStore();
    const f = fleet(store, 4);
    const single: Alert[] = [];
    const reference = new RuleEngine({ rules: [rule], onAlert: (a) => single.push(a) });
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const ev = {
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + i * 200) * 1_000_000n,
        attributes: { 'client.address': `c${Math.floor(rnd() * 5)}` },
      };
      f[Math.floor(rnd() * 4)]!.engine.process(ev);
      reference.process(ev);
    }
    await store.forceFlush();
    const shared = f.flatMap((x) => x.alerts);
    const key = (a: Alert) => `${a.groupKey} ${a.firstSeenUnixNano} ${a.lastSeenUnixNano} ${a.count}`;
    expect(shared.map(key).sort()).toEqual(single.map(key).sort());
    expect(shared.length).toBeGreaterThan(50);
  });

  it('should let engines raise degraded local alerts during an outage, and return to shared detection after it', async () => {
    const store = new InMemoryStateStore();
    const [a] = fleet(store, 1);
    store.setAvailable(false);
    for (let i = 0; i < 10; i++)
      a!.engine.process({
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + i) * 1_000_000n,
        attributes: { 'client.address': 'x' },
      });
    expect(a!.alerts).toHaveLength(1);
    expect(a!.alerts[0]).toMatchObject({ degraded: true, origin: 'local' });
    expect(a!.engine.stats().degradedAlerts).toBe(1);
    expect(store.stats().dropped).toBe(10);

    store.setAvailable(true);
    for (let i = 0; i < 10; i++)
      a!.engine.process({
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + 100 + i) * 1_000_000n,
        attributes: { 'client.address': 'x' },
      });
    await store.forceFlush();
    expect(a!.alerts.map((x) => [x.origin, x.degraded])).toEqual([
      ['local', true],
      ['shared', false],
    ]);
    expect(a!.engine.stats().deferredToStore).toBe(1);
  });

  it('should drop and count observations beyond its queue bound', () => {
    const store = new InMemoryStateStore({ maxQueueSize: 5 });
    const [a] = fleet(store, 1);
    for (let i = 0; i < 8; i++)
      a!.engine.process({
        eventName: 'login_fail',
        timeUnixNano: BigInt(T0 + i) * 1_000_000n,
        attributes: { 'client.address': 'x' },
      });
    expect(store.stats()).toMatchObject({ queued: 5, dropped: 3 });
  });
});
