import { randomUUID } from 'node:crypto';

/** Card data as submitted. Never logged, never stored: only the gateway sees it. */
export interface CardDetails {
  number: string;
  expiry: string;
  cvc: string;
}

/** Decline categories: what `error.type` of `secmon.payment.fail` carries. */
export type DeclineReason =
  'card_declined' | 'insufficient_funds' | 'expired_card' | 'incorrect_cvc' | 'invalid_card';

export type ChargeResult = { ok: true; chargeId: string } | { ok: false; reason: DeclineReason };

/**
 * Test card numbers of the fake gateway (the usual test PANs; Luhn-valid, never real cards).
 * Any other Luhn-valid number is declined as `card_declined`, like a real issuer refusing an unknown card.
 */
export const TEST_CARDS = {
  approved: '4242424242424242',
  approvedMastercard: '5555555555554444',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
} as const;

const OUTCOMES = new Map<string, DeclineReason | 'approved'>([
  [TEST_CARDS.approved, 'approved'],
  [TEST_CARDS.approvedMastercard, 'approved'],
  [TEST_CARDS.declined, 'card_declined'],
  [TEST_CARDS.insufficientFunds, 'insufficient_funds'],
  [TEST_CARDS.expired, 'expired_card'],
  [TEST_CARDS.incorrectCvc, 'incorrect_cvc'],
]);

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A fake payment gateway: approves and declines deterministically by card number, like a provider's sandbox. */
export class PaymentGateway {
  /** Provider name reported as `secmon.payment.provider`. */
  readonly name = 'fakepay';

  charge(amountCents: number, card: CardDetails): ChargeResult {
    const number = card.number.replace(/[\s-]/g, '');
    if (!luhnValid(number) || !/^\d{2}\/\d{2}$/.test(card.expiry) || !/^\d{3,4}$/.test(card.cvc)) {
      return { ok: false, reason: 'invalid_card' };
    }
    if (amountCents <= 0) return { ok: false, reason: 'card_declined' };
    const outcome = OUTCOMES.get(number) ?? 'card_declined';
    return outcome === 'approved'
      ? { ok: true, chargeId: `ch_${randomUUID().slice(0, 12)}` }
      : { ok: false, reason: outcome };
  }
}
