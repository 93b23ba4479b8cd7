import type { Role, User } from './domain/User.js';

/**
 * Every security-relevant thing the shop reports, in the shop's own terms. One implementation,
 * `SecmonShopSecurity`, turns each into a secmon security event (EVENTS.md); keeping them in one interface
 * makes the shop's audit surface reviewable in one place. Client address, user agent, route and the
 * authenticated user are not passed: secmon's request context adds them to every event.
 */
export interface ShopSecurity {
  loginFailed(details: { username: string; user?: User; reason: 'user_not_found' | 'invalid_credentials' | 'account_disabled' }): void;
  loginSucceeded(details: { user: User; failedAttempts: number; sessionId: string }): void;
  loggedOut(details: { user: User; sessionId: string }): void;
  /** A request with a session cookie whose session has expired. */
  sessionUsedAfterExpiry(): void;
  /** An authenticated user was refused (role or ownership). */
  accessDenied(details: { resourceType: string; resourceId?: string; requiredRole?: Role }): void;
  /** An admin read or changed something through an admin endpoint. */
  adminAction(details: { action: 'read' | 'create' | 'change' | 'delete'; resourceType: string; resourceId?: string }): void;
  roleChanged(details: { target: User; previous: Role; current: Role }): void;
  userDeleted(details: { target: User }): void;
  configChanged(details: { key: string; secret: boolean; previous: string; current: string }): void;
  paymentFailed(details: { reason: string; provider: string; amountCents: number; currency: string }): void;
  dataExported(details: { resourceType: string; records: number }): void;
  invalidInput(details: { fields: string[] }): void;
  unexpectedFields(details: { fields: string[] }): void;
}
