import { readFileSync } from 'node:fs';
import { CATALOGUE } from '@secmon/semconv';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES,
  DEFAULT_RULES_YAML,
  RuleEngine,
  type Alert,
  type SecurityEvent,
} from '../../src/index.js';

const NAMES = new Set(CATALOGUE.map((e) => e.name));
const T0 = 1_760_000_000_000;

function run(events: readonly Omit<SecurityEvent, 'timeUnixNano'>[], stepMs = 1000): Alert[] {
  const engine = new RuleEngine({ rules: DEFAULT_RULES });
  return events.flatMap((e, i) => [
    ...engine.process({ ...e, timeUnixNano: BigInt(T0 + i * stepMs) * 1_000_000n }),
  ]);
}

const ids = (alerts: Alert[]) => [...new Set(alerts.map((a) => a.rule.id))].sort();

describe('DEFAULT_RULES', () => {
  it('should be rules/default.yaml (run `npm run gen:rules` after editing it)', () => {
    expect(DEFAULT_RULES_YAML).toBe(
      readFileSync(new URL('../../rules/default.yaml', import.meta.url), 'utf8'),
    );
  });

  it('should give every rule an id, title, severity, runbook reference and suggested response, on catalogue events', () => {
    expect(DEFAULT_RULES.length).toBe(13);
    for (const r of DEFAULT_RULES) {
      expect(r.title.length).toBeGreaterThan(0);
      expect(r.reference).toMatch(/^https:\/\//);
      expect(r.response?.action).toMatch(/^[a-z_]+$/);
      for (const name of r.match.events) expect(NAMES.has(name), `${r.id}: ${name}`).toBe(true);
    }
  });

  it('should detect brute force from one client and no one else', () => {
    const attack = Array.from({ length: 10 }, (_, i) => ({
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': '203.0.113.7', 'user.hash': 'h-alice', 'user.id': 'u-alice', n: i },
    }));
    expect(ids(run(attack))).toEqual(['authn.brute_force.client']);
  });

  it('should detect password spraying (many users, one address)', () => {
    const spray = Array.from({ length: 10 }, (_, i) => ({
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': '203.0.113.7', 'user.hash': `h${i}` },
    }));
    expect(ids(run(spray))).toEqual(['authn.brute_force.client', 'authn.password_spraying']);
  });

  it('should detect credential stuffing (many users and many addresses across the service) but not one address', () => {
    const stuffing = Array.from({ length: 50 }, (_, i) => ({
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': `198.51.100.${i}`, 'user.hash': `h${i}` },
      resource: { 'service.name': 'shop' },
    }));
    expect(ids(run(stuffing, 100))).toEqual(['authn.credential_stuffing']);
  });

  it('should detect one account failing from many addresses', () => {
    const dist = Array.from({ length: 5 }, (_, i) => ({
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': `198.51.100.${i}`, 'user.hash': 'h-bob' },
    }));
    const alerts = run(dist);
    expect(ids(alerts)).toEqual(['authn.distributed_brute_force.user']);
    expect(alerts[0]!.rule.response).toEqual({ action: 'lock_user', durationMillis: 1_800_000 });
  });

  it('should detect a successful login after five failures (account takeover), not after four', () => {
    const fail = {
      eventName: 'secmon.authn.login_fail',
      attributes: { 'user.id': 'u-carol', 'client.address': '203.0.113.9' },
    };
    const ok = {
      eventName: 'secmon.authn.login_success',
      attributes: { 'user.id': 'u-carol', 'client.address': '203.0.113.9' },
    };
    expect(ids(run([fail, fail, fail, fail, fail, ok]))).toEqual(['authn.account_takeover']);
    expect(ids(run([fail, fail, fail, fail, ok]))).toEqual([]);
  });

  it('should raise single-event alerts for privilege and permission changes, admin activity and token reuse', () => {
    const alerts = run([
      { eventName: 'secmon.privilege.permissions_changed', attributes: { 'user.id': 'admin' } },
      { eventName: 'secmon.authz.change', attributes: { 'user.id': 'admin', 'user.target.id': 'u-7' } },
      { eventName: 'secmon.authz.admin', attributes: { 'user.id': 'admin' } },
      { eventName: 'secmon.authz.admin', attributes: { 'user.id': 'admin' } },
      { eventName: 'secmon.authn.token_reuse', attributes: { 'secmon.token.id_hash': 'tok' } },
    ]);
    expect(alerts.map((a) => a.rule.id)).toEqual([
      'privilege.permissions_changed',
      'authz.privilege_change',
      'authz.admin_activity',
      'authn.token_reuse',
    ]);
  });

  it('should detect bursts of authorization failures but ignore refusals by the block list', () => {
    const denied = Array.from({ length: 10 }, () => ({
      eventName: 'secmon.authz.fail',
      attributes: { 'client.address': '203.0.113.7', 'error.type': 'forbidden' },
    }));
    const blocked = Array.from({ length: 30 }, () => ({
      eventName: 'secmon.authz.fail',
      attributes: { 'client.address': '203.0.113.8', 'error.type': 'blocked' },
    }));
    expect(run([...denied, ...blocked]).map((a) => a.group['client.address'])).toEqual(['203.0.113.7']);
  });

  it('should detect card testing, excessive 404s and validation failure bursts', () => {
    const events = [
      ...Array.from({ length: 5 }, () => ({
        eventName: 'secmon.payment.fail',
        attributes: { 'client.address': '1.1.1.1', 'error.type': 'card_declined' },
      })),
      ...Array.from({ length: 20 }, () => ({
        eventName: 'secmon.access.not_found',
        attributes: { 'client.address': '2.2.2.2' },
      })),
      ...Array.from({ length: 20 }, (_, i) => ({
        eventName: i % 2 ? 'secmon.input.validation_fail' : 'secmon.input.validation_discrete_fail',
        attributes: { 'client.address': '3.3.3.3' },
      })),
    ];
    expect(ids(run(events, 100))).toEqual([
      'input.validation_failure_burst',
      'payment.card_testing',
      'web.excessive_404',
    ]);
  });

  it('should not alert on a few failures spread beyond the window (sliding window)', () => {
    const slow = Array.from({ length: 30 }, () => ({
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': '203.0.113.7', 'user.hash': 'h' },
    }));
    // One failure every 40 s: at most 8 in any 5-minute window.
    expect(run(slow, 40_000)).toEqual([]);
  });
});
