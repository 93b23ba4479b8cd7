import { randomUUID } from 'node:crypto';

/** A paid order. Card data is never part of it. */
export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly chargeId: string;
  readonly createdAt: string;
}

/** Orders, bounded: the oldest are dropped past `max`. */
export class OrderStore {
  private readonly _orders = new Map<string, Order>();
  private readonly _max: number;

  constructor(max = 10_000) {
    this._max = max;
  }

  add(userId: string, amountCents: number, currency: string, chargeId: string): Order {
    if (this._orders.size >= this._max) {
      const oldest = this._orders.keys().next();
      if (!oldest.done) this._orders.delete(oldest.value);
    }
    const order: Order = {
      id: `o-${randomUUID().slice(0, 8)}`,
      userId,
      amountCents,
      currency,
      chargeId,
      createdAt: new Date().toISOString(),
    };
    this._orders.set(order.id, order);
    return order;
  }

  get(id: string): Order | undefined {
    return this._orders.get(id);
  }

  forUser(userId: string): Order[] {
    return [...this._orders.values()].filter((o) => o.userId === userId);
  }

  all(): Order[] {
    return [...this._orders.values()];
  }
}
