import { Router } from 'express';
import { auth, requireUser } from '../http/session.js';
import { checkBody } from '../http/validation.js';
import type { CardDetails } from '../domain/PaymentGateway.js';
import type { ShopContext } from './ShopContext.js';

const PRODUCTS = [
  { id: 'p-1', name: 'Tulip bulbs (20)', priceCents: 1999 },
  { id: 'p-2', name: 'Bicycle bell', priceCents: 899 },
  { id: 'p-3', name: 'Paperback novel', priceCents: 1299 },
];

const CURRENCIES = new Set(['EUR', 'USD', 'GBP']);

export function shopRoutes(ctx: ShopContext): Router {
  const router = Router();

  router.get('/products', (_req, res) => {
    res.json({ products: PRODUCTS });
  });

  router.post('/payments', requireUser, (req, res) => {
    const max = Number(ctx.config.get('payments.max_amount_cents') ?? '50000');
    const check = checkBody<{ amountCents: number; currency: string; card: CardDetails }>(req.body, {
      amountCents: { type: 'integer', min: 1, max },
      currency: { type: 'string', max: 3, min: 3 },
      card: { type: 'object' },
    });
    const card = check.value?.card;
    const cardCheck = card
      ? checkBody<CardDetails>(card, {
          number: { type: 'string', max: 23 },
          expiry: { type: 'string', max: 5 },
          cvc: { type: 'string', max: 4 },
        })
      : undefined;
    const extraneous = [...check.extraneous, ...(cardCheck?.extraneous ?? []).map((f) => `card.${f}`)];
    if (extraneous.length > 0) ctx.security.malicious.extraneous({ fields: extraneous });
    if (!check.value || !cardCheck?.value || !CURRENCIES.has(check.value.currency)) {
      const invalid = [...check.invalid, ...(cardCheck?.invalid ?? []).map((f) => `card.${f}`)];
      if (check.value && !CURRENCIES.has(check.value.currency)) invalid.push('currency');
      ctx.security.input.validationFail({ fields: invalid.length > 0 ? invalid : extraneous });
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const { amountCents, currency } = check.value;
    // The card goes to the gateway and nowhere else: not logged, not stored, not echoed back.
    const result = ctx.gateway.charge(amountCents, cardCheck.value);
    if (!result.ok) {
      // The decline category and the provider: never the card number, expiry or CVC.
      ctx.security.payment.fail({
        reason: result.reason,
        provider: ctx.gateway.name,
        amount: amountCents / 100,
        currency,
      });
      res.status(402).json({ error: 'payment_declined', reason: result.reason });
      return;
    }
    const user = auth(res).user;
    if (!user) return; // requireUser ran
    const order = ctx.orders.add(user.id, amountCents, currency, result.chargeId);
    res.status(201).json({ order });
  });

  router.get('/orders', requireUser, (_req, res) => {
    const user = auth(res).user;
    res.json({ orders: user ? ctx.orders.forUser(user.id) : [] });
  });

  router.get('/orders/:id', requireUser, (req, res) => {
    const user = auth(res).user;
    const order = ctx.orders.get(String(req.params.id));
    if (!order) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    // Object-level access control: the owner, support and admins only.
    if (!user || (order.userId !== user.id && user.role === 'customer')) {
      ctx.security.authz.fail({
        reason: 'forbidden',
        resourceType: 'order',
        resourceId: order.id,
        statusCode: 403,
      });
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    res.json({ order });
  });

  return router;
}
