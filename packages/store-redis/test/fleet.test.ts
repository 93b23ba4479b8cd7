// A fleet of three real application processes (test/support/fleetApp.ts: a login service running the
// processor's RuleEngine with a RedisStateStore) sharing one real redis-server.
import { RuleEngine, type Alert, type Rule, type SecurityEvent } from '@secmon/processor';
import { RedisServer, describeWithServices } from '@secmon/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FleetProcess, type FleetState } from './support/FleetProcess.js';
import { seededRandom } from './support/observations.js';
import { concurrencyRules, FAIL, SUCCESS } from './support/rules.js';

const ATTACKER = '203.0.113.7';

async function startFleet(redis: RedisServer, prefix: string, rules?: string): Promise<FleetProcess[]> {
  return Promise.all(
    ['a', 'b', 'c'].map((n) =>
      FleetProcess.start(n, {
        REDIS_URL: redis.url,
        KEY_PREFIX: prefix,
        ...(rules !== undefined ? { RULES: rules } : {}),
      }),
    ),
  );
}

async function allAlerts(fleet: readonly FleetProcess[]): Promise<(Alert & { instance: string })[]> {
  const states = await Promise.all(fleet.map((f) => f.state()));
  return states.flatMap((s) => s.alerts.map((a) => ({ ...a, instance: s.instance })));
}

const flushAll = (fleet: readonly FleetProcess[]): Promise<void[]> =>
  Promise.all(fleet.map((f) => f.flush()));
const waitAll = (fleet: readonly FleetProcess[], cond: (s: FleetState) => boolean): Promise<FleetState[]> =>
  Promise.all(fleet.map((f) => f.waitFor(cond)));

await describeWithServices(
  'a fleet of three processes sharing one Redis',
  { redis: RedisServer.check },
  () => {
    let redis: RedisServer;
    const started: FleetProcess[] = [];

    beforeAll(async () => {
      redis = await RedisServer.start();
    });
    afterAll(async () => {
      await Promise.all(started.map((f) => f.stop()));
      await redis?.close();
    });

    it('should raise exactly one alert fleet-wide for a brute force spread round-robin, and none for benign traffic', async () => {
      const fleet = await startFleet(redis, 'bf:');
      started.push(...fleet);
      await waitAll(fleet, (s) => s.store.status === 'shared');

      // Benign traffic: 30 users log in, 5 of them after one typo, each from their own address.
      for (let u = 0; u < 30; u++) {
        const app = fleet[u % 3]!;
        if (u < 5) expect(await app.login(`user${u}`, `198.51.100.${u}`, false)).toBe(401);
        expect(await app.login(`user${u}`, `198.51.100.${u}`, true)).toBe(200);
      }
      // The attack: 12 failed logins from one address, round-robin: each instance sees 4, below the threshold of 10.
      for (let i = 0; i < 12; i++) expect(await fleet[i % 3]!.login('admin', ATTACKER, false)).toBe(401);
      await flushAll(fleet);

      const alerts = await allAlerts(fleet);
      expect(
        alerts.map((a) => [a.rule.id, a.group['client.address'], a.count, a.origin, a.degraded]),
      ).toEqual([['authn.brute_force.client', ATTACKER, 10, 'shared', false]]);
      // Raised by one instance: the one whose event Redis applied tenth (flushes interleave, so any of the three).
      expect(['a', 'b', 'c']).toContain(alerts[0]!.instance);
      const states = await Promise.all(fleet.map((f) => f.state()));
      for (const s of states) {
        expect(s.engine.deferredToStore).toBe(0); // no instance saw enough to detect alone
        expect(s.store).toMatchObject({ droppedQueueFull: 0, droppedFailed: 0, droppedUnavailable: 0 });
      }
      await Promise.all(fleet.map((f) => f.stop()));
    }, 120_000);

    it('should give the same alerts as one engine on the merged stream when the three processes send one group at once', async () => {
      const prefix = 'cc:';
      const rules = concurrencyRules();
      const fleet = await startFleet(redis, prefix, 'concurrency');
      started.push(...fleet);
      await waitAll(fleet, (s) => s.store.status === 'shared');

      // Watch the order in which Redis applies the script calls: that order IS the merged stream.
      const admin = new Redis(redis.url);
      const monitor = await admin.monitor();
      const calls: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        const cmd = String(args[0]).toLowerCase();
        if ((cmd === 'evalsha' || cmd === 'eval') && String(args[3]).startsWith(prefix))
          calls.push(args.map(String));
      });

      // 900 events, 80% from one client address (one hot group per rule), out of order across the fleet.
      const rnd = seededRandom(42);
      const T0 = 1_760_000_000_000;
      const events = Array.from({ length: 900 }, (_, i) => ({
        name: (rnd() < 0.85 ? 'fail' : 'success') as 'fail' | 'success',
        time: T0 + i * 40 + Math.floor(rnd() * 300),
        ip: rnd() < 0.8 ? '203.0.113.66' : `192.0.2.${Math.floor(rnd() * 3)}`,
        user: rnd() < 0.5 ? 'victim' : `u${Math.floor(rnd() * 10)}`,
        uid: `e${i}`,
        app: Math.floor(rnd() * 3),
      }));
      await Promise.all(
        fleet.map(async (app, k) => {
          const mine = events.filter((e) => e.app === k);
          for (let i = 0; i < mine.length; i += 15) await app.events(mine.slice(i, i + 15));
        }),
      );
      await flushAll(fleet);
      await monitor.disconnect();
      admin.disconnect();

      const fleetAlerts = await allAlerts(fleet);
      expect(fleetAlerts.every((a) => a.origin === 'shared' && !a.degraded)).toBe(true);

      // The oracle: per rule, one RuleEngine fed with the events in the order Redis applied them.
      const byUid = new Map(events.map((e) => [e.uid, e]));
      const order = appliedOrder(calls, rules);
      const oracle: Alert[] = [];
      for (const rule of rules) {
        const engine = new RuleEngine({ rules: [rule], onAlert: (a) => oracle.push(a) });
        for (const uid of order.get(rule.id) ?? []) {
          const e = byUid.get(uid)!;
          engine.process(toEvent(e));
        }
      }
      expect(fleetAlerts.map(alertKey).sort()).toEqual(oracle.map(alertKey).sort());
      // Every rule type fired, several times, and the hot group was hit from all three processes.
      for (const rule of rules) expect(oracle.filter((a) => a.rule.id === rule.id).length).toBeGreaterThan(3);
      expect(new Set(fleetAlerts.map((a) => a.instance)).size).toBe(3);
      await Promise.all(fleet.map((f) => f.stop()));
    }, 120_000);

    it('should keep serving through a Redis outage, mark local alerts degraded, and share again after a restart', async () => {
      const own = await RedisServer.start();
      try {
        const fleet = await startFleet(own, 'out:');
        started.push(...fleet);
        await waitAll(fleet, (s) => s.store.status === 'shared');

        // The attack starts while Redis is up: 6 attempts, 2 per instance.
        for (let i = 0; i < 6; i++) expect(await fleet[i % 3]!.login('admin', ATTACKER, false)).toBe(401);
        await flushAll(fleet);
        expect(await allAlerts(fleet)).toEqual([]);

        await own.stop();
        await waitAll(fleet, (s) => s.store.status === 'degraded');
        const before = await Promise.all(fleet.map((f) => f.state()));

        // The attack goes on during the outage: every request is answered, and each instance, now alone, detects
        // on its own state (2 + 8 = 10 attempts each): three local alerts, each marked degraded.
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push(await fleet[i % 3]!.login('admin', ATTACKER, false));
        for (let u = 0; u < 6; u++)
          statuses.push(await fleet[u % 3]!.login(`user${u}`, `198.51.100.${u}`, true));
        expect(statuses).toEqual([...Array<number>(24).fill(401), ...Array<number>(6).fill(200)]);

        const during = await Promise.all(fleet.map((f) => f.state()));
        for (let k = 0; k < 3; k++) {
          const s = during[k]!;
          expect(s.alerts.map((a) => [a.rule.id, a.origin, a.degraded])).toEqual([
            ['authn.brute_force.client', 'local', true],
          ]);
          expect(s.engine.degradedAlerts).toBe(1);
          // record() was called for every matched event and never handed back anything to await; nothing
          // piled up: what could not be shared was counted, not queued.
          expect(s.recordReturnedValue).toBe(0);
          expect(s.recordCalls).toBeGreaterThan(before[k]!.recordCalls);
          expect(s.store.droppedUnavailable - before[k]!.store.droppedUnavailable).toBe(
            s.recordCalls - before[k]!.recordCalls,
          );
          expect(s.store.queued).toBe(0);
          expect(s.store.outages).toBe(1);
        }

        await own.restart();
        await waitAll(fleet, (s) => s.store.status === 'shared');

        // Shared detection is back: a new attacker spread round-robin raises one alert, fleet-wide, not degraded.
        for (let i = 0; i < 12; i++)
          expect(await fleet[i % 3]!.login('root', '203.0.113.8', false)).toBe(401);
        await flushAll(fleet);
        const after = (await allAlerts(fleet)).filter((a) => a.group['client.address'] === '203.0.113.8');
        expect(after.map((a) => [a.rule.id, a.count, a.origin, a.degraded])).toEqual([
          ['authn.brute_force.client', 10, 'shared', false],
        ]);
        await Promise.all(fleet.map((f) => f.stop()));
      } finally {
        await own.close();
      }
    }, 120_000);
  },
);

/** Per rule, the record uids in the order Redis ran the script calls (read from MONITOR; layout in src/internal/scripts.ts). */
function appliedOrder(calls: readonly string[][], rules: readonly Rule[]): Map<string, string[]> {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const seen = new Map<string, Map<string, number>>();
  let position = 0;
  for (const args of calls) {
    const numkeys = Number(args[2]);
    const keys = args.slice(3, 3 + numkeys);
    const argv = args.slice(3 + numkeys);
    let a = 0;
    const headers: { kind: number; nf: number }[] = [];
    const r = Number(argv[a++]);
    for (let i = 0; i < r; i++) {
      const kind = Number(argv[a]);
      const nf = Number(argv[a + 9]);
      headers.push({ kind, nf });
      a += 10 + (kind === 2 ? nf : 0);
    }
    const g = Number(argv[a++]);
    // The observations, packed in one argument (MONITOR prints it escaped, see unrepr).
    const blob = unrepr(argv[a]!);
    let pos = 0;
    // Keys per group: 1 (the state key) on a standalone Redis, 2 (state, cooldown) on a cluster.
    const perGroup = numkeys / g;
    for (let i = 0; i < g; i++) {
      const key = keys[perGroup * i]!;
      const ruleId = key.slice(key.indexOf('{') + 1, key.indexOf(':', key.indexOf('{')));
      const h = headers[blob.readUInt32LE(pos) - 1]!;
      const k = blob.readUInt32LE(pos + 4);
      pos += 8;
      let m = seen.get(ruleId);
      if (byId.has(ruleId) && m === undefined) seen.set(ruleId, (m = new Map()));
      for (let j = 0; j < k; j++) {
        // The event record: 'E', time, evidence length, evidence (token, trace, span, uid separated by U+001F).
        const len = blob.readUInt32LE(pos + 9);
        const uid = blob.toString('utf8', pos + 13, pos + 13 + len).split('\u001f')[3]!;
        pos += 13 + len;
        if (h.kind === 1) for (let f = 0; f < h.nf; f++) pos += 4 + blob.readUInt32LE(pos);
        else if (h.kind === 2) pos += 4;
        if (m !== undefined) {
          // A command resent after NOSCRIPT appears twice: the later one is the one that ran the script.
          m.delete(uid);
          m.set(uid, position++);
        }
      }
    }
  }
  return new Map([...seen].map(([id, m]) => [id, [...m.keys()]]));
}

/** The bytes of an argument as MONITOR prints it (Redis's sdscatrepr: printable ASCII as is, \\xHH and a few escapes). */
function unrepr(s: string): Buffer {
  const bytes: number[] = [];
  const named: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0));
    } else if (s[i + 1] === 'x') {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(named[s[i + 1]!] ?? s.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

function toEvent(e: {
  name: 'fail' | 'success';
  time: number;
  ip: string;
  user: string;
  uid: string;
}): SecurityEvent {
  return {
    eventName: e.name === 'success' ? SUCCESS : FAIL,
    timeUnixNano: BigInt(e.time) * 1_000_000n,
    attributes: {
      'client.address': e.ip,
      'user.hash': `h-${e.user}`,
      'user.id': e.user,
      'log.record.uid': e.uid,
    },
    resource: { 'service.name': 'shop' },
  };
}

function alertKey(a: Alert): string {
  return [
    a.rule.id,
    a.groupKey,
    a.count,
    a.firstSeenUnixNano,
    a.lastSeenUnixNano,
    a.suppressedCount,
    a.evidence.map((e) => e.recordUid).join(','),
  ].join(' ');
}
