import { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { auth, requireUser } from '../http/session.js';
import { checkBody } from '../http/validation.js';
import { isRole, toPublicUser } from '../domain/User.js';
import type { ShopContext } from './ShopContext.js';

/** Admin endpoints: every one requires the admin role, and every use is reported. */
export function adminRoutes(ctx: ShopContext): Router {
  const router = Router();

  router.use(requireUser, (req: Request, res: Response, next: NextFunction) => {
    if (auth(res).user?.role === 'admin') {
      next();
      return;
    }
    ctx.security.authz.fail({
      reason: 'forbidden',
      resourceType: 'admin',
      resourceId: req.path,
      statusCode: 403,
    });
    res.status(403).json({ error: 'forbidden' });
  });

  router.get('/users', (_req, res) => {
    ctx.security.authz.admin({ adminAction: 'access', resourceType: 'user' });
    res.json({ users: ctx.users.list().map(toPublicUser) });
  });

  router.delete('/users/:id', (req, res) => {
    const target = ctx.users.get(req.params.id);
    if (!target) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (target.id === auth(res).user?.id) {
      res.status(409).json({ error: 'cannot_delete_self' });
      return;
    }
    ctx.users.delete(target.id);
    ctx.sessions.destroyForUser(target.id);
    ctx.security.user.deleted({ targetUserId: target.id, targetRoles: [target.role] });
    res.status(204).end();
  });

  router.put('/users/:id/role', (req, res) => {
    const target = ctx.users.get(req.params.id);
    const check = checkBody<{ role: string }>(req.body, { role: { type: 'string', max: 16 } });
    if (check.extraneous.length > 0) ctx.security.malicious.extraneous({ fields: check.extraneous });
    if (!check.value || !isRole(check.value.role)) {
      ctx.security.input.validationFail({ fields: ['role'] });
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    if (!target) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const previous = target.role;
    target.role = check.value.role;
    ctx.sessions.destroyForUser(target.id); // new privileges take effect at the next login
    // The actor (the admin) comes from the request context; the account changed is the target.
    ctx.security.authz.change({ targetUserId: target.id, targetRoles: [previous], newRoles: [target.role] });
    res.json({ user: toPublicUser(target) });
  });

  router.get('/config', (_req, res) => {
    ctx.security.authz.admin({ adminAction: 'access', resourceType: 'configuration' });
    res.json({ config: ctx.config.snapshot() });
  });

  router.put('/config/:key', (req, res) => {
    const check = checkBody<{ value: string }>(req.body, { value: { type: 'string', max: 256 } });
    if (check.extraneous.length > 0) ctx.security.malicious.extraneous({ fields: check.extraneous });
    if (!check.value) {
      ctx.security.input.validationFail({ fields: ['value'] });
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const update = ctx.config.set(req.params.key, check.value.value);
    if (!update.ok) {
      if (update.reason === 'invalid_value') ctx.security.input.validationFail({ fields: ['value'] });
      res.status(update.reason === 'unknown_key' ? 404 : 400).json({ error: update.reason });
      return;
    }
    // Values only for keys listed in configValueKeys (never a secret): see startTelemetry.ts.
    ctx.security.config.change({
      key: update.key,
      secret: update.secret,
      previousValue: update.previous,
      newValue: update.current,
    });
    res.json({ key: update.key, value: update.secret ? '********' : update.current });
  });

  router.get('/export', (_req, res) => {
    const users = ctx.users.list().map((u) => ({ ...toPublicUser(u), email: u.email }));
    const orders = ctx.orders.all();
    // What was exported and how much, never the data.
    ctx.security.sensitive.read({
      resourceType: 'customer_data',
      resourceName: 'export',
      attributes: { 'shop.export.records': users.length + orders.length },
    });
    res.json({ exportedAt: new Date().toISOString(), users, orders });
  });

  return router;
}
