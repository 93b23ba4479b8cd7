import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import type { RequestUser, SecurityRequestContext } from '../types.js';

/**
 * Per-request state behind the public {@link SecurityRequestContext}. Static values are sanitised once per
 * request and per SecurityEvents instance (`memoOwner`/`memo`); route and user can change while the request
 * is routed and authenticated, so they are read at emit time through the optional callbacks.
 */
export class RequestState {
  readonly data: SecurityRequestContext;
  /** Dynamic route (Express: base URL + matched route path), read at emit time. */
  routeFn: (() => string | undefined) | undefined = undefined;
  /** Dynamic authenticated user, read at emit time (e.g. set by an auth middleware after ours). */
  userFn: (() => RequestUser | undefined) | undefined = undefined;
  /** Dynamic raw session id. */
  sessionFn: (() => string | undefined) | undefined = undefined;
  /** The OTel context at request entry, for events emitted after the response (automatic capture). */
  otelContext: Context | undefined = undefined;
  /** Bit set of FLAG_* of events emitted during this request. */
  flags = 0;
  /** Owner of `memo` (a SecurityEvents), so two instances with different options do not share results. */
  memoOwner: object | undefined = undefined;
  /** Sanitised static attributes as [key, value, key, value...]. */
  memo: (string | number)[] | undefined = undefined;
  /** Last route seen and its sanitised value (same owner as `memo`). */
  routeRaw: string | undefined = undefined;
  routeValue: string | undefined = undefined;

  constructor(data: SecurityRequestContext) {
    this.data = data;
  }
}

/** The one AsyncLocalStorage of the package: every SecurityEvents instance reads the same request context. */
export const requestStorage = new AsyncLocalStorage<RequestState>();
