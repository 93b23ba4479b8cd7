// End-to-end test of the demo (`npm start`): the real shop, the real simulator, the real OpenTelemetry
// pipeline, the real files. Asserts what a user and a SIEM would see.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS, ADMIN, INJECTION_MARKER, SCENARIOS } from '@secmon/example-attack-simulator';
import { CARDS, DEMO_PASSWORDS_FOR_TEST } from './support/secrets.js';
import { DEMO_USERS } from '../src/demoUsers.js';
import { readLogRecords, readSpans, strings } from './support/otlpJson.js';
import type { FileLogRecord } from './support/otlpJson.js';
import { runDemo } from './support/runDemo.js';
import type { DemoRun } from './support/runDemo.js';

// Raw characters that let a log line or a terminal be forged (CWE-117): C0 (CR, LF, ESC...), DEL, C1
// (NEL, 8-bit CSI...), line/paragraph separators, bidi overrides and isolates.
// eslint-disable-next-line no-control-regex -- asserting their absence
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const SECRETS = [...DEMO_PASSWORDS_FOR_TEST, ...CARDS];

describe('the demo (npm start)', () => {
  let run: DemoRun;
  let records: FileLogRecord[];

  beforeAll(async () => {
    run = await runDemo();
    records = readLogRecords(run.summary.files.events);
  }, 170_000);

  it('should finish with exit code 0 and a summary', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('Summary');
    expect(run.stdout).toContain('Files');
    expect(run.summary.scenarios.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
  });

  it('should play the same accounts as the shop seeds', () => {
    const simulated = [...Object.values(CUSTOMERS), ADMIN];
    for (const person of simulated) {
      expect(DEMO_USERS.find((u) => u.username === person.username)?.password).toBe(person.password);
    }
  });

  it('should raise every expected alert for every attack', () => {
    for (const scenario of run.summary.scenarios.filter((s) => s.kind === 'attack')) {
      expect(scenario.expectedRules.length, `${scenario.id} expects no rule`).toBeGreaterThan(0);
      const fired = new Set(scenario.alerts.map((a) => a.ruleId));
      for (const rule of scenario.expectedRules) expect(fired, `${scenario.id}: ${rule}`).toContain(rule);
    }
  });

  it('should record every 404 of the scanner as secmon.access.not_found (what forced-browsing rules count)', () => {
    const notFound = records.filter(
      (r) => r.eventName === 'secmon.access.not_found' && r.attributes['client.address'] === '203.0.113.120',
    );
    expect(notFound.length).toBeGreaterThanOrEqual(20);
    expect(notFound[0]?.attributes['http.response.status_code']).toBe(404);
    // One event per 404, never an alert-kind event per 404 (that would flood a SIEM).
    expect(records.some((r) => r.eventName === 'secmon.malicious.excess_404')).toBe(false);
  });

  it('should run the rules with the resource of the records (service.name groups credential stuffing)', () => {
    const stuffing = run.summary.scenarios
      .find((s) => s.id === 'credential-stuffing')
      ?.alerts.find((a) => a.ruleId === 'authn.credential_stuffing');
    expect(stuffing?.group).toEqual({ 'service.name': 'express-shop' });
    expect(records.every((r) => r.resource['service.name'] === 'express-shop')).toBe(true);
  });

  it('should write each alert as a secmon.alert log record and a linked secmon.alert span', () => {
    const alertRecords = records.filter((r) => r.eventName === 'secmon.alert');
    const ruleIds = new Set(alertRecords.map((r) => r.attributes['security_rule.uuid']));
    for (const scenario of run.summary.scenarios)
      for (const rule of scenario.expectedRules) expect(ruleIds).toContain(rule);
    const alertSpans = readSpans(run.summary.files.traces).filter((s) => s.name === 'secmon.alert');
    expect(alertSpans.length).toBe(alertRecords.length);
    // Each alert span leads back to the evidence: its links are the spans of the requests whose events
    // contributed, and the alert record carries the alert span's ids.
    const eventSpans = new Set(
      records.filter((r) => r.eventName !== 'secmon.alert').map((r) => `${r.traceId}/${r.spanId}`),
    );
    for (const span of alertSpans) {
      expect(span.links.length, String(span.attributes['security_rule.uuid'])).toBeGreaterThan(0);
      for (const link of span.links) expect(eventSpans).toContain(`${link.traceId}/${link.spanId}`);
      const record = alertRecords.find(
        (r) => r.attributes['secmon.alert.id'] === span.attributes['secmon.alert.id'],
      );
      expect(record?.spanId).toBe(span.spanId);
    }
  });

  it('should raise no alert on benign traffic', () => {
    const benign = run.summary.scenarios.filter((s) => s.kind === 'benign');
    expect(benign.length).toBeGreaterThan(0);
    for (const scenario of benign) expect(scenario.alerts).toEqual([]);
    const benignAddresses = SCENARIOS.filter((s) => s.kind === 'benign').flatMap((s) => s.addresses);
    for (const alert of records.filter((r) => r.eventName === 'secmon.alert')) {
      for (const value of strings(alert.attributes['client.address']))
        expect(benignAddresses).not.toContain(value);
    }
  });

  it('should block the brute-force client through the BlockList, and report each refusal once', () => {
    const brute = run.summary.scenarios.find((s) => s.id === 'brute-force');
    expect(brute?.notes.join(' ')).toMatch(/blocked \(HTTP 403\) after 10 failed logins/);
    expect(brute?.alerts.find((a) => a.ruleId === 'authn.brute_force.client')?.response).toEqual({
      action: 'block_client',
      target: '203.0.113.66',
      durationMillis: 15 * 60_000,
      enforced: true,
    });
    const denials = records.filter(
      (r) => r.eventName === 'secmon.authz.fail' && r.attributes['client.address'] === '203.0.113.66',
    );
    // Reported through SecurityEvents (onRefuse): blocked, with the request context and the rule behind the
    // block, and never a second time by the automatic 403 capture (an `error.type=forbidden` would count
    // towards authz.failure_burst).
    expect(denials.length).toBe(brute?.statuses[403]);
    for (const refusal of denials) {
      expect(refusal.attributes['error.type']).toBe('blocked');
      expect(refusal.attributes['http.response.status_code']).toBe(403);
      expect(refusal.attributes['user_agent.original']).toBe('python-requests/2.32');
      expect(refusal.attributes['shop.block.kind']).toBe('client');
      expect(refusal.attributes['shop.block.rule_id']).toBe('authn.brute_force.client');
    }
  });

  it('should report every 403 once, and a block list refusal never as an ordinary authorization failure', () => {
    const denials = records.filter((r) => r.eventName === 'secmon.authz.fail');
    const responses403 = run.summary.scenarios.reduce((n, s) => n + (s.statuses[403] ?? 0), 0);
    expect(denials.length).toBe(responses403);
    // The only denials that are not refusals of a blocked client or user (what authz.failure_burst counts)
    // are the privilege-escalation probes.
    const ordinary = denials.filter((r) => r.attributes['error.type'] !== 'blocked');
    expect(new Set(ordinary.map((r) => r.attributes['client.address']))).toEqual(new Set(['203.0.113.110']));
    expect(run.summary.families.excess ?? 0).toBe(0);
  });

  it('should lock the account taken over, not only the address', () => {
    const takeover = run.summary.scenarios.find((s) => s.id === 'account-takeover');
    const alert = takeover?.alerts.find((a) => a.ruleId === 'authn.account_takeover');
    expect(alert?.response).toMatchObject({ action: 'lock_user', enforced: true });
    expect(takeover?.notes.join(' ')).toMatch(/locked out \(HTTP 403\)/);
  });

  it('should lock at login the account guessed from many addresses (lock_user on its user.hash)', () => {
    const scenario = run.summary.scenarios.find((s) => s.id === 'distributed-brute-force');
    const alert = scenario?.alerts.find((a) => a.ruleId === 'authn.distributed_brute_force.user');
    const hash = alert?.group['user.hash'];
    expect(hash).toMatch(/^[0-9a-f]{16,}$/);
    expect(alert?.response).toEqual({
      action: 'lock_user',
      target: hash,
      durationMillis: 30 * 60_000,
      enforced: true,
    });
    expect(scenario?.notes.join(' ')).toMatch(/account locked \(HTTP 403\) after 5 failed logins/);
    // Even the right password is refused: the lock is checked before the password.
    expect(scenario?.notes.join(' ')).toContain('the right password, tried next, was refused too');
    const botnet = new Set(SCENARIOS.find((s) => s.id === 'distributed-brute-force')?.addresses);
    const fromBotnet = records.filter((r) => botnet.has(String(r.attributes['client.address'])));
    const refusals = fromBotnet.filter((r) => r.eventName === 'secmon.authz.fail');
    expect(refusals.length).toBe(scenario?.statuses[403]);
    for (const refusal of refusals) {
      expect(refusal.attributes['error.type']).toBe('blocked');
      expect(refusal.attributes['user.hash']).toBe(hash);
      expect(refusal.attributes['shop.block.kind']).toBe('user');
      expect(refusal.attributes['shop.block.rule_id']).toBe('authn.distributed_brute_force.user');
    }
    expect(fromBotnet.filter((r) => r.eventName === 'secmon.authn.login_fail').length).toBe(5);
    expect(fromBotnet.some((r) => r.eventName.startsWith('secmon.authn.login_success'))).toBe(false);
  });

  it('should export every event and alert (the export processor lost none)', () => {
    const stats = run.summary.exportStats;
    expect(stats?.dropped).toBe(0);
    expect(stats?.exportFailed).toBe(0);
    expect(stats?.exported).toBe(records.length);
  });

  it('should replay the events file with secmon analyze and find the rules that fired live', () => {
    expect(run.summary.replay?.exitCode).toBe(0);
    const live = new Set(run.summary.scenarios.flatMap((s) => s.alerts.map((a) => a.ruleId)));
    expect(new Set(run.summary.replay?.rules)).toEqual(live);
    expect(run.stdout).toContain('✔ the same rules fired as live');
  });

  it('should record security events of every family the story touches', () => {
    for (const family of [
      'authn',
      'session',
      'authz',
      'access',
      'user',
      'config',
      'payment',
      'sensitive',
      'input',
      'malicious',
    ]) {
      expect(run.summary.families[family] ?? 0, family).toBeGreaterThan(0);
    }
    expect(records.filter((r) => r.eventName !== 'secmon.alert').length).toBeGreaterThan(100);
  });

  it('should record the client addresses of the simulated clients (demo mode) on the events', () => {
    const addresses = new Set(records.map((r) => r.attributes['client.address']));
    expect(addresses).toContain('203.0.113.66');
    expect(addresses).toContain('198.51.100.10');
    expect(addresses).not.toContain('127.0.0.1');
  });

  it('should neutralise the log-injection attempts in every output file', () => {
    const injected = records.filter((r) => r.attributes['client.address'] === '203.0.113.150');
    expect(injected.length).toBeGreaterThan(0);
    // The payload arrived (it is evidence), but escaped: no raw control character anywhere.
    const injectedStrings = injected.flatMap((r) => strings(r.attributes));
    expect(injectedStrings.some((s) => s.includes(INJECTION_MARKER))).toBe(true);
    for (const record of records) {
      for (const s of [...strings(record.attributes), ...strings(record.body), record.eventName]) {
        expect(s, `${record.eventName}: ${JSON.stringify(s)}`).not.toMatch(RAW_CONTROL);
      }
    }
    for (const span of readSpans(run.summary.files.traces)) {
      for (const s of strings(span.attributes)) expect(s).not.toMatch(RAW_CONTROL);
    }
  });

  it('should print nothing a terminal would interpret (NO_COLOR: not one escape sequence)', () => {
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(run.stdout).not.toMatch(/[\u001b\u009b\u0085\u202e]/);
    expect(run.stdout.split('\n').some((l) => l.startsWith('2026-01-01T00:00:00Z'))).toBe(false);
  });

  it('should never write a password or a card number to any output', () => {
    const outputs = readdirSync(run.outputDir).map((f) => ({
      name: f,
      text: readFileSync(join(run.outputDir, f), 'utf8'),
    }));
    outputs.push({ name: 'stdout', text: run.stdout }, { name: 'stderr', text: run.stderr });
    expect(outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['security-events.otlp.jsonl', 'traces.otlp.jsonl', 'shop.log']),
    );
    for (const { name, text } of outputs) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
    }
  });
});
