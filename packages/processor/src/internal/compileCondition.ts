import type { AttributeCondition, ConditionLiteral } from '../rules/RuleDefinition.js';
import type { PrimitiveAttributeValue } from '../types.js';

/** A compiled test on one attribute value (undefined when the attribute is absent). */
export type ValueTest = (value: unknown) => boolean;

function key(v: PrimitiveAttributeValue): string {
  // Conditions compare canonical strings so that `404` matches both the number 404 and the string "404"
  // (OTLP/JSON encodes 64-bit integers as strings, so replayed events carry "404").
  return typeof v === 'string' ? v : String(v);
}

function toNumber(v: PrimitiveAttributeValue): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
}

type ElementTest = (v: PrimitiveAttributeValue) => boolean;

/**
 * Compiles a condition once, at engine construction (STYLE.md rule 7: nothing on the per-event path that can
 * be done at configuration time). Arrays satisfy a positive condition when any element does.
 */
export function compileCondition(cond: AttributeCondition): ValueTest {
  if (typeof cond !== 'object') {
    const lit = key(cond);
    return anyElement((v) => key(v) === lit);
  }
  if (Array.isArray(cond)) {
    const set = new Set((cond as readonly ConditionLiteral[]).map(key));
    return anyElement((v) => set.has(key(v)));
  }
  const c = cond as Exclude<AttributeCondition, ConditionLiteral | readonly ConditionLiteral[]>;
  const positives: ElementTest[] = [];
  if (c.equals !== undefined) {
    const lit = key(c.equals);
    positives.push((v) => key(v) === lit);
  }
  if (c.in !== undefined) {
    const set = new Set(c.in.map(key));
    positives.push((v) => set.has(key(v)));
  }
  if (c.gt !== undefined) {
    const n = c.gt;
    positives.push((v) => toNumber(v) > n);
  }
  if (c.gte !== undefined) {
    const n = c.gte;
    positives.push((v) => toNumber(v) >= n);
  }
  if (c.lt !== undefined) {
    const n = c.lt;
    positives.push((v) => toNumber(v) < n);
  }
  if (c.lte !== undefined) {
    const n = c.lte;
    positives.push((v) => toNumber(v) <= n);
  }
  if (c.regex !== undefined) {
    const re = new RegExp(c.regex);
    positives.push((v) => re.test(key(v)));
  }
  const forbidden = new Set<string>();
  if (c.not_equals !== undefined) forbidden.add(key(c.not_equals));
  if (c.not_in !== undefined) for (const x of c.not_in) forbidden.add(key(x));
  const exists = c.exists;

  const all: ElementTest | undefined =
    positives.length === 0
      ? undefined
      : positives.length === 1
        ? positives[0]
        : (v) => {
            for (let i = 0; i < positives.length; i++) if (!(positives[i] as ElementTest)(v)) return false;
            return true;
          };
  const positive = all === undefined ? undefined : anyElement(all);
  const negative = forbidden.size === 0 ? undefined : anyElement((v) => forbidden.has(key(v)));

  return (value) => {
    const present = value !== undefined && value !== null;
    if (exists !== undefined && present !== exists) return false;
    if (negative !== undefined && present && negative(value)) return false;
    if (positive !== undefined && !positive(value)) return false;
    return true;
  };
}

function anyElement(test: ElementTest): ValueTest {
  return (value) => {
    if (value === undefined || value === null) return false;
    const t = typeof value;
    if (t === 'string' || t === 'number' || t === 'boolean') return test(value as PrimitiveAttributeValue);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const e: unknown = value[i];
        if (
          e !== undefined &&
          e !== null &&
          test(typeof e === 'object' ? String(e) : (e as PrimitiveAttributeValue))
        )
          return true;
      }
      return false;
    }
    // Maps, bytes, bigints: compared by their string form.
    return test(String(value));
  };
}
