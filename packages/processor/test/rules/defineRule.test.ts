import { describe, expect, it } from 'vitest';
import { defineRule } from '../../src/index.js';

describe('defineRule', () => {
  it('should normalise a TypeScript rule', () => {
    const r = defineRule({
      id: 'app.spray',
      title: 'Spraying',
      type: 'value_count',
      match: { event: 'secmon.authn.login_fail' },
      groupBy: ['client.address'],
      field: 'user.hash',
      timespan: '10m',
      condition: { gt: 9 },
      severity: 'high',
      response: { action: 'block_client' },
    });
    expect(r).toMatchObject({
      threshold: 10,
      windowMillis: 600_000,
      fields: ['user.hash'],
      response: { action: 'block_client', durationMillis: 900_000 },
    });
    expect(Object.isFrozen(r)).toBe(true);
  });

  it('should throw a TypeError listing every problem', () => {
    expect(() =>
      defineRule({
        id: 'Bad Id',
        title: '',
        type: 'event_count',
        match: { event: 'x' },
        timespan: 'soon',
        severity: 'high',
        ['group-by' as 'groupBy']: ['a'],
      }),
    ).toThrow(
      /invalid rule "Bad Id":\n {2}group-by: unknown field "group-by" \(did you mean "groupBy"\?\)\n {2}id: must match .*\n {2}title: is required.*\n {2}timespan: must be a duration/,
    );
  });
});
