import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A server-side session. The cookie only carries its signed id. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  expiresAt: number;
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Key that signs session cookies (HMAC-SHA256). Required: a random per-process key is fine for the demo. */
  secret: Buffer;
  /** Idle lifetime of a session. Default 30 minutes. */
  ttlMillis?: number;
  /** Most sessions kept; the oldest is evicted beyond it (bounded memory). Default 10 000. */
  maxSessions?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Server-side sessions behind a signed cookie (`<id>.<hmac>`): the client can neither forge an id nor learn
 * anything from it; logout and expiry are enforced on the server.
 */
export class SessionStore {
  private readonly _sessions = new Map<string, Session>();
  private readonly _secret: Buffer;
  private readonly _ttlMillis: number;
  private readonly _maxSessions: number;
  private readonly _now: () => number;

  constructor(options: SessionStoreOptions) {
    this._secret = options.secret;
    this._ttlMillis = options.ttlMillis ?? 30 * 60_000;
    this._maxSessions = options.maxSessions ?? 10_000;
    this._now = options.now ?? Date.now;
  }

  /** Creates a session and returns it with the cookie value to set. */
  create(userId: string): { session: Session; cookie: string } {
    while (this._sessions.size >= this._maxSessions) {
      const oldest = this._sessions.keys().next();
      if (oldest.done) break;
      this._sessions.delete(oldest.value);
    }
    const now = this._now();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      userId,
      createdAt: now,
      expiresAt: now + this._ttlMillis,
    };
    this._sessions.set(session.id, session);
    return { session, cookie: `${session.id}.${this._sign(session.id)}` };
  }

  /**
   * The live session for a cookie value, or why there is none: `missing` (no or forged cookie) or `expired`
   * (a once-valid session used after its end: `session_use_after_expire`).
   */
  resolve(
    cookie: string | undefined,
  ): { session: Session } | { session: undefined; reason: 'missing' | 'expired' } {
    if (!cookie) return { session: undefined, reason: 'missing' };
    const dot = cookie.lastIndexOf('.');
    if (dot <= 0) return { session: undefined, reason: 'missing' };
    const id = cookie.slice(0, dot);
    const signature = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(this._sign(id));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      return { session: undefined, reason: 'missing' };
    }
    const session = this._sessions.get(id);
    if (!session) return { session: undefined, reason: 'missing' };
    const now = this._now();
    if (session.expiresAt <= now) {
      this._sessions.delete(id);
      return { session: undefined, reason: 'expired' };
    }
    session.expiresAt = now + this._ttlMillis;
    return { session };
  }

  destroy(id: string): void {
    this._sessions.delete(id);
  }

  /** Ends every session of a user (after a deletion or a role change). */
  destroyForUser(userId: string): void {
    for (const [id, session] of this._sessions) if (session.userId === userId) this._sessions.delete(id);
  }

  private _sign(id: string): string {
    return createHmac('sha256', this._secret).update(id).digest('base64url');
  }
}
