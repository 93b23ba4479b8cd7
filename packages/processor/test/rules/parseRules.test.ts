import { describe, expect, it } from 'vitest';
import { formatRuleError, parseRules } from '../../src/index.js';

const VALID = `
rules:
  - id: app.brute_force
    title: Brute force
    type: event_count
    match:
      event: secmon.authn.login_fail
      where:
        error.type: [invalid_credentials, user_not_found]
        http.response.status_code: { gte: 400, lt: 500 }
        user_agent.original: { regex: '^curl/' }
        secmon.authn.mfa: { exists: false }
    group-by: [client.address]
    timespan: 5m
    condition: { gte: 10 }
    severity: high
    suppress: 10m
    reference: https://runbooks.example/bf
    response: { action: block_client, duration: 15m }
`;

describe('parseRules', () => {
  it('should parse a valid file into normalised rules', () => {
    const { rules, errors } = parseRules(VALID, { source: 'rules.yaml' });
    expect(errors).toEqual([]);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      id: 'app.brute_force',
      type: 'event_count',
      groupBy: ['client.address'],
      windowMillis: 300_000,
      threshold: 10,
      suppressMillis: 600_000,
      response: { action: 'block_client', durationMillis: 900_000 },
      source: { file: 'rules.yaml', line: 3 },
      enabled: true,
    });
    expect(rules[0]!.match.where.map((w) => w.key)).toEqual([
      'error.type',
      'http.response.status_code',
      'user_agent.original',
      'secmon.authn.mfa',
    ]);
    expect(rules[0]!.definition.groupBy).toEqual(['client.address']);
  });

  it('should accept a top-level list and one rule per YAML document', () => {
    const list = `- { id: a, title: A, type: event_count, match: { event: x }, timespan: 1m, severity: low }\n`;
    const docs = `id: b\ntitle: B\ntype: event_count\nmatch: { event: x }\ntimespan: 1m\nseverity: low\n---\nid: c\ntitle: C\ntype: event_count\nmatch: { event: x }\ntimespan: 30s\nseverity: low\n`;
    expect(parseRules(list).rules.map((r) => r.id)).toEqual(['a']);
    expect(parseRules(docs).rules.map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('should name the file, line, column, rule and field of every error', () => {
    const text = [
      'rules:',
      '  - id: app.ok',
      '    title: OK',
      '    type: event_count',
      '    match: { event: a }',
      '    timespan: 1m',
      '    severity: low',
      '  - id: app.bad',
      '    title: Bad',
      '    type: value_count',
      '    match: { event: a, where: { error.type: { like: x } } }',
      '    group_by: [client.address]',
      '    timespan: 5 minutes',
      '    condition: { gte: 0 }',
      '    severity: urgent',
      '  - title: No id',
      '    type: temporal_ordered',
      '    events: [{ event: a }]',
      '    timespan: 1m',
      '    severity: low',
    ].join('\n');
    const { rules, errors } = parseRules(text, { source: 'rules/app.yaml' });
    expect(rules.map((r) => r.id)).toEqual(['app.ok']);
    const lines = errors.map(formatRuleError);
    expect(lines).toEqual([
      'rules/app.yaml:12:5 rule "app.bad" field "group_by": unknown field "group_by" (did you mean "group-by"?)',
      'rules/app.yaml:15:15 rule "app.bad" field "severity": must be one of informational, low, medium, high, critical',
      'rules/app.yaml:13:15 rule "app.bad" field "timespan": must be a duration such as 30s, 5m, 1h, 1d or a number of milliseconds',
      'rules/app.yaml:14:23 rule "app.bad" field "condition.gte": must be an integer >= 1',
      'rules/app.yaml:11:47 rule "app.bad" field "match.where.error.type.like": unknown operator "like" (expected one of equals, not_equals, in, not_in, exists, gt, gte, lt, lte, regex)',
      'rules/app.yaml:8:5 rule "app.bad" field "field": is required for value_count (the attribute whose distinct values are counted)',
      'rules/app.yaml:16:5 rule #3 field "id": is required',
      'rules/app.yaml:18:13 rule #3 field "events": temporal_ordered needs an ordered list of at least two steps ({ event, where?, count? })',
    ]);
    expect(errors[0]).toMatchObject({
      source: 'rules/app.yaml',
      line: 12,
      ruleId: 'app.bad',
      ruleIndex: 1,
      field: 'group_by',
    });
  });

  it('should report YAML syntax errors and duplicate ids with their lines', () => {
    const bad = parseRules('rules:\n  - id: a\n    title: [unclosed\n', { source: 'x.yaml' });
    expect(bad.rules).toEqual([]);
    expect(bad.errors[0]).toMatchObject({ source: 'x.yaml', line: expect.any(Number) });
    expect(bad.errors[0]!.message).toMatch(/^YAML: /);
    const dup = `- { id: a, title: A, type: event_count, match: { event: x }, timespan: 1m, severity: low }\n- { id: a, title: A2, type: event_count, match: { event: x }, timespan: 1m, severity: low }\n`;
    const r = parseRules(dup, { source: 'd.yaml' });
    expect(r.rules).toHaveLength(1);
    expect(formatRuleError(r.errors[0]!)).toBe(
      'd.yaml:2:9 rule "a" field "id": duplicate rule id (also rule #1)',
    );
  });

  it('should refuse rules on secmon.alert (alerts are never fed back into the rules)', () => {
    const r = parseRules(
      `- { id: a, title: A, type: event_count, match: { event: secmon.alert }, timespan: 1m, severity: low }\n`,
    );
    expect(r.errors[0]?.message).toContain('never fed back');
  });

  it('should check responses against group-by', () => {
    const r = parseRules(
      `- { id: a, title: A, type: event_count, match: { event: x }, group-by: [user.id], timespan: 1m, severity: low, response: { action: block_client } }\n`,
    );
    expect(r.errors[0]).toMatchObject({ field: 'response.action' });
    expect(r.errors[0]!.message).toContain('client.address');
  });

  it('should return no rules and no errors for an empty input', () => {
    expect(parseRules('')).toEqual({ rules: [], errors: [] });
    expect(parseRules('# only a comment\n')).toEqual({ rules: [], errors: [] });
  });
});
