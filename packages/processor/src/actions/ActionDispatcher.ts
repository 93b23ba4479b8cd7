import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { Alert } from '../engine/Alert.js';
import { SECURITY_PLUGIN_ERROR_CODES, SecurityPluginError } from '../errors/SecurityPluginError.js';
import { WarnOnce } from '../internal/WarnOnce.js';
import type { AlertAction } from './AlertAction.js';

/** Options of {@link ActionDispatcher}; the processor passes its `action*` options through. */
export interface ActionDispatcherOptions {
  readonly actions: readonly AlertAction[];
  /** Deliveries (alert x action) waiting or being retried at once; more are dropped (counted). Default 1 000. */
  readonly maxQueueSize?: number;
  /** Deliveries in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Timeout of one attempt, ms. Default 10 000. */
  readonly timeoutMillis?: number;
  /** Attempts per delivery, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Backoff before the 2nd attempt, ms; doubles each time (with jitter). Default 1 000. */
  readonly retryBaseMillis?: number;
  /** Longest backoff, ms. Default 30 000. */
  readonly retryMaxMillis?: number;
  /**
   * Called after every failed attempt (exceptions it throws are caught): for an operator's console or a
   * service's own log. Default: `diag` only.
   */
  readonly onFailure?: (failure: ActionFailure) => void;
}

/** One failed delivery attempt, as {@link ActionDispatcherOptions.onFailure} receives it. */
export interface ActionFailure {
  /** The action (its `name` for messages; the object itself to tell apart actions that share a name). */
  readonly action: AlertAction;
  readonly alert: Alert;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly error: SecurityPluginError;
  /** True when another attempt is scheduled; false when the delivery is abandoned. */
  readonly willRetry: boolean;
}

/** Counters of an {@link ActionDispatcher}. */
export interface ActionDispatcherStats {
  /** Deliveries that succeeded. */
  delivered: number;
  /** Failed attempts (each retry that failed counts). */
  failures: number;
  /** Deliveries abandoned after the retry budget or a non-retryable failure. */
  abandoned: number;
  /** Deliveries refused because the queue was full, or left when shutdown timed out. */
  dropped: number;
  /** Deliveries waiting, in flight or waiting for a retry. */
  pending: number;
}

interface Job {
  readonly action: AlertAction;
  readonly alert: Alert;
  attempt: number;
}

/**
 * Runs alert actions off the hot path: `enqueue` is synchronous and O(1); deliveries run in the background
 * under `suppressTracing` (our own HTTP and SMTP calls must not produce telemetry that feeds back into the
 * pipeline, STYLE.md rule 8), with a timeout per attempt, exponential backoff with jitter, and unref'd timers
 * so a pending retry never keeps the process alive.
 */
export class ActionDispatcher {
  private readonly _actions: readonly AlertAction[];
  private readonly _maxQueue: number;
  private readonly _concurrency: number;
  private readonly _timeout: number;
  private readonly _maxAttempts: number;
  private readonly _retryBase: number;
  private readonly _retryMax: number;
  private readonly _onFailure: ((failure: ActionFailure) => void) | undefined;
  private readonly _ready: Job[] = [];
  /** Abort controllers of the attempts in flight (aborted when shutdown gives up waiting). */
  private readonly _attempts = new Set<AbortController>();
  private readonly _timers = new Set<NodeJS.Timeout>();
  private readonly _warn = new WarnOnce();
  private readonly _stats: ActionDispatcherStats = {
    delivered: 0,
    failures: 0,
    abandoned: 0,
    dropped: 0,
    pending: 0,
  };
  private _inFlight = 0;
  private _waiting = 0;
  private _idle: (() => void)[] = [];
  private _stopped = false;

  constructor(options: ActionDispatcherOptions) {
    this._actions = [...options.actions];
    this._maxQueue = positive(options.maxQueueSize, 1_000);
    this._concurrency = positive(options.concurrency, 4);
    this._timeout = positive(options.timeoutMillis, 10_000);
    this._maxAttempts = positive(options.maxAttempts, 5);
    this._retryBase = positive(options.retryBaseMillis, 1_000);
    this._retryMax = positive(options.retryMaxMillis, 30_000);
    this._onFailure = options.onFailure;
  }

  /** True when there is at least one action. */
  get active(): boolean {
    return this._actions.length > 0;
  }

  stats(): ActionDispatcherStats {
    return { ...this._stats, pending: this._pending() };
  }

  /** Queues one delivery per action. Never blocks, never throws. */
  enqueue(alert: Alert): void {
    if (this._stopped) {
      this._stats.dropped += this._actions.length;
      return;
    }
    for (const action of this._actions) {
      if (this._pending() >= this._maxQueue) {
        this._stats.dropped++;
        this._warn.warn(
          'queue-full',
          `secmon processor: alert action queue full (${this._maxQueue}); deliveries are dropped and counted`,
        );
        continue;
      }
      this._ready.push({ action, alert, attempt: 0 });
    }
    this._pump();
  }

  /** Resolves when nothing is pending, or after `timeoutMillis`. Never rejects. */
  flush(timeoutMillis = 30_000): Promise<void> {
    if (this._pending() === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMillis);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this._idle.push(done);
    });
  }

  /**
   * Waits for pending deliveries up to `timeoutMillis`, then drops the queued ones and aborts those in flight
   * (counted as dropped and abandoned), so that a hanging endpoint cannot hold the process past its timeout.
   */
  async shutdown(timeoutMillis = 30_000): Promise<void> {
    await this.flush(timeoutMillis);
    this._stopped = true;
    for (const c of this._attempts)
      c.abort(
        new SecurityPluginError(
          SECURITY_PLUGIN_ERROR_CODES.ACTION_TIMEOUT,
          `aborted: shutdown waited ${timeoutMillis} ms`,
          { retryable: false },
        ),
      );
    for (const t of this._timers) clearTimeout(t);
    this._stats.dropped += this._ready.length + this._timers.size;
    this._timers.clear();
    this._waiting = 0;
    this._ready.length = 0;
  }

  private _pending(): number {
    return this._ready.length + this._inFlight + this._waiting;
  }

  private _pump(): void {
    while (this._inFlight < this._concurrency && this._ready.length > 0) {
      const job = this._ready.shift() as Job;
      this._inFlight++;
      void this._attempt(job).finally(() => {
        this._inFlight--;
        this._pump();
        this._checkIdle();
      });
    }
  }

  private async _attempt(job: Job): Promise<void> {
    job.attempt++;
    const controller = new AbortController();
    this._attempts.add(controller);
    const timer = setTimeout(
      () =>
        controller.abort(
          new SecurityPluginError(
            SECURITY_PLUGIN_ERROR_CODES.ACTION_TIMEOUT,
            `timed out after ${this._timeout} ms`,
          ),
        ),
      this._timeout,
    );
    timer.unref();
    try {
      await context.with(suppressTracing(context.active()), () =>
        raceAbort(job.action.send(job.alert, controller.signal), controller.signal),
      );
      this._stats.delivered++;
    } catch (e) {
      this._stats.failures++;
      const err = SecurityPluginError.from(e, SECURITY_PLUGIN_ERROR_CODES.ACTION_FAILED);
      const willRetry = err.retryable && job.attempt < this._maxAttempts && !this._stopped;
      if (willRetry) {
        diag.debug(
          `secmon processor: ${job.action.name} action attempt ${job.attempt} failed (${err.message}); retrying`,
        );
        this._retryLater(job);
      } else {
        this._stats.abandoned++;
        diag.warn(
          `secmon processor: ${job.action.name} action gave up on alert ${job.alert.id} after ${job.attempt} attempt(s): ${err.message}`,
        );
      }
      if (this._onFailure !== undefined) {
        try {
          this._onFailure({
            action: job.action,
            alert: job.alert,
            attempt: job.attempt,
            error: err,
            willRetry,
          });
        } catch {
          // A failing observer must not break delivery.
        }
      }
    } finally {
      clearTimeout(timer);
      this._attempts.delete(controller);
    }
  }

  private _retryLater(job: Job): void {
    const exp = Math.min(this._retryMax, this._retryBase * 2 ** (job.attempt - 1));
    // "Full jitter" halves the expected wait and spreads a fleet's retries (AWS architecture blog).
    const delay = exp / 2 + Math.random() * (exp / 2);
    this._waiting++;
    const timer = setTimeout(() => {
      this._timers.delete(timer);
      this._waiting--;
      if (this._stopped) return;
      this._ready.push(job);
      this._pump();
    }, delay);
    timer.unref();
    this._timers.add(timer);
  }

  private _checkIdle(): void {
    if (this._pending() !== 0 || this._idle.length === 0) return;
    const waiters = this._idle;
    this._idle = [];
    for (const w of waiters) w();
  }
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : dflt;
}

/** Rejects as soon as the signal aborts, even when the action ignores it (it then finishes in the background). */
function raceAbort(p: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
