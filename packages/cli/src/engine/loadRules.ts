import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
 * is given. A rule id defined twice is an error: alerts would be ambiguous. The CLI refuses to run on any
 * error (STYLE.md rule 10: a rule silently ignored gives false assurance).
 */
export async function loadRules(paths: readonly string[], cwd: string): Promise<LoadedRules> {
  if (paths.length === 0) return { rules: DEFAULT_RULES, sources: [DEFAULT_PACK_NAME], errors: [] };
  const rules: Rule[] = [];
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    const result = await loadRuleFile(path, cwd);
    if (result.readError !== undefined) {
      errors.push(`${path}: cannot read rule file: ${result.readError}`);
      continue;
    }
    errors.push(...result.errors);
    for (const rule of result.rules) {
      const where = rule.source?.line !== undefined ? `${path}:${rule.source.line}` : path;
      const previous = seen.get(rule.id);
      if (previous !== undefined) {
        errors.push(`${where} rule "${rule.id}": duplicate rule id (first defined at ${previous})`);
        continue;
      }
      seen.set(rule.id, where);
      rules.push(rule);
    }
  }
  return { rules, sources: [...paths], errors };
}
