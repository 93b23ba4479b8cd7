// Test helpers: turn security events into the observations an engine records, and run them through the
// reference coordinator (a RuleEngine fed with applyObservation, as InMemoryStateStore does).
import {
  RuleEngine,
  toSharedDetection,
  type Rule,
  type SecurityEvent,
  type SharedDetection,
  type StateStore,
  type StateStoreBinding,
  type StoreObservation,
} from '@secmon/processor';

/** A StateStore that only records what an engine hands it (status 'shared', so the engine defers to it). */
export class CapturingStore implements StateStore {
  readonly shared = true;
  readonly observations: StoreObservation[] = [];
  attach(_binding: StateStoreBinding): void {}
  record(observation: StoreObservation): void {
    this.observations.push(observation);
  }
  status(): 'shared' {
    return 'shared';
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface EngineLimits {
  outOfOrderToleranceMillis?: number;
  maxEvidence?: number;
  maxDistinctValuesPerGroup?: number;
  maxEventsPerStep?: number;
}

/** The observations a real engine records for these events (matching, grouping, values and steps done by it). */
/** Tight engine limits for the property suites: caps and evictions happen on short streams. */
export const PROPERTY_LIMITS: EngineLimits = {
  outOfOrderToleranceMillis: 2_000,
  maxEvidence: 3,
  maxDistinctValuesPerGroup: 3,
  maxEventsPerStep: 3,
};

/** A deterministic pseudo-random generator in [0, 1) (an LCG): the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export function observationsOf(
  rules: readonly Rule[],
  events: readonly SecurityEvent[],
  limits: EngineLimits = {},
): StoreObservation[] {
  const store = new CapturingStore();
  const engine = new RuleEngine({ rules, store, ...limits });
  for (const e of events) engine.process(e);
  return store.observations;
}

/** What the reference coordinator detects on this merged stream of observations. */
export function referenceDetections(
  rules: readonly Rule[],
  observations: readonly StoreObservation[],
  limits: EngineLimits = {},
): SharedDetection[] {
  const out: SharedDetection[] = [];
  const coordinator = new RuleEngine({ rules, ...limits, onAlert: (a) => out.push(toSharedDetection(a)) });
  for (const o of observations) coordinator.applyObservation(o);
  return out;
}

/** A binding that collects what a store raises. */
export function collectingBinding(rules: readonly Rule[]): StateStoreBinding & { raised: SharedDetection[] } {
  const raised: SharedDetection[] = [];
  return { rules, raised, raise: (d) => void raised.push(d) };
}

/** Order-independent comparison key of detections (stores raise groups of one batch in any order). */
export function sortDetections(ds: readonly SharedDetection[]): string[] {
  return ds.map((d) => canonical(d)).sort();
}

/** JSON with sorted keys. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
