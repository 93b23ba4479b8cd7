import { createHash } from 'node:crypto';
import type { Rule } from '@secmon/processor';

/** Which of the three scripts serves a rule. */
export const SCRIPT_EVENT_COUNT = 0;
export const SCRIPT_VALUE_COUNT = 1;
export const SCRIPT_TEMPORAL = 2;

/** Everything the flusher needs about one rule, computed once when an engine attaches. */
export interface ScriptRule {
  readonly id: string;
  readonly script: number;
  /** Short hash of the rule's semantics: two fleets (or two deploys) with different rule definitions never share state. */
  readonly fingerprint: string;
  /** `<prefix>{<id>:<fingerprint>:` — the start of every key of this rule. */
  readonly keyStart: string;
  /** The rule's header in a script call (kind, window, tolerance, threshold, cooldown, caps, TTLs, shape). */
  readonly header: readonly string[];
  /** Event name -> its index in `eventNames` (the token stored in Redis instead of the name). */
  readonly nameIndex: ReadonlyMap<string, number>;
  readonly eventNames: readonly string[];
  /** `value_count`: number of fields; 0 otherwise. */
  readonly fields: number;
  readonly fieldNames: readonly string[];
  /** ARGV per observation. */
  readonly stride: number;
}

/** Options that change what a script computes: they must be the engines' values. */
export interface ScriptOptions {
  readonly keyPrefix: string;
  readonly toleranceMillis: number;
  readonly maxEvidence: number;
  readonly maxDistinctValues: number;
  readonly maxEventsPerStep: number;
}

/**
 * Version of the state layout in Redis (2: event_count state in a binary layout instead of msgpack). Part of
 * the fingerprint, so a new layout uses new keys: during a rolling upgrade old and new instances do not read each
 * other's state (each version shares with its own kind; the old keys expire), and nothing is taken for foreign data.
 */
const STATE_LAYOUT = 2;

export function ruleFingerprint(rule: Rule): string {
  const shape = [
    STATE_LAYOUT,
    rule.type,
    rule.threshold,
    rule.windowMillis,
    rule.suppressMillis,
    rule.groupBy,
    rule.match.events,
    rule.fields,
    rule.steps.map((s) => [s.count, s.events]),
  ];
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 8);
}

export function compileRule(rule: Rule, o: ScriptOptions): ScriptRule {
  const script =
    rule.type === 'event_count'
      ? SCRIPT_EVENT_COUNT
      : rule.type === 'value_count'
        ? SCRIPT_VALUE_COUNT
        : SCRIPT_TEMPORAL;
  const fingerprint = ruleFingerprint(rule);
  const windowMicros = Math.round(rule.windowMillis * 1000);
  const tolMicros = Math.round(o.toleranceMillis * 1000);
  // Expiry: the window plus the out-of-order tolerance after the last write (an event up to `tolerance` late
  // must still find the events of its window); the cooldown lives as long as its own span plus the same.
  const stateTtl = Math.max(1, Math.ceil(rule.windowMillis + o.toleranceMillis));
  const cooldownTtl = Math.max(1, Math.ceil(rule.suppressMillis + rule.windowMillis + o.toleranceMillis));
  const fields = script === SCRIPT_VALUE_COUNT ? rule.fields.length : 0;
  const shape = script === SCRIPT_VALUE_COUNT ? fields : script === SCRIPT_TEMPORAL ? rule.steps.length : 0;
  const p1 =
    script === SCRIPT_VALUE_COUNT ? o.maxDistinctValues : script === SCRIPT_TEMPORAL ? o.maxEventsPerStep : 0;
  const header = [
    String(script),
    String(windowMicros),
    String(tolMicros),
    String(rule.threshold),
    String(Math.round(rule.suppressMillis * 1000)),
    String(o.maxEvidence),
    String(stateTtl),
    String(cooldownTtl),
    String(p1),
    String(shape),
  ];
  if (script === SCRIPT_TEMPORAL) for (const s of rule.steps) header.push(String(s.count));
  const eventNames = [...rule.match.events];
  const nameIndex = new Map<string, number>();
  eventNames.forEach((n, i) => nameIndex.set(n, i));
  return {
    id: rule.id,
    script,
    fingerprint,
    keyStart: `${o.keyPrefix}{${rule.id}:${fingerprint}:`,
    header,
    nameIndex,
    eventNames,
    fields,
    fieldNames: rule.fields,
    stride: script === SCRIPT_EVENT_COUNT ? 2 : script === SCRIPT_VALUE_COUNT ? 2 + fields : 3,
  };
}

/**
 * The group part of a key: the group key itself (prefixed `=`) while short, else `#` and a hash of it, so an
 * attacker-chosen value cannot make keys arbitrarily long. Either way, the state and cooldown keys of one group
 * share the hash tag `{rule:fingerprint:group}` and so one cluster slot.
 */
export function groupKeyPart(groupKey: string): string {
  if (groupKey.length <= 128) return `=${groupKey}`;
  return `#${createHash('sha256').update(groupKey).digest('base64url')}`;
}
