/**
 * One problem found in a rule definition. `parseRules` never throws: it returns these, each naming the
 * file (source), line, rule and field, so tools can print `rules.yaml:12:7 rule "brute-force" field
 * "condition.gte": must be an integer >= 1`.
 */
export interface RuleError {
  /** The `source` given to `parseRules` (usually the file path). */
  readonly source?: string;
  /** 1-based line of the offending node (or of the rule when the field is missing). */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** The rule's `id` when it has one. */
  readonly ruleId?: string;
  /** 0-based position of the rule in the file. */
  readonly ruleIndex?: number;
  /** Dotted path of the field, as written (e.g. `condition.gte`, `events[1].where.error.type`). */
  readonly field?: string;
  readonly message: string;
}

/** Formats a {@link RuleError} on one line: `file:line:col rule "id" field "x": message`. */
export function formatRuleError(error: RuleError): string {
  let where = error.source ?? '<rules>';
  if (error.line !== undefined) where += `:${error.line}`;
  if (error.column !== undefined) where += `:${error.column}`;
  let subject = '';
  if (error.ruleId !== undefined) subject += ` rule "${error.ruleId}"`;
  else if (error.ruleIndex !== undefined) subject += ` rule #${error.ruleIndex + 1}`;
  if (error.field !== undefined) subject += ` field "${error.field}"`;
  return `${where}${subject}: ${error.message}`;
}
