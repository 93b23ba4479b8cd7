import { defineRule, type Rule } from '@secmon/processor';

export const FAIL = 'secmon.authn.login_fail';
export const SUCCESS = 'secmon.authn.login_success';

/** Brute force per client: 10 failures in 5 minutes (the default pack's rule, with a short cooldown). */
export const BRUTE_FORCE: Rule = defineRule({
  id: 'fleet.brute_force',
  title: 'Brute force from one client address',
  type: 'event_count',
  match: { event: FAIL },
  groupBy: ['client.address'],
  timespan: '5m',
  condition: { gte: 10 },
  severity: 'high',
  suppress: '10m',
  response: { action: 'block_client', duration: '15m' },
});

/** Small windows and thresholds so random streams cross them often (property tests). */
export function propertyRules(): Rule[] {
  return [
    defineRule({
      id: 'p.count',
      title: 'count',
      type: 'event_count',
      match: { event: [FAIL, SUCCESS], where: { 'p.kind': { in: ['a', 'b'] } } },
      groupBy: ['client.address'],
      timespan: 10_000,
      condition: { gte: 4 },
      severity: 'high',
      suppress: 3_000,
    }),
    defineRule({
      id: 'p.count1',
      title: 'single event',
      type: 'event_count',
      match: { event: SUCCESS },
      groupBy: ['client.address', 'user.hash'],
      timespan: 1_000,
      condition: { gte: 1 },
      severity: 'low',
      suppress: 2_000,
    }),
    defineRule({
      id: 'p.values',
      title: 'values',
      type: 'value_count',
      match: { event: FAIL },
      groupBy: ['client.address'],
      field: ['user.hash', 'p.kind'],
      timespan: 8_000,
      condition: { gte: 2 },
      severity: 'medium',
    }),
    defineRule({
      id: 'p.values1',
      title: 'values, one field',
      type: 'value_count',
      match: { event: [FAIL, SUCCESS] },
      groupBy: ['p.kind'],
      field: 'user.hash',
      timespan: 6_000,
      condition: { gte: 3 },
      severity: 'medium',
      suppress: 4_000,
    }),
    defineRule({
      id: 'p.sequence',
      title: 'sequence',
      type: 'temporal_ordered',
      events: [
        { event: FAIL, count: 2 },
        { event: SUCCESS, where: { 'p.kind': 'a' } },
      ],
      groupBy: ['user.hash'],
      timespan: 7_000,
      severity: 'high',
    }),
  ];
}

/** Short windows, no cooldown: many detections in a few seconds of event time (the concurrency test). */
export function concurrencyRules(): Rule[] {
  return [
    defineRule({
      id: 'c.burst',
      title: 'Burst of failures per client',
      type: 'event_count',
      match: { event: FAIL },
      groupBy: ['client.address'],
      timespan: 2_000,
      condition: { gte: 10 },
      severity: 'high',
    }),
    defineRule({
      id: 'c.spray',
      title: 'Distinct users per client',
      type: 'value_count',
      match: { event: FAIL },
      groupBy: ['client.address'],
      field: 'user.hash',
      timespan: 3_000,
      condition: { gte: 6 },
      severity: 'high',
      suppress: 1_000,
    }),
    defineRule({
      id: 'c.takeover',
      title: 'Success after failures per user',
      type: 'temporal_ordered',
      events: [
        { event: FAIL, count: 3 },
        { event: SUCCESS, count: 1 },
      ],
      groupBy: ['user.hash'],
      timespan: 2_000,
      severity: 'critical',
    }),
  ];
}
