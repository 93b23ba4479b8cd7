import { defineRule, RuleEngine, type Alert } from '../../src/index.js';

const rule = defineRule({
  id: 'test.brute_force',
  title: 'Brute force from one client address',
  description: 'Many failed logins from one client address.',
  type: 'event_count',
  match: { event: 'secmon.authn.login_fail' },
  groupBy: ['client.address'],
  timespan: '5m',
  condition: { gte: 3 },
  severity: 'high',
  reference: 'https://runbooks.example/brute-force',
  response: { action: 'block_client', duration: '15m' },
});

/** A real alert, produced by the engine from three failed logins of `client`. */
export function makeAlert(client = '203.0.113.7'): Alert {
  const engine = new RuleEngine({ rules: [rule] });
  const t0 = 1_760_000_000_000n * 1_000_000n;
  let out: readonly Alert[] = [];
  for (let i = 0; i < 3; i++) {
    out = engine.process({
      eventName: 'secmon.authn.login_fail',
      timeUnixNano: t0 + BigInt(i) * 1_000_000_000n,
      attributes: { 'client.address': client },
      traceId: `${'0'.repeat(31)}${i + 1}`,
      spanId: `${'0'.repeat(15)}${i + 1}`,
    });
  }
  if (out.length !== 1) throw new Error('fixture: expected one alert');
  return out[0]!;
}
