// `secmon rules validate` and `secmon rules test` end to end, including the shipped tests of the default pack.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES } from '@secmon/processor';
import { describe, expect, it } from 'vitest';
import { parseRuleTestFile } from '../../src/rules/RuleTestFile.js';
import { CLI_ROOT, runCli } from '../support/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-rules-'));
const RULE_TESTS = join(CLI_ROOT, 'rule-tests');

const CUSTOM_RULE = `rules:
  - id: shop.refund_abuse
    title: Many refunds by one user
    type: event_count
    match:
      event: secmon.sensitive.update
      where:
        secmon.resource.type: refund
    group-by: [user.id]
    timespan: 1h
    condition: { gte: 3 }
    severity: medium
`;

describe('secmon rules test', () => {
  it('should pass the shipped tests of the default rule pack', async () => {
    const r = await runCli(['rules', 'test', RULE_TESTS]);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
    expect(r.code).toBe(0);
  });

  it('should cover every rule of the default pack with at least one expected alert', () => {
    const covered = new Set<string>();
    for (const f of readdirSync(RULE_TESTS).filter((n) => n.endsWith('.yaml'))) {
      const { test } = parseRuleTestFile(readFileSync(join(RULE_TESTS, f), 'utf8'), f);
      for (const c of test!.cases) for (const x of c.expect) covered.add(x.rule);
    }
    expect(DEFAULT_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('should report a failing case with a diff of expected and fired alerts, and exit 1', async () => {
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      `tests:
  - name: right
    events:
      - { at: 0s, event: secmon.authn.token_reuse, attributes: { secmon.token.id_hash: t1 } }
    expect:
      - { rule: authn.token_reuse, group: { secmon.token.id_hash: t1 } }
  - name: wrong count and a missing alert
    events:
      - { at: 0s, event: secmon.authn.login_fail, attributes: { client.address: 203.0.113.7, user.hash: h }, repeat: 10, every: 10s }
    expect:
      - { rule: authn.brute_force.client, group: { client.address: 203.0.113.7 }, count: 11, last: 90s }
      - { rule: authn.password_spraying, group: { client.address: 203.0.113.7 } }
`,
    );
    const r = await runCli(['rules', 'test', file], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'wrong.yaml  (rules: default rule pack)\n' +
        '  PASS right\n' +
        '  FAIL wrong count and a missing alert  wrong.yaml:7\n' +
        '      - expected, not fired   + fired, not expected\n' +
        '      - authn.brute_force.client {client.address=203.0.113.7} count=11 last=90s\n' +
        '      + authn.brute_force.client {client.address=203.0.113.7} count=10 last=90s\n' +
        '      - authn.password_spraying {client.address=203.0.113.7}\n' +
        '\n1 passed, 1 failed\n',
    );
  });

  it('should run a new rule from the rule file the test names', async () => {
    writeFileSync(join(dir, 'refunds.yaml'), CUSTOM_RULE);
    writeFileSync(
      join(dir, 'refunds.test.yaml'),
      `rule-files: [default, refunds.yaml]
tests:
  - name: three refunds in an hour
    events:
      - { at: 0s, event: secmon.sensitive.update, attributes: { user.id: u-7, secmon.resource.type: refund }, repeat: 3, every: 20m }
    expect:
      - { rule: shop.refund_abuse, group: { user.id: u-7 }, count: 3, first: 0s, last: 40m }
  - name: other updates do not count
    events:
      - { at: 0s, event: secmon.sensitive.update, attributes: { user.id: u-7, secmon.resource.type: address }, repeat: 3, every: 1m }
    expect: []
  - name: the default pack runs next to the new rule
    events:
      - { at: 0s, event: secmon.authn.token_reuse, attributes: { secmon.token.id_hash: t9 } }
    expect:
      - { rule: authn.token_reuse, group: { secmon.token.id_hash: t9 } }
`,
    );
    const r = await runCli(['rules', 'test', 'refunds.test.yaml'], { cwd: dir });
    expect(r.stdout).toContain('refunds.test.yaml  (rules: default rule pack, refunds.yaml)\n');
    expect(r.stdout).toContain(
      '  PASS three refunds in an hour\n  PASS other updates do not count\n  PASS the default pack runs next to the new rule\n',
    );
    expect(r.code).toBe(0);
  });

  it('should exit 2 with file:line errors for an invalid test file', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'tests:\n  - name: x\n    events:\n      - { at: soon, event: a }\n    expect:\n      - { count: 1 }\n    extra: 1\n',
    );
    const r = await runCli(['rules', 'test', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      'ERROR broken.yaml\n' +
        '  broken.yaml:7: unknown key "extra" (expected name, events, expect, check-rules, resource)\n' +
        '  broken.yaml:4: at must be a duration such as 30s or 1m30s, got "soon"\n' +
        '  broken.yaml:6: rule (the rule id) is required\n' +
        '\n0 passed, 0 failed, with errors\n',
    );
  });
});

describe('secmon rules validate', () => {
  it('should accept valid rule files', async () => {
    const file = join(dir, 'refunds.yaml');
    writeFileSync(file, CUSTOM_RULE);
    const r = await runCli(['rules', 'validate', file]);
    expect(r.stdout).toBe(`ok  ${file}: 1 rule (shop.refund_abuse)\n`);
    expect(r.code).toBe(0);
  });

  it('should print every error with file, line, rule and field, and exit 1', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(
      file,
      'rules:\n  - id: a.b\n    title: A\n    type: event_count\n    match: { event: x }\n    timespan: 5 minutes\n    severity: high\n  - id: c.d\n    title: C\n    type: sometimes\n    timespan: 1m\n    severity: urgent\n',
    );
    const r = await runCli(['rules', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL  ${file}: \\d+ errors\\n`));
    expect(r.stdout).toMatch(new RegExp(`\\n  ${file}:6:\\d+ rule "a\\.b" field "timespan": `));
    expect(r.stdout).toMatch(new RegExp(`\\n  ${file}:10:\\d+ rule "c\\.d" field "type": `));
    expect(r.stdout).toMatch(new RegExp(`\\n  ${file}:12:\\d+ rule "c\\.d" field "severity": `));
  });

  it('should exit 2 when a file cannot be read', async () => {
    const r = await runCli(['rules', 'validate', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml: no such file');
  });
});
