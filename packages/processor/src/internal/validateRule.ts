import { ALERT_EVENT_NAME, ALERT_SEVERITY_TO_OCSF, type AlertSeverity } from '@secmon/semconv';
import { parseDuration } from '../rules/duration.js';
import type { Rule, RuleCondition, RuleMatch, RuleResponse, RuleStep } from '../rules/Rule.js';
import type { AttributeCondition, RuleDefinition, RuleType } from '../rules/RuleDefinition.js';

/** A validation problem at a path inside one rule. */
export interface FieldProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** The problem is the key itself (unknown field or operator): point at the key, not its value. */
  readonly atKey?: boolean;
}

/** Which spelling the rule uses: YAML (Sigma's `group-by`) or TypeScript (`groupBy`). */
export type RuleDialect = 'yaml' | 'ts';

const RULE_TYPES: readonly RuleType[] = ['event_count', 'value_count', 'temporal_ordered'];
const SEVERITIES = Object.keys(ALERT_SEVERITY_TO_OCSF) as AlertSeverity[];
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const CONDITION_OPS = new Set([
  'equals',
  'not_equals',
  'in',
  'not_in',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'regex',
]);
const BLOCKING_ACTIONS = new Set(['block_client', 'lock_user']);
/** Blocking responses without a duration last this long. */
export const DEFAULT_BLOCK_MILLIS = 15 * 60_000;

function ruleKeys(dialect: RuleDialect): Set<string> {
  return new Set([
    'id',
    'title',
    'description',
    'type',
    'match',
    'events',
    dialect === 'yaml' ? 'group-by' : 'groupBy',
    'timespan',
    'condition',
    'field',
    'severity',
    'suppress',
    'reference',
    'response',
    'category',
    'version',
    'tags',
    'enabled',
  ]);
}

const SUGGESTIONS: Readonly<Record<string, string>> = {
  group_by: 'group-by',
  groupby: 'group-by',
  window: 'timespan',
  threshold: 'condition',
  fields: 'field',
  steps: 'events',
  cooldown: 'suppress',
  runbook: 'reference',
  name: 'title',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLiteral(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

class Collector {
  readonly problems: FieldProblem[] = [];
  add(path: readonly (string | number)[], message: string): void {
    this.problems.push(message.startsWith('unknown ') ? { path, message, atKey: true } : { path, message });
  }
}

function validateCondition(
  c: Collector,
  path: (string | number)[],
  cond: unknown,
): AttributeCondition | undefined {
  if (isLiteral(cond)) return cond;
  if (Array.isArray(cond)) {
    if (cond.length === 0 || !cond.every(isLiteral)) {
      c.add(path, 'a list condition must be a non-empty list of strings, numbers or booleans');
      return undefined;
    }
    return cond as AttributeCondition;
  }
  if (!isRecord(cond)) {
    c.add(
      path,
      'must be a literal, a list of literals, or an object of operators (equals, in, exists, gt, regex, ...)',
    );
    return undefined;
  }
  const before = c.problems.length;
  const keys = Object.keys(cond);
  if (keys.length === 0) c.add(path, 'an operator object needs at least one operator');
  for (const op of keys) {
    const v = cond[op];
    const p = [...path, op];
    if (!CONDITION_OPS.has(op)) {
      c.add(p, `unknown operator "${op}" (expected one of ${[...CONDITION_OPS].join(', ')})`);
    } else if (op === 'equals' || op === 'not_equals') {
      if (!isLiteral(v)) c.add(p, 'must be a string, number or boolean');
    } else if (op === 'in' || op === 'not_in') {
      if (!Array.isArray(v) || v.length === 0 || !v.every(isLiteral))
        c.add(p, 'must be a non-empty list of literals');
    } else if (op === 'exists') {
      if (typeof v !== 'boolean') c.add(p, 'must be true or false');
    } else if (op === 'regex') {
      if (typeof v !== 'string') c.add(p, 'must be a string');
      else {
        try {
          new RegExp(v);
        } catch (e) {
          c.add(p, `invalid regular expression: ${(e as Error).message}`);
        }
      }
    } else if (typeof v !== 'number' || !Number.isFinite(v)) {
      c.add(p, 'must be a finite number');
    }
  }
  return c.problems.length === before ? (cond as AttributeCondition) : undefined;
}

function validateMatch(
  c: Collector,
  path: (string | number)[],
  m: unknown,
  extraKeys: readonly string[] = [],
): RuleMatch | undefined {
  if (!isRecord(m)) {
    c.add(path, 'must be an object with "event" (and optional "where")');
    return undefined;
  }
  const before = c.problems.length;
  for (const k of Object.keys(m)) {
    if (k !== 'event' && k !== 'where' && !extraKeys.includes(k)) c.add([...path, k], `unknown field "${k}"`);
  }
  const ev = m['event'];
  let events: string[] = [];
  if (typeof ev === 'string') events = [ev];
  else if (Array.isArray(ev) && ev.length > 0 && ev.every((e) => typeof e === 'string'))
    events = [...(ev as string[])];
  else
    c.add(
      [...path, 'event'],
      ev === undefined ? 'is required' : 'must be an event name or a non-empty list of them',
    );
  for (const name of events) {
    if (name.length === 0) c.add([...path, 'event'], 'event names must not be empty');
    // Alerts are never fed back into the rules (issue 3): a rule on secmon.alert could loop forever.
    if (name === ALERT_EVENT_NAME)
      c.add(
        [...path, 'event'],
        `"${ALERT_EVENT_NAME}" cannot be matched: alerts are never fed back into the rules`,
      );
  }
  const where: RuleCondition[] = [];
  const w = m['where'];
  if (w !== undefined) {
    if (!isRecord(w)) c.add([...path, 'where'], 'must be an object of attribute key -> condition');
    else {
      for (const key of Object.keys(w)) {
        const cond = validateCondition(c, [...path, 'where', key], w[key]);
        if (cond !== undefined) where.push(Object.freeze({ key, condition: cond }));
      }
    }
  }
  if (c.problems.length !== before) return undefined;
  return Object.freeze({ events: Object.freeze([...new Set(events)]), where: Object.freeze(where) });
}

function stringList(c: Collector, path: (string | number)[], v: unknown, what: string): string[] | undefined {
  if (typeof v === 'string' && v.length > 0) return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0)) return [...(v as string[])];
  c.add(path, `must be ${what} or a list of them`);
  return undefined;
}

/**
 * Validates one rule in either dialect and normalises it. Returns the rule, or the problems found (all of
 * them, not just the first, so a person fixes a file in one pass).
 */
export function validateRule(
  raw: unknown,
  dialect: RuleDialect,
  source?: { file?: string; line?: number },
): { rule?: Rule; problems: readonly FieldProblem[] } {
  const c = new Collector();
  if (!isRecord(raw)) {
    c.add([], 'a rule must be a mapping (object) of fields');
    return { problems: c.problems };
  }
  const groupByKey = dialect === 'yaml' ? 'group-by' : 'groupBy';
  const known = ruleKeys(dialect);
  for (const k of Object.keys(raw)) {
    if (!known.has(k)) {
      const hint =
        dialect === 'ts' && k === 'group-by'
          ? 'groupBy'
          : dialect === 'yaml' && k === 'groupBy'
            ? 'group-by'
            : SUGGESTIONS[k.toLowerCase()];
      c.add([k], `unknown field "${k}"${hint !== undefined ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }

  const id = raw['id'];
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    c.add(
      ['id'],
      id === undefined ? 'is required' : 'must match [a-z0-9][a-z0-9._-]* (at most 128 characters)',
    );
  }
  const title = raw['title'];
  if (typeof title !== 'string' || title.trim().length === 0)
    c.add(['title'], 'is required (a non-empty string)');
  const description = raw['description'];
  if (description !== undefined && typeof description !== 'string')
    c.add(['description'], 'must be a string');

  const type = raw['type'];
  if (typeof type !== 'string' || !RULE_TYPES.includes(type as RuleType)) {
    c.add(
      ['type'],
      type === undefined
        ? `is required (${RULE_TYPES.join(', ')})`
        : `must be one of ${RULE_TYPES.join(', ')}`,
    );
  }
  const ruleType = type as RuleType;

  const severity = raw['severity'];
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity as AlertSeverity)) {
    c.add(
      ['severity'],
      severity === undefined
        ? `is required (${SEVERITIES.join(', ')})`
        : `must be one of ${SEVERITIES.join(', ')}`,
    );
  }

  const windowMillis = parseDuration(raw['timespan']);
  if (windowMillis === undefined) {
    c.add(
      ['timespan'],
      raw['timespan'] === undefined
        ? 'is required (e.g. 5m)'
        : 'must be a duration such as 30s, 5m, 1h, 1d or a number of milliseconds',
    );
  }

  let suppressMillis = 0;
  if (raw['suppress'] !== undefined) {
    const s = parseDuration(raw['suppress']);
    if (s === undefined) c.add(['suppress'], 'must be a duration such as 10m, or a number of milliseconds');
    else suppressMillis = s;
  }

  let groupBy: string[] = [];
  if (raw[groupByKey] !== undefined) {
    groupBy = stringList(c, [groupByKey], raw[groupByKey], 'an attribute key') ?? [];
  }

  let threshold = 1;
  const cond = raw['condition'];
  if (cond !== undefined) {
    if (ruleType === 'temporal_ordered') {
      c.add(['condition'], 'is not used by temporal_ordered rules: give each step a "count"');
    } else if (!isRecord(cond)) {
      c.add(['condition'], 'must be an object such as { gte: 10 }');
    } else {
      const keys = Object.keys(cond);
      for (const k of keys) {
        if (k !== 'gte' && k !== 'gt') {
          c.add(
            ['condition', k],
            `unsupported operator "${k}": alerts fire when a count reaches a lower bound (gte or gt)`,
          );
        }
      }
      if (keys.includes('gte') && keys.includes('gt'))
        c.add(['condition'], 'give either gte or gt, not both');
      else if (keys.includes('gte')) {
        if (!isPositiveInt(cond['gte'])) c.add(['condition', 'gte'], 'must be an integer >= 1');
        else threshold = cond['gte'];
      } else if (keys.includes('gt')) {
        const gt = cond['gt'];
        if (typeof gt !== 'number' || !Number.isInteger(gt) || gt < 0)
          c.add(['condition', 'gt'], 'must be an integer >= 0');
        else threshold = gt + 1;
      } else if (keys.length === 0) c.add(['condition'], 'needs gte or gt');
    }
  }

  let match: RuleMatch | undefined;
  const steps: RuleStep[] = [];
  let fields: string[] = [];
  if (ruleType === 'temporal_ordered') {
    if (raw['match'] !== undefined)
      c.add(['match'], 'temporal_ordered rules list their steps under "events", not "match"');
    if (raw['field'] !== undefined) c.add(['field'], 'is only used by value_count rules');
    const evs = raw['events'];
    if (!Array.isArray(evs) || evs.length < 2) {
      c.add(
        ['events'],
        'temporal_ordered needs an ordered list of at least two steps ({ event, where?, count? })',
      );
    } else {
      evs.forEach((step: unknown, i) => {
        const m = validateMatch(c, ['events', i], step, ['count']);
        const count = isRecord(step) ? step['count'] : undefined;
        if (count !== undefined && !isPositiveInt(count))
          c.add(['events', i, 'count'], 'must be an integer >= 1');
        if (m !== undefined && (count === undefined || isPositiveInt(count))) {
          steps.push(Object.freeze({ ...m, count: count ?? 1 }));
        }
      });
      if (steps.length === evs.length) {
        threshold = steps.reduce((n, s) => n + s.count, 0);
        match = Object.freeze({
          events: Object.freeze([...new Set(steps.flatMap((s) => s.events))]),
          where: Object.freeze([]),
        });
      }
    }
  } else if (RULE_TYPES.includes(ruleType)) {
    if (raw['events'] !== undefined) c.add(['events'], 'is only used by temporal_ordered rules; use "match"');
    if (raw['match'] === undefined) c.add(['match'], 'is required ({ event, where? })');
    else match = validateMatch(c, ['match'], raw['match']);
    if (ruleType === 'value_count') {
      if (raw['field'] === undefined)
        c.add(['field'], 'is required for value_count (the attribute whose distinct values are counted)');
      else fields = [...new Set(stringList(c, ['field'], raw['field'], 'an attribute key') ?? [])];
    } else if (raw['field'] !== undefined) {
      c.add(['field'], 'is only used by value_count rules');
    }
  }

  let response: RuleResponse | undefined;
  const resp = raw['response'];
  if (resp !== undefined) {
    if (!isRecord(resp))
      c.add(['response'], 'must be an object such as { action: block_client, duration: 15m }');
    else {
      for (const k of Object.keys(resp))
        if (k !== 'action' && k !== 'duration') c.add(['response', k], `unknown field "${k}"`);
      const action = resp['action'];
      if (typeof action !== 'string' || !/^[a-z][a-z0-9_]*$/.test(action)) {
        c.add(
          ['response', 'action'],
          'must be a snake_case token such as block_client, lock_user, revoke_token, review',
        );
      }
      let durationMillis: number | undefined;
      if (resp['duration'] !== undefined) {
        durationMillis = parseDuration(resp['duration']);
        if (durationMillis === undefined) c.add(['response', 'duration'], 'must be a duration such as 15m');
      } else if (typeof action === 'string' && BLOCKING_ACTIONS.has(action)) {
        durationMillis = DEFAULT_BLOCK_MILLIS;
      }
      if (typeof action === 'string') {
        response = Object.freeze(durationMillis === undefined ? { action } : { action, durationMillis });
      }
      if (typeof action === 'string' && action === 'block_client' && !groupBy.includes('client.address')) {
        c.add(
          ['response', 'action'],
          'block_client needs "client.address" in group-by, so the alert names the client to block',
        );
      }
      if (
        typeof action === 'string' &&
        action === 'lock_user' &&
        !groupBy.includes('user.id') &&
        !groupBy.includes('user.hash')
      ) {
        c.add(
          ['response', 'action'],
          'lock_user needs "user.id" or "user.hash" in group-by, so the alert names the user to lock',
        );
      }
    }
  }

  for (const k of ['reference', 'category', 'version'] as const) {
    const v = raw[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0))
      c.add([k], 'must be a non-empty string');
  }
  const tags = raw['tags'];
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string')))
    c.add(['tags'], 'must be a list of strings');
  const enabled = raw['enabled'];
  if (enabled !== undefined && typeof enabled !== 'boolean') c.add(['enabled'], 'must be true or false');

  if (c.problems.length > 0 || match === undefined || windowMillis === undefined)
    return { problems: c.problems };

  const definition = toDefinition(raw, groupByKey);
  const rule: Rule = Object.freeze({
    id: id as string,
    title: (title as string).trim(),
    ...(typeof description === 'string' ? { description } : {}),
    type: ruleType,
    severity: severity as AlertSeverity,
    match,
    steps: Object.freeze(steps),
    groupBy: Object.freeze([...groupBy]),
    windowMillis,
    threshold,
    fields: Object.freeze(fields),
    suppressMillis,
    ...(typeof raw['reference'] === 'string' ? { reference: raw['reference'] } : {}),
    ...(response !== undefined ? { response } : {}),
    ...(typeof raw['category'] === 'string' ? { category: raw['category'] } : {}),
    ...(typeof raw['version'] === 'string' ? { version: raw['version'] } : {}),
    tags: Object.freeze(Array.isArray(tags) ? [...(tags as string[])] : []),
    enabled: enabled !== false,
    ...(source !== undefined ? { source: Object.freeze({ ...source }) } : {}),
    definition,
  });
  return { rule, problems: [] };
}

/** The definition in camelCase spelling, deep-copied and frozen. */
function toDefinition(raw: Record<string, unknown>, groupByKey: string): RuleDefinition {
  const copy = structuredClone(raw) as Record<string, unknown>;
  if (groupByKey !== 'groupBy' && copy[groupByKey] !== undefined) {
    copy['groupBy'] = copy[groupByKey];
    delete copy[groupByKey];
  }
  return deepFreeze(copy) as unknown as RuleDefinition;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
