import { Router } from 'express';
import { auth, requireUser, SESSION_COOKIE } from '../http/session.js';
import { checkBody } from '../http/validation.js';
import { toPublicUser } from '../domain/User.js';
import type { ShopContext } from './ShopContext.js';

/** Usernames are letters, digits and `._@+-` (e-mail addresses pass); anything else is refused, not logged. */
const USERNAME = /^[\p{L}\p{N}._@+-]+$/u;

/** Failed logins since the last success, per account: `authn_login_successafterfail` reports it. */
const MAX_TRACKED = 10_000;

export function authRoutes(ctx: ShopContext): Router {
  const router = Router();
  const failures = new Map<string, number>();

  router.post('/login', async (req, res) => {
    const check = checkBody<{ username: string; password: string }>(req.body, {
      username: { type: 'string', max: 128, pattern: USERNAME },
      password: { type: 'string', max: 1024 },
    });
    if (check.extraneous.length > 0) ctx.security.malicious.extraneous({ fields: check.extraneous });
    if (!check.value) {
      // Names of the offending fields only: the values (a password, an injection payload) are never logged.
      ctx.security.input.validationFail({ fields: [...check.invalid, ...check.extraneous] });
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const { username, password } = check.value;
    // An account locked by an alert response (e.g. guessed from many addresses: the lock is on the user.hash
    // of the login typed) is refused before its password is checked: no scrypt work for the attacker, and
    // no answer that would tell a right password from a wrong one while the lock holds.
    if (ctx.refuseLockedLogin(username, res)) return;
    const result = await ctx.users.checkCredentials(username, password);
    if (!result.ok) {
      if (result.user) {
        if (failures.size >= MAX_TRACKED && !failures.has(result.user.id)) failures.clear();
        failures.set(result.user.id, (failures.get(result.user.id) ?? 0) + 1);
      }
      // What was typed becomes a keyed pseudonym (user.hash); user.id only for an existing account.
      ctx.security.authn.loginFail({
        login: username,
        userExists: result.user !== undefined,
        ...(result.user ? { userId: result.user.id } : {}),
        reason: result.reason,
        method: 'password',
      });
      // One answer for every failure reason: no account enumeration.
      res.status(401).json({ error: 'invalid_credentials' });
      return;
    }
    const failedAttempts = failures.get(result.user.id) ?? 0;
    failures.delete(result.user.id);
    const { session, cookie } = ctx.sessions.create(result.user.id);
    auth(res).user = result.user;
    auth(res).session = session;
    const success = { login: username, userId: result.user.id, method: 'password', sessionId: session.id };
    if (failedAttempts > 0) ctx.security.authn.loginSuccessAfterFail({ ...success, failedAttempts });
    else ctx.security.authn.loginSuccess(success);
    res.cookie(SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'strict',
      secure: ctx.secureCookies,
      path: '/',
    });
    res.json({ user: toPublicUser(result.user) });
  });

  router.post('/logout', (_req, res) => {
    const { user, session } = auth(res);
    if (user && session) {
      ctx.sessions.destroy(session.id);
      ctx.security.session.logout({ userId: user.id, sessionId: session.id });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/account', requireUser, (_req, res) => {
    const user = auth(res).user;
    res.json({ user: user ? toPublicUser(user) : undefined });
  });

  return router;
}
