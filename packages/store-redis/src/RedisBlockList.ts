import { context } from '@opentelemetry/api';
import { BindOnceFuture, suppressTracing } from '@opentelemetry/core';
import { BlockList, type BlockEntry, type BlockKind, type Clock } from '@secmon/processor';
import type { Cluster, Redis } from 'ioredis';
import { isCluster, openConnection, releaseConnection, type RedisConnection } from './connection.js';
import { BLOCK_LUA, UNBLOCK_LUA } from './internal/blockScripts.js';
import { WarnOnce } from './internal/WarnOnce.js';

/** Options of {@link RedisBlockList}. Only `redis` is required; defaults in {@link DEFAULT_REDIS_BLOCK_LIST_CONFIG}. */
export interface RedisBlockListOptions {
  /** As `RedisStateStoreOptions.redis`: your client or cluster (never closed by us), or a URL / options. */
  readonly redis: RedisConnection;
  /** Prefix of the keys and of the channel. Default `secmon:`. */
  readonly keyPrefix?: string;
  /** Clock for expiry. Default `Date.now`. */
  readonly clock?: Clock;
  /** Active blocks kept, locally and in Redis. Default 100 000. */
  readonly maxEntries?: number;
  /** Longest block accepted, ms. Default 7 days. */
  readonly maxDurationMillis?: number;
  /** Full resynchronisation from Redis (publish/subscribe gives the immediate updates), ms. Default 5 000 ms. */
  readonly syncIntervalMillis?: number;
  /** Blocks made while Redis is unreachable, kept to publish on reconnection. Default 1 000. */
  readonly maxPendingPublishes?: number;
  /** Called after every local `block()`, as `BlockListOptions.onBlock`. Exceptions are ignored. */
  readonly onBlock?: (entry: BlockEntry) => void;
}

/** The resolved defaults of {@link RedisBlockListOptions}. */
export const DEFAULT_REDIS_BLOCK_LIST_CONFIG = Object.freeze({
  keyPrefix: 'secmon:',
  maxEntries: 100_000,
  maxDurationMillis: 7 * 86_400_000,
  syncIntervalMillis: 5_000,
  maxPendingPublishes: 1_000,
});

type Op =
  | { readonly op: 'b'; readonly entry: BlockEntry }
  | { readonly op: 'u'; readonly kind: BlockKind; readonly value: string };

interface BlockScripts {
  secmonBlock(...args: string[]): Promise<unknown>;
  secmonUnblock(...args: string[]): Promise<unknown>;
}

/**
 * A fleet-wide block list: the processor's {@link BlockList} (it **is** one, so `blockListMiddleware` and
 * `SecurityRulesProcessor({ blockList })` take it as is), whose blocks and unblocks are shared through Redis.
 *
 * - `isBlocked()` stays a synchronous lookup in the local copy: a request is never held up by Redis.
 * - `block()`/`unblock()` (and `applyAlert()`) apply locally at once and are published in the background: a
 *   Lua script merges the block into Redis (a block is extended, never shortened), then every instance receives
 *   it over publish/subscribe; a periodic resynchronisation catches up after a lost connection.
 * - While Redis is unreachable, local blocks keep being enforced and are published on reconnection (bounded).
 *
 * @example
 * const blockList = new RedisBlockList({ redis: 'redis://127.0.0.1:6379' });
 * app.use(blockListMiddleware(blockList));
 * const processor = new SecurityRulesProcessor({ store, blockList });
 */
export class RedisBlockList extends BlockList {
  private readonly _client: Redis | Cluster;
  private readonly _subscriber: Redis | Cluster;
  private readonly _ownsClient: boolean;
  private readonly _clockRef: Clock;
  private readonly _sharedMax: number;
  private readonly _maxPending: number;
  private readonly _entriesKey: string;
  private readonly _expiryKey: string;
  private readonly _channel: string;
  private readonly _warn = new WarnOnce();
  private readonly _shutdownOnce: BindOnceFuture<void>;
  private readonly _syncTimer: NodeJS.Timeout;
  private readonly _pending: Op[] = [];
  /** Local keys known to come from Redis: removed locally when a resynchronisation no longer finds them. */
  private readonly _fromRedis = new Set<string>();
  private readonly _listeners: [string, (...args: unknown[]) => void][] = [];
  private _publishing: Promise<void> | undefined;
  private _syncing: Promise<void> | undefined;
  private _dropped = 0;
  private _isShutdown = false;

  constructor(options: RedisBlockListOptions) {
    const d = DEFAULT_REDIS_BLOCK_LIST_CONFIG;
    // `onBlock` publishes; `this` does not exist before super(), hence the late-bound reference.
    const self: { ref?: RedisBlockList } = {};
    const userOnBlock = options.onBlock;
    const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? d.maxEntries));
    super({
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      maxEntries,
      maxDurationMillis: options.maxDurationMillis ?? d.maxDurationMillis,
      onBlock: (entry) => {
        self.ref?._enqueue({ op: 'b', entry });
        if (userOnBlock !== undefined) userOnBlock(entry);
      },
    });
    self.ref = this;
    this._clockRef = options.clock ?? { now: Date.now };
    this._sharedMax = maxEntries;
    this._maxPending = Math.max(1, Math.floor(options.maxPendingPublishes ?? d.maxPendingPublishes));
    const prefix = options.keyPrefix ?? d.keyPrefix;
    // One hash tag: both keys in one cluster slot, as the block script needs.
    this._entriesKey = `${prefix}{blocks}:entries`;
    this._expiryKey = `${prefix}{blocks}:expiry`;
    this._channel = `${prefix}blocks`;
    const { client, owned } = openConnection(options.redis, {
      commandTimeoutMillis: 1_000,
      maxReconnectDelayMillis: 2_000,
    });
    this._client = client;
    this._ownsClient = owned;
    const scripted = client as unknown as Partial<BlockScripts>;
    if (typeof scripted.secmonBlock !== 'function')
      client.defineCommand('secmonBlock', { numberOfKeys: 2, lua: BLOCK_LUA });
    if (typeof scripted.secmonUnblock !== 'function')
      client.defineCommand('secmonUnblock', { numberOfKeys: 2, lua: UNBLOCK_LUA });
    this._listen('error', (e: unknown) =>
      this._warn.warn(
        'client',
        `secmon redis block list: Redis unreachable (${e instanceof Error ? e.message : String(e)}); local blocks are still enforced`,
      ),
    );
    this._listen('ready', () => {
      this._flushPending();
      void this.sync();
    });

    // A subscribed connection cannot send other commands: a second connection of our own. It resubscribes on
    // 'ready' below, with a catch; ioredis's own resubscription (autoResubscribe) leaves its promise unhandled
    // when the connection drops again at once: an unhandled rejection, which ends a Node process by default
    // (seen once in CI, in the outage suite: MaxRetriesPerRequestError from the connection's close handler).
    this._subscriber = isCluster(client) ? client.duplicate() : client.duplicate({ autoResubscribe: false });
    this._subscriber.on('error', () => undefined);
    this._subscriber.on('ready', () => {
      this._subscriber.subscribe(this._channel).catch(() => undefined);
    });
    this._subscriber.on('message', (channel: string, message: string) => {
      if (channel === this._channel) this._onMessage(message);
    });

    this._syncTimer = setInterval(
      () => void this.sync(),
      Math.max(100, options.syncIntervalMillis ?? d.syncIntervalMillis),
    );
    this._syncTimer.unref();
    this._shutdownOnce = new BindOnceFuture(this._shutdown, this);
    if (client.status === 'ready') void this.sync();
  }

  /** The ioredis client or cluster the list publishes through (subscriptions use a second connection). */
  get client(): Redis | Cluster {
    return this._client;
  }

  /** Lifts a block here and across the fleet; true when there was one here. */
  override unblock(kind: BlockKind, value: string): boolean {
    const had = super.unblock(kind, value);
    this._fromRedis.delete(fieldOf(kind, value));
    this._enqueue({ op: 'u', kind, value });
    return had;
  }

  /** Publishes a block made elsewhere (e.g. another `BlockList`'s `onBlock`) to the fleet, and applies it here. */
  publish(entry: BlockEntry): void {
    this.apply(entry);
    this._enqueue({ op: 'b', entry });
  }

  /** Blocks waiting to be published, and blocks given up (pending queue full). */
  stats(): { pending: number; dropped: number; size: number } {
    return { pending: this._pending.length, dropped: this._dropped, size: this.size };
  }

  /** Waits for pending publications (bounded by the client's command timeout). Never rejects. */
  async forceFlush(): Promise<void> {
    this._flushPending();
    await (this._publishing ?? Promise.resolve()).catch(() => undefined);
  }

  /**
   * Reads every active block from Redis into the local copy (and drops local copies of blocks lifted
   * elsewhere). Runs on connection and every `syncIntervalMillis`. Never rejects.
   */
  sync(): Promise<void> {
    if (this._isShutdown || this._client.status !== 'ready') return Promise.resolve();
    this._syncing ??= context
      .with(suppressTracing(context.active()), () => this._sync())
      .catch((e: unknown) =>
        this._warn.warn(
          'sync',
          `secmon redis block list: resynchronisation failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      )
      .finally(() => {
        this._syncing = undefined;
      });
    return this._syncing;
  }

  /** Publishes what is pending, stops the timers and closes the connections the list opened. Idempotent. */
  shutdown(): Promise<void> {
    return this._shutdownOnce.call();
  }

  private async _shutdown(): Promise<void> {
    await this.forceFlush();
    this._isShutdown = true;
    clearInterval(this._syncTimer);
    this._subscriber.disconnect();
    await releaseConnection(this._client, this._ownsClient, this._listeners);
  }

  private _listen(event: string, fn: (...args: unknown[]) => void): void {
    this._listeners.push([event, fn]);
    this._client.on(event, fn);
  }

  private async _sync(): Promise<void> {
    // Only blocks known to come from Redis before this read may be found lifted by it.
    const known = [...this._fromRedis];
    const now = this._clockRef.now();
    const flat = (await this._client.zrangebyscore(
      this._expiryKey,
      `(${now}`,
      '+inf',
      'WITHSCORES',
      'LIMIT',
      0,
      this._sharedMax,
    )) as string[];
    const fields: string[] = [];
    const expiries: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      fields.push(flat[i]!);
      expiries.push(Number(flat[i + 1]));
    }
    const details = fields.length > 0 ? await this._client.hmget(this._entriesKey, ...fields) : [];
    const seen = new Set<string>();
    for (let i = 0; i < fields.length; i++) {
      seen.add(fields[i]!);
      this._applyRemote(fields[i]!, expiries[i]!, details[i] ?? null);
    }
    for (const key of known) {
      if (seen.has(key)) continue;
      this._fromRedis.delete(key);
      const [kind, value] = splitField(key);
      if (
        kind !== undefined &&
        !this._pending.some((p) => p.op === 'b' && fieldOf(p.entry.kind, p.entry.value) === key)
      )
        super.unblock(kind, value);
    }
  }

  private _onMessage(message: string): void {
    try {
      const m = JSON.parse(message) as unknown[];
      if (m[0] === 'b' && typeof m[1] === 'string')
        this._applyRemote(m[1], Number(m[2]), typeof m[3] === 'string' ? m[3] : null);
      else if (m[0] === 'u' && typeof m[1] === 'string') {
        const [kind, value] = splitField(m[1]);
        this._fromRedis.delete(m[1]);
        if (kind !== undefined) super.unblock(kind, value);
      }
    } catch {
      this._warn.warn('message', 'secmon redis block list: ignored a malformed message on the block channel');
    }
  }

  private _applyRemote(field: string, expiresAtMillis: number, detailsJson: string | null): void {
    const [kind, value] = splitField(field);
    if (kind === undefined || !Number.isFinite(expiresAtMillis)) return;
    const current = this.isBlocked(kind, value);
    if (current !== undefined && current.expiresAtMillis >= expiresAtMillis) {
      this._fromRedis.add(field);
      return;
    }
    let details: { createdAtMillis?: number; ruleId?: string; alertId?: string; reason?: string } = {};
    try {
      if (detailsJson !== null) details = JSON.parse(detailsJson) as typeof details;
    } catch {
      // Keep the block without its details: enforcing it matters more than its description.
    }
    const entry: BlockEntry = {
      kind,
      value,
      createdAtMillis:
        typeof details.createdAtMillis === 'number' ? details.createdAtMillis : this._clockRef.now(),
      expiresAtMillis,
      ...(typeof details.ruleId === 'string' ? { ruleId: details.ruleId } : {}),
      ...(typeof details.alertId === 'string' ? { alertId: details.alertId } : {}),
      ...(typeof details.reason === 'string' ? { reason: details.reason } : {}),
    };
    this.apply(entry);
    if (this._fromRedis.size < this._sharedMax) this._fromRedis.add(field);
  }

  private _enqueue(op: Op): void {
    if (this._isShutdown) return;
    if (this._pending.length >= this._maxPending) {
      this._pending.shift();
      this._dropped++;
      this._warn.warn(
        'pending',
        'secmon redis block list: too many blocks waiting for Redis; the oldest are enforced locally only',
      );
    }
    this._pending.push(op);
    this._flushPending();
  }

  private _flushPending(): void {
    if (this._publishing !== undefined || this._pending.length === 0 || this._client.status !== 'ready')
      return;
    this._publishing = context
      .with(suppressTracing(context.active()), () => this._publishAll())
      .catch((e: unknown) =>
        this._warn.warn(
          'publish',
          `secmon redis block list: publishing a block failed (will retry): ${e instanceof Error ? e.message : String(e)}`,
        ),
      )
      .finally(() => {
        this._publishing = undefined;
      });
  }

  private async _publishAll(): Promise<void> {
    const scripts = this._client as unknown as BlockScripts;
    while (this._pending.length > 0 && this._client.status === 'ready') {
      const op = this._pending[0]!;
      if (op.op === 'b') {
        const e = op.entry;
        const details = JSON.stringify({
          createdAtMillis: e.createdAtMillis,
          ...(e.ruleId !== undefined ? { ruleId: e.ruleId } : {}),
          ...(e.alertId !== undefined ? { alertId: e.alertId } : {}),
          ...(e.reason !== undefined ? { reason: e.reason } : {}),
        });
        const field = fieldOf(e.kind, e.value);
        await scripts.secmonBlock(
          this._entriesKey,
          this._expiryKey,
          field,
          details,
          String(Math.floor(this._clockRef.now())),
          String(Math.floor(e.expiresAtMillis)),
          this._channel,
          String(this._sharedMax),
        );
        if (this._fromRedis.size < this._sharedMax) this._fromRedis.add(field);
      } else {
        await scripts.secmonUnblock(
          this._entriesKey,
          this._expiryKey,
          fieldOf(op.kind, op.value),
          this._channel,
        );
      }
      // Only a published operation leaves the queue: a failure keeps it for the next connection.
      this._pending.shift();
    }
  }
}

function fieldOf(kind: BlockKind, value: string): string {
  return `${kind}\u0000${value}`;
}

function splitField(field: string): [BlockKind, string] | [undefined, string] {
  const i = field.indexOf('\u0000');
  const kind = field.slice(0, i);
  if (i < 0 || (kind !== 'client' && kind !== 'user')) return [undefined, field];
  return [kind, field.slice(i + 1)];
}
