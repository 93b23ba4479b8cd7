import { createExpressMiddleware, getSecurityContext } from '@secmon/instrumentation';
import type { RequestUser, SecurityEvents } from '@secmon/instrumentation';
import { blockListMiddleware } from '@secmon/processor';
import type { BlockEntry, BlockList } from '@secmon/processor';
import type { Request, RequestHandler, Response } from 'express';
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

/**
 * Refuses a login whose account is locked (`lock_user` on the `user.hash` of the login typed): answers 403
 * with `Retry-After`, reports the refusal, and returns true. Returns false, having done nothing, otherwise.
 */
export type LoginLockGuard = (login: string, res: Response) => boolean;

/** The secmon middleware of the shop, in the two places it is mounted (see app.ts), and the login guard. */
export interface SecurityMiddleware {
  /** First, before body parsing: request context + automatic capture, then refusal of blocked clients. */
  first: RequestHandler[];
  /** Once the session is resolved: refusal of locked users. */
  afterAuthentication: RequestHandler[];
  /** For POST /login, before the password is checked: refusal of locked accounts (see routes/authRoutes.ts). */
  refuseLockedLogin: LoginLockGuard;
}

/** The authenticated user as secmon records it: from the server-side session only (see http/session.ts). */
function userOf(req: Request): RequestUser | undefined {
  const user = req.res ? auth(req.res).user : undefined;
  return user ? { id: user.id, roles: [user.role] } : undefined;
}

/**
 * Reports a refusal by the block list through the shop's SecurityEvents: `secmon.authz.fail` with
 * `error.type=blocked` (which `authz.failure_burst` does not count). Emitted inside the request context, so
 * the record carries client, user agent, route, session and user, and the automatic 403 capture knows the
 * request is already reported. The rule behind the block goes in `shop.block.*`: `authz.fail` takes no
 * `security_rule.*` field.
 */
function reportRefusal(security: SecurityEvents, entry: BlockEntry, login?: string): void {
  security.authz.fail({
    reason: 'blocked',
    statusCode: 403,
    ...(login !== undefined ? { login } : {}),
    attributes: {
      'shop.block.kind': entry.kind,
      ...(entry.ruleId !== undefined ? { 'shop.block.rule_id': entry.ruleId } : {}),
    },
  });
}

/**
 * The shop's secmon middleware:
 * - `createExpressMiddleware` (@secmon/instrumentation) opens the request context, so every security event
 *   of the request carries the client address, user agent, method, route, path, session and user, and turns
 *   401/403/404/429 responses the routes did not report themselves into events (a 404 becomes
 *   `secmon.access.not_found`, what forced-browsing rules count);
 * - `blockListMiddleware` (@secmon/processor) refuses clients and users blocked by an alert response with
 *   403 and `Retry-After`; `onRefuse` reports each refusal once, through SecurityEvents (see reportRefusal);
 * - `refuseLockedLogin` enforces at login the locks the block list holds on a `user.hash` (the default rule
 *   `authn.distributed_brute_force.user` locks the account being guessed from many addresses, and only knows
 *   the pseudonym of what was typed, not the user id).
 */
export function securityMiddleware(options: SecurityMiddlewareOptions): SecurityMiddleware {
  const { security, blockList } = options;
  const context = createExpressMiddleware(security, {
    trustProxy: options.trustForwarded ? ['loopback'] : false,
    getUser: userOf,
    getSessionId: (req) => (req.res ? auth(req.res).session?.id : undefined),
  });
  // One answer to "who is the client": the address the instrumentation resolved for this request, so that
  // the address in the events, in the alert's group and in the block list are the same.
  const clientAddress = (): string | undefined => getSecurityContext()?.clientAddress;
  const onRefuse = (_req: Request, entry: BlockEntry): void => reportRefusal(security, entry);
  const refuseBlockedClients = blockListMiddleware<Request>(blockList, { clientAddress, onRefuse });
  const refuseLockedUsers = blockListMiddleware<Request>(blockList, {
    clientAddress,
    userId: (req) => userOf(req)?.id,
    onRefuse,
  });
  const refuseLockedLogin: LoginLockGuard = (login, res) => {
    // The same keyed pseudonym the login events carry in user.hash, so it matches the alert's group.
    const hash = security.userHash(login);
    const entry = hash === undefined ? undefined : blockList.isBlocked('user', hash);
    if (entry === undefined) return false;
    const retryAfter = Math.max(1, Math.ceil((entry.expiresAtMillis - Date.now()) / 1000));
    reportRefusal(security, entry, login);
    res.status(403).set('Retry-After', String(retryAfter)).json({ error: 'account_locked' });
    return true;
  };
  return {
    first: [context, refuseBlockedClients],
    afterAuthentication: [refuseLockedUsers],
    refuseLockedLogin,
  };
}
