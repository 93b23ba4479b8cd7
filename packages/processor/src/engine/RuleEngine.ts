import { randomUUID } from 'node:crypto';
import { ATTR_LOG_RECORD_UID } from '@secmon/semconv';
import { compileCondition, type ValueTest } from '../internal/compileCondition.js';
import {
  CountSlab,
  HEADER,
  MAX_RING,
  MODE_EVIDENCE,
  MODE_PLAIN,
  MODE_SPILLED,
  PAGE_MASK,
  PAGE_SHIFT,
  PAGE_SLOTS,
} from '../internal/CountSlab.js';
import { microsToNanoString, millisToNanoString, toUnixMicros } from '../internal/time.js';
import type { Rule } from '../rules/Rule.js';
import { NoopStateStore } from '../store/NoopStateStore.js';
import type {
  SharedDetection,
  StateStore,
  StateStoreBinding,
  StoreObservation,
} from '../store/StateStore.js';
import type { Attributes, Clock, Evidence, SecurityEvent } from '../types.js';
import type { Alert, AlertRule } from './Alert.js';

/** Options of {@link RuleEngine}. Every field but `rules` is optional; defaults in {@link DEFAULT_RULE_ENGINE_CONFIG}. */
export interface RuleEngineOptions {
  /** Validated rules (from `defineRule`, `parseRules` or `DEFAULT_RULES`). Disabled rules are skipped. */
  readonly rules: readonly Rule[];
  /** Shared state coordinator. Default: a {@link NoopStateStore} (local state only). */
  readonly store?: StateStore;
  /** Wall clock for detection times. Default `Date.now`. Windows always use event time. */
  readonly clock?: Clock;
  /** Called for every alert, local or raised by the store (exceptions are caught and counted). */
  readonly onAlert?: (alert: Alert) => void;
  /** Groups kept per rule; beyond it the stalest group is evicted (counted). Default 10 000. */
  readonly maxGroupsPerRule?: number;
  /**
   * How far (ms) an event may arrive behind the newest event of its group and still count exactly.
   * Older events are dropped and counted as late. Default 10 000 ms.
   */
  readonly outOfOrderToleranceMillis?: number;
  /** Contributing events listed in an alert (the first and the most recent). 0 keeps no evidence. Default 20. */
  readonly maxEvidence?: number;
  /** `value_count`: distinct values kept per field and group. Default 1 000. */
  readonly maxDistinctValuesPerGroup?: number;
  /** `temporal_ordered`: events kept per step and group (the oldest go first). Default 256. */
  readonly maxEventsPerStep?: number;
  /** Alert id generator. Default `crypto.randomUUID`. */
  readonly idGenerator?: () => string;
}

/** The resolved defaults of {@link RuleEngineOptions}. */
export const DEFAULT_RULE_ENGINE_CONFIG = Object.freeze({
  maxGroupsPerRule: 10_000,
  outOfOrderToleranceMillis: 10_000,
  maxEvidence: 20,
  maxDistinctValuesPerGroup: 1_000,
  maxEventsPerStep: 256,
});

/** Counters of the engine (monotonic, except `groups`). Read them for self-metrics. */
export interface RuleEngineStats {
  /** (event, rule) pairs that matched a rule and updated its state. */
  eventsEvaluated: number;
  /** Alerts delivered (local and shared). */
  alerts: number;
  /** Would-be alerts withheld by a rule's cooldown. */
  suppressed: number;
  /** Groups evicted because a rule reached `maxGroupsPerRule` (plus distinct values and step events dropped by their caps). */
  evictions: number;
  /** Events older than the out-of-order tolerance, dropped. */
  lateEvents: number;
  /** Events with an unusable time, dropped. */
  malformedEvents: number;
  /** Matching events without a group-by attribute (not counted by that rule). */
  ungroupedEvents: number;
  /** Errors thrown by `onAlert` or the store (caught). */
  ruleErrors: number;
  /** Local detections withheld because a healthy shared store raises them instead. */
  deferredToStore: number;
  /** Alerts raised while the shared store was unreachable (marked degraded). */
  degradedAlerts: number;
  /** Groups currently held, all rules together. */
  groups: number;
}

const EMPTY: readonly Alert[] = Object.freeze([]);
const KEY_SEPARATOR = '\u001f';
const KIND_EVENT_COUNT = 0;
const KIND_VALUE_COUNT = 1;
const KIND_TEMPORAL = 2;

/** Evidence as kept in state: the event name alone (no ids) or the ids. Converted to {@link Evidence} only on alert. */
type Ev = string | EvidenceRef;

class EvidenceRef {
  readonly name: string;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  readonly uid: string | undefined;
  constructor(
    name: string,
    traceId: string | undefined,
    spanId: string | undefined,
    uid: string | undefined,
  ) {
    this.name = name;
    this.traceId = traceId;
    this.spanId = spanId;
    this.uid = uid;
  }
}

/**
 * `event_count` group in the general layout, for the rare group that outgrows its slot (see CountSlab):
 * sorted event times (µs) and, lazily, their evidence, in arrays that never shrink:
 * `n` is the logical length. Truncating a JS array frees its backing store and the next push allocates a
 * new one; on a benign stream (every event prunes the previous one) that allocation dominated the cost
 * (measured 416 -> 143 ns per event on 50 000 keys).
 */
class CountGroup {
  readonly times: number[];
  n = 1;
  /** null while every event is the rule's first event name without ids (saves an array per group). */
  evs: Ev[] | null = null;
  /** CLOCK reference bit: touched since the eviction hand last passed. */
  ref = false;
  constructor(t: number) {
    this.times = [t];
  }
}

/** Occurrences of one distinct value: sorted times and evidence (evidence kept for the first field only). */
class Occurrences {
  /** Replaced (not truncated) when a restarted group is written back, see `ValueGroup.restarted`. */
  times: number[];
  evs: Ev[];
  constructor(t: number, ev: Ev) {
    // Array literals get exactly one slot; `[]` + push would reserve 17 (measured: 3.5 KB per group).
    this.times = [t];
    this.evs = [ev];
  }
}

/**
 * Distinct values of one field in one group: parallel arrays searched linearly while small, with a Map
 * index beyond INDEX_THRESHOLD values. A JS Map per group was measured 5x slower (each event touched the
 * Map object, its hash table and its entries: cache misses on every lookup) and 3x larger.
 */
class ValueIndex {
  readonly keys: string[] = oneSlot('');
  /** `valueTag` of each key: the linear search compares these first, and touches a stored string only on a
   * tag match (measured: the string comparisons were half of `_applyValues`, a cache miss per candidate). */
  readonly tags: number[] = oneSlot(0);
  readonly occ: Occurrences[] = oneSlot<Occurrences | null>(null) as Occurrences[];
  /**
   * `keys[0]` and `occ[0]` again, in this object: a benign group holds one value (a client failing with its
   * own account), and reaching it then touches no array (in a CPU profile of SDK emits, the `keys[0]` load was
   * a third of `_applyValues`: a cache miss once the SDK's allocations had evicted the array).
   */
  k0: string | undefined = undefined;
  o0: Occurrences | undefined = undefined;
  /** Size at which the next stale-value sweep runs (see `_applyValues`). */
  pruneAt = 4;
  /** Value -> position, maintained once the group first held more than INDEX_THRESHOLD values, and from then
   * on (kept across resets: a busy group crosses the threshold again right after each alert, and rebuilding
   * the index each time was 3% of a login_fail emit with the default pack, in a CPU profile). */
  private _index: Map<string, number> | null = null;
  private _indexed = false;

  get size(): number {
    return this.keys.length;
  }

  find(v: string): number {
    // The first value without a tag: a benign group (one account) matches here, often by pointer, without
    // reading `v` (measured: the benign spraying case as fast as before the tags, 1.6-1.9 µs alone).
    if (this.k0 === v) return 0;
    if (this._indexed) {
      // The index may hold stale entries (see `clear`): a position counts only if it still holds v.
      const at = this._index!.get(v);
      return at !== undefined && this.keys[at] === v ? at : -1;
    }
    const keys = this.keys;
    const n = keys.length;
    const tags = this.tags;
    const tag = valueTag(v);
    for (let i = 1; i < n; i++) if (tags[i] === tag && keys[i] === v) return i;
    return -1;
  }

  /** `occ[i]`, through `o0` for the first value. */
  occAt(i: number): Occurrences {
    return i === 0 ? this.o0! : this.occ[i]!;
  }

  add(v: string, o: Occurrences): void {
    this.keys.push(v);
    this.tags.push(valueTag(v));
    this.occ.push(o);
    if (this.keys.length === 1) {
      this.k0 = v;
      this.o0 = o;
    }
    if (this._indexed) {
      const index = this._index!;
      index.set(v, this.keys.length - 1);
      // Stale entries are bounded: past twice the live values (and a floor), the index is rebuilt.
      if (index.size > 2 * this.keys.length + 4 * INDEX_THRESHOLD) this._reindex();
    } else if (this.keys.length > INDEX_THRESHOLD) {
      this._index ??= new Map();
      this._indexed = true;
      this._reindex();
    }
  }

  private _reindex(): void {
    const index = this._index!;
    index.clear();
    for (let i = 0; i < this.keys.length; i++) index.set(this.keys[i]!, i);
  }

  /** Swap-remove: iterate downwards when removing during a scan. */
  removeAt(i: number): void {
    const keys = this.keys;
    const tags = this.tags;
    const occ = this.occ;
    // pop(), not `length =`: the length setter is a runtime call (in a CPU profile the `length =` lines were
    // 90% of removeAt; with pop() the sparse login_fail case went from +130% to +108% of a bare SDK emit).
    const lastKey = keys.pop()!;
    const lastTag = tags.pop()!;
    const lastOcc = occ.pop()!;
    if (i < keys.length) {
      keys[i] = lastKey;
      tags[i] = lastTag;
      occ[i] = lastOcc;
      if (this._indexed) this._index!.set(lastKey, i);
    }
    // The removed value's index entry is left stale (`find` checks positions; `add` bounds the stale ones).
    if (i === 0) {
      this.k0 = keys[0];
      this.o0 = occ[0];
    }
  }

  clear(): void {
    this.keys.length = 0;
    this.tags.length = 0;
    this.occ.length = 0;
    this.k0 = undefined;
    this.o0 = undefined;
    // The index keeps its entries, now stale (`find` checks them): a group reset by an alert refills with
    // mostly the same values, which then overwrite their entries instead of regrowing a cleared table.
    this.pruneAt = 4;
  }
}

const INDEX_THRESHOLD = 32;

/**
 * An empty array with room for one element: `[]` + push reserves 17 slots, and most value_count groups hold
 * one value (measured: 934 -> 550 B per single-value group, three such arrays each).
 */
function oneSlot<T>(x: T): T[] {
  const a = [x];
  a.pop();
  return a;
}

/** A cheap fingerprint of a value (length, middle and last characters) that never needs another string. */
function valueTag(v: string): number {
  const n = v.length;
  return n === 0 ? 0 : ((n << 20) ^ (v.charCodeAt(n >> 1) << 10) ^ v.charCodeAt(n - 1)) | 0;
}

/**
 * A `value_count` group: it is itself the index of its first field (`fields[0] === this`), so the usual
 * single-field rule reaches its values without two more dependent loads (measured in a tight loop, the five
 * login_fail rules of the default pack: 946 -> 821 ns per event).
 */
class ValueGroup extends ValueIndex {
  readonly fields: ValueIndex[];
  max = Number.NEGATIVE_INFINITY;
  ref = false;
  /**
   * The group restarted with one event whose value is `k0` (everything it held had gone stale): its only
   * occurrence is (`t0`, `e0`), kept here instead of in `o0`, which is rewritten before any other use (see
   * `_applyValues`). A benign client failing every few hours restarts its group at each event: this touches
   * the group object alone instead of the occurrence object and its two arrays (cache misses all).
   */
  restarted = false;
  t0 = 0;
  e0: Ev = '';
  constructor(n: number) {
    super();
    this.fields = [this];
    for (let i = 1; i < n; i++) this.fields.push(new ValueIndex());
  }

  override clear(): void {
    super.clear();
    this.restarted = false;
    this.e0 = '';
  }
}

/**
 * A `temporal_ordered` group: the events of every step in one list sorted by time (equal times in arrival
 * order), with each event's step and evidence in parallel arrays, and the number held per step. The arrays
 * never shrink (`n` is the logical length: truncating frees the backing store, and the next push
 * allocates). One list instead of one per step: a benign user's failure touches three arrays instead of the
 * step objects and two arrays per step (measured inside an SDK emit, failures that carry `user.id`, 1 000
 * users: the account-takeover rule alone went from +71-84% to +58-68% of a bare emit).
 */
class TemporalGroup {
  readonly times: number[] = [];
  readonly stepOf: number[] = [];
  readonly evs: Ev[] = [];
  n = 0;
  /** Events held per step. */
  readonly counts: number[];
  max = Number.NEGATIVE_INFINITY;
  ref = false;
  /**
   * The group restarted with one event (everything it held had gone stale): (`t0`, `s0`, `e0`) is that event,
   * kept here, and the lists are rewritten before any other use (see `_applyTemporal`). A benign user
   * failing now and then restarts the group at each failure, and touches this object alone.
   */
  restarted = false;
  t0 = 0;
  s0 = 0;
  e0: Ev = '';
  constructor(steps: number) {
    this.counts = Array.from({ length: steps }, () => 0);
  }

  reset(): void {
    this.n = 0;
    this.counts.fill(0);
    this.max = Number.NEGATIVE_INFINITY;
    this.restarted = false;
    this.e0 = '';
  }
}

type Group = CountGroup | ValueGroup | TemporalGroup;

interface Suppression {
  until: number;
  count: number;
}

interface CompiledPredicate {
  /** Position of the attribute in the engine's key table (see `EventPlan`). */
  readonly slot: number;
  readonly test: ValueTest;
}

/**
 * What one event name costs, resolved at construction: the rules that want it, and the attribute keys those
 * rules read (group-by keys, counted fields, conditions), each read once per event into the engine's scratch
 * table (login_fail feeds five default rules that read nine attributes, four of them distinct; a
 * keyed load from the SDK's attribute object is a megamorphic lookup, and a missing key falls back to the
 * resource).
 */
interface EventPlan {
  readonly entries: readonly PlanEntry[];
  /** Slots (in the engine's key table) to fill for this event name. */
  readonly slots: readonly number[];
  /** The attribute key of each of `slots`, in the same order. */
  readonly keys: readonly string[];
}

interface PlanEntry {
  readonly c: CompiledRule;
  /** `temporal_ordered`: the steps this event name may fill, in step order. Empty for the other types. */
  readonly steps: readonly number[];
}

interface CompiledRule {
  readonly rule: Rule;
  readonly kind: number;
  readonly alertRule: AlertRule;
  readonly groupBy: readonly string[];
  /** Key-table slots of `groupBy`. */
  readonly groupSlots: readonly number[];
  /** `value_count`: key-table slots of the counted fields. */
  readonly fieldSlots: readonly number[];
  /** `value_count`: the values of the event being applied (refilled per event, never kept). */
  readonly scratch: string[];
  readonly windowMicros: number;
  readonly tolMicros: number;
  readonly suppressMicros: number;
  readonly threshold: number;
  readonly firstEventName: string;
  /** event_count / value_count conditions. */
  readonly where: readonly CompiledPredicate[];
  /** temporal_ordered: per step, its event names and conditions. */
  readonly steps: readonly {
    readonly events: ReadonlySet<string>;
    readonly where: readonly CompiledPredicate[];
    readonly count: number;
  }[];
  readonly groups: Map<string, Group>;
  /** event_count: the groups, in slots (see CountSlab); `groups` stays empty. Null for the other types. */
  readonly slab: CountSlab | null;
  /** The CLOCK hand: one live iterator kept across evictions (a fresh iterator per eviction would rescan the
   * tombstones that deletions leave at the front of the Map: measured 35 µs per event under churn). */
  hand: MapIterator<[string, Group]> | undefined;
  readonly suppressions: Map<string, Suppression>;
}

/** One detection before it becomes an alert. */
interface Detection {
  count: number;
  firstMicros: number;
  lastMicros: number;
  evs: Ev[];
  /** Event time (µs) of each evidence entry. */
  evTimes: number[];
  evidenceCount: number;
  distinct?: Record<string, string[]>;
}

/**
 * The rule engine: pure computation, no I/O, no timers. Rules are compiled once into an index by event
 * name; an event no rule wants costs one `Map` lookup and allocates nothing.
 *
 * Semantics (see the README for the full statement and proofs of boundedness):
 * - windows are sliding, closed intervals of `timespan` on **event time**; a detection happens at the arrival
 *   that makes some window hold the threshold, and then the group's state is reset (the next alert needs
 *   fresh events);
 * - an event may arrive up to `outOfOrderToleranceMillis` behind the newest event of its group since the last
 *   reset and still count exactly; older ones are dropped (`lateEvents`);
 * - a cooldown (`suppress`) per rule and group withholds detections whose last event falls within it; they
 *   are counted and the count is carried into the next alert.
 *
 * @example
 * const engine = new RuleEngine({ rules: DEFAULT_RULES });
 * for (const alert of engine.process({ eventName, timeUnixNano, attributes })) console.log(alert.rule.id);
 */
export class RuleEngine {
  private readonly _rules: readonly Rule[];
  private readonly _compiled: readonly CompiledRule[];
  private readonly _byId: ReadonlyMap<string, CompiledRule>;
  private readonly _index: ReadonlyMap<string, EventPlan>;
  /** Attribute values of the event being evaluated, by key-table slot (emptied after each event). */
  private readonly _raw: unknown[];
  private readonly _store: StateStore;
  private readonly _shared: boolean;
  private readonly _clock: Clock;
  private readonly _onAlert: ((alert: Alert) => void) | undefined;
  private readonly _maxGroups: number;
  private readonly _maxEvidence: number;
  private readonly _maxDistinct: number;
  private readonly _maxPerStep: number;
  private readonly _idGenerator: () => string;
  private readonly _binding: StateStoreBinding;
  private readonly _stats: RuleEngineStats = {
    eventsEvaluated: 0,
    alerts: 0,
    suppressed: 0,
    evictions: 0,
    lateEvents: 0,
    malformedEvents: 0,
    ungroupedEvents: 0,
    ruleErrors: 0,
    deferredToStore: 0,
    degradedAlerts: 0,
    groups: 0,
  };
  private _out: Alert[] | null = null;
  /** Group key of the event being applied (read by `_gate`, so it is not threaded through every call). */
  private _key = '';
  /** Suppressed count carried into the alert being built. */
  private _carried = 0;

  constructor(options: RuleEngineOptions) {
    const tolMillis = clampNonNegative(
      options.outOfOrderToleranceMillis,
      DEFAULT_RULE_ENGINE_CONFIG.outOfOrderToleranceMillis,
    );
    this._maxGroups = Math.max(
      1,
      Math.floor(options.maxGroupsPerRule ?? DEFAULT_RULE_ENGINE_CONFIG.maxGroupsPerRule),
    );
    this._maxEvidence = Math.floor(
      clampNonNegative(options.maxEvidence, DEFAULT_RULE_ENGINE_CONFIG.maxEvidence),
    );
    this._maxDistinct = Math.max(
      1,
      Math.floor(options.maxDistinctValuesPerGroup ?? DEFAULT_RULE_ENGINE_CONFIG.maxDistinctValuesPerGroup),
    );
    this._maxPerStep = Math.max(
      1,
      Math.floor(options.maxEventsPerStep ?? DEFAULT_RULE_ENGINE_CONFIG.maxEventsPerStep),
    );
    this._clock = options.clock ?? { now: Date.now };
    this._onAlert = options.onAlert;
    this._idGenerator = options.idGenerator ?? randomUUID;
    this._store = options.store ?? new NoopStateStore();
    this._shared = this._store.shared;

    const rules = options.rules.filter((r) => r.enabled);
    this._rules = Object.freeze(rules);
    const keyTable = new Map<string, number>();
    const slotOf = (key: string): number => {
      let slot = keyTable.get(key);
      if (slot === undefined) keyTable.set(key, (slot = keyTable.size));
      return slot;
    };
    const compiled = rules.map((r) => compileRule(r, tolMillis, slotOf));
    this._compiled = compiled;
    this._byId = new Map(compiled.map((c) => [c.rule.id, c]));
    const names: string[] = [];
    for (const c of compiled)
      for (const name of c.rule.match.events) if (!names.includes(name)) names.push(name);
    const index = new Map<string, EventPlan>();
    const keyOf = [...keyTable.keys()];
    for (const name of names) {
      const entries: PlanEntry[] = [];
      const slots = new Set<number>();
      for (const c of compiled) {
        if (!c.rule.match.events.includes(name)) continue;
        const steps: number[] = [];
        c.steps.forEach((st, i) => {
          if (!st.events.has(name)) return;
          steps.push(i);
          for (const p of st.where) slots.add(p.slot);
        });
        entries.push({ c, steps });
        for (const p of c.where) slots.add(p.slot);
        for (const x of c.groupSlots) slots.add(x);
        for (const x of c.fieldSlots) slots.add(x);
      }
      index.set(internalize(name), { entries, slots: [...slots], keys: [...slots].map((x) => keyOf[x]!) });
    }
    this._index = index;
    this._raw = new Array<unknown>(keyTable.size).fill(undefined);
    this._binding = Object.freeze({
      rules: this._rules,
      raise: (d: SharedDetection) => this._raiseShared(d),
    });
    this._store.attach(this._binding);
  }

  /** The enabled rules, in evaluation order. */
  get rules(): readonly Rule[] {
    return this._rules;
  }

  /** The store this engine shares its state with. */
  get store(): StateStore {
    return this._store;
  }

  /** True when at least one rule counts events of this name (one Map lookup). */
  wants(eventName: string): boolean {
    return this._index.has(eventName);
  }

  /** A snapshot of the counters. */
  stats(): RuleEngineStats {
    let groups = 0;
    for (const c of this._compiled) groups += c.slab !== null ? c.slab.size : c.groups.size;
    this._stats.groups = groups;
    return { ...this._stats };
  }

  /**
   * Evaluates one event against every rule that wants it and returns the alerts it completes (a shared
   * empty array when none). Alerts are also handed to `onAlert`. Never throws for bad input: events with an
   * unusable time are counted as malformed.
   */
  process(event: SecurityEvent): readonly Alert[] {
    return this.processFields(
      event.eventName,
      event.timeUnixNano,
      event.attributes,
      event.resource,
      event.traceId,
      event.spanId,
      event.recordUid,
    );
  }

  /**
   * {@link process} with the event's fields as arguments: what `SecurityRulesProcessor.onEmit` calls, so that
   * no event object is built per record and the engine sees one call shape whatever objects its callers use.
   */
  processFields(
    eventName: string,
    timeUnixNano: SecurityEvent['timeUnixNano'],
    attributes: Attributes,
    resource?: Attributes,
    traceId?: string,
    spanId?: string,
    recordUid?: string,
  ): readonly Alert[] {
    const plan = this._index.get(eventName);
    if (plan === undefined) return EMPTY;
    const t = toUnixMicros(timeUnixNano);
    if (!(t >= 0)) {
      this._stats.malformedEvents++;
      return EMPTY;
    }
    this._out = null;
    let ev: Ev = eventName;
    let uid = recordUid;
    if (uid === undefined) {
      const a = attributes[ATTR_LOG_RECORD_UID];
      if (typeof a === 'string') uid = a;
    }
    if (this._maxEvidence > 0 && (traceId !== undefined || spanId !== undefined || uid !== undefined)) {
      ev = new EvidenceRef(eventName, traceId, spanId, uid);
    }
    // Each attribute the plan's rules read, once (the resource supplies keys the record lacks).
    const raw = this._raw;
    const slots = plan.slots;
    const keys = plan.keys;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const k = keys[i]!;
      let v = attributes[k];
      if (v === undefined && resource !== undefined) v = resource[k];
      raw[slot] = v;
    }
    const entries = plan.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      try {
        this._evaluate(entry.c, entry.steps, eventName, t, ev);
      } catch (e) {
        // A rule must never break the application nor the other rules (STYLE.md rule 9).
        this._stats.ruleErrors++;
        void e;
      }
    }
    // Never keep the event's values beyond the call.
    for (let i = 0; i < slots.length; i++) raw[slots[i]!] = undefined;
    const out = this._out;
    this._out = null;
    return out ?? EMPTY;
  }

  /**
   * Applies one already-matched observation to this engine's state, as a shared store does with the merged
   * stream of a fleet (see {@link InMemoryStateStore}). Returns the alert it completes, if any (also handed
   * to `onAlert`). Unknown rule ids are ignored.
   */
  applyObservation(observation: StoreObservation): Alert | undefined {
    const c = this._byId.get(observation.ruleId);
    if (c === undefined || !(observation.timeUnixMicros >= 0)) return undefined;
    this._out = null;
    const ev: Ev =
      observation.traceId !== undefined ||
      observation.spanId !== undefined ||
      observation.recordUid !== undefined
        ? new EvidenceRef(
            observation.eventName,
            observation.traceId,
            observation.spanId,
            observation.recordUid,
          )
        : observation.eventName;
    this._stats.eventsEvaluated++;
    this._apply(
      c,
      observation.groupKey,
      observation.timeUnixMicros,
      observation.values,
      observation.step,
      ev,
      observation.eventName,
      false,
    );
    const out = this._out;
    this._out = null;
    return out?.[0];
  }

  /** Drops every group and cooldown (e.g. between replays). Counters are kept. */
  reset(): void {
    for (const c of this._compiled) {
      c.groups.clear();
      c.slab?.clear();
      c.hand = undefined;
      c.suppressions.clear();
    }
  }

  /** Evaluates one rule on the event whose attributes are in `_raw`. */
  private _evaluate(c: CompiledRule, steps: readonly number[], name: string, t: number, ev: Ev): void {
    const raw = this._raw;
    let step = -1;
    if (c.kind === KIND_TEMPORAL) {
      // An event fills the first step it matches (README: temporal_ordered semantics).
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
        if (matches(c.steps[s]!.where, raw)) {
          step = s;
          break;
        }
      }
      if (step < 0) return;
    } else if (c.where.length > 0 && !matches(c.where, raw)) {
      return;
    }

    // Group key: the value itself for one key (no allocation for string attributes).
    const groupSlots = c.groupSlots;
    let key = '';
    for (let i = 0; i < groupSlots.length; i++) {
      const v = raw[groupSlots[i]!];
      if (v === undefined || v === null) {
        this._stats.ungroupedEvents++;
        return;
      }
      const s = typeof v === 'string' ? v : valueString(v);
      key = i === 0 ? s : key + KEY_SEPARATOR + s;
    }

    let values: readonly string[] = EMPTY_STRINGS;
    if (c.kind === KIND_VALUE_COUNT) {
      const fieldSlots = c.fieldSlots;
      const vals = c.scratch;
      for (let i = 0; i < fieldSlots.length; i++) {
        const v = raw[fieldSlots[i]!];
        // An event without the counted field says nothing about distinct values.
        if (v === undefined || v === null) return;
        vals[i] = typeof v === 'string' ? v : valueString(v);
      }
      values = vals;
    }

    this._stats.eventsEvaluated++;
    this._apply(c, key, t, values, step, ev, name, true);
  }

  private _apply(
    c: CompiledRule,
    key: string,
    t: number,
    values: readonly string[],
    step: number,
    ev: Ev,
    name: string,
    record: boolean,
  ): void {
    this._key = key;
    let d: Detection | undefined;
    if (c.slab !== null) {
      d = this._applySlab(c, c.slab, key, t, ev);
    } else {
      // Inline rather than a method of its own (measured: a separate call cost ~8% on the benign value_count case).
      const g = c.groups.get(key);
      if (g === undefined) {
        if (c.groups.size >= this._maxGroups) this._evictOne(c);
      } else {
        g.ref = true;
      }
      if (c.kind === KIND_VALUE_COUNT) {
        let vg = g as ValueGroup | undefined;
        if (vg === undefined) c.groups.set(key, (vg = new ValueGroup(c.rule.fields.length)));
        d = this._applyValues(c, vg, t, values, ev);
      } else {
        let tg = g as TemporalGroup | undefined;
        if (tg === undefined) c.groups.set(key, (tg = new TemporalGroup(c.steps.length)));
        d = this._applyTemporal(c, tg, t, step, ev);
      }
    }

    if (record && this._shared) {
      try {
        this._store.record(
          {
            ruleId: c.rule.id,
            groupKey: key,
            groupValues:
              c.groupBy.length <= 1
                ? c.groupBy.length === 0
                  ? EMPTY_STRINGS
                  : [key]
                : key.split(KEY_SEPARATOR),
            timeUnixMicros: t,
            eventName: name,
            // The scratch array is refilled by the next event; the store may queue the observation.
            values: values.length === 0 ? EMPTY_STRINGS : values.slice(),
            step,
            ...(typeof ev === 'string' ? {} : evidenceFields(ev)),
          },
          this._binding,
        );
      } catch {
        this._stats.ruleErrors++;
      }
    }

    if (d !== undefined) this._detected(c, key, d, name);
  }

  // --- event_count -----------------------------------------------------------------------------------

  private _applyCount(c: CompiledRule, g: CountGroup, t: number, ev: Ev): Detection | undefined {
    const times = g.times;
    let n = g.n;
    if (n > 0) {
      const max = times[n - 1]!;
      if (t < max - c.tolMicros) {
        this._stats.lateEvents++;
        return undefined;
      }
      // Events older than (newest - tolerance - window) can never share a window with a future event.
      const cutoff = (t > max ? t : max) - c.tolMicros - c.windowMicros;
      if (times[0]! < cutoff) {
        let k = 1;
        while (k < n && times[k]! < cutoff) k++;
        shiftDown(times, k, n);
        if (g.evs !== null) shiftDown(g.evs, k, n);
        n -= k;
      }
    }
    let evs = g.evs;
    if (evs === null && (typeof ev !== 'string' || ev !== c.firstEventName)) {
      evs = g.evs = new Array<Ev>(n).fill(c.firstEventName);
    }
    // Stable insertion (equal times keep their arrival order), writing over the unused tail if any.
    let p = n;
    while (p > 0 && times[p - 1]! > t) p--;
    insertAt(times, n, p, t);
    if (evs !== null) insertAt(evs, n, p, ev);
    n++;
    g.n = n;
    const N = c.threshold;
    if (n < N) return undefined;
    const W = c.windowMicros;
    const hi = p < n - N ? p : n - N;
    for (let i = p - N + 1 > 0 ? p - N + 1 : 0; i <= hi; i++) {
      if (times[i + N - 1]! - times[i]! <= W) return this._countDetect(c, g, i);
    }
    return undefined;
  }

  private _countDetect(c: CompiledRule, g: CountGroup, i: number): Detection | undefined {
    const N = c.threshold;
    const times = g.times;
    if (!this._gate(c, times[i + N - 1]!)) {
      g.n = 0;
      g.evs = null;
      return undefined;
    }
    const evs: Ev[] = [];
    const evTimes: number[] = [];
    const cap = this._maxEvidence;
    if (cap > 0) {
      // The first contributing event and the most recent ones.
      const from = N <= cap ? i : i + N - (cap - 1);
      if (N > cap) {
        evs.push(g.evs === null ? c.firstEventName : g.evs[i]!);
        evTimes.push(times[i]!);
      }
      for (let j = from; j < i + N; j++) {
        evs.push(g.evs === null ? c.firstEventName : g.evs[j]!);
        evTimes.push(times[j]!);
      }
    }
    const d: Detection = {
      count: N,
      firstMicros: times[i]!,
      lastMicros: times[i + N - 1]!,
      evs,
      evTimes,
      evidenceCount: N,
    };
    // Reset: the next alert of this group needs N fresh events (the arrays keep their capacity).
    g.n = 0;
    g.evs = null;
    return d;
  }

  /**
   * `event_count` on slots (CountSlab): the same algorithm as `_applyCount`, on a ring of times. Pruning
   * moves the ring's head instead of shifting (the benign case: each event prunes the previous one).
   */
  private _applySlab(c: CompiledRule, s: CountSlab, key: string, t: number, ev: Ev): Detection | undefined {
    let slot = s.slots.get(key);
    let page: Float64Array;
    let off: number;
    if (slot === undefined) {
      slot = s.allocate(key, this._maxGroups);
      if (slot < 0) slot = this._evictSlot(s, key);
      page = s.pages[slot >> PAGE_SHIFT]!;
      off = (slot & PAGE_MASK) * s.stride;
      page[off] = 0;
      page[off + 1] = 0;
      page[off + 2] = 0;
      page[off + 3] = MODE_PLAIN;
    } else {
      page = s.pages[slot >> PAGE_SHIFT]!;
      off = (slot & PAGE_MASK) * s.stride;
      page[off + 2] = 1;
    }
    const mode = page[off + 3]!;
    if (mode === MODE_SPILLED) return this._applyCount(c, s.spilled.get(slot) as CountGroup, t, ev);
    const R = s.ring;
    const base = off + HEADER;
    let n = page[off]!;
    let head = page[off + 1]!;
    if (n > 0) {
      let last = head + n - 1;
      if (last >= R) last -= R;
      const max = page[base + last]!;
      if (t < max - c.tolMicros) {
        this._stats.lateEvents++;
        return undefined;
      }
      // Events older than (newest - tolerance - window) can never share a window with a future event.
      const cutoff = (t > max ? t : max) - c.tolMicros - c.windowMicros;
      while (n > 0 && page[base + head]! < cutoff) {
        head = head + 1 === R ? 0 : head + 1;
        n--;
      }
    }
    let evs: unknown[] | null = null;
    const evBase = (slot & PAGE_MASK) * R;
    if (mode === MODE_EVIDENCE || typeof ev !== 'string' || ev !== c.firstEventName) {
      const pi = slot >> PAGE_SHIFT;
      evs = s.evPages[pi] ??= new Array<unknown>(PAGE_SLOTS * R).fill(null);
      if (mode !== MODE_EVIDENCE) {
        for (let i = 0; i < R; i++) evs[evBase + i] = c.firstEventName;
        page[off + 3] = MODE_EVIDENCE;
      }
    }
    if (n === R) {
      // Full ring (out-of-order bursts, or a threshold above MAX_RING): this group moves to the general layout.
      const g = new CountGroup(0);
      g.n = n;
      if (evs !== null) g.evs = [];
      for (let i = 0; i < n; i++) {
        const q = head + i >= R ? head + i - R : head + i;
        g.times[i] = page[base + q]!;
        if (evs !== null) g.evs!.push(evs[evBase + q] as Ev);
      }
      s.spilled.set(slot, g);
      page[off + 3] = MODE_SPILLED;
      return this._applyCount(c, g, t, ev);
    }
    // Stable insertion from the newest end (in order: no move).
    let p = n;
    while (p > 0) {
      const q = head + p - 1 >= R ? head + p - 1 - R : head + p - 1;
      const x = page[base + q]!;
      if (x <= t) break;
      const w = q + 1 === R ? 0 : q + 1;
      page[base + w] = x;
      if (evs !== null) evs[evBase + w] = evs[evBase + q];
      p--;
    }
    const w = head + p >= R ? head + p - R : head + p;
    page[base + w] = t;
    if (evs !== null) evs[evBase + w] = ev;
    n++;
    page[off] = n;
    page[off + 1] = head;
    const N = c.threshold;
    if (n < N) return undefined;
    const W = c.windowMicros;
    const hi = p < n - N ? p : n - N;
    for (let i = p - N + 1 > 0 ? p - N + 1 : 0; i <= hi; i++) {
      const a = head + i >= R ? head + i - R : head + i;
      const b = head + i + N - 1 >= R ? head + i + N - 1 - R : head + i + N - 1;
      if (page[base + b]! - page[base + a]! <= W) return this._slabDetect(c, s, slot, page, off, i);
    }
    return undefined;
  }

  private _slabDetect(
    c: CompiledRule,
    s: CountSlab,
    slot: number,
    page: Float64Array,
    off: number,
    i: number,
  ): Detection | undefined {
    const N = c.threshold;
    const R = s.ring;
    const base = off + HEADER;
    const head = page[off + 1]!;
    const evPage = page[off + 3] === MODE_EVIDENCE ? s.evPages[slot >> PAGE_SHIFT]! : null;
    const evBase = (slot & PAGE_MASK) * R;
    // Reset: the next alert of this group needs N fresh events (the times stay readable below).
    page[off] = 0;
    page[off + 1] = 0;
    page[off + 3] = MODE_PLAIN;
    const last = page[base + ringAt(head, i + N - 1, R)]!;
    if (!this._gate(c, last)) return undefined;
    const evs: Ev[] = [];
    const evTimes: number[] = [];
    const cap = this._maxEvidence;
    if (cap > 0) {
      // The first contributing event and the most recent ones.
      if (N > cap) {
        const q = ringAt(head, i, R);
        evs.push(evPage === null ? c.firstEventName : (evPage[evBase + q] as Ev));
        evTimes.push(page[base + q]!);
      }
      for (let j = N <= cap ? i : i + N - (cap - 1); j < i + N; j++) {
        const q = ringAt(head, j, R);
        evs.push(evPage === null ? c.firstEventName : (evPage[evBase + q] as Ev));
        evTimes.push(page[base + q]!);
      }
    }
    return {
      count: N,
      firstMicros: page[base + ringAt(head, i, R)]!,
      lastMicros: last,
      evs,
      evTimes,
      evidenceCount: N,
    };
  }

  /** CLOCK over slots: the first slot not touched since the hand last passed gets the new key. */
  private _evictSlot(s: CountSlab, key: string): number {
    const used = s.used;
    // Ends within used + 1 steps: the first pass clears every reference bit.
    for (;;) {
      const slot = s.hand;
      s.hand = slot + 1 === used ? 0 : slot + 1;
      const page = s.pages[slot >> PAGE_SHIFT]!;
      const off = (slot & PAGE_MASK) * s.stride;
      if (page[off + 2] !== 0) {
        page[off + 2] = 0;
        continue;
      }
      s.slots.delete(s.keys[slot]!);
      if (page[off + 3] === MODE_SPILLED) s.spilled.delete(slot);
      s.keys[slot] = key;
      s.slots.set(key, slot);
      this._stats.evictions++;
      return slot;
    }
  }

  // --- value_count -----------------------------------------------------------------------------------

  private _applyValues(
    c: CompiledRule,
    g: ValueGroup,
    t: number,
    values: readonly string[],
    ev: Ev,
  ): Detection | undefined {
    if (t < g.max - c.tolMicros) {
      this._stats.lateEvents++;
      return undefined;
    }
    const W = c.windowMicros;
    const nf = values.length;
    if (nf === 1 && c.threshold > 1 && g.size > 0 && t - c.tolMicros - W > g.max) {
      // Everything the group holds is older than any window this event or a later one can share (the cutoff
      // below): nothing of it can appear in an alert again, so the group restarts with this event alone,
      // kept in the group object.
      const v = values[0]!;
      if (g.size !== 1 || g.k0 !== v) {
        // Other values (a typo, another account): every entry goes (pop(), no array reallocated) and v comes
        // back with the first value's occurrence object, whose stale times are rewritten before any use,
        // like a restarted group's.
        const o = g.o0!;
        for (let i = g.size - 1; i >= 0; i--) g.removeAt(i);
        g.pruneAt = 4;
        g.add(v, o);
      }
      g.restarted = true;
      g.t0 = t;
      g.e0 = ev;
      g.max = t;
      return undefined;
    }
    if (g.restarted) {
      // Written back before the general path reads the value's occurrences: appended after the stale times
      // the list may still hold, which are older than every window from now on and inert (the next insert
      // trims them from TRIM_AT, as for any list). Measured against the alternatives, spraying rule alone,
      // 50 000 clients: new arrays (old-to-young pointers for the garbage collector) were slower on the dense
      // stream; truncating to the kept time (a runtime call per array) was even there, and 728 vs 676 ns per
      // event on a sparse one.
      const o = g.o0!;
      o.times.push(g.t0);
      o.evs.push(g.e0);
      g.restarted = false;
      g.e0 = '';
    }
    const inOrder = t >= g.max;
    if (inOrder) g.max = t;
    const cutoff = g.max - c.tolMicros - W;
    const fields = g.fields;
    for (let f = 0; f < nf; f++) {
      const vi = f === 0 ? g : fields[f]!;
      const v = values[f]!;
      const at = vi.find(v);
      if (at < 0) {
        // Values whose newest occurrence fell out of the retention are dropped as new values arrive, so a
        // group holds about as many values as are live; doubling the trigger keeps this amortised O(1).
        if (vi.size >= vi.pruneAt) {
          pruneStale(vi, cutoff);
          vi.pruneAt = Math.max(4, vi.size * 2);
        }
        if (vi.size >= this._maxDistinct) this._evictStalestValue(vi, cutoff);
        vi.add(v, new Occurrences(t, f === 0 ? ev : ''));
      } else {
        insertOccurrence(vi.occAt(at), t, f === 0 ? ev : '', W, cutoff);
      }
    }

    const N = c.threshold;
    // A window cannot hold N distinct values of a field that has fewer than N values stored: the common,
    // benign case costs no scan. Stale values are pruned by the scans, so a map holds at most ~N of them.
    if (g.size < N) return undefined;
    for (let f = 1; f < nf; f++) if (fields[f]!.size < N) return undefined;
    if (inOrder) {
      // Nothing stored is newer than t: the only window to check is [t - W, t].
      return this._valuesWindow(c, g, t - W, t, N, cutoff);
    }
    // Out of order: windows containing t end at t or at a stored occurrence in (t, t + W] (README).
    const ends: number[] = [t];
    for (let f = 0; f < fields.length; f++) {
      for (const occ of fields[f]!.occ) {
        const ts = occ.times;
        for (let j = 0; j < ts.length; j++) {
          const x = ts[j]!;
          if (x > t && x <= t + W) ends.push(x);
        }
      }
    }
    ends.sort((a, b) => a - b);
    for (let e = 0; e < ends.length; e++) {
      const end = ends[e]!;
      if (e > 0 && end === ends[e - 1]) continue;
      const d = this._valuesWindow(c, g, end - W, end, N, cutoff);
      if (d !== undefined) return d;
    }
    return undefined;
  }

  /** Checks one window [lo, hi]; on success builds the detection and resets the group. */
  private _valuesWindow(
    c: CompiledRule,
    g: ValueGroup,
    lo: number,
    hi: number,
    N: number,
    cutoff: number,
  ): Detection | undefined {
    const fields = g.fields;
    for (let f = 0; f < fields.length; f++) {
      if (fields[f]!.size < N) return undefined;
      let count = 0;
      const vi = fields[f]!;
      for (let i = vi.size - 1; i >= 0; i--) {
        const ts = vi.occ[i]!.times;
        if (ts[ts.length - 1]! < cutoff) {
          vi.removeAt(i);
          continue;
        }
        if (hasInRange(ts, lo, hi)) count++;
      }
      if (count < N) return undefined;
    }
    if (!this._gate(c, hi)) {
      for (const vi of fields) vi.clear();
      g.max = Number.NEGATIVE_INFINITY;
      return undefined;
    }
    // Detected: evidence is the latest occurrence in the window of each distinct value of the first field.
    const evs: Ev[] = [];
    const distinct: Record<string, string[]> = {};
    let first = Number.POSITIVE_INFINITY;
    let count0 = 0;
    const pairs: { t: number; ev: Ev }[] = [];
    for (let f = 0; f < fields.length; f++) {
      const sample: string[] = [];
      const vi = fields[f]!;
      for (let i = 0; i < vi.size; i++) {
        const v = vi.keys[i]!;
        const occ = vi.occ[i]!;
        const j = latestInRange(occ.times, lo, hi);
        if (j < 0) continue;
        if (sample.length < 20) sample.push(v);
        if (f === 0) {
          count0++;
          const x = occ.times[j]!;
          if (x < first) first = x;
          pairs.push({ t: x, ev: occ.evs[j]! });
        }
      }
      distinct[c.rule.fields[f]!] = sample;
    }
    pairs.sort((a, b) => a.t - b.t);
    const evTimes: number[] = [];
    const cap = this._maxEvidence;
    if (cap > 0) {
      if (pairs.length > cap) {
        evs.push(pairs[0]!.ev);
        evTimes.push(pairs[0]!.t);
      }
      for (let j = pairs.length > cap ? pairs.length - (cap - 1) : 0; j < pairs.length; j++) {
        evs.push(pairs[j]!.ev);
        evTimes.push(pairs[j]!.t);
      }
    }
    for (const vi of fields) vi.clear();
    g.max = Number.NEGATIVE_INFINITY;
    // The window end is an event time (the trigger, or a newer stored event), so it is the newest event of
    // the window: exact whatever occurrences were dropped as redundant. `first` comes from the evidence.
    return {
      count: count0,
      firstMicros: first,
      lastMicros: hi,
      evs,
      evTimes,
      evidenceCount: count0,
      distinct,
    };
  }

  private _evictStalestValue(vi: ValueIndex, cutoff: number): void {
    let stalest = -1;
    let stalestT = Number.POSITIVE_INFINITY;
    for (let i = vi.size - 1; i >= 0; i--) {
      const ts = vi.occ[i]!.times;
      const last = ts[ts.length - 1]!;
      if (last < cutoff) {
        vi.removeAt(i);
        if (stalest === vi.size) stalest = i;
        continue;
      }
      if (last < stalestT) {
        stalestT = last;
        stalest = i;
      }
    }
    if (vi.size >= this._maxDistinct && stalest >= 0) {
      vi.removeAt(stalest);
      this._stats.evictions++;
    }
  }

  // --- temporal_ordered ------------------------------------------------------------------------------

  private _applyTemporal(
    c: CompiledRule,
    g: TemporalGroup,
    t: number,
    step: number,
    ev: Ev,
  ): Detection | undefined {
    if (t < g.max - c.tolMicros) {
      this._stats.lateEvents++;
      return undefined;
    }
    const W = c.windowMicros;
    if (t - c.tolMicros - W > g.max) {
      // Everything the group holds (if anything) is older than any window this event or a later one can
      // share: the group restarts with this event alone, which cannot complete a sequence (two steps at
      // least), kept in the group object.
      g.restarted = true;
      g.t0 = t;
      g.s0 = step;
      g.e0 = ev;
      g.max = t;
      return undefined;
    }
    if (t > g.max) g.max = t;
    const cutoff = g.max - c.tolMicros - W;
    const times = g.times;
    const stepOf = g.stepOf;
    const evs = g.evs;
    const counts = g.counts;
    let n = g.n;
    if (g.restarted) {
      // The kept event becomes the lists' only one (in place: the arrays never shrink).
      times[0] = g.t0;
      stepOf[0] = g.s0;
      evs[0] = g.e0;
      n = 1;
      counts.fill(0);
      counts[g.s0] = 1;
      g.restarted = false;
      g.e0 = '';
    }
    // Events older than the cutoff can never share a window with this event or a later one.
    if (n > 0 && times[0]! < cutoff) {
      let k = 0;
      while (k < n && times[k]! < cutoff) counts[stepOf[k++]!]!--;
      shiftDown(times, k, n);
      shiftDown(stepOf, k, n);
      shiftDown(evs, k, n);
      n -= k;
    }
    // Stable insertion: after the events of equal time.
    let p = n;
    while (p > 0 && times[p - 1]! > t) p--;
    insertAt(times, n, p, t);
    insertAt(stepOf, n, p, step);
    insertAt(evs, n, p, ev);
    n++;
    counts[step]!++;
    if (counts[step]! > this._maxPerStep) {
      // The oldest event of this step goes.
      let i = 0;
      while (stepOf[i] !== step) i++;
      for (let j = i + 1; j < n; j++) {
        times[j - 1] = times[j]!;
        stepOf[j - 1] = stepOf[j]!;
        evs[j - 1] = evs[j]!;
      }
      n--;
      counts[step]!--;
      this._stats.evictions++;
    }
    g.n = n;

    // A sequence needs each step's count of events: while one step has fewer (a benign user's failures
    // without a success after them), no window can complete, and the search below is skipped.
    const nSteps = counts.length;
    for (let k = 0; k < nSteps; k++) if (counts[k]! < c.steps[k]!.count) return undefined;
    // Each step's events, as positions in the list (time order).
    const per: number[][] = [];
    for (let k = 0; k < nSteps; k++) per.push([]);
    for (let i = 0; i < n; i++) per[stepOf[i]!]!.push(i);
    // Candidate starts: events of the first step within [t - W, t], earliest first; greedy forward (README).
    const first = per[0]!;
    const picks: number[] = [];
    for (let a = 0; a < first.length; a++) {
      const s = times[first[a]!]!;
      if (s < t - W) continue;
      if (s > t) break;
      picks.length = 0;
      let b = s;
      let ok = true;
      for (let k = 0; k < nSteps && ok; k++) {
        const list = per[k]!;
        const need = c.steps[k]!.count;
        let j = k === 0 ? a : lowerBoundAt(list, times, b);
        let got = 0;
        for (; j < list.length && got < need; j++, got++) {
          picks.push(list[j]!);
          b = times[list[j]!]!;
        }
        if (got < need || b > s + W) ok = false;
      }
      if (!ok) continue;
      if (!this._gate(c, b)) {
        g.reset();
        return undefined;
      }
      const dEvs: Ev[] = [];
      const evTimes: number[] = [];
      const total = picks.length;
      const cap = this._maxEvidence;
      if (cap > 0) {
        for (let q = 0; q < total; q++) {
          if (total > cap && q > 0 && q < total - (cap - 1)) continue;
          dEvs.push(evs[picks[q]!]!);
          evTimes.push(times[picks[q]!]!);
        }
      }
      const d: Detection = {
        count: total,
        firstMicros: s,
        lastMicros: b,
        evs: dEvs,
        evTimes,
        evidenceCount: total,
      };
      g.reset();
      return d;
    }
    return undefined;
  }

  // --- groups, suppression, alerts ------------------------------------------------------------------

  /** CLOCK ("second chance") eviction: O(1) amortised, approximates least-recently-used without per-hit Map writes. */
  private _evictOne(c: CompiledRule): void {
    const groups = c.groups;
    // Bounded: every group gets at most one second chance per sweep, so this ends within size + 1 steps.
    for (let guard = groups.size * 2 + 2; guard > 0; guard--) {
      let next = c.hand?.next();
      if (next === undefined || next.done === true) {
        c.hand = groups.entries();
        next = c.hand.next();
        if (next.done === true) return;
      }
      const [k, g] = next.value;
      groups.delete(k);
      if (g.ref) {
        // Second chance: moved behind the hand, visited again on the next sweep.
        g.ref = false;
        groups.set(k, g);
        continue;
      }
      this._stats.evictions++;
      return;
    }
  }

  /**
   * The cooldown, decided before any alert detail is built: a suppressed detection (an attacker hammering
   * during the cooldown) then costs only the state reset. Returns false when suppressed (counted); otherwise
   * leaves the count to carry into the alert in `_carried`.
   */
  private _gate(c: CompiledRule, lastMicros: number): boolean {
    this._carried = 0;
    if (c.suppressMicros <= 0) return true;
    const key = this._key;
    const sup = c.suppressions.get(key);
    if (sup !== undefined && lastMicros < sup.until) {
      sup.count++;
      this._stats.suppressed++;
      return false;
    }
    if (sup !== undefined) {
      this._carried = sup.count;
      sup.count = 0;
      sup.until = lastMicros + c.suppressMicros;
    } else {
      if (c.suppressions.size >= this._maxGroups) {
        const oldest = c.suppressions.keys().next();
        if (oldest.done !== true) c.suppressions.delete(oldest.value);
      }
      c.suppressions.set(key, { until: lastMicros + c.suppressMicros, count: 0 });
    }
    return true;
  }

  private _detected(c: CompiledRule, key: string, d: Detection, triggerName: string): void {
    const suppressedCount = this._carried;
    let degraded = false;
    if (this._shared) {
      let status: 'local' | 'shared' | 'degraded' = 'degraded';
      try {
        status = this._store.status();
      } catch {
        this._stats.ruleErrors++;
      }
      if (status === 'shared') {
        this._stats.deferredToStore++;
        return;
      }
      degraded = status === 'degraded';
    }
    const alert = this._buildAlert(c, key, d, triggerName, suppressedCount, degraded, 'local');
    if (degraded) this._stats.degradedAlerts++;
    this._deliver(alert);
  }

  private _raiseShared(d: SharedDetection): void {
    try {
      const c = this._byId.get(d.ruleId);
      if (c === undefined) return;
      const evs: Ev[] = d.evidence.map((e) => new EvidenceRef(e.eventName, e.traceId, e.spanId, e.recordUid));
      const det: Detection = {
        count: d.count,
        firstMicros: d.firstUnixMicros,
        lastMicros: d.lastUnixMicros,
        evs,
        evTimes: d.evidence.map((e) => e.timeUnixMicros),
        evidenceCount: d.evidenceCount,
        ...(d.distinctValues !== undefined ? { distinct: d.distinctValues as Record<string, string[]> } : {}),
      };
      const alert = this._buildAlert(
        c,
        d.groupKey,
        det,
        d.triggerEventName,
        d.suppressedCount,
        false,
        'shared',
      );
      this._deliver(alert);
    } catch {
      this._stats.ruleErrors++;
    }
  }

  private _deliver(alert: Alert): void {
    this._stats.alerts++;
    (this._out ??= []).push(alert);
    if (this._onAlert !== undefined) {
      try {
        this._onAlert(alert);
      } catch {
        this._stats.ruleErrors++;
      }
    }
  }

  private _buildAlert(
    c: CompiledRule,
    key: string,
    d: Detection,
    triggerName: string,
    suppressedCount: number,
    degraded: boolean,
    origin: 'local' | 'shared',
  ): Alert {
    const groupBy = c.groupBy;
    const values = groupBy.length <= 1 ? [key] : key.split(KEY_SEPARATOR);
    const group: Record<string, string> = {};
    const parts: string[] = [];
    for (let i = 0; i < groupBy.length; i++) {
      group[groupBy[i]!] = values[i] ?? '';
      parts.push(`${groupBy[i]!}=${values[i] ?? ''}`);
    }
    const evidence: Evidence[] = d.evs.map((e, i) => toEvidence(e, d.evTimes[i] ?? 0));
    const alert: Alert = {
      id: this._idGenerator(),
      rule: c.alertRule,
      group: Object.freeze(group),
      groupKey: parts.join('|'),
      count: d.count,
      threshold: c.threshold,
      windowMillis: c.rule.windowMillis,
      firstSeenUnixNano: microsToNanoString(d.firstMicros),
      lastSeenUnixNano: microsToNanoString(d.lastMicros),
      detectedAtUnixNano: millisToNanoString(this._clock.now()),
      evidence: Object.freeze(evidence),
      evidenceCount: d.evidenceCount,
      ...(d.distinct !== undefined ? { distinctValues: Object.freeze(d.distinct) } : {}),
      suppressedCount,
      triggerEventName: triggerName,
      degraded,
      origin,
    };
    return Object.freeze(alert);
  }
}

const EMPTY_STRINGS: readonly string[] = Object.freeze([]);

/**
 * The same string, internalized (property keys are): event names in application code are literals, so
 * the index lookup becomes a pointer comparison instead of comparing a YAML-parsed copy character by
 * character (measured: `wants` was 1.9% of a whole SDK emit, more than the rule evaluation).
 */
function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function evidenceFields(e: EvidenceRef): { traceId?: string; spanId?: string; recordUid?: string } {
  const o: { traceId?: string; spanId?: string; recordUid?: string } = {};
  if (e.traceId !== undefined) o.traceId = e.traceId;
  if (e.spanId !== undefined) o.spanId = e.spanId;
  if (e.uid !== undefined) o.recordUid = e.uid;
  return o;
}

function toEvidence(e: Ev, micros: number): Evidence {
  const time = microsToNanoString(micros);
  if (typeof e === 'string') return Object.freeze({ eventName: e, timeUnixNano: time });
  return Object.freeze({ eventName: e.name, timeUnixNano: time, ...evidenceFields(e) });
}

function valueString(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

function matches(where: readonly CompiledPredicate[], raw: readonly unknown[]): boolean {
  for (let i = 0; i < where.length; i++) {
    const p = where[i]!;
    if (!p.test(raw[p.slot])) return false;
  }
  return true;
}

/**
 * Inserts t (stable) and drops occurrences made redundant: b between a and c of one value with c - a <= W.
 * A list of TRIM_AT times first drops those older than `cutoff`: a value seen more often than its retention
 * but never twice within its window (a benign client failing every ~8 min) otherwise kept every occurrence
 * forever (measured: lists of 1 434 times after 1.8 M events with 1 000 clients). Nothing observable changes:
 * every window checked from now on starts at or after `cutoff` (t >= max - tolerance, so t - W >= cutoff),
 * and a time before the cutoff never decides a redundancy (c - a >= t - a > W for the neighbours of t).
 */
function insertOccurrence(occ: Occurrences, t: number, ev: Ev, W: number, cutoff: number): void {
  const ts = occ.times;
  let p = ts.length;
  // In order, with the last two occurrences less than W apart from t: the middle one becomes redundant, so
  // t replaces it in place (no push, no splice: the common case of a value repeating within its window).
  if (p >= 2 && t >= ts[p - 1]! && t - ts[p - 2]! <= W) {
    ts[p - 1] = t;
    occ.evs[p - 1] = ev;
    return;
  }
  // Only from TRIM_AT times, with splice (measured, 50 000 clients: trimming at every insert, or shrinking
  // with `length =`, cost +0.5 µs per event; splice(0, k) left-trims in place, and at 16 the cost is nil).
  if (p >= TRIM_AT && ts[0]! < cutoff) {
    let k = 1;
    while (k < p && ts[k]! < cutoff) k++;
    ts.splice(0, k);
    occ.evs.splice(0, k);
    p -= k;
  }
  while (p > 0 && ts[p - 1]! > t) p--;
  if (p === ts.length) {
    ts.push(t);
    occ.evs.push(ev);
    if (p < 2) return;
  } else {
    ts.splice(p, 0, t);
    occ.evs.splice(p, 0, ev);
  }
  // Any window containing b contains a or c when c - a <= W, so b never changes which values a window
  // holds (README, value_count). Only neighbours of p can have become redundant.
  let i = p - 1 > 1 ? p - 1 : 1;
  while (i < ts.length - 1 && i <= p + 1) {
    if (ts[i + 1]! - ts[i - 1]! <= W) {
      ts.splice(i, 1);
      occ.evs.splice(i, 1);
      if (i < p) p--;
    } else {
      i++;
    }
  }
}

/** Length from which `insertOccurrence` drops stale times (bounds a list at 16 + the live times). */
const TRIM_AT = 16;

/** Physical position of the j-th oldest time of a ring starting at head. */
function ringAt(head: number, j: number, R: number): number {
  return head + j >= R ? head + j - R : head + j;
}

/** Moves a[k..n) to a[0..n-k) in place; the array keeps its length (and capacity). */
function shiftDown<T>(a: T[], k: number, n: number): void {
  for (let j = k; j < n; j++) a[j - k] = a[j]!;
}

/** Inserts x at p in the logical prefix a[0..n), growing the array only when it is full. */
function insertAt<T>(a: T[], n: number, p: number, x: T): void {
  if (n >= a.length) a.push(x);
  for (let j = n; j > p; j--) a[j] = a[j - 1]!;
  a[p] = x;
}

function pruneStale(vi: ValueIndex, cutoff: number): void {
  for (let i = vi.size - 1; i >= 0; i--) {
    const ts = vi.occ[i]!.times;
    if (ts[ts.length - 1]! < cutoff) vi.removeAt(i);
  }
}

function hasInRange(ts: readonly number[], lo: number, hi: number): boolean {
  for (let j = ts.length - 1; j >= 0; j--) {
    const x = ts[j]!;
    if (x <= hi) return x >= lo;
  }
  return false;
}

function latestInRange(ts: readonly number[], lo: number, hi: number): number {
  for (let j = ts.length - 1; j >= 0; j--) {
    const x = ts[j]!;
    if (x <= hi) return x >= lo ? j : -1;
  }
  return -1;
}

/** First position in `list` (positions into `times`, in time order) whose time is >= b. */
function lowerBoundAt(list: readonly number[], times: readonly number[], b: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[list[mid]!]! < b) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function clampNonNegative(v: number | undefined, dflt: number): number {
  return v === undefined || !Number.isFinite(v) || v < 0 ? dflt : v;
}

function compilePredicates(
  where: Rule['match']['where'],
  slotOf: (key: string) => number,
): CompiledPredicate[] {
  return where.map((w) => ({ slot: slotOf(w.key), test: compileCondition(w.condition) }));
}

function compileRule(rule: Rule, tolMillis: number, slotOf: (key: string) => number): CompiledRule {
  const kind =
    rule.type === 'event_count'
      ? KIND_EVENT_COUNT
      : rule.type === 'value_count'
        ? KIND_VALUE_COUNT
        : KIND_TEMPORAL;
  const alertRule: AlertRule = Object.freeze({
    id: rule.id,
    title: rule.title,
    type: rule.type,
    severity: rule.severity,
    ...(rule.description !== undefined ? { description: rule.description } : {}),
    ...(rule.reference !== undefined ? { reference: rule.reference } : {}),
    ...(rule.category !== undefined ? { category: rule.category } : {}),
    ...(rule.version !== undefined ? { version: rule.version } : {}),
    ...(rule.response !== undefined ? { response: rule.response } : {}),
  });
  return {
    rule,
    kind,
    alertRule,
    groupBy: rule.groupBy,
    groupSlots: rule.groupBy.map(slotOf),
    fieldSlots: rule.fields.map(slotOf),
    scratch: rule.fields.map(() => ''),
    windowMicros: Math.round(rule.windowMillis * 1000),
    tolMicros: Math.round(tolMillis * 1000),
    suppressMicros: Math.round(rule.suppressMillis * 1000),
    threshold: rule.threshold,
    firstEventName: rule.match.events[0] ?? '',
    where: compilePredicates(rule.match.where, slotOf),
    steps: rule.steps.map((s) => ({
      events: new Set(s.events),
      where: compilePredicates(s.where, slotOf),
      count: s.count,
    })),
    groups: new Map(),
    slab: kind === KIND_EVENT_COUNT ? new CountSlab(Math.min(rule.threshold, MAX_RING)) : null,
    hand: undefined,
    suppressions: new Map(),
  };
}
