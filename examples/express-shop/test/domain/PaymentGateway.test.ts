import { describe, expect, it } from 'vitest';
import { PaymentGateway, TEST_CARDS, luhnValid } from '../../src/domain/PaymentGateway.js';

describe('PaymentGateway', () => {
  const gateway = new PaymentGateway();
  const card = (number: string) => ({ number, expiry: '12/30', cvc: '123' });

  it('should approve the approved test cards', () => {
    expect(gateway.charge(100, card(TEST_CARDS.approved)).ok).toBe(true);
    expect(gateway.charge(100, card('5555 5555 5555 4444')).ok).toBe(true);
  });

  it('should decline the declining test cards with their reason', () => {
    expect(gateway.charge(100, card(TEST_CARDS.declined))).toEqual({ ok: false, reason: 'card_declined' });
    expect(gateway.charge(100, card(TEST_CARDS.insufficientFunds))).toEqual({
      ok: false,
      reason: 'insufficient_funds',
    });
    expect(gateway.charge(100, card(TEST_CARDS.expired))).toEqual({ ok: false, reason: 'expired_card' });
    expect(gateway.charge(100, card(TEST_CARDS.incorrectCvc))).toEqual({
      ok: false,
      reason: 'incorrect_cvc',
    });
    expect(gateway.charge(100, card('4111111111111111'))).toEqual({ ok: false, reason: 'card_declined' });
  });

  it('should refuse numbers that are not Luhn-valid', () => {
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(gateway.charge(100, card('4242424242424241'))).toEqual({ ok: false, reason: 'invalid_card' });
  });
});
