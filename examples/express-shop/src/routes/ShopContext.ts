import type { SecurityEvents } from '@secmon/instrumentation';
import type { LoginLockGuard } from '../http/securityMiddleware.js';
import type { ConfigStore } from '../domain/ConfigStore.js';
import type { OrderStore } from '../domain/OrderStore.js';
import type { PaymentGateway } from '../domain/PaymentGateway.js';
import type { SessionStore } from '../domain/SessionStore.js';
import type { UserStore } from '../domain/UserStore.js';

/** The shop's collaborators, shared by the routers. */
export interface ShopContext {
  users: UserStore;
  sessions: SessionStore;
  orders: OrderStore;
  gateway: PaymentGateway;
  config: ConfigStore;
  /**
   * secmon's security event API. Routes pass what only they know (the login typed, the reason, the target);
   * the request context adds client, user agent, route, session and the authenticated user.
   */
  security: SecurityEvents;
  /**
   * Refuses (403, reported) a login whose account is locked by an alert response on its `user.hash`; see
   * http/securityMiddleware.ts.
   */
  refuseLockedLogin: LoginLockGuard;
  /** Set `Secure` on the session cookie (off only for plain-HTTP loopback demos). */
  secureCookies: boolean;
}
