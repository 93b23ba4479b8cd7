import { context, diag, metrics, type MeterProvider } from '@opentelemetry/api';
import { BindOnceFuture, suppressTracing } from '@opentelemetry/core';
import type {
  Rule,
  SharedDetection,
  StateStore,
  StateStoreBinding,
  StoreObservation,
} from '@secmon/processor';
import type { Cluster, Redis } from 'ioredis';
import {
  compileRule,
  groupKeyPart,
  SCRIPT_EVENT_COUNT,
  SCRIPT_VALUE_COUNT,
  type ScriptOptions,
  type ScriptRule,
} from './internal/compileRule.js';
import { isCluster, openConnection, releaseConnection, type RedisConnection } from './connection.js';
import { ArgPacker } from './internal/ArgPacker.js';
import { APPLY_LUA } from './internal/scripts.js';
import { WarnOnce } from './internal/WarnOnce.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Options of {@link RedisStateStore}. Only `redis` is required; defaults in {@link DEFAULT_REDIS_STATE_STORE_CONFIG}. */
export interface RedisStateStoreOptions {
  /**
   * The Redis to share state through: an ioredis `Redis` or `Cluster` you created (you keep ownership: the store
   * never closes it; create it with `REDIS_CLIENT_DEFAULTS`), or a URL / `RedisOptions` from which the store
   * creates (and on shutdown closes) its own client with `REDIS_CLIENT_DEFAULTS`.
   */
  readonly redis: RedisConnection;
  /** Prefix of every key. Default `secmon:`. */
  readonly keyPrefix?: string;
  /** Observations queued for Redis; beyond it new ones are dropped (counted) and `status()` is `'degraded'`. Default 10 000. */
  readonly maxQueueSize?: number;
  /** Observations per pipelined batch. Default 1 000. */
  readonly maxBatchSize?: number;
  /**
   * Standalone Redis: (rule, group) pairs applied by one script call. Bounds how long one call holds Redis
   * (about 4 µs per group). On Redis Cluster every call holds one group (one slot). Default 100.
   */
  readonly maxGroupsPerCall?: number;
  /** Batches sent before the first one is answered (Redis works while this process builds the next). Default 4. */
  readonly maxBatchesInFlight?: number;
  /** How long an observation may wait for a batch to fill, ms. Default 10 ms. */
  readonly flushIntervalMillis?: number;
  /** Delay before a failed batch is retried, ms. Default 250 ms. */
  readonly retryDelayMillis?: number;
  /** How long `forceFlush()`/`shutdown()` wait for the queue, ms. Default 5 000 ms. */
  readonly flushTimeoutMillis?: number;
  /** For a client the store creates: a command unanswered after this long fails, ms. Default 1 000 ms. */
  readonly commandTimeoutMillis?: number;
  /** For a client the store creates: longest delay between reconnection attempts, ms. Default 2 000 ms. */
  readonly maxReconnectDelayMillis?: number;
  /** Must equal the engines' `outOfOrderToleranceMillis`. Default 10 000 ms (the engine's default). */
  readonly outOfOrderToleranceMillis?: number;
  /** Must equal the engines' `maxEvidence`. Default 20. */
  readonly maxEvidence?: number;
  /** Must equal the engines' `maxDistinctValuesPerGroup`. Default 1 000. */
  readonly maxDistinctValuesPerGroup?: number;
  /** Must equal the engines' `maxEventsPerStep`. Default 256. */
  readonly maxEventsPerStep?: number;
  /** Self-metrics go here. Default: the global `MeterProvider`. */
  readonly meterProvider?: MeterProvider;
}

/** The resolved defaults of {@link RedisStateStoreOptions}. */
export const DEFAULT_REDIS_STATE_STORE_CONFIG = Object.freeze({
  keyPrefix: 'secmon:',
  maxQueueSize: 10_000,
  maxBatchSize: 1_000,
  maxGroupsPerCall: 100,
  maxBatchesInFlight: 4,
  flushIntervalMillis: 10,
  retryDelayMillis: 250,
  flushTimeoutMillis: 5_000,
  commandTimeoutMillis: 1_000,
  maxReconnectDelayMillis: 2_000,
  outOfOrderToleranceMillis: 10_000,
  maxEvidence: 20,
  maxDistinctValuesPerGroup: 1_000,
  maxEventsPerStep: 256,
});

/** Counters of a {@link RedisStateStore} (monotonic, except `queued` and `status`). */
export interface RedisStateStoreStats {
  status: 'shared' | 'degraded';
  /** Observations waiting for Redis. */
  queued: number;
  /** Observations applied by Redis. */
  applied: number;
  /** Observations dropped because the queue was full. */
  droppedQueueFull: number;
  /** Observations not sent because Redis was unreachable (the engine detected on local state, marked degraded). */
  droppedUnavailable: number;
  /** Observations lost: failed batches beyond the queue's room, script errors, after shutdown, unknown rules. */
  droppedFailed: number;
  /** Detections on the fleet-wide state, raised through one engine each. */
  detections: number;
  /** Fleet-wide detections withheld by the rule's cooldown. */
  suppressed: number;
  /** Observations older than the tolerance behind their group's newest event (ignored, as by the engine). */
  lateEvents: number;
  /** Distinct values / step events dropped by their caps. */
  evictions: number;
  /** Batches that failed (connection, timeout, Redis error). */
  failedBatches: number;
  /** Times the store became degraded (outages, saturation). */
  outages: number;
}

/** The observations of one rule and group in a batch. */
interface Group {
  readonly rule: ScriptRule;
  /** Indices into the batch, in arrival order. */
  readonly members: number[];
  /** `<prefix>{<rule id>:<fingerprint>:<group>}:s`; the cooldown key is the same with `:c` (see scripts.ts). */
  readonly stateKey: string;
}

type Reply = [Error | null, unknown][];

/** Observations of a batch that did not reach Redis (indices into the batch), to requeue. */
interface Failed {
  readonly members: readonly number[];
  readonly obs: readonly StoreObservation[];
  readonly bindings: readonly StateStoreBinding[];
}

interface Scripted {
  secmonApply(...args: (string | number | Buffer)[]): Promise<unknown>;
  secmonApplyOne(...args: (string | number | Buffer)[]): Promise<unknown>;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * A {@link StateStore} on Redis: one detection state for a fleet of processes. Every engine of every instance
 * keeps its own exact local state and feeds its matched events here; Redis applies them to the fleet-wide
 * state of each rule and group with a Lua script (atomic, one cluster slot per call) whose semantics are
 * those of the engine itself, so a brute force spread over ten instances is seen as one.
 *
 * - `record()` only appends to a bounded queue; a background flusher (unref'd timer) pipelines batches, one
 *   script call per rule and group. The application never waits for Redis; drops are counted.
 * - A fleet-wide detection is raised exactly once, through the engine whose event completed it; the rule's
 *   cooldown is kept in Redis too (fleet-wide deduplication).
 * - Redis unreachable, too slow or saturated: `status()` turns `'degraded'`, engines detect on their local
 *   state and mark their alerts `degraded`; one `diag.warn` per outage and the self-metrics say so. The client
 *   reconnects in the background with a bounded backoff; the store returns to `'shared'` by itself. Nothing
 *   throws into the application.
 *
 * @example
 * const store = new RedisStateStore({ redis: 'redis://127.0.0.1:6379' });
 * const processor = new SecurityRulesProcessor({ rules: DEFAULT_RULES, store });
 */
export class RedisStateStore implements StateStore {
  readonly shared = true;
  private readonly _client: Redis | Cluster;
  private readonly _ownsClient: boolean;
  private readonly _cluster: boolean;
  private readonly _scriptOptions: ScriptOptions;
  private readonly _maxQueue: number;
  private readonly _maxBatch: number;
  private readonly _maxGroupsPerCall: number;
  private readonly _maxInFlight: number;
  private readonly _flushInterval: number;
  private readonly _retryDelay: number;
  private readonly _flushTimeout: number;
  private readonly _rules = new Map<string, ScriptRule>();
  private readonly _warn = new WarnOnce();
  private readonly _shutdownOnce: BindOnceFuture<void>;
  private readonly _listeners: [string, (...args: unknown[]) => void][] = [];
  private readonly _packer = new ArgPacker();
  // The queue: two parallel arrays read from `_head` (no allocation per record beyond amortised growth).
  private _obs: StoreObservation[] = [];
  private _bindings: StateStoreBinding[] = [];
  private _head = 0;
  private _timer: NodeJS.Timeout | undefined;
  private _draining: Promise<void> | undefined;
  private _connected: boolean;
  private _healthy = true;
  private _inOutage = false;
  private _lastError = '';
  private _isShutdown = false;
  private readonly _stats: Omit<RedisStateStoreStats, 'status' | 'queued'> = {
    applied: 0,
    droppedQueueFull: 0,
    droppedUnavailable: 0,
    droppedFailed: 0,
    detections: 0,
    suppressed: 0,
    lateEvents: 0,
    evictions: 0,
    failedBatches: 0,
    outages: 0,
  };

  constructor(options: RedisStateStoreOptions) {
    const d = DEFAULT_REDIS_STATE_STORE_CONFIG;
    this._maxQueue = positiveInt(options.maxQueueSize, d.maxQueueSize, 'maxQueueSize');
    this._maxBatch = positiveInt(options.maxBatchSize, d.maxBatchSize, 'maxBatchSize');
    this._maxGroupsPerCall = positiveInt(options.maxGroupsPerCall, d.maxGroupsPerCall, 'maxGroupsPerCall');
    this._maxInFlight = positiveInt(options.maxBatchesInFlight, d.maxBatchesInFlight, 'maxBatchesInFlight');
    this._flushInterval = nonNegative(
      options.flushIntervalMillis,
      d.flushIntervalMillis,
      'flushIntervalMillis',
    );
    this._retryDelay = nonNegative(options.retryDelayMillis, d.retryDelayMillis, 'retryDelayMillis');
    this._flushTimeout = nonNegative(options.flushTimeoutMillis, d.flushTimeoutMillis, 'flushTimeoutMillis');
    this._scriptOptions = {
      keyPrefix: options.keyPrefix ?? d.keyPrefix,
      toleranceMillis: nonNegative(
        options.outOfOrderToleranceMillis,
        d.outOfOrderToleranceMillis,
        'outOfOrderToleranceMillis',
      ),
      maxEvidence: Math.floor(nonNegative(options.maxEvidence, d.maxEvidence, 'maxEvidence')),
      maxDistinctValues: positiveInt(
        options.maxDistinctValuesPerGroup,
        d.maxDistinctValuesPerGroup,
        'maxDistinctValuesPerGroup',
      ),
      maxEventsPerStep: positiveInt(options.maxEventsPerStep, d.maxEventsPerStep, 'maxEventsPerStep'),
    };
    const { client, owned } = openConnection(options.redis, {
      commandTimeoutMillis: positiveInt(
        options.commandTimeoutMillis,
        d.commandTimeoutMillis,
        'commandTimeoutMillis',
      ),
      maxReconnectDelayMillis: positiveInt(
        options.maxReconnectDelayMillis,
        d.maxReconnectDelayMillis,
        'maxReconnectDelayMillis',
      ),
    });
    this._client = client;
    this._ownsClient = owned;
    this._cluster = isCluster(client);
    // Scripts are defined once per client: ioredis sends EVALSHA and falls back to EVAL on NOSCRIPT (a
    // restarted or failed-over Redis has lost its script cache).
    // Standalone: the number of keys varies per call (it is the first argument). Cluster: one group (two keys)
    // per call, declared, because ioredis routes and auto-pipelines a cluster command by its first argument.
    const scripted = client as unknown as Partial<Scripted>;
    if (typeof scripted.secmonApply !== 'function') client.defineCommand('secmonApply', { lua: APPLY_LUA });
    if (typeof scripted.secmonApplyOne !== 'function')
      client.defineCommand('secmonApplyOne', { lua: APPLY_LUA, numberOfKeys: 2 });
    this._connected = client.status === 'ready';
    this._listen('ready', () => this._onReady());
    this._listen('close', () => this._onDown('connection closed'));
    this._listen('end', () => this._onDown('connection ended'));
    this._listen('error', (e) => {
      // ioredis reports every failed reconnection attempt here: remember the cause, warn once per outage.
      this._lastError = e instanceof Error ? e.message : String(e);
      if (!this._connected) this._enterOutage();
    });
    if (this._cluster && (client as Cluster).options.enableAutoPipelining !== true) {
      diag.warn(
        'secmon redis store: the Redis Cluster client has enableAutoPipelining off: every script call is a round trip',
      );
    }
    this._shutdownOnce = new BindOnceFuture(this._shutdown, this);
    this._registerMetrics(options.meterProvider ?? metrics.getMeterProvider());
  }

  /** The ioredis client or cluster the store talks through. */
  get client(): Redis | Cluster {
    return this._client;
  }

  attach(binding: StateStoreBinding): void {
    for (const rule of binding.rules) this._addRule(rule);
  }

  record(observation: StoreObservation, binding: StateStoreBinding): void {
    if (this._isShutdown) {
      this._stats.droppedFailed++;
      return;
    }
    if (!this._connected || !this._healthy) {
      // The engine reads status() right after and detects on its own state: nothing is lost, only unshared.
      this._stats.droppedUnavailable++;
      return;
    }
    const queued = this._obs.length - this._head;
    if (queued >= this._maxQueue) {
      this._stats.droppedQueueFull++;
      this._enterOutage('queue full');
      return;
    }
    this._obs.push(observation);
    this._bindings.push(binding);
    if (this._timer === undefined && this._draining === undefined) {
      this._schedule(queued + 1 >= this._maxBatch ? 0 : this._flushInterval);
    }
  }

  status(): 'shared' | 'degraded' {
    return this._connected && this._healthy && this._obs.length - this._head < this._maxQueue
      ? 'shared'
      : 'degraded';
  }

  /** A snapshot of the counters (also exported as self-metrics). */
  stats(): RedisStateStoreStats {
    return { ...this._stats, status: this.status(), queued: this._obs.length - this._head };
  }

  /**
   * Resolves `true` once Redis is connected (the store is `'shared'`), `false` after `timeoutMillis`. Startup
   * helper: until then, engines detect on their local state with alerts marked degraded.
   */
  waitUntilReady(timeoutMillis = 5_000): Promise<boolean> {
    if (this.status() === 'shared') return Promise.resolve(true);
    return new Promise((resolve) => {
      const start = Date.now();
      const tick = (): void => {
        if (this.status() === 'shared') resolve(true);
        else if (this._isShutdown || Date.now() - start >= timeoutMillis) resolve(false);
        else setTimeout(tick, 10).unref();
      };
      tick();
    });
  }

  /** Sends what is queued and waits for Redis's answers, up to `flushTimeoutMillis`. Never rejects. */
  forceFlush(): Promise<void> {
    return this._flushAll(this._flushTimeout);
  }

  /** Flushes, then closes the client if the store created it. Idempotent; never rejects. */
  shutdown(): Promise<void> {
    return this._shutdownOnce.call();
  }

  private async _shutdown(): Promise<void> {
    await this._flushAll(this._flushTimeout);
    this._isShutdown = true;
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
    this._stats.droppedFailed += this._obs.length - this._head;
    this._obs = [];
    this._bindings = [];
    this._head = 0;
    await releaseConnection(this._client, this._ownsClient, this._listeners);
  }

  private _listen(event: string, fn: (...args: unknown[]) => void): void {
    this._listeners.push([event, fn]);
    this._client.on(event, fn);
  }

  private _addRule(rule: Rule): void {
    const compiled = compileRule(rule, this._scriptOptions);
    const known = this._rules.get(rule.id);
    if (known === undefined) {
      this._rules.set(rule.id, compiled);
    } else if (known.fingerprint !== compiled.fingerprint) {
      diag.warn(
        `secmon redis store: rule "${rule.id}" differs between engines of this process; the first definition is shared`,
      );
    }
  }

  private _onReady(): void {
    this._connected = true;
    this._healthy = true;
    this._recoverIfShared();
    if (this._obs.length > this._head) this._schedule(0);
  }

  private _onDown(cause: string): void {
    if (this._isShutdown) return;
    this._connected = false;
    this._enterOutage(cause);
  }

  /** Warns once per outage (STYLE.md rule 9) and counts it. */
  private _enterOutage(cause?: string): void {
    if (this._inOutage || this._isShutdown) return;
    this._inOutage = true;
    this._stats.outages++;
    const why = cause ?? 'unreachable';
    diag.warn(
      `secmon redis store: shared detection state unavailable (${why}${this._lastError !== '' ? `: ${this._lastError}` : ''}); ` +
        'engines detect on local state and mark their alerts degraded until Redis is back',
    );
  }

  private _recoverIfShared(): void {
    if (this._inOutage && this.status() === 'shared') {
      this._inOutage = false;
      this._lastError = '';
      diag.info('secmon redis store: Redis reachable again, detection state is shared');
    }
  }

  private _schedule(delay: number): void {
    if (this._timer !== undefined || this._isShutdown) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      void this._drain();
    }, delay);
    this._timer.unref();
  }

  private _drain(): Promise<void> {
    if (this._draining === undefined) {
      this._draining = this._drainLoop().finally(() => {
        this._draining = undefined;
        if (this._obs.length > this._head && this._connected)
          this._schedule(this._healthy ? 0 : this._retryDelay);
      });
    }
    return this._draining;
  }

  /**
   * Keeps up to `maxBatchesInFlight` batches in flight on the connection: Redis applies batch n while this
   * process builds batch n + 1 (one connection is FIFO, so each group's observations stay in order). Results
   * are taken in sending order; after a failure the rest is awaited and every failed batch goes back to the
   * front of the queue, in order.
   */
  private async _drainLoop(): Promise<void> {
    const inflight: Promise<Failed | undefined>[] = [];
    for (;;) {
      while (inflight.length < this._maxInFlight && this._obs.length > this._head && this._connected) {
        inflight.push(context.with(suppressTracing(context.active()), () => this._sendBatch()));
      }
      const next = inflight.shift();
      if (next === undefined) return;
      const failed = await next;
      if (failed !== undefined) {
        const all = [failed];
        for (const f of await Promise.all(inflight)) if (f !== undefined) all.push(f);
        this._requeue(all);
        this._healthy = false;
        this._enterOutage('a batch failed');
        return;
      }
    }
  }

  private async _flushAll(timeoutMillis: number): Promise<void> {
    if (this._isShutdown) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMillis);
      timer.unref();
    });
    const work = (async () => {
      // Drain until the queue is empty, Redis is unreachable, or a batch fails (it is retried later).
      for (;;) {
        if (this._draining !== undefined) await this._draining;
        if (this._obs.length <= this._head || !this._connected || this._isShutdown) return;
        const failedBefore = this._stats.failedBatches;
        await this._drain();
        if (this._stats.failedBatches !== failedBefore) return;
      }
    })();
    try {
      await Promise.race([work.catch(() => undefined), deadline]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  /** Sends one batch; returns what failed to reach Redis (to requeue), if anything. */
  private async _sendBatch(): Promise<Failed | undefined> {
    const n = Math.min(this._obs.length - this._head, this._maxBatch);
    const obs = this._obs.slice(this._head, this._head + n);
    const bindings = this._bindings.slice(this._head, this._head + n);
    this._head += n;
    if (this._head === this._obs.length) {
      this._obs = [];
      this._bindings = [];
      this._head = 0;
    } else if (this._head >= 4096 && this._head * 2 >= this._obs.length) {
      this._obs = this._obs.slice(this._head);
      this._bindings = this._bindings.slice(this._head);
      this._head = 0;
    }

    // One entry per rule and group, with that group's observations in arrival order.
    const groups: Group[] = [];
    // Per rule, its groups in this batch (nested maps: no key string built per observation).
    const byRule = new Map<ScriptRule, Map<string, Group>>();
    for (let i = 0; i < n; i++) {
      const o = obs[i]!;
      const rule = this._rules.get(o.ruleId);
      if (rule === undefined || !(o.timeUnixMicros >= 0)) {
        this._stats.droppedFailed++;
        continue;
      }
      let byGroup = byRule.get(rule);
      if (byGroup === undefined) byRule.set(rule, (byGroup = new Map()));
      let group = byGroup.get(o.groupKey);
      if (group === undefined) {
        group = { rule, members: [], stateKey: `${rule.keyStart}${groupKeyPart(o.groupKey)}}:s` };
        byGroup.set(o.groupKey, group);
        groups.push(group);
      }
      group.members.push(i);
    }
    if (groups.length === 0) return undefined;

    // Script calls: on a cluster one group each (one slot); standalone, up to maxGroupsPerCall groups each.
    const per = this._cluster ? 1 : this._maxGroupsPerCall;
    const calls: Group[][] = [];
    for (let i = 0; i < groups.length; i += per) calls.push(groups.slice(i, i + per));

    let replies: Reply;
    try {
      replies = await this._exec(calls, obs);
    } catch (e) {
      replies = calls.map(() => [e instanceof Error ? e : new Error(String(e)), null]);
    }

    let failed: number[] | undefined;
    let anyError = false;
    for (let c = 0; c < calls.length; c++) {
      const call = calls[c]!;
      const [err, reply] = replies[c] ?? [new Error('no reply'), null];
      if (err !== null) {
        anyError = true;
        if (isPermanent(err)) {
          for (const g of call) this._stats.droppedFailed += g.members.length;
          this._warn.warn(
            `script:${err.message.slice(0, 60)}`,
            `secmon redis store: Redis rejected a script call: ${err.message}`,
          );
        } else {
          this._lastError = err.message;
          for (const g of call) (failed ??= []).push(...g.members);
        }
        continue;
      }
      // Sparse: only groups with late events, evictions, suppressions, detections or foreign keys are listed.
      for (const g of call) this._stats.applied += g.members.length;
      const entries = Array.isArray(reply) ? (reply as unknown[]) : EMPTY;
      for (const entry of entries) {
        const [index, result] = entry as [unknown, unknown];
        const group = call[toInt(index) - 1];
        if (group !== undefined) this._handleResult(group, result, obs, bindings);
      }
    }

    if (anyError) this._stats.failedBatches++;
    if (failed !== undefined) return { members: failed, obs, bindings };
    if (!this._healthy) this._healthy = true;
    this._recoverIfShared();
    return undefined;
  }

  /** Standalone: one pipeline. Cluster: calls go out side by side (ioredis auto-pipelines them per node). */
  private async _exec(
    calls: readonly (readonly Group[])[],
    obs: readonly StoreObservation[],
  ): Promise<Reply> {
    if (!this._cluster) {
      const pipeline = (this._client as Redis).pipeline() as unknown as Scripted & {
        exec(): Promise<Reply | null>;
      };
      // Pipeline commands only queue (their outcome comes back from exec()).
      for (const call of calls) void pipeline.secmonApply(...this._args(call, obs));
      const out = await pipeline.exec();
      return out ?? calls.map(() => [new Error('pipeline discarded'), null] as [Error, null]);
    }
    const scripted = this._client as unknown as Scripted;
    // One group per call: drop the leading numkeys (2, declared by secmonApplyOne).
    const settled = await Promise.allSettled(
      calls.map((call) => scripted.secmonApplyOne(...this._args(call, obs).slice(1))),
    );
    return settled.map((s) =>
      s.status === 'fulfilled'
        ? [null, s.value]
        : [s.reason instanceof Error ? s.reason : new Error(String(s.reason)), null],
    );
  }

  /**
   * numkeys, the keys, the rule headers, the number of groups, then the groups' observations packed in one
   * argument (see scripts.ts). Keys: each group's state key; on a cluster its cooldown key too (declared: the
   * call is routed by its keys). On a standalone Redis the script derives the cooldown key from the state key
   * when a detection needs it.
   */
  private _args(call: readonly Group[], obs: readonly StoreObservation[]): (string | number | Buffer)[] {
    const args: (string | number | Buffer)[] = [call.length * (this._cluster ? 2 : 1)];
    if (this._cluster) for (const g of call) args.push(g.stateKey, `${g.stateKey.slice(0, -1)}c`);
    else for (const g of call) args.push(g.stateKey);
    const ruleIndex = new Map<ScriptRule, number>();
    for (const g of call) if (!ruleIndex.has(g.rule)) ruleIndex.set(g.rule, ruleIndex.size + 1);
    args.push(ruleIndex.size);
    for (const rule of ruleIndex.keys()) for (const h of rule.header) args.push(h);
    args.push(call.length);
    const withIds = this._scriptOptions.maxEvidence > 0;
    const p = this._packer;
    p.reset();
    for (const g of call) {
      const rule = g.rule;
      const members = g.members;
      p.u32(ruleIndex.get(rule)!);
      p.u32(members.length);
      for (let m = 0; m < members.length; m++) {
        const o = obs[members[m]!]!;
        // The event record ('E', time, evidence; the layout event_count stores, see scripts.ts). The evidence is
        // one string per event: the event-name token, then the ids when there are any.
        p.u8(0x45);
        p.f64(o.timeUnixMicros);
        const idx = rule.nameIndex.get(o.eventName);
        const token = idx !== undefined ? String(idx) : `=${o.eventName}`;
        // One string, one write (each write into the buffer is a call into C++).
        p.str(
          withIds && (o.traceId !== undefined || o.spanId !== undefined || o.recordUid !== undefined)
            ? `${token}\u001f${o.traceId ?? ''}\u001f${o.spanId ?? ''}\u001f${o.recordUid ?? ''}`
            : token,
        );
        if (rule.script === SCRIPT_VALUE_COUNT) {
          for (let f = 0; f < rule.fields; f++) p.str(o.values[f] ?? '');
        } else if (rule.script !== SCRIPT_EVENT_COUNT) {
          p.i32(o.step);
        }
      }
    }
    args.push(p.take());
    return args;
  }

  private _handleResult(
    group: Group,
    result: unknown,
    obs: readonly StoreObservation[],
    bindings: readonly StateStoreBinding[],
  ): void {
    if (!Array.isArray(result)) return;
    if (toInt(result[0]) === -1) {
      // A key of this group holds data that is not ours (another application writes under our prefix?).
      this._stats.applied -= group.members.length;
      this._stats.droppedFailed += group.members.length;
      this._warn.warn(
        'foreign',
        `secmon redis store: key ${group.stateKey} (or its cooldown) holds data the store did not write; its events are not shared`,
      );
      return;
    }
    this._stats.lateEvents += toInt(result[0]);
    this._stats.evictions += toInt(result[1]);
    this._stats.suppressed += toInt(result[2]);
    for (let r = 3; r < result.length; r++) {
      const det = result[r] as unknown[];
      const member = group.members[toInt(det[0]) - 1];
      if (member === undefined) continue;
      const trigger = obs[member]!;
      const detection = this._toDetection(group.rule, trigger, det);
      this._stats.detections++;
      try {
        bindings[member]!.raise(detection);
      } catch (e) {
        this._warn.warn(
          'raise',
          `secmon redis store: an engine failed to raise a shared detection: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }

  private _toDetection(rule: ScriptRule, trigger: StoreObservation, det: unknown[]): SharedDetection {
    const flat = (det[6] as unknown[] | undefined) ?? EMPTY;
    const evidence: SharedDetection['evidence'][number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const parts = String(flat[i + 1]).split('\u001f');
      const tok = parts[0] ?? '';
      const e: {
        traceId?: string;
        spanId?: string;
        recordUid?: string;
        timeUnixMicros: number;
        eventName: string;
      } = {
        timeUnixMicros: toInt(flat[i]),
        eventName: tok.startsWith('=') ? tok.slice(1) : (rule.eventNames[Number(tok)] ?? ''),
      };
      if (parts[1] !== undefined && parts[1] !== '') e.traceId = parts[1];
      if (parts[2] !== undefined && parts[2] !== '') e.spanId = parts[2];
      if (parts[3] !== undefined && parts[3] !== '') e.recordUid = parts[3];
      evidence.push(e);
    }
    const detection: {
      -readonly [K in keyof SharedDetection]: SharedDetection[K];
    } = {
      ruleId: rule.id,
      groupKey: trigger.groupKey,
      count: toInt(det[1]),
      firstUnixMicros: toInt(det[2]),
      lastUnixMicros: toInt(det[3]),
      triggerEventName: trigger.eventName,
      evidence,
      evidenceCount: toInt(det[4]),
      suppressedCount: toInt(det[5]),
    };
    if (rule.script === SCRIPT_VALUE_COUNT) {
      const d = (det[7] as unknown[] | undefined) ?? EMPTY;
      const distinct: Record<string, string[]> = {};
      let p = 0;
      for (let f = 0; f < rule.fields; f++) {
        const n = toInt(d[p++]);
        const values: string[] = [];
        for (let j = 0; j < n; j++) values.push(String(d[p++]));
        distinct[rule.fieldNames[f]!] = values;
      }
      detection.distinctValues = distinct;
    }
    return detection;
  }

  /** Puts failed batches back at the front of the queue, in order; what does not fit is dropped, oldest first (counted). */
  private _requeue(batches: readonly Failed[]): void {
    const obs: StoreObservation[] = [];
    const bindings: StateStoreBinding[] = [];
    for (const b of batches) {
      const members = [...b.members].sort((x, y) => x - y);
      for (const i of members) {
        obs.push(b.obs[i]!);
        bindings.push(b.bindings[i]!);
      }
    }
    const room = Math.max(0, this._maxQueue - (this._obs.length - this._head));
    const skip = Math.max(0, obs.length - room);
    this._stats.droppedFailed += skip;
    if (skip >= obs.length) return;
    this._obs = obs.slice(skip).concat(this._obs.slice(this._head));
    this._bindings = bindings.slice(skip).concat(this._bindings.slice(this._head));
    this._head = 0;
  }

  private _registerMetrics(meterProvider: MeterProvider): void {
    try {
      const meter = meterProvider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
      // Observable instruments read plain counters at collection time: nothing is added on the emit path.
      const applied = meter.createObservableCounter('secmon.store.observations.applied', {
        description: 'Matched events applied to the shared state in Redis',
        unit: '{event}',
      });
      const dropped = meter.createObservableCounter('secmon.store.observations.dropped', {
        description:
          'Matched events not applied to the shared state (reason: queue_full, unavailable, failed)',
        unit: '{event}',
      });
      const detections = meter.createObservableCounter('secmon.store.detections', {
        description: 'Detections on the fleet-wide state (each raised by exactly one instance)',
        unit: '{alert}',
      });
      const outages = meter.createObservableCounter('secmon.store.outages', {
        description:
          'Times the shared state became unavailable (alerts raised meanwhile are marked degraded)',
        unit: '{outage}',
      });
      const degraded = meter.createObservableGauge('secmon.store.degraded', {
        description: '1 while the shared state is unavailable and engines detect on local state, else 0',
        unit: '1',
      });
      const queued = meter.createObservableGauge('secmon.store.queue.size', {
        description: 'Matched events waiting for Redis',
        unit: '{event}',
      });
      meter.addBatchObservableCallback(
        (r) => {
          const s = this._stats;
          r.observe(applied, s.applied);
          r.observe(dropped, s.droppedQueueFull, { 'secmon.store.drop.reason': 'queue_full' });
          r.observe(dropped, s.droppedUnavailable, { 'secmon.store.drop.reason': 'unavailable' });
          r.observe(dropped, s.droppedFailed, { 'secmon.store.drop.reason': 'failed' });
          r.observe(detections, s.detections);
          r.observe(outages, s.outages);
          r.observe(degraded, this.status() === 'shared' ? 0 : 1);
          r.observe(queued, this._obs.length - this._head);
        },
        [applied, dropped, detections, outages, degraded, queued],
      );
    } catch (e) {
      this._warn.warn(
        'metrics',
        `secmon redis store: self-metrics unavailable: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}

/** Script errors and wrong-type keys will fail again; everything else (connection, timeout, LOADING, OOM, CLUSTERDOWN...) is retried. */
function isPermanent(err: Error): boolean {
  return err.name === 'ReplyError' && /^(ERR|WRONGTYPE)\b/.test(err.message);
}

function toInt(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function positiveInt(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 1) {
    diag.warn(`secmon redis store: invalid ${name} ${String(v)}, using ${dflt}`);
    return dflt;
  }
  return Math.floor(v);
}

function nonNegative(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) {
    diag.warn(`secmon redis store: invalid ${name} ${String(v)}, using ${dflt}`);
    return dflt;
  }
  return v;
}
