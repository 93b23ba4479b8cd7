import { createServer, type Server } from 'node:http';
import { BlockList, blockListMiddleware, RuleEngine, type Alert } from '@secmon/processor';
import { RedisServer, describeWithServices } from '@secmon/test-utils';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DEFAULT_REDIS_BLOCK_LIST_CONFIG, RedisBlockList } from '../src/index.js';
import { BRUTE_FORCE, FAIL } from './support/rules.js';

async function eventually(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

await describeWithServices('RedisBlockList', { redis: RedisServer.check }, () => {
  let redis: RedisServer;
  let prefix = 0;
  const lists: RedisBlockList[] = [];
  const open = (url = redis.url, keyPrefix = `bl${prefix}:`): RedisBlockList => {
    const l = new RedisBlockList({ redis: url, keyPrefix });
    lists.push(l);
    return l;
  };
  const ready = async (...ls: RedisBlockList[]): Promise<void> => {
    // Connected and subscribed (the subscriber's SUBSCRIBE is acknowledged before it receives anything).
    await eventually(() =>
      ls.every(
        (l) =>
          (l as unknown as { _subscriber: Redis })._subscriber.status === 'ready' &&
          l.client.status === 'ready',
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    prefix++;
    await Promise.all(lists.splice(0).map((l) => l.shutdown()));
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('should be a processor BlockList with the documented defaults', () => {
    const list = open();
    expect(list).toBeInstanceOf(BlockList);
    expect(DEFAULT_REDIS_BLOCK_LIST_CONFIG).toEqual({
      keyPrefix: 'secmon:',
      maxEntries: 100_000,
      maxDurationMillis: 7 * 86_400_000,
      syncIntervalMillis: 5_000,
      maxPendingPublishes: 1_000,
    });
  });

  it('should share a block made by one instance with the others, details included', async () => {
    const [a, b] = [open(), open()];
    await ready(a!, b!);
    const entry = a!.block('client', '203.0.113.7', 60_000, {
      ruleId: 'authn.brute_force.client',
      reason: 'Brute force',
    });
    expect(a!.isBlocked('client', '203.0.113.7')).toBe(entry); // at once, locally
    await eventually(() => b!.isBlocked('client', '203.0.113.7') !== undefined);
    expect(b!.isBlocked('client', '203.0.113.7')).toMatchObject({
      kind: 'client',
      value: '203.0.113.7',
      expiresAtMillis: entry.expiresAtMillis,
      createdAtMillis: entry.createdAtMillis,
      ruleId: 'authn.brute_force.client',
      reason: 'Brute force',
    });
    expect(b!.isBlocked('user', '203.0.113.7')).toBeUndefined();
  });

  it('should block fleet-wide from an alert (applyAlert, as the processor calls it)', async () => {
    const [a, b] = [open(), open()];
    await ready(a!, b!);
    const engine = new RuleEngine({
      rules: [BRUTE_FORCE],
      onAlert: (alert: Alert) => void a!.applyAlert(alert),
    });
    for (let i = 0; i < 10; i++)
      engine.process({
        eventName: FAIL,
        timeUnixNano: BigInt(Date.now()) * 1_000_000n,
        attributes: { 'client.address': '198.51.100.9' },
      });
    await eventually(() => b!.isBlocked('client', '198.51.100.9') !== undefined);
    const e = b!.isBlocked('client', '198.51.100.9')!;
    expect(e.ruleId).toBe('fleet.brute_force');
    expect(e.expiresAtMillis - e.createdAtMillis).toBe(15 * 60_000);
  });

  it('should extend a block and never shorten it, fleet-wide', async () => {
    const [a, b] = [open(), open()];
    await ready(a!, b!);
    const long = a!.block('user', 'mallory', 3_600_000);
    await eventually(() => b!.isBlocked('user', 'mallory') !== undefined);
    b!.block('user', 'mallory', 60_000);
    await b!.forceFlush();
    // Redis kept the longer expiry and told everyone, the shorter block's author included.
    await eventually(() => b!.isBlocked('user', 'mallory')?.expiresAtMillis === long.expiresAtMillis);
    expect(a!.isBlocked('user', 'mallory')?.expiresAtMillis).toBe(long.expiresAtMillis);
  });

  it('should lift a block fleet-wide', async () => {
    const [a, b] = [open(), open()];
    await ready(a!, b!);
    a!.block('client', '192.0.2.1', 60_000);
    await eventually(() => b!.isBlocked('client', '192.0.2.1') !== undefined);
    expect(b!.unblock('client', '192.0.2.1')).toBe(true);
    await eventually(() => a!.isBlocked('client', '192.0.2.1') === undefined);
  });

  it('should load the active blocks when an instance joins, and not expired ones', async () => {
    const a = open();
    await ready(a);
    a.block('client', '192.0.2.2', 60_000);
    a.block('client', '192.0.2.3', 1);
    await a.forceFlush();
    await new Promise((r) => setTimeout(r, 20));
    const late = open();
    await eventually(() => late.isBlocked('client', '192.0.2.2') !== undefined);
    expect(late.isBlocked('client', '192.0.2.3')).toBeUndefined();
  });

  it('should be enforced by the processor middleware on a real HTTP server', async () => {
    const [a, b] = [open(), open()];
    await ready(a!, b!);
    const mw = blockListMiddleware(b!);
    const server: Server = createServer((req, res) => mw(req, res, () => res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    try {
      expect((await fetch(url)).status).toBe(200);
      a!.block('client', '127.0.0.1', 60_000, { ruleId: 'x' });
      await eventually(() => b!.isBlocked('client', '127.0.0.1') !== undefined);
      const res = await fetch(url);
      expect(res.status).toBe(403);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it('should keep enforcing local blocks through an outage and publish them on reconnection', async () => {
    const own = await RedisServer.start();
    try {
      const [a, b] = [open(own.url, 'outage:'), open(own.url, 'outage:')];
      await ready(a!, b!);
      await own.stop();
      await eventually(() => a!.client.status !== 'ready');
      a!.block('client', '203.0.113.99', 60_000);
      expect(a!.isBlocked('client', '203.0.113.99')).toBeDefined();
      expect(a!.stats().pending).toBe(1);
      await own.restart();
      await eventually(() => b!.isBlocked('client', '203.0.113.99') !== undefined, 10_000);
      expect(a!.stats().pending).toBe(0);
      const direct = new Redis(own.url);
      expect(await direct.zcard('outage:{blocks}:expiry')).toBe(1);
      direct.disconnect();
    } finally {
      await own.close();
    }
  });

  it('should publish blocks made on another BlockList (onBlock -> publish)', async () => {
    const [shared, other] = [open(), open()];
    await ready(shared!, other!);
    const local = new BlockList({ onBlock: (e) => shared!.publish(e) });
    local.block('client', '192.0.2.50', 60_000);
    await eventually(() => other!.isBlocked('client', '192.0.2.50') !== undefined);
  });
});
