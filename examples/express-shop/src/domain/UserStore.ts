import { randomUUID } from 'node:crypto';
import type { PasswordHasher } from './PasswordHasher.js';
import type { Role, User } from './User.js';

/** A user to create at startup. */
export interface SeedUser {
  username: string;
  email: string;
  role: Role;
  password: string;
}

/** Outcome of a credential check: the reason is an `error.type` value of the catalogue. */
export type CredentialCheck =
  | { ok: true; user: User }
  | { ok: false; reason: 'user_not_found' | 'invalid_credentials' | 'account_disabled'; user?: User };

/** In-memory user repository with scrypt-hashed passwords. */
export class UserStore {
  private readonly _byId = new Map<string, User>();
  private readonly _byName = new Map<string, User>();
  private readonly _hasher: PasswordHasher;
  /** Verified against when the user does not exist, so both paths cost one scrypt (no user enumeration by timing). */
  private _dummyHash = '';

  constructor(hasher: PasswordHasher) {
    this._hasher = hasher;
  }

  async seed(users: readonly SeedUser[]): Promise<void> {
    this._dummyHash = await this._hasher.hash(randomUUID());
    for (const seed of users) {
      const user: User = {
        id: `u-${randomUUID().slice(0, 8)}`,
        username: seed.username,
        email: seed.email,
        role: seed.role,
        passwordHash: await this._hasher.hash(seed.password),
        disabled: false,
      };
      this._byId.set(user.id, user);
      this._byName.set(user.username, user);
    }
  }

  get(id: string): User | undefined {
    return this._byId.get(id);
  }

  findByUsername(username: string): User | undefined {
    return this._byName.get(username);
  }

  list(): User[] {
    return [...this._byId.values()];
  }

  delete(id: string): User | undefined {
    const user = this._byId.get(id);
    if (!user) return undefined;
    this._byId.delete(id);
    this._byName.delete(user.username);
    return user;
  }

  async checkCredentials(username: string, password: string): Promise<CredentialCheck> {
    const user = this._byName.get(username);
    if (!user) {
      await this._hasher.verify(password, this._dummyHash);
      return { ok: false, reason: 'user_not_found' };
    }
    const matches = await this._hasher.verify(password, user.passwordHash);
    if (!matches) return { ok: false, reason: 'invalid_credentials', user };
    if (user.disabled) return { ok: false, reason: 'account_disabled', user };
    return { ok: true, user };
  }
}
