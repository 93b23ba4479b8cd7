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

  it('should write each alert as a secmon.alert log record and a linked secmon.alert span', () => {
    const alertRecords = records.filter((r) => r.eventName === 'secmon.alert');
    const ruleIds = new Set(alertRecords.map((r) => r.attributes['security_rule.uuid']));
    for (const scenario of run.summary.scenarios) for (const rule of scenario.expectedRules) expect(ruleIds).toContain(rule);
    const alertSpans = readSpans(run.summary.files.traces).filter((s) => s.name === 'secmon.alert');
    expect(alertSpans.length).toBe(alertRecords.length);
    expect(alertSpans.some((s) => s.links.length > 0)).toBe(true);
  });

  it('should raise no alert on benign traffic', () => {
    const benign = run.summary.scenarios.filter((s) => s.kind === 'benign');
    expect(benign.length).toBeGreaterThan(0);
    for (const scenario of benign) expect(scenario.alerts).toEqual([]);
    const benignAddresses = SCENARIOS.filter((s) => s.kind === 'benign').flatMap((s) => s.addresses);
    for (const alert of records.filter((r) => r.eventName === 'secmon.alert')) {
      for (const value of strings(alert.attributes['client.address'])) expect(benignAddresses).not.toContain(value);
    }
  });

  it('should block the brute-force client', () => {
    const brute = run.summary.scenarios.find((s) => s.id === 'brute-force');
    expect(brute?.notes.join(' ')).toMatch(/blocked \(HTTP \d+\) after \d+ failed logins/);
    expect(brute?.alerts.some((a) => a.response && /block/.test(a.response.action))).toBe(true);
  });

  it('should record security events of every family the story touches', () => {
    for (const family of ['authn', 'session', 'authz', 'user', 'config', 'payment', 'sensitive', 'input', 'malicious']) {
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
    const outputs = readdirSync(run.outputDir).map((f) => ({ name: f, text: readFileSync(join(run.outputDir, f), 'utf8') }));
    outputs.push({ name: 'stdout', text: run.stdout }, { name: 'stderr', text: run.stderr });
    expect(outputs.map((o) => o.name)).toEqual(expect.arrayContaining(['security-events.otlp.jsonl', 'traces.otlp.jsonl', 'shop.log']));
    for (const { name, text } of outputs) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
    }
  });
});
