import { ATTR_CLIENT_ADDRESS, ATTR_USER_HASH, ATTR_USER_ID } from '@secmon/semconv';
import type { Alert } from '../engine/Alert.js';
import type { Clock } from '../types.js';

/** What a block applies to: a client address, or a user (`user.id`, or `user.hash` when that is all the alert names). */
export type BlockKind = 'client' | 'user';

/** One active block. */
export interface BlockEntry {
  readonly kind: BlockKind;
  readonly value: string;
  readonly createdAtMillis: number;
  readonly expiresAtMillis: number;
  /** The rule whose alert caused the block, when it came from an alert. */
  readonly ruleId?: string;
  readonly alertId?: string;
  readonly reason?: string;
}

/** Options of {@link BlockList}. */
export interface BlockListOptions {
  /** Clock for expiry. Default `Date.now`. */
  readonly clock?: Clock;
  /** Active blocks kept; beyond it the block expiring soonest is dropped. Default 100 000. */
  readonly maxEntries?: number;
  /** Longest block accepted, ms (longer ones are clamped). Default 7 days. */
  readonly maxDurationMillis?: number;
  /**
   * Called after every local `block()` (not for `apply()`), e.g. to publish it to a fleet-wide store such as
   * `@secmon/store-redis`. Exceptions are ignored.
   */
  readonly onBlock?: (entry: BlockEntry) => void;
}

/**
 * A time-limited block list of client addresses and users, filled by alert responses (`block_client`,
 * `lock_user`) and enforced by {@link blockListMiddleware}. Blocks expire by themselves; memory is bounded.
 */
export class BlockList {
  private readonly _clock: Clock;
  private readonly _maxEntries: number;
  private readonly _maxDuration: number;
  private readonly _onBlock: ((entry: BlockEntry) => void) | undefined;
  private readonly _entries = new Map<string, BlockEntry>();

  constructor(options: BlockListOptions = {}) {
    this._clock = options.clock ?? { now: Date.now };
    this._maxEntries = Math.max(1, options.maxEntries ?? 100_000);
    this._maxDuration = Math.max(1, options.maxDurationMillis ?? 7 * 86_400_000);
    this._onBlock = options.onBlock;
  }

  /** Blocks `value` for `durationMillis` (extends an existing block, never shortens it). */
  block(
    kind: BlockKind,
    value: string,
    durationMillis: number,
    details: { ruleId?: string; alertId?: string; reason?: string } = {},
  ): BlockEntry {
    const now = this._clock.now();
    const duration = Math.min(Math.max(0, durationMillis), this._maxDuration);
    const key = `${kind}\u0000${value}`;
    const existing = this._entries.get(key);
    const expiresAtMillis = Math.max(
      now + duration,
      existing !== undefined && existing.expiresAtMillis > now ? existing.expiresAtMillis : 0,
    );
    const entry: BlockEntry = Object.freeze({
      kind,
      value,
      createdAtMillis: now,
      expiresAtMillis,
      ...details,
    });
    this._put(key, entry, now);
    if (this._onBlock !== undefined) {
      try {
        this._onBlock(entry);
      } catch {
        // A publishing hook must never break the response path.
      }
    }
    return entry;
  }

  /** Adds a block received from elsewhere (a fleet-wide store) without calling `onBlock`. */
  apply(entry: BlockEntry): void {
    const now = this._clock.now();
    if (entry.expiresAtMillis <= now) return;
    this._put(`${entry.kind}\u0000${entry.value}`, Object.freeze({ ...entry }), now);
  }

  /** Lifts a block; true when there was one. */
  unblock(kind: BlockKind, value: string): boolean {
    return this._entries.delete(`${kind}\u0000${value}`);
  }

  /** The active block of `value`, if any (expired blocks are removed on the way). */
  isBlocked(kind: BlockKind, value: string): BlockEntry | undefined {
    const key = `${kind}\u0000${value}`;
    const e = this._entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAtMillis <= this._clock.now()) {
      this._entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Active blocks. */
  entries(): BlockEntry[] {
    const now = this._clock.now();
    const out: BlockEntry[] = [];
    for (const [k, e] of this._entries) {
      if (e.expiresAtMillis <= now) this._entries.delete(k);
      else out.push(e);
    }
    return out;
  }

  /** Number of blocks held (expired ones included until they are next looked at). */
  get size(): number {
    return this._entries.size;
  }

  /**
   * Applies an alert's suggested response: `block_client` blocks the group's `client.address`, `lock_user`
   * blocks the group's `user.id` (or `user.hash`), for the response's duration. Returns the block, if any.
   */
  applyAlert(alert: Alert): BlockEntry | undefined {
    const response = alert.rule.response;
    if (response === undefined || response.durationMillis === undefined) return undefined;
    const details = { ruleId: alert.rule.id, alertId: alert.id, reason: alert.rule.title };
    if (response.action === 'block_client') {
      const addr = alert.group[ATTR_CLIENT_ADDRESS];
      return addr === undefined ? undefined : this.block('client', addr, response.durationMillis, details);
    }
    if (response.action === 'lock_user') {
      const user = alert.group[ATTR_USER_ID] ?? alert.group[ATTR_USER_HASH];
      return user === undefined ? undefined : this.block('user', user, response.durationMillis, details);
    }
    return undefined;
  }

  private _put(key: string, entry: BlockEntry, now: number): void {
    this._entries.delete(key);
    if (this._entries.size >= this._maxEntries) {
      // Drop expired blocks first, then the one expiring soonest.
      let soonestKey: string | undefined;
      let soonest = Number.POSITIVE_INFINITY;
      for (const [k, e] of this._entries) {
        if (e.expiresAtMillis <= now) this._entries.delete(k);
        else if (e.expiresAtMillis < soonest) {
          soonest = e.expiresAtMillis;
          soonestKey = k;
        }
      }
      if (this._entries.size >= this._maxEntries && soonestKey !== undefined)
        this._entries.delete(soonestKey);
    }
    this._entries.set(key, entry);
  }
}
