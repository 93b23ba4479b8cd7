import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Rule } from '@secmon/processor';
import { DEFAULT_RULES, formatRuleError, parseRules } from '@secmon/processor';

/** Rules ready for the engine, or the exact reasons they are not. */
export interface LoadedRules {
  rules: readonly Rule[];
  /** Where they came from, for reports: the paths as given, or `default rule pack`. */
  sources: string[];
  /** `file:line:column rule "id" field "x": message`, one per problem. Empty when usable. */
  errors: string[];
}

/** What `loadRuleFile` found in one file. */
export interface RuleFileResult {
  rules: readonly Rule[];
  errors: string[];
  /** Set when the file could not be read at all. */
  readError?: string;
}

/** Name of the built-in pack in reports. */
export const DEFAULT_PACK_NAME = 'default rule pack';

/** The rule "file" name that stands for the built-in pack, to run it next to your own rules. */
export const DEFAULT_PACK_ALIAS = 'default';

/** Reads and parses one rule file; never throws. */
export async function loadRuleFile(path: string, cwd: string): Promise<RuleFileResult> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { rules: [], errors: [], readError: code === 'ENOENT' ? 'no such file' : (err as Error).message };
  }
  const result = parseRules(text, { source: path });
  return { rules: result.rules, errors: result.errors.map(formatRuleError) };
}

/**
 * Loads the rule files (all problems at once, so a user fixes them in one go), or the default pack when none
 * is given; the name `default` among the files stands for the default pack. A rule id defined twice is an error: alerts would be ambiguous. The CLI refuses to run on any
 * error (STYLE.md rule 10: a rule silently ignored gives false assurance).
 */
export async function loadRules(paths: readonly string[], cwd: string): Promise<LoadedRules> {
  if (paths.length === 0) return { rules: DEFAULT_RULES, sources: [DEFAULT_PACK_NAME], errors: [] };
  const rules: Rule[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  const sources: string[] = [];
  for (const path of paths) {
    sources.push(path === DEFAULT_PACK_ALIAS ? DEFAULT_PACK_NAME : relative(cwd, resolve(cwd, path)) || path);
    const result: RuleFileResult =
      path === DEFAULT_PACK_ALIAS ? { rules: DEFAULT_RULES, errors: [] } : await loadRuleFile(path, cwd);
    if (result.readError !== undefined) {
      errors.push(`${path}: cannot read rule file: ${result.readError}`);
      continue;
    }
    errors.push(...result.errors);
    for (const rule of result.rules) {
      const file = path === DEFAULT_PACK_ALIAS ? DEFAULT_PACK_NAME : path;
      const where = rule.source?.line !== undefined ? `${file}:${rule.source.line}` : file;
      const previous = seen.get(rule.id);
      if (previous !== undefined) {
        errors.push(`${where} rule "${rule.id}": duplicate rule id (first defined at ${previous})`);
        continue;
      }
      seen.set(rule.id, where);
      rules.push(rule);
    }
  }
  return { rules, sources, errors };
}
