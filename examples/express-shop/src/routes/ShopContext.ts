import type { ConfigStore } from '../domain/ConfigStore.js';
import type { OrderStore } from '../domain/OrderStore.js';
import type { PaymentGateway } from '../domain/PaymentGateway.js';
import type { SessionStore } from '../domain/SessionStore.js';
import type { UserStore } from '../domain/UserStore.js';
import type { ShopSecurity } from '../ShopSecurity.js';

/** The shop's collaborators, shared by the routers. */
export interface ShopContext {
  users: UserStore;
  sessions: SessionStore;
  orders: OrderStore;
  gateway: PaymentGateway;
  config: ConfigStore;
  security: ShopSecurity;
  /** Set `Secure` on the session cookie (off only for plain-HTTP loopback demos). */
  secureCookies: boolean;
}
