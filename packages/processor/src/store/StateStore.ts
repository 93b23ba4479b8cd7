import type { Rule } from '../rules/Rule.js';

/**
 * One matched event, as a shared store receives it: already matched and grouped by the local engine, so a
 * store never re-evaluates conditions. Plain data, safe to batch and serialise.
 */
export interface StoreObservation {
  readonly ruleId: string;
  /** The internal group key: the group-by values joined with U+001F (the value itself for one key). */
  readonly groupKey: string;
  /** The group-by values, in group-by order. */
  readonly groupValues: readonly string[];
  /** Event time in Unix microseconds (integer; the engine's resolution). */
  readonly timeUnixMicros: number;
  readonly eventName: string;
  /** `value_count`: the values of the rule's fields, in `rule.fields` order. Empty otherwise. */
  readonly values: readonly string[];
  /** `temporal_ordered`: the 0-based step this event fills. -1 otherwise. */
  readonly step: number;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly recordUid?: string;
}

/**
 * A detection made by a shared store on fleet-wide state, handed back to one engine (the one whose
 * observation completed it) through {@link StateStoreBinding.raise}. The engine turns it into an `Alert`.
 */
export interface SharedDetection {
  readonly ruleId: string;
  readonly groupKey: string;
  readonly count: number;
  readonly firstUnixMicros: number;
  readonly lastUnixMicros: number;
  readonly triggerEventName: string;
  readonly evidence: readonly {
    readonly traceId?: string;
    readonly spanId?: string;
    readonly recordUid?: string;
    readonly timeUnixMicros: number;
    readonly eventName: string;
  }[];
  readonly evidenceCount: number;
  readonly suppressedCount: number;
  readonly distinctValues?: Readonly<Record<string, readonly string[]>>;
}

/** What an engine gives a store when it attaches to it. */
export interface StateStoreBinding {
  /** The engine's enabled rules (the store compiles its scripts or state from them). */
  readonly rules: readonly Rule[];
  /** Hands a shared detection to the engine, which builds and delivers the alert (never throws). */
  raise(detection: SharedDetection): void;
}

/**
 * Where the {@link RuleEngine} shares its detection state. The engine **always keeps its own exact local
 * state** (that is what detects when the store is unreachable); a store is an optional, asynchronous
 * coordinator fed with every matched event:
 *
 * - `record()` is called synchronously on the emit path for each observation and must only enqueue (never
 *   block, never throw, never await I/O). A store batches and pipelines in the background with a bounded
 *   queue and counts what it drops.
 * - When the store detects on the merged, fleet-wide stream it calls `binding.raise()` (asynchronously), with
 *   fleet-wide deduplication: one alert per rule and group across all instances.
 * - `status()` tells the engine who raises alerts: `'local'` (no shared state: the engine raises its own),
 *   `'shared'` (the store is healthy and authoritative: the engine's own detections are withheld, the store
 *   raises them), `'degraded'` (the store is unreachable: the engine raises its own detections, marked
 *   `degraded: true`). It is read once per local detection and must be cheap.
 *
 * Implementations: {@link NoopStateStore} (the default: local only), {@link InMemoryStateStore} (a shared
 * coordinator in memory, for several engines in one process and as the reference for remote stores), and
 * `@secmon/store-redis`.
 */
export interface StateStore {
  /** False for stores that share nothing: the engine then never calls `record()` (no per-event cost). */
  readonly shared: boolean;
  /** Connects an engine. Called once by the engine's constructor; a store may serve several engines. */
  attach(binding: StateStoreBinding): void;
  /** Enqueues one observation (synchronous, non-blocking, never throws). */
  record(observation: StoreObservation, binding: StateStoreBinding): void;
  /** Who raises alerts right now (see above). */
  status(): 'local' | 'shared' | 'degraded';
  /** Sends what is queued. Resolves (never rejects) when done or timed out. */
  forceFlush(): Promise<void>;
  /** Flushes and releases resources; idempotent; never rejects. */
  shutdown(): Promise<void>;
}
