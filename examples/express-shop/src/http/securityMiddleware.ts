import { createExpressMiddleware, getSecurityContext } from '@secmon/instrumentation';
import type { RequestUser, SecurityEvents } from '@secmon/instrumentation';
import { blockListMiddleware } from '@secmon/processor';
import type { BlockList } from '@secmon/processor';
import type { Request, RequestHandler } from 'express';
import { auth } from './session.js';

/** Options of {@link securityMiddleware}. */
export interface SecurityMiddlewareOptions {
  security: SecurityEvents;
  blockList: BlockList;
  /**
   * Demo mode: take the client address from `X-Forwarded-For` when the TCP peer is on loopback (the attack
   * simulator plays many clients from one machine). Off: the client address is the TCP peer, always.
   */
  trustForwarded: boolean;
}

/** The secmon middleware of the shop, in the two places it is mounted (see app.ts). */
export interface SecurityMiddleware {
  /** First, before body parsing: request context + automatic capture, then refusal of blocked clients. */
  first: RequestHandler[];
  /** Once the session is resolved: refusal of locked users. */
  afterAuthentication: RequestHandler[];
}

/** The authenticated user as secmon records it: from the server-side session only (see http/session.ts). */
function userOf(req: Request): RequestUser | undefined {
  const user = req.res ? auth(req.res).user : undefined;
  return user ? { id: user.id, roles: [user.role] } : undefined;
}

/**
 * The shop's secmon middleware:
 * - `createExpressMiddleware` (@secmon/instrumentation) opens the request context, so every security event
 *   of the request carries the client address, user agent, method, route, path, session and user, and turns
 *   401/403/404 responses the routes did not report themselves into events (a 404 becomes
 *   `secmon.access.not_found`, what forced-browsing rules count);
 * - `blockListMiddleware` (@secmon/processor) refuses clients and users blocked by an alert response, with
 *   429 and `Retry-After`, and records the refusal as `secmon.authz.fail` (`error.type=blocked`).
 *
 * Automatic capture of 429 is off: in this shop a 429 is always a block list refusal, which the block list
 * already records; capturing it again would report every refusal twice.
 */
export function securityMiddleware(options: SecurityMiddlewareOptions): SecurityMiddleware {
  const context = createExpressMiddleware(options.security, {
    trustProxy: options.trustForwarded ? ['loopback'] : false,
    getUser: userOf,
    getSessionId: (req) => (req.res ? auth(req.res).session?.id : undefined),
    captureTooManyRequests: false,
  });
  // One answer to "who is the client": the address the instrumentation resolved for this request, so that
  // the address in the events, in the alert's group and in the block list are the same.
  const clientAddress = (): string | undefined => getSecurityContext()?.clientAddress;
  const refuseBlockedClients = blockListMiddleware<Request>(options.blockList, {
    clientAddress,
    statusCode: 429,
  });
  const refuseLockedUsers = blockListMiddleware<Request>(options.blockList, {
    clientAddress,
    userId: (req) => userOf(req)?.id,
    statusCode: 429,
  });
  return { first: [context, refuseBlockedClients], afterAuthentication: [refuseLockedUsers] };
}
