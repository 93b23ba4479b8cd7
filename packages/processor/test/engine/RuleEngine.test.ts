import { describe, expect, it } from 'vitest';
import { oracle, type OEvent } from '../support/oracle.js';
import {
  DEFAULT_RULE_ENGINE_CONFIG,
  defineRule,
  NoopStateStore,
  RuleEngine,
  type Alert,
  type RuleDefinition,
} from '../../src/index.js';

const T0 = 1_760_000_000_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

function countRule(extra: Partial<RuleDefinition> = {}) {
  return defineRule({
    id: 'r.count',
    title: 'Count',
    type: 'event_count',
    match: { event: 'e' },
    groupBy: ['client.address'],
    timespan: '1m',
    condition: { gte: 3 },
    severity: 'high',
    ...extra,
  } as RuleDefinition);
}

describe('RuleEngine', () => {
  describe('constructor', () => {
    it('should use the documented defaults', () => {
      expect(DEFAULT_RULE_ENGINE_CONFIG).toEqual({
        maxGroupsPerRule: 10_000,
        outOfOrderToleranceMillis: 10_000,
        maxEvidence: 20,
        maxDistinctValuesPerGroup: 1_000,
        maxEventsPerStep: 256,
      });
      const e = new RuleEngine({ rules: [] }) as unknown as Record<string, unknown>;
      expect(e['_maxGroups']).toBe(10_000);
      expect(e['_maxEvidence']).toBe(20);
      expect(e['_maxDistinct']).toBe(1_000);
      expect(e['_maxPerStep']).toBe(256);
      expect(e['_store']).toBeInstanceOf(NoopStateStore);
    });

    it('should skip disabled rules', () => {
      const e = new RuleEngine({ rules: [countRule({ enabled: false })] });
      expect(e.rules).toEqual([]);
      expect(e.wants('e')).toBe(false);
    });
  });

  describe('process', () => {
    it('should return the same empty array, and keep no state, for events no rule wants', () => {
      const e = new RuleEngine({ rules: [countRule()] });
      const a = e.process({
        eventName: 'other',
        timeUnixNano: ns(T0),
        attributes: { 'client.address': 'x' },
      });
      const b = e.process({ eventName: 'other2', timeUnixNano: ns(T0), attributes: {} });
      expect(a).toBe(b);
      expect(e.stats()).toMatchObject({ eventsEvaluated: 0, groups: 0 });
    });

    it('should accept every time form (bigint, string and number nanoseconds, HrTime)', () => {
      const e = new RuleEngine({ rules: [countRule()] });
      const attrs = { 'client.address': 'x' };
      e.process({ eventName: 'e', timeUnixNano: ns(T0), attributes: attrs });
      e.process({ eventName: 'e', timeUnixNano: `${T0 + 1}000000`, attributes: attrs });
      const [alert] = e.process({
        eventName: 'e',
        timeUnixNano: [Math.floor((T0 + 2) / 1000), ((T0 + 2) % 1000) * 1e6],
        attributes: attrs,
      });
      expect(alert?.firstSeenUnixNano).toBe(`${T0}000000`);
      expect(alert?.lastSeenUnixNano).toBe(`${T0 + 2}000000`);
      const [a2] = [0, 1, 2].flatMap((i) => [
        ...e.process({ eventName: 'e', timeUnixNano: (T0 + 10 + i) * 1e6, attributes: attrs }),
      ]);
      expect(a2?.count).toBe(3);
    });

    it('should count events with an unusable time as malformed', () => {
      const e = new RuleEngine({ rules: [countRule()] });
      e.process({ eventName: 'e', timeUnixNano: 'yesterday', attributes: { 'client.address': 'x' } });
      e.process({ eventName: 'e', timeUnixNano: Number.NaN, attributes: { 'client.address': 'x' } });
      expect(e.stats()).toMatchObject({ malformedEvents: 2, eventsEvaluated: 0 });
    });

    it('should drop (and count) events older than the tolerance, and count events without the group-by attribute', () => {
      const e = new RuleEngine({ rules: [countRule()], outOfOrderToleranceMillis: 1000 });
      e.process({ eventName: 'e', timeUnixNano: ns(T0 + 5000), attributes: { 'client.address': 'x' } });
      e.process({ eventName: 'e', timeUnixNano: ns(T0 + 4500), attributes: { 'client.address': 'x' } });
      e.process({ eventName: 'e', timeUnixNano: ns(T0 + 3000), attributes: { 'client.address': 'x' } });
      e.process({ eventName: 'e', timeUnixNano: ns(T0), attributes: {} });
      expect(e.stats()).toMatchObject({ lateEvents: 1, ungroupedEvents: 1 });
    });

    it('should carry the number of suppressed detections into the next alert', () => {
      const e = new RuleEngine({ rules: [countRule({ condition: { gte: 1 }, suppress: '10s' })] });
      const at = (ms: number) =>
        e.process({ eventName: 'e', timeUnixNano: ns(T0 + ms), attributes: { 'client.address': 'x' } });
      expect(at(0)).toHaveLength(1);
      expect(at(1000)).toHaveLength(0);
      expect(at(9999)).toHaveLength(0);
      const [next] = at(10_000);
      expect(next?.suppressedCount).toBe(2);
      expect(e.stats().suppressed).toBe(2);
      expect(at(10_001)).toHaveLength(0);
    });

    it('should group by several keys and fall back to resource attributes', () => {
      const e = new RuleEngine({
        rules: [countRule({ groupBy: ['service.name', 'user.id'], condition: { gte: 1 } })],
      });
      const [a] = e.process({
        eventName: 'e',
        timeUnixNano: ns(T0),
        attributes: { 'user.id': 'u-1' },
        resource: { 'service.name': 'shop' },
      });
      expect(a?.group).toEqual({ 'service.name': 'shop', 'user.id': 'u-1' });
      expect(a?.groupKey).toBe('service.name=shop|user.id=u-1');
    });

    it('should evaluate conditions: equals across types, one of, exists, numbers, regex, arrays, negations', () => {
      const rule = defineRule({
        id: 'r.where',
        title: 'Where',
        type: 'event_count',
        match: {
          event: 'e',
          where: {
            'http.response.status_code': 404,
            'error.type': ['forbidden', 'blocked'],
            'user.roles': 'admin',
            'secmon.authn.mfa': { exists: false },
            'secmon.payment.amount': { gt: 0, lte: 5 },
            'url.path': { regex: '^/admin/' },
            'event.reason': { not_equals: 'test' },
          },
        },
        timespan: '1m',
        severity: 'low',
      });
      const e = new RuleEngine({ rules: [rule] });
      const base = {
        'http.response.status_code': '404',
        'error.type': 'forbidden',
        'user.roles': ['viewer', 'admin'],
        'secmon.payment.amount': 1.5,
        'url.path': '/admin/users',
      };
      const fire = (attrs: Record<string, unknown>) =>
        e.process({ eventName: 'e', timeUnixNano: ns(T0), attributes: attrs }).length;
      expect(fire(base)).toBe(1);
      expect(fire({ ...base, 'http.response.status_code': 403 })).toBe(0);
      expect(fire({ ...base, 'error.type': 'other' })).toBe(0);
      expect(fire({ ...base, 'user.roles': ['viewer'] })).toBe(0);
      expect(fire({ ...base, 'secmon.authn.mfa': false })).toBe(0);
      expect(fire({ ...base, 'secmon.payment.amount': 6 })).toBe(0);
      expect(fire({ ...base, 'url.path': '/shop' })).toBe(0);
      expect(fire({ ...base, 'event.reason': 'test' })).toBe(0);
    });

    it('should cap evidence (the first event and the most recent ones) and still count every event', () => {
      const e = new RuleEngine({ rules: [countRule({ condition: { gte: 10 } })], maxEvidence: 3 });
      let alert: Alert | undefined;
      for (let i = 0; i < 10; i++) {
        [alert] = e.process({
          eventName: 'e',
          timeUnixNano: ns(T0 + i),
          attributes: { 'client.address': 'x', 'log.record.uid': `u${i}` },
        });
      }
      expect(alert?.evidenceCount).toBe(10);
      expect(alert?.evidence.map((x) => x.recordUid)).toEqual(['u0', 'u8', 'u9']);
      expect(alert?.evidence[0]).toEqual({ eventName: 'e', recordUid: 'u0', timeUnixNano: `${T0}000000` });
    });

    it('should catch exceptions from onAlert and count them', () => {
      const e = new RuleEngine({
        rules: [countRule({ condition: { gte: 1 } })],
        onAlert: () => {
          throw new Error('boom');
        },
      });
      expect(() =>
        e.process({ eventName: 'e', timeUnixNano: ns(T0), attributes: { 'client.address': 'x' } }),
      ).not.toThrow();
      expect(e.stats()).toMatchObject({ alerts: 1, ruleErrors: 1 });
    });
  });

  describe('event_count state', () => {
    it("should stay exact, evidence included, when an out-of-order burst outgrows a group's slot", () => {
      // A group's slot holds `threshold` times; the fourth time held here moves the group to the general layout.
      const e = new RuleEngine({ rules: [countRule()], outOfOrderToleranceMillis: 120_000 });
      const at = (s: number) => ({
        eventName: 'e',
        timeUnixNano: ns(T0 + s * 1000),
        attributes: { 'client.address': 'x' },
        traceId: 'a'.repeat(32),
        spanId: `${s}`.padStart(16, '0'),
      });
      const alerts = [100, 10, 200, 150, 95].flatMap((s) => [...e.process(at(s))]);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        count: 3,
        firstSeenUnixNano: `${T0 + 95_000}000000`,
        lastSeenUnixNano: `${T0 + 150_000}000000`,
      });
      expect(alerts[0]!.evidence.map((x) => x.spanId)).toEqual(
        ['95', '100', '150'].map((s) => s.padStart(16, '0')),
      );
      // Reset after the alert: the group counts again from fresh events.
      expect([300, 301, 302].flatMap((s) => [...e.process(at(s))])).toHaveLength(1);
    });
  });

  describe('memory bounds', () => {
    it('should keep at most maxGroupsPerRule groups under a flood of distinct keys, counting evictions', () => {
      const e = new RuleEngine({ rules: [countRule()], maxGroupsPerRule: 100 });
      for (let i = 0; i < 10_000; i++)
        e.process({ eventName: 'e', timeUnixNano: ns(T0 + i), attributes: { 'client.address': `k${i}` } });
      expect(e.stats()).toMatchObject({ groups: 100, evictions: 9_900 });
    });

    it('should keep an active attacker group through a flood of spoofed keys (stalest groups go first)', () => {
      const e = new RuleEngine({ rules: [countRule({ condition: { gte: 5 } })], maxGroupsPerRule: 100 });
      const alerts: Alert[] = [];
      let t = T0;
      for (let round = 0; round < 5; round++) {
        alerts.push(
          ...e.process({
            eventName: 'e',
            timeUnixNano: ns(t++),
            attributes: { 'client.address': 'attacker' },
          }),
        );
        for (let i = 0; i < 60; i++)
          e.process({
            eventName: 'e',
            timeUnixNano: ns(t++),
            attributes: { 'client.address': `spoof-${round}-${i}` },
          });
      }
      expect(alerts.map((a) => a.group['client.address'])).toEqual(['attacker']);
      expect(e.stats().evictions).toBeGreaterThan(0);
    });

    it('should cap distinct values per group (value_count)', () => {
      const rule = defineRule({
        id: 'v',
        title: 'V',
        type: 'value_count',
        match: { event: 'e' },
        field: 'user.hash',
        timespan: '1h',
        condition: { gte: 1000 },
        severity: 'low',
      });
      const e = new RuleEngine({ rules: [rule], maxDistinctValuesPerGroup: 50 });
      for (let i = 0; i < 500; i++)
        e.process({ eventName: 'e', timeUnixNano: ns(T0 + i), attributes: { 'user.hash': `h${i}` } });
      expect(e.stats().evictions).toBe(450);
    });
  });

  describe('applyObservation', () => {
    it('should apply a pre-matched observation as the merged-stream coordinator does', () => {
      const e = new RuleEngine({ rules: [countRule({ condition: { gte: 2 } })] });
      const obs = {
        ruleId: 'r.count',
        groupKey: 'x',
        groupValues: ['x'],
        eventName: 'e',
        values: [],
        step: -1,
      };
      expect(e.applyObservation({ ...obs, timeUnixMicros: T0 * 1000 })).toBeUndefined();
      expect(
        e.applyObservation({
          ...obs,
          timeUnixMicros: T0 * 1000 + 1,
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
        }),
      ).toMatchObject({
        count: 2,
        group: { 'client.address': 'x' },
      });
      expect(e.applyObservation({ ...obs, ruleId: 'unknown', timeUnixMicros: T0 * 1000 })).toBeUndefined();
    });
  });
});

describe('RuleEngine value_count with many distinct values', () => {
  it('should count exactly beyond the indexed-set threshold, across resets', () => {
    const rule = defineRule({
      id: 'v.many',
      title: 'Many',
      type: 'value_count',
      match: { event: 'e' },
      field: 'u',
      timespan: '1h',
      condition: { gte: 40 },
      severity: 'low',
    });
    const e = new RuleEngine({ rules: [rule] });
    const got: [number, number][] = [];
    const stream: OEvent[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 60; i++) {
        // Repeats interleaved with new values; 40 distinct values complete a window.
        const t = T0 + round * 1000 + i;
        stream.push({ group: '', t: t * 1000, name: 'e', values: [`u${i % 45}`] });
        for (const a of e.process({ eventName: 'e', timeUnixNano: ns(t), attributes: { u: `u${i % 45}` } }))
          got.push([stream.length - 1, a.count]);
      }
    }
    const expected = oracle(
      { type: 'value_count', N: 40, W: 3_600_000_000, tol: 10_000_000, suppress: 0, fields: 1 },
      stream,
    );
    expect(got).toEqual(expected.map((a) => [a.arrival, a.count]));
    expect(got).toHaveLength(3);
  });
});

describe('RuleEngine temporal_ordered with a per-step cap', () => {
  const failuresThenSuccess = (failures: number) =>
    defineRule({
      id: `t.cap${failures}`,
      title: 'Failures then success',
      type: 'temporal_ordered',
      events: [
        { event: 'fail', count: failures },
        { event: 'ok', count: 1 },
      ],
      groupBy: ['u'],
      timespan: '1h',
      severity: 'high',
    });
  const feed = (e: RuleEngine, name: string, ms: number) =>
    e.process({ eventName: name, timeUnixNano: ns(T0 + ms), attributes: { u: 'alice' } });
  const at = (ms: number) => `${BigInt(T0 + ms) * 1_000_000n}`;

  it('should keep the newest maxEventsPerStep events of a step, count the evicted ones, and detect on the rest', () => {
    const e = new RuleEngine({ rules: [failuresThenSuccess(3)], maxEventsPerStep: 3 });
    for (let i = 1; i <= 5; i++) expect(feed(e, 'fail', i * 1000)).toHaveLength(0);
    const [alert] = feed(e, 'ok', 6000);
    // The sequence starts at the oldest failure still held: the third.
    expect(alert?.firstSeenUnixNano).toBe(at(3000));
    expect(alert?.lastSeenUnixNano).toBe(at(6000));
    expect(alert?.count).toBe(4);
    expect(e.stats().evictions).toBe(2);
  });

  it('should never complete a step that needs more events than the cap keeps', () => {
    const e = new RuleEngine({ rules: [failuresThenSuccess(4)], maxEventsPerStep: 3 });
    for (let i = 1; i <= 6; i++) feed(e, 'fail', i * 1000);
    expect(feed(e, 'ok', 7000)).toHaveLength(0);
    expect(e.stats().evictions).toBe(3);
  });

  it('should evict the oldest event of the step, whatever the arrival order and the other step', () => {
    const e = new RuleEngine({ rules: [failuresThenSuccess(3)], maxEventsPerStep: 3 });
    feed(e, 'fail', 1000);
    feed(e, 'ok', 1500);
    feed(e, 'fail', 2000);
    // Out of order, within the tolerance: the oldest failure is now this one.
    feed(e, 'fail', 500);
    // A fourth failure: the one at 500 goes, not the success.
    expect(feed(e, 'fail', 3000)).toHaveLength(0);
    expect(e.stats().evictions).toBe(1);
    const [alert] = feed(e, 'ok', 4000);
    expect(alert?.firstSeenUnixNano).toBe(at(1000));
    expect(alert?.evidence.map((x) => x.eventName)).toEqual(['fail', 'fail', 'fail', 'ok']);
  });
});
