import { RequestState, requestStorage } from './internal/RequestState.js';
import type { RequestUser, SecurityRequestContext } from './types.js';

/**
 * Run `fn` with a security request context: every security event emitted inside it (synchronously or in
 * async continuations) carries these client, request and user attributes unless the call overrides them.
 * The Express middleware does this for you; use this for other frameworks.
 *
 * @example
 * runWithSecurityContext({ clientAddress: socket.remoteAddress, userAgent, method, urlPath }, () => handle());
 */
export function runWithSecurityContext<T>(context: SecurityRequestContext, fn: () => T): T {
  return requestStorage.run(new RequestState(context), fn);
}

/** The current request context (mutable: e.g. set `route` once routing is known), or undefined outside one. */
export function getSecurityContext(): SecurityRequestContext | undefined {
  return requestStorage.getStore()?.data;
}

/**
 * Record the authenticated user of the current request (after a successful login, for instance). Outside a
 * request context it does nothing. Identity must come from server-side state, never from client fields.
 */
export function setSecurityUser(user: RequestUser | undefined): void {
  const state = requestStorage.getStore();
  if (state === undefined) return;
  state.data.user = user;
  // An explicit user replaces whatever the middleware's callback would say for the rest of the request.
  state.userFn = undefined;
}
