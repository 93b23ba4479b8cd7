import type { SecurityEvents } from '@secmon/instrumentation';
import type { NextFunction, Request, Response } from 'express';
import type { SessionStore, Session } from '../domain/SessionStore.js';
import type { User } from '../domain/User.js';
import type { UserStore } from '../domain/UserStore.js';
import { readCookie } from './cookies.js';

export const SESSION_COOKIE = 'sid';

/** What the session middleware attaches to `res.locals`. */
export interface AuthLocals {
  user?: User;
  session?: Session;
}

export function auth(res: Response): AuthLocals {
  return res.locals as AuthLocals;
}

/** Resolves the signed session cookie to the server-side session and its user (identity from server state only). */
export function sessionMiddleware(sessions: SessionStore, users: UserStore, security: SecurityEvents) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const resolved = sessions.resolve(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (resolved.session) {
      const user = users.get(resolved.session.userId);
      if (user && !user.disabled) {
        auth(res).user = user;
        auth(res).session = resolved.session;
      } else {
        sessions.destroy(resolved.session.id);
      }
    } else if (resolved.reason === 'expired') {
      security.session.useAfterExpire({ reason: 'session_expired' });
    }
    next();
  };
}

/** 401 unless logged in. */
export function requireUser(_req: Request, res: Response, next: NextFunction): void {
  if (auth(res).user) next();
  else res.status(401).json({ error: 'authentication_required' });
}
