/**
 * A brute-force oracle for the rule engine: it keeps every event since the last reset (no pruning, no caps,
 * no sorted state, no fast paths) and, at each arrival, recounts every candidate window from scratch. The
 * semantics are the README's: closed windows of length W on event time, detection at the arrival that makes
 * a window reach the threshold, then reset; events more than `tol` behind the newest event of the group since
 * the last reset are late and dropped; a cooldown withholds detections whose last event is before
 * `last alert + suppress`, counting them.
 */

export interface OEvent {
  readonly group: string;
  /** Event time, µs. */
  readonly t: number;
  readonly name: string;
  /** value_count: one value per field. */
  readonly values?: readonly string[];
  /** temporal_ordered: the step. */
  readonly step?: number;
}

export interface ORule {
  readonly type: 'event_count' | 'value_count' | 'temporal_ordered';
  readonly N: number;
  readonly W: number;
  readonly tol: number;
  readonly suppress: number;
  readonly fields?: number;
  readonly stepCounts?: readonly number[];
}

export interface OAlert {
  readonly arrival: number;
  readonly group: string;
  readonly count: number;
  readonly first?: number;
  readonly last?: number;
  readonly suppressedCount: number;
  readonly distinct?: readonly (readonly string[])[];
}

interface GroupState {
  events: OEvent[];
  supUntil: number;
  supCount: number;
  hasSup: boolean;
}

export function oracle(rule: ORule, stream: readonly OEvent[]): OAlert[] {
  const groups = new Map<string, GroupState>();
  const out: OAlert[] = [];
  stream.forEach((e, arrival) => {
    let g = groups.get(e.group);
    if (g === undefined) groups.set(e.group, (g = { events: [], supUntil: 0, supCount: 0, hasSup: false }));
    const max = g.events.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...g.events.map((x) => x.t));
    if (e.t < max - rule.tol) return; // late
    g.events.push(e);
    const d =
      rule.type === 'event_count'
        ? detectCount(rule, g.events)
        : rule.type === 'value_count'
          ? detectValues(rule, g.events, e.t)
          : detectTemporal(rule, g.events);
    if (d === undefined) return;
    g.events = [];
    if (rule.suppress > 0 && g.hasSup && (d.last as number) < g.supUntil) {
      g.supCount++;
      return;
    }
    const suppressedCount = g.supCount;
    if (rule.suppress > 0) {
      g.hasSup = true;
      g.supCount = 0;
      g.supUntil = (d.last as number) + rule.suppress;
    }
    out.push({ arrival, group: e.group, ...d, suppressedCount });
  });
  return out;
}

type ODetection = Omit<OAlert, 'arrival' | 'group' | 'suppressedCount'>;

function detectCount(rule: ORule, events: readonly OEvent[]): ODetection | undefined {
  const sorted = [...events].sort((a, b) => a.t - b.t); // stable
  for (let i = 0; i + rule.N - 1 < sorted.length; i++) {
    if (sorted[i + rule.N - 1]!.t - sorted[i]!.t <= rule.W) {
      return { count: rule.N, first: sorted[i]!.t, last: sorted[i + rule.N - 1]!.t };
    }
  }
  return undefined;
}

function detectValues(rule: ORule, events: readonly OEvent[], t: number): ODetection | undefined {
  const F = rule.fields ?? 1;
  // Every window start that could matter: event times and event times - W, within [t - W, t].
  const starts = new Set<number>();
  for (const x of events) {
    for (const s of [x.t, x.t - rule.W]) if (s >= t - rule.W && s <= t) starts.add(s);
  }
  let best: number | undefined;
  for (const s of starts) {
    const inWin = events.filter((x) => x.t >= s && x.t <= s + rule.W);
    let ok = true;
    for (let f = 0; f < F; f++) if (new Set(inWin.map((x) => x.values![f])).size < rule.N) ok = false;
    if (ok && (best === undefined || s < best)) best = s;
  }
  if (best === undefined) return undefined;
  const inWin = events.filter((x) => x.t >= best && x.t <= best + rule.W);
  const distinct: string[][] = [];
  for (let f = 0; f < F; f++) distinct.push([...new Set(inWin.map((x) => x.values![f]!))].sort());
  // The window end is the newest event of the window: the engine reports it as lastSeen.
  return { count: distinct[0]!.length, last: best + rule.W, distinct };
}

function detectTemporal(rule: ORule, events: readonly OEvent[]): ODetection | undefined {
  const counts = rule.stepCounts!;
  const bySteps = counts.map((_, k) => events.filter((x) => x.step === k).map((x) => x.t));
  let bestFirst = Number.POSITIVE_INFINITY;
  let bestLast = Number.POSITIVE_INFINITY;
  // Exhaustive search over every choice of counts[k] events per step, steps in time order.
  const rec = (k: number, lowerBound: number, min: number): void => {
    if (k === counts.length) return;
    const cands = bySteps[k]!.filter((x) => x >= lowerBound);
    for (const combo of combinations(cands, counts[k]!)) {
      const lo = Math.min(...combo);
      const hi = Math.max(...combo);
      const m = Math.min(min, lo);
      if (hi - m > rule.W) continue;
      if (k === counts.length - 1) {
        bestFirst = Math.min(bestFirst, m);
        bestLast = Math.min(bestLast, hi);
      } else rec(k + 1, hi, m);
    }
  };
  rec(0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  if (bestFirst === Number.POSITIVE_INFINITY) return undefined;
  return { count: counts.reduce((a, b) => a + b, 0), first: bestFirst, last: bestLast };
}

function* combinations(xs: readonly number[], k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield [...acc];
    return;
  }
  for (let i = start; i < xs.length; i++) {
    acc.push(xs[i]!);
    yield* combinations(xs, k, i + 1, acc);
    acc.pop();
  }
}
