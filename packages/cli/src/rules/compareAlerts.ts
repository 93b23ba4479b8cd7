import type { AlertRecord } from '../analyze/AlertRecord.js';
import { groupLabel } from '../analyze/AlertRecord.js';
import type { ExpectedAlert } from './RuleTestFile.js';

/** One line of a case's diff: `=` matched, `-` expected but missing, `+` fired but not expected. */
export interface DiffLine {
  kind: '=' | '-' | '+';
  text: string;
}

/** The outcome of one case. */
export interface CaseResult {
  passed: boolean;
  diff: DiffLine[];
}

function fmtOffset(unixNano: number, startUnixNano: number): string {
  const ms = Math.round((unixNano - startUnixNano) / 1e6);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function fmtMillis(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An actual alert as a diff line, with the fields the expectation asks about (all of them when unpaired). */
export function describeActual(a: AlertRecord, startUnixNano: number, like?: ExpectedAlert): string {
  const parts = [a.ruleId, `{${groupLabel(a.group)}}`];
  if (like === undefined || like.count !== undefined) parts.push(`count=${a.count}`);
  if (like === undefined || like.severity !== undefined) parts.push(`severity=${a.severity}`);
  if (like === undefined || like.firstMillis !== undefined)
    parts.push(`first=${fmtOffset(a.firstTimeUnixNano, startUnixNano)}`);
  if (like === undefined || like.lastMillis !== undefined)
    parts.push(`last=${fmtOffset(a.lastTimeUnixNano, startUnixNano)}`);
  if (like !== undefined && like.evidenceCount !== undefined) parts.push(`evidence-count=${a.evidenceCount}`);
  return parts.join(' ');
}

export function describeExpected(x: ExpectedAlert): string {
  const parts = [x.rule, x.group === undefined ? '{any group}' : `{${groupLabel(x.group)}}`];
  if (x.count !== undefined) parts.push(`count=${x.count}`);
  if (x.severity !== undefined) parts.push(`severity=${x.severity}`);
  if (x.firstMillis !== undefined) parts.push(`first=${fmtMillis(x.firstMillis)}`);
  if (x.lastMillis !== undefined) parts.push(`last=${fmtMillis(x.lastMillis)}`);
  if (x.evidenceCount !== undefined) parts.push(`evidence-count=${x.evidenceCount}`);
  return parts.join(' ');
}

function sameGroup(expected: Record<string, string> | undefined, actual: Record<string, string>): boolean {
  if (expected === undefined) return true;
  const ek = Object.keys(expected);
  if (ek.length !== Object.keys(actual).length) return false;
  return ek.every((k) => actual[k] === expected[k]);
}

function matches(x: ExpectedAlert, a: AlertRecord, startUnixNano: number): boolean {
  if (x.rule !== a.ruleId || !sameGroup(x.group, a.group)) return false;
  if (x.count !== undefined && x.count !== a.count) return false;
  if (x.severity !== undefined && x.severity !== a.severity) return false;
  if (x.evidenceCount !== undefined && x.evidenceCount !== a.evidenceCount) return false;
  // Event times are compared at millisecond resolution: the offsets are written in ms at the finest.
  if (
    x.firstMillis !== undefined &&
    Math.round((a.firstTimeUnixNano - startUnixNano) / 1e6) !== x.firstMillis
  )
    return false;
  if (x.lastMillis !== undefined && Math.round((a.lastTimeUnixNano - startUnixNano) / 1e6) !== x.lastMillis)
    return false;
  return true;
}

/**
 * Compares the alerts a case fired with the ones it expects, as a multiset: each expectation consumes one
 * matching alert. Unmatched expectations are `-` lines, each followed by the `+` line of an alert of the same
 * rule and group that differs only in the compared fields (the near miss), then the remaining unexpected
 * alerts as `+` lines. With `checkRules`, alerts of other rules are ignored.
 */
export function compareAlerts(
  expected: readonly ExpectedAlert[],
  actualAll: readonly AlertRecord[],
  startUnixNano: number,
  checkRules?: readonly string[],
): CaseResult {
  const actual =
    checkRules === undefined ? [...actualAll] : actualAll.filter((a) => checkRules.includes(a.ruleId));
  const used = new Array<boolean>(actual.length).fill(false);
  const diff: DiffLine[] = [];
  const missing: ExpectedAlert[] = [];
  for (const x of expected) {
    const i = actual.findIndex((a, k) => !used[k] && matches(x, a, startUnixNano));
    if (i === -1) missing.push(x);
    else {
      used[i] = true;
      diff.push({ kind: '=', text: describeActual(actual[i]!, startUnixNano, x) });
    }
  }
  for (const x of missing) {
    diff.push({ kind: '-', text: describeExpected(x) });
    const near = actual.findIndex((a, k) => !used[k] && a.ruleId === x.rule && sameGroup(x.group, a.group));
    if (near !== -1) {
      used[near] = true;
      diff.push({ kind: '+', text: describeActual(actual[near]!, startUnixNano, x) });
    }
  }
  actual.forEach((a, k) => {
    if (!used[k]) diff.push({ kind: '+', text: describeActual(a, startUnixNano) });
  });
  return { passed: diff.every((d) => d.kind === '='), diff };
}
