import { diag } from '@opentelemetry/api';
import type { Alert } from '../engine/Alert.js';
import { RuleEngine } from '../engine/RuleEngine.js';
import type { Rule } from '../rules/Rule.js';
import { NoopStateStore } from './NoopStateStore.js';
import type { SharedDetection, StateStore, StateStoreBinding, StoreObservation } from './StateStore.js';

/** Options of {@link InMemoryStateStore}. */
export interface InMemoryStateStoreOptions {
  /**
   * Apply observations as they are recorded instead of in a background batch. Default false: like a remote
   * store, observations are queued and applied on the next `setImmediate` (or on `forceFlush()`).
   */
  readonly synchronous?: boolean;
  /** Queued observations beyond which new ones are dropped (counted). Default 10 000. */
  readonly maxQueueSize?: number;
  /** Passed to the coordinator engine. Defaults as in `RuleEngine`. */
  readonly maxGroupsPerRule?: number;
  /** Passed to the coordinator engine. */
  readonly outOfOrderToleranceMillis?: number;
  /** Passed to the coordinator engine. */
  readonly maxEvidence?: number;
}

/**
 * A shared {@link StateStore} in memory: one coordinator {@link RuleEngine} fed with the merged stream of every
 * attached engine, raising each fleet-wide detection exactly once, through the engine whose observation
 * completed it. Use it to run a "fleet" of engines in one process (tests, `secmon serve` workers) and as the
 * reference behaviour for remote stores such as `@secmon/store-redis`: a remote store must raise the same
 * alerts as this one on the same merged stream.
 *
 * `setAvailable(false)` simulates an outage: observations are dropped and `status()` reports `'degraded'`, so
 * engines raise their own detections marked `degraded`.
 */
export class InMemoryStateStore implements StateStore {
  readonly shared = true;
  private readonly _synchronous: boolean;
  private readonly _maxQueue: number;
  private readonly _engineOptions: Omit<InMemoryStateStoreOptions, 'synchronous' | 'maxQueueSize'>;
  private readonly _queue: { obs: StoreObservation; binding: StateStoreBinding }[] = [];
  private _coordinator: RuleEngine | undefined;
  private _current: StateStoreBinding | undefined;
  private _scheduled = false;
  private _available = true;
  private _dropped = 0;
  private _applied = 0;
  private _isShutdown = false;

  constructor(options: InMemoryStateStoreOptions = {}) {
    this._synchronous = options.synchronous ?? false;
    this._maxQueue = Math.max(1, options.maxQueueSize ?? 10_000);
    const { synchronous: _s, maxQueueSize: _q, ...rest } = options;
    this._engineOptions = rest;
  }

  attach(binding: StateStoreBinding): void {
    if (this._coordinator === undefined) {
      this._coordinator = new RuleEngine({
        ...this._engineOptions,
        rules: binding.rules,
        store: new NoopStateStore(),
        onAlert: (alert) => this._route(alert),
      });
      return;
    }
    const known = new Set(this._coordinator.rules.map((r: Rule) => r.id));
    const unknown = binding.rules.filter((r) => !known.has(r.id)).map((r) => r.id);
    if (unknown.length > 0) {
      diag.warn(
        `secmon in-memory store: rules unknown to the first attached engine are not shared: ${unknown.join(', ')}`,
      );
    }
  }

  record(observation: StoreObservation, binding: StateStoreBinding): void {
    if (this._isShutdown || !this._available) {
      this._dropped++;
      return;
    }
    if (this._synchronous) {
      this._apply(observation, binding);
      return;
    }
    if (this._queue.length >= this._maxQueue) {
      this._dropped++;
      return;
    }
    this._queue.push({ obs: observation, binding });
    if (!this._scheduled) {
      this._scheduled = true;
      setImmediate(() => {
        this._scheduled = false;
        this._drain();
      }).unref();
    }
  }

  status(): 'shared' | 'degraded' {
    return this._available ? 'shared' : 'degraded';
  }

  /** Simulates an outage (`false`) or a recovery (`true`). */
  setAvailable(available: boolean): void {
    this._available = available;
    if (!available) {
      this._dropped += this._queue.length;
      this._queue.length = 0;
    }
  }

  /** Counters: observations applied and dropped (queue full, outage or after shutdown). */
  stats(): { applied: number; dropped: number; queued: number } {
    return { applied: this._applied, dropped: this._dropped, queued: this._queue.length };
  }

  forceFlush(): Promise<void> {
    this._drain();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (!this._isShutdown) {
      this._drain();
      this._isShutdown = true;
    }
    return Promise.resolve();
  }

  private _drain(): void {
    const batch = this._queue.splice(0, this._queue.length);
    for (const { obs, binding } of batch) this._apply(obs, binding);
  }

  private _apply(obs: StoreObservation, binding: StateStoreBinding): void {
    const coordinator = this._coordinator;
    if (coordinator === undefined) return;
    this._current = binding;
    try {
      coordinator.applyObservation(obs);
      this._applied++;
    } finally {
      this._current = undefined;
    }
  }

  private _route(alert: Alert): void {
    const binding = this._current;
    if (binding === undefined) return;
    binding.raise(toSharedDetection(alert));
  }
}

function nanoStringToMicros(s: string): number {
  return s.length > 3 ? Number(s.slice(0, -3)) : 0;
}

/** Converts a coordinator alert back into the store-neutral detection an engine raises. */
export function toSharedDetection(alert: Alert): SharedDetection {
  return {
    ruleId: alert.rule.id,
    groupKey: Object.values(alert.group).join('\u001f'),
    count: alert.count,
    firstUnixMicros: nanoStringToMicros(alert.firstSeenUnixNano),
    lastUnixMicros: nanoStringToMicros(alert.lastSeenUnixNano),
    triggerEventName: alert.triggerEventName,
    evidence: alert.evidence.map((e) => ({
      ...(e.traceId !== undefined ? { traceId: e.traceId } : {}),
      ...(e.spanId !== undefined ? { spanId: e.spanId } : {}),
      ...(e.recordUid !== undefined ? { recordUid: e.recordUid } : {}),
      timeUnixMicros: nanoStringToMicros(e.timeUnixNano),
      eventName: e.eventName,
    })),
    evidenceCount: alert.evidenceCount,
    suppressedCount: alert.suppressedCount,
    ...(alert.distinctValues !== undefined ? { distinctValues: alert.distinctValues } : {}),
  };
}
