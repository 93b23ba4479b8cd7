/** Roles of the shop, least to most privileged. */
export type Role = 'customer' | 'support' | 'admin';

export const ROLES: readonly Role[] = ['customer', 'support', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A shop account. `passwordHash` never leaves the domain layer. */
export interface User {
  /** Opaque, stable internal id (what security events carry as `user.id`). */
  readonly id: string;
  readonly username: string;
  readonly email: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
}

/** What the API may show of a user. */
export interface PublicUser {
  id: string;
  username: string;
  role: Role;
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, username: user.username, role: user.role };
}
