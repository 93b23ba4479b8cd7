import { validateRule } from '../internal/validateRule.js';
import type { Rule } from './Rule.js';
import type { RuleDefinition } from './RuleDefinition.js';

/**
 * Validates and normalises a rule written in TypeScript. Throws a `TypeError` listing every problem, at
 * definition time (like hono's `ipRestriction`), so a broken rule never reaches production silently.
 *
 * @example
 * const bruteForce = defineRule({
 *   id: 'app.brute-force',
 *   title: 'Brute force from one client',
 *   type: 'event_count',
 *   match: { event: 'secmon.authn.login_fail' },
 *   groupBy: ['client.address'],
 *   timespan: '5m',
 *   condition: { gte: 10 },
 *   severity: 'high',
 *   response: { action: 'block_client', duration: '15m' },
 * });
 */
export function defineRule(definition: RuleDefinition): Rule {
  const { rule, problems } = validateRule(definition, 'ts');
  if (rule === undefined) {
    const id = typeof (definition as { id?: unknown }).id === 'string' ? ` "${definition.id}"` : '';
    const lines = problems.map((p) => `  ${p.path.length > 0 ? `${formatPath(p.path)}: ` : ''}${p.message}`);
    throw new TypeError(`secmon: invalid rule${id}:\n${lines.join('\n')}`);
  }
  return rule;
}

/** `['events', 1, 'where', 'error.type']` -> `events[1].where.error.type`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out.length === 0 ? seg : `.${seg}`;
  }
  return out;
}
