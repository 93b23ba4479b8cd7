import { dirname, resolve } from 'node:path';
import type { Attributes, LogEvent } from '../input/LogEvent.js';
import { YamlSource } from '../internal/YamlSource.js';
import { parseDurationMillis } from '../internal/units.js';

/** An alert a test case expects. Unset fields are not compared. */
export interface ExpectedAlert {
  rule: string;
  group?: Record<string, string>;
  count?: number;
  severity?: string;
  /** Offsets from the test's start, in milliseconds. */
  firstMillis?: number;
  lastMillis?: number;
  evidenceCount?: number;
  /** `file:line` of this expectation, for messages. */
  where: string;
}

/** One case: events in, alerts out. */
export interface RuleTestCase {
  name: string;
  where: string;
  /** Events sorted by time (stable). */
  events: LogEvent[];
  expect: ExpectedAlert[];
  /** When set, only alerts of these rules are compared. */
  checkRules?: string[];
}

/** A parsed test file. */
export interface RuleTestFile {
  file: string;
  /** Rule files named by the test file (absolute); empty = the default pack. */
  ruleFiles: string[];
  startUnixNano: number;
  cases: RuleTestCase[];
}

/** Start of the time axis when a file gives none. */
export const DEFAULT_TEST_START = '2025-01-01T00:00:00Z';

const FILE_KEYS = ['rule-files', 'start', 'tests'];
const CASE_KEYS = ['name', 'events', 'expect', 'check-rules', 'resource'];
const EVENT_KEYS = ['at', 'event', 'attributes', 'resource', 'repeat', 'every', 'trace-id', 'span-id', 'uid'];
const EXPECT_KEYS = ['rule', 'group', 'count', 'severity', 'first', 'last', 'evidence-count'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Parses a rule test file (YAML). Returns the file or the list of problems, each as `file:line: message`.
 *
 * ```yaml
 * rule-files: [../rules/shop.yaml]     # optional; default: the built-in pack
 * start: 2025-03-14T09:00:00Z          # optional
 * tests:
 *   - name: five failures from one address
 *     events:
 *       - { at: 0s, event: secmon.authn.login_fail, attributes: { client.address: 203.0.113.7 }, repeat: 5, every: 10s }
 *       # `{i}` in a value is the repetition number: 50 accounts from 50 addresses
 *       - { at: 1m, event: secmon.authn.login_fail, attributes: { client.address: '198.51.100.{i}', user.hash: 'h-{i}' }, repeat: 50, every: 2s }
 *     expect:
 *       - { rule: authn.brute_force, group: { client.address: 203.0.113.7 }, count: 5, last: 40s }
 * ```
 */
export function parseRuleTestFile(text: string, file: string): { test?: RuleTestFile; errors: string[] } {
  const src = new YamlSource(text, file);
  if (src.errors.length > 0) return { errors: src.errors };
  const errors: string[] = [];
  const root = src.value;
  if (!isObj(root)) return { errors: [`${file}: must be a mapping with "tests"`] };
  unknownKeys(root, FILE_KEYS, [], src, errors);

  const ruleFiles: string[] = [];
  const rf = root['rule-files'];
  if (rf !== undefined) {
    if (!Array.isArray(rf) || rf.some((x) => typeof x !== 'string'))
      errors.push(`${src.where(['rule-files'])}: rule-files must be a list of paths`);
    else for (const f of rf as string[]) ruleFiles.push(f === 'default' ? f : resolve(dirname(file), f));
  }

  const startText = root['start'] ?? DEFAULT_TEST_START;
  const startMillis = startText instanceof Date ? startText.getTime() : Date.parse(String(startText));
  if (!Number.isFinite(startMillis))
    errors.push(`${src.where(['start'])}: start must be an ISO 8601 time, got ${JSON.stringify(startText)}`);
  const startUnixNano = startMillis * 1e6;

  const tests = root['tests'];
  const cases: RuleTestCase[] = [];
  if (!Array.isArray(tests) || tests.length === 0) {
    errors.push(`${src.where(['tests'])}: tests must be a non-empty list of cases`);
  } else {
    tests.forEach((t, i) => {
      const path = ['tests', i];
      const c = parseCase(t, path, src, startUnixNano, errors);
      if (c !== undefined) cases.push(c);
    });
  }
  if (errors.length > 0) return { errors };
  return { test: { file, ruleFiles, startUnixNano, cases }, errors };
}

function parseCase(
  t: unknown,
  path: Array<string | number>,
  src: YamlSource,
  startUnixNano: number,
  errors: string[],
): RuleTestCase | undefined {
  const before = errors.length;
  if (!isObj(t)) {
    errors.push(`${src.where(path)}: a test case must be a mapping with name, events, expect`);
    return undefined;
  }
  unknownKeys(t, CASE_KEYS, path, src, errors);
  const name = t['name'];
  if (typeof name !== 'string' || name === '') errors.push(`${src.where(path)}: name is required`);
  const caseResource = t['resource'];
  if (caseResource !== undefined && !isFlat(caseResource)) {
    errors.push(`${src.where([...path, 'resource'])}: resource must be a flat mapping of key: value`);
  }

  const events: Array<{ event: LogEvent; order: number }> = [];
  const rawEvents = t['events'];
  if (!Array.isArray(rawEvents)) errors.push(`${src.where(path)}: events must be a list (may be empty: [])`);
  else {
    rawEvents.forEach((e, j) => {
      const ep = [...path, 'events', j];
      if (!isObj(e)) {
        errors.push(`${src.where(ep)}: an event must be a mapping with at, event, attributes`);
        return;
      }
      unknownKeys(e, EVENT_KEYS, ep, src, errors);
      const at = parseDurationMillis(e['at'] ?? 0);
      if (at === undefined)
        errors.push(
          `${src.where([...ep, 'at'])}: at must be a duration such as 30s or 1m30s, got ${JSON.stringify(e['at'])}`,
        );
      const eventName = e['event'];
      if (typeof eventName !== 'string' || eventName === '')
        errors.push(`${src.where(ep)}: event (the event name) is required`);
      const attributes = e['attributes'] ?? {};
      if (!isFlat(attributes))
        errors.push(`${src.where([...ep, 'attributes'])}: attributes must be a flat mapping of key: value`);
      const resource = e['resource'] ?? caseResource;
      if (resource !== undefined && !isFlat(resource))
        errors.push(`${src.where([...ep, 'resource'])}: resource must be a flat mapping`);
      const repeat = e['repeat'] ?? 1;
      if (!Number.isInteger(repeat) || (repeat as number) < 1 || (repeat as number) > 100_000) {
        errors.push(`${src.where([...ep, 'repeat'])}: repeat must be an integer from 1 to 100000`);
      }
      const every = parseDurationMillis(e['every'] ?? 0);
      if (every === undefined) errors.push(`${src.where([...ep, 'every'])}: every must be a duration`);
      for (const key of ['trace-id', 'span-id', 'uid']) {
        if (e[key] !== undefined && typeof e[key] !== 'string')
          errors.push(`${src.where([...ep, key])}: ${key} must be a string`);
      }
      if (errors.length > before) return;
      for (let k = 0; k < (repeat as number); k++) {
        const event: LogEvent = {
          eventName: eventName as string,
          timeUnixNano: startUnixNano + (at! + k * every!) * 1e6,
          attributes: withIndex(attributes as Attributes, k + 1),
        };
        if (resource !== undefined) event.resource = resource as Attributes;
        if (typeof e['trace-id'] === 'string') event.traceId = e['trace-id'];
        if (typeof e['span-id'] === 'string') event.spanId = e['span-id'];
        if (typeof e['uid'] === 'string')
          event.recordUid = (repeat as number) > 1 ? `${e['uid']}-${k + 1}` : e['uid'];
        events.push({ event, order: events.length });
      }
    });
  }

  const expect: ExpectedAlert[] = [];
  const rawExpect = t['expect'];
  if (!Array.isArray(rawExpect))
    errors.push(`${src.where(path)}: expect must be a list of alerts ([] for none)`);
  else {
    rawExpect.forEach((x, j) => {
      const xp = [...path, 'expect', j];
      if (!isObj(x)) {
        errors.push(
          `${src.where(xp)}: an expected alert must be a mapping with rule (and group, count, ...)`,
        );
        return;
      }
      unknownKeys(x, EXPECT_KEYS, xp, src, errors);
      const rule = x['rule'];
      if (typeof rule !== 'string' || rule === '') {
        errors.push(`${src.where(xp)}: rule (the rule id) is required`);
        return;
      }
      const exp: ExpectedAlert = { rule, where: src.where(xp) };
      if (x['group'] !== undefined) {
        if (!isFlat(x['group']))
          errors.push(`${src.where([...xp, 'group'])}: group must be a flat mapping of key: value`);
        else
          exp.group = Object.fromEntries(Object.entries(x['group'] as Obj).map(([k, v]) => [k, String(v)]));
      }
      for (const [key, field] of [
        ['count', 'count'],
        ['evidence-count', 'evidenceCount'],
      ] as const) {
        const v = x[key];
        if (v === undefined) continue;
        if (!Number.isInteger(v) || (v as number) < 0)
          errors.push(`${src.where([...xp, key])}: ${key} must be a non-negative integer`);
        else exp[field] = v as number;
      }
      if (x['severity'] !== undefined) exp.severity = String(x['severity']);
      for (const [key, field] of [
        ['first', 'firstMillis'],
        ['last', 'lastMillis'],
      ] as const) {
        if (x[key] === undefined) continue;
        const ms = parseDurationMillis(x[key]);
        if (ms === undefined)
          errors.push(`${src.where([...xp, key])}: ${key} must be a duration from the start, e.g. 40s`);
        else exp[field] = ms;
      }
      expect.push(exp);
    });
  }

  let checkRules: string[] | undefined;
  const cr = t['check-rules'];
  if (cr !== undefined) {
    if (!Array.isArray(cr) || cr.some((r) => typeof r !== 'string'))
      errors.push(`${src.where([...path, 'check-rules'])}: check-rules must be a list of rule ids`);
    else checkRules = cr as string[];
  }

  if (errors.length > before) return undefined;
  events.sort(
    (a, b) => (a.event.timeUnixNano as number) - (b.event.timeUnixNano as number) || a.order - b.order,
  );
  const c: RuleTestCase = {
    name: name as string,
    where: src.where(path),
    events: events.map((e) => e.event),
    expect,
  };
  if (checkRules !== undefined) c.checkRules = checkRules;
  return c;
}

/**
 * A copy of the attributes with `{i}` in string values replaced by the repetition number (1-based), so one
 * `repeat` line can stand for 50 distinct accounts or addresses: `user.hash: s-{i}`, `client.address: 192.0.2.{i}`.
 */
function withIndex(attributes: Attributes, i: number): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes))
    out[k] = typeof v === 'string' ? v.replaceAll('{i}', String(i)) : v;
  return out;
}

function isFlat(v: unknown): boolean {
  if (!isObj(v)) return false;
  for (const x of Object.values(v)) {
    if (isPrimitive(x)) continue;
    if (Array.isArray(x) && x.every(isPrimitive)) continue;
    return false;
  }
  return true;
}

function unknownKeys(
  obj: Obj,
  known: readonly string[],
  path: Array<string | number>,
  src: YamlSource,
  errors: string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key))
      errors.push(`${src.where([...path, key])}: unknown key "${key}" (expected ${known.join(', ')})`);
  }
}
