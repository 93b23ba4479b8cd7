import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type YAMLMap } from 'yaml';
import { validateRule } from '../internal/validateRule.js';
import { formatPath } from './defineRule.js';
import type { Rule } from './Rule.js';
import type { RuleError } from './RuleError.js';

/** Options of {@link parseRules}. */
export interface ParseRulesOptions {
  /** Name of the input (a file path), copied into every error and into `rule.source.file`. */
  readonly source?: string;
}

/** Result of {@link parseRules}: the valid rules and every error found. */
export interface ParseRulesResult {
  readonly rules: readonly Rule[];
  readonly errors: readonly RuleError[];
}

/**
 * Parses a YAML rule file. Pure: no I/O, never throws. A file holds either `rules: [ ... ]`, a top-level
 * list of rules, or one rule per YAML document (`---` separated, as Sigma does); several documents may be
 * mixed. Every error names the source, line, column, rule id and field. Invalid rules are left out of
 * `rules`; valid ones are returned even when others fail (the processor drops only the invalid rule; the
 * CLI refuses to start when `errors` is not empty).
 */
export function parseRules(yamlText: string, options: ParseRulesOptions = {}): ParseRulesResult {
  const source = options.source;
  const lineCounter = new LineCounter();
  const rules: Rule[] = [];
  const errors: RuleError[] = [];
  const seen = new Map<string, number>();
  const at = (offset: number | undefined): { line?: number; column?: number } => {
    if (offset === undefined) return {};
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const push = (e: Omit<RuleError, 'source'>): void => {
    errors.push(Object.freeze(source === undefined ? { ...e } : { source, ...e }));
  };

  let docs;
  try {
    docs = parseAllDocuments(yamlText, { lineCounter, uniqueKeys: true });
  } catch (e) {
    push({ message: `cannot parse YAML: ${(e as Error).message}` });
    return { rules, errors };
  }
  // parseAllDocuments returns an EmptyStream (not an array) for an empty input.
  const docList = Array.isArray(docs) ? docs : [];

  let ruleIndex = 0;
  for (const doc of docList) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors)
        push({ ...at(err.pos[0]), message: `YAML: ${err.message.split('\n')[0]}` });
      continue;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue;
    let items: unknown[];
    if (isSeq(root)) items = root.items;
    else if (isMap(root) && root.has('rules')) {
      for (const pair of root.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key !== 'rules')
          push({
            ...at(rangeOf(pair.key)),
            field: key,
            message: `unknown top-level field "${key}" (expected "rules")`,
          });
      }
      const list = root.get('rules', true);
      if (!isSeq(list)) {
        push({
          ...at(rangeOf(list) ?? rangeOf(root)),
          field: 'rules',
          message: '"rules" must be a list of rules',
        });
        continue;
      }
      items = list.items;
    } else if (isMap(root)) items = [root];
    else {
      push({
        ...at(rangeOf(root)),
        message: 'a rule file holds "rules: [...]", a list of rules, or one rule per document',
      });
      continue;
    }

    for (const item of items) {
      const index = ruleIndex++;
      const node = item as Node;
      const line = at(rangeOf(node)).line;
      const raw: unknown =
        node !== null && typeof node === 'object' && 'toJSON' in node ? (node as YAMLMap).toJSON() : node;
      const id = isMap(node) ? stringValue(node.get('id')) : undefined;
      const { rule, problems } = validateRule(
        raw,
        'yaml',
        line === undefined
          ? { ...(source !== undefined ? { file: source } : {}) }
          : { ...(source !== undefined ? { file: source } : {}), line },
      );
      for (const p of problems) {
        push({
          ...at(locate(node, p.path, p.atKey === true)),
          ...(id !== undefined ? { ruleId: id } : {}),
          ruleIndex: index,
          ...(p.path.length > 0 ? { field: formatPath(p.path) } : {}),
          message: p.message,
        });
      }
      if (rule === undefined) continue;
      const prev = seen.get(rule.id);
      if (prev !== undefined) {
        push({
          ...at(locate(node, ['id'])),
          ruleId: rule.id,
          ruleIndex: index,
          field: 'id',
          message: `duplicate rule id (also rule #${prev + 1})`,
        });
        continue;
      }
      seen.set(rule.id, index);
      rules.push(rule);
    }
  }
  return { rules, errors };
}

function stringValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function rangeOf(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] } | null | undefined)?.range;
  return range?.[0];
}

/** Offset of the deepest existing node on `path` (the rule itself when the field is missing). */
function locate(node: Node, path: readonly (string | number)[], atKey = false): number | undefined {
  let current: unknown = node;
  let best = rangeOf(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (pair === undefined) break;
      // An unknown or misspelt key is best reported at the key itself.
      const last = i === path.length - 1;
      best = (last && atKey ? rangeOf(pair.key) : rangeOf(pair.value)) ?? rangeOf(pair.key) ?? best;
      current = pair.value;
    } else if (isSeq(current) && typeof seg === 'number') {
      const child = current.items[seg];
      if (child === undefined) break;
      best = rangeOf(child) ?? best;
      current = child;
    } else break;
  }
  return best;
}
