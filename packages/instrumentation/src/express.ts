import { context as otelContext, diag } from '@opentelemetry/api';
import { EVENTS } from '@secmon/semconv';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  FLAG_AUTHN_FAILURE,
  FLAG_AUTHZ_FAILURE,
  FLAG_NOT_FOUND,
  FLAG_RATE_LIMITED,
} from './internal/compiledEvents.js';
import { clientAddressFromChain, compileTrustList, normalizeIp } from './internal/ip.js';
import { RequestState, requestStorage } from './internal/RequestState.js';
import type { SecurityEvents } from './SecurityEvents.js';
import type { RequestUser } from './types.js';

/**
 * Which proxies may set `X-Forwarded-For`:
 * - `false` (default): none; `client.address` is the socket peer. Never a spoofable header by default.
 * - `true`: every hop (the left-most address wins): only behind a proxy that overwrites the header.
 * - a number `n`: the `n` nearest hops (e.g. `1` behind one load balancer).
 * - a list of IPs, CIDRs and the names `loopback`, `linklocal`, `uniquelocal`.
 * - a function `(address, hop) => boolean`.
 * - `'express'`: use `req.ip`, i.e. the app's own `trust proxy` setting.
 */
export type TrustProxy =
  boolean | number | readonly string[] | 'express' | ((address: string, hop: number) => boolean);

/** Options of {@link createExpressMiddleware}. */
export interface ExpressMiddlewareOptions {
  /** Default `false` (the socket peer address). See {@link TrustProxy}. */
  trustProxy?: TrustProxy;
  /**
   * The authenticated user, from server-side state (session, verified token), read each time an event is
   * emitted (so an auth middleware running after this one is seen). Default: none.
   */
  getUser?: (req: Request) => RequestUser | undefined;
  /** The raw server-side session id (hashed into `session.id`). Default: none. */
  getSessionId?: (req: Request) => string | undefined;
  /** 401 responses → `secmon.authn.login_fail` (`error.type=unauthenticated`). Default true. */
  captureUnauthorized?: boolean;
  /** 403 responses → `secmon.authz.fail` (`error.type=forbidden`). Default true. */
  captureForbidden?: boolean;
  /** 429 responses → `secmon.excess.rate_limit_exceeded` (`secmon.limit.max` from `RateLimit-Limit`). Default true. */
  captureTooManyRequests?: boolean;
  /** 404 responses → `secmon.access.not_found`, the base event of forced-browsing rules. Default true. */
  captureNotFound?: boolean;
}

type Resolver = (req: Request) => { address: string; port?: number } | undefined;

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

function compileResolver(trust: TrustProxy): Resolver {
  const peerOnly: Resolver = (req) => {
    const address =
      req.socket.remoteAddress === undefined ? undefined : normalizeIp(req.socket.remoteAddress);
    return address === undefined ? undefined : { address, port: req.socket.remotePort };
  };
  if (trust === false) return peerOnly;
  if (trust === 'express') {
    return (req) => {
      const address = typeof req.ip === 'string' ? normalizeIp(req.ip) : undefined;
      return address === undefined ? peerOnly(req) : { address };
    };
  }
  let isTrusted: (addr: string, hop: number) => boolean;
  if (trust === true) isTrusted = () => true;
  else if (typeof trust === 'number') {
    const hops = trust;
    isTrusted = (_addr, hop) => hop < hops;
  } else if (typeof trust === 'function') {
    const fn = trust;
    isTrusted = (addr, hop) => {
      try {
        return fn(addr, hop) === true;
      } catch {
        return false;
      }
    };
  } else {
    const { check, errors } = compileTrustList(trust);
    if (errors.length > 0)
      diag.warn(
        `secmon-instrumentation: trustProxy entries ignored (not IPs/CIDRs): ${errors.slice(0, 5).join(', ')}`,
      );
    isTrusted = (addr) => check(addr);
  }
  return (req) => {
    const r = clientAddressFromChain(
      req.socket.remoteAddress,
      headerValue(req.headers['x-forwarded-for']),
      isTrusted,
    );
    if (r === undefined) return undefined;
    return r.fromPeer ? { address: r.address, port: req.socket.remotePort } : { address: r.address };
  };
}

/** The matched route template, e.g. `/api/orders/:id` (Express sets `req.route` once a route matches). */
function routeOf(req: Request): string | undefined {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route === undefined || typeof route.path !== 'string') return undefined;
  return `${req.baseUrl ?? ''}${route.path}`;
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

function limitOf(res: Response): number | undefined {
  const raw = res.getHeader('ratelimit-limit') ?? res.getHeader('x-ratelimit-limit');
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseInt(raw, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Express middleware: opens a security request context (AsyncLocalStorage) so that every security event
 * emitted while the request is handled carries `client.address`, `client.port`, `user_agent.original`,
 * `http.request.method`, `http.route`, `url.path` and the authenticated user; and turns 401/403/429/404
 * responses into security events when the app did not already emit the matching event during the request.
 * Mount it early (before routers and auth). Never throws: on an internal error the request proceeds
 * without a context.
 *
 * @example
 * app.use(createExpressMiddleware(security, { trustProxy: 1, getUser: (req) => req.session?.user }));
 */
export function createExpressMiddleware(
  security: SecurityEvents,
  options: ExpressMiddlewareOptions = {},
): RequestHandler {
  const resolve = compileResolver(options.trustProxy ?? false);
  const getUser = options.getUser;
  const getSessionId = options.getSessionId;
  const c401 = options.captureUnauthorized ?? true;
  const c403 = options.captureForbidden ?? true;
  const c429 = options.captureTooManyRequests ?? true;
  const c404 = options.captureNotFound ?? true;
  const capture = c401 || c403 || c429 || c404;

  const onFinish = (res: Response, state: RequestState): void => {
    try {
      const status = res.statusCode;
      const ctx = state.otelContext;
      if (status === 401 && c401 && (state.flags & FLAG_AUTHN_FAILURE) === 0) {
        security._emitForRequest(
          EVENTS.AUTHN_LOGIN_FAIL,
          { statusCode: 401, reason: 'unauthenticated', context: ctx },
          state,
        );
      } else if (status === 403 && c403 && (state.flags & FLAG_AUTHZ_FAILURE) === 0) {
        security._emitForRequest(
          EVENTS.AUTHZ_FAIL,
          { statusCode: 403, reason: 'forbidden', context: ctx },
          state,
        );
      } else if (status === 429 && c429 && (state.flags & FLAG_RATE_LIMITED) === 0) {
        security._emitForRequest(
          EVENTS.EXCESS_RATE_LIMIT_EXCEEDED,
          { statusCode: 429, reason: 'rate_limited', limit: limitOf(res), context: ctx },
          state,
        );
      } else if (status === 404 && c404 && (state.flags & FLAG_NOT_FOUND) === 0) {
        security._emitForRequest(EVENTS.ACCESS_NOT_FOUND, { statusCode: 404, context: ctx }, state);
      }
    } catch (err) {
      diag.warn(
        `secmon-instrumentation: automatic capture failed (${err instanceof Error ? err.name : typeof err})`,
      );
    }
  };

  return function secmonSecurityContext(req: Request, res: Response, next: NextFunction): void {
    let state: RequestState;
    try {
      const client = resolve(req);
      state = new RequestState({
        clientAddress: client?.address,
        clientPort: client?.port,
        userAgent: headerValue(req.headers['user-agent']),
        method: req.method,
        urlPath: pathOf(req.originalUrl ?? req.url),
      });
      state.routeFn = () => routeOf(req);
      if (getUser !== undefined) state.userFn = () => getUser(req);
      if (getSessionId !== undefined) state.sessionFn = () => getSessionId(req);
      state.otelContext = otelContext.active();
      if (capture) res.once('finish', () => onFinish(res, state));
    } catch (err) {
      diag.warn(
        `secmon-instrumentation: request context not set up (${err instanceof Error ? err.name : typeof err})`,
      );
      next();
      return;
    }
    requestStorage.run(state, next);
  };
}
