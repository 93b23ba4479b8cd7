import { formatRuleError } from './RuleError.js';
import { DEFAULT_RULES_YAML } from './defaultRulesYaml.js';
import { parseRules } from './parseRules.js';
import type { Rule } from './Rule.js';

/** Source name of the default pack in rule errors and `rule.source.file`. */
export const DEFAULT_RULES_SOURCE = '@secmon/processor/rules/default.yaml';

function load(): readonly Rule[] {
  const { rules, errors } = parseRules(DEFAULT_RULES_YAML, { source: DEFAULT_RULES_SOURCE });
  // The pack is ours and tested: an error here is a bug in this package, not in the application.
  if (errors.length > 0)
    throw new Error(`secmon: invalid default rule pack: ${errors.map(formatRuleError).join('; ')}`);
  return Object.freeze(rules);
}

/**
 * The default rule pack (`rules/default.yaml`, also shipped in the package): brute force, password spraying,
 * credential stuffing, one account failing from many addresses, account takeover, permission and privilege
 * changes, admin activity, authorization-failure bursts, card testing, excessive 404s, validation-failure
 * bursts and token reuse. See the README table.
 */
export const DEFAULT_RULES: readonly Rule[] = load();
