import { describe, expect, it } from 'vitest';
import { BlockList, type BlockEntry } from '../../src/index.js';
import { makeAlert } from '../support/alerts.js';

describe('BlockList', () => {
  describe('block', () => {
    it('should expire blocks and never shorten an existing one', () => {
      let now = 1000;
      const b = new BlockList({ clock: { now: () => now } });
      b.block('client', '1.2.3.4', 100);
      b.block('client', '1.2.3.4', 10);
      expect(b.isBlocked('client', '1.2.3.4')?.expiresAtMillis).toBe(1100);
      now = 1100;
      expect(b.isBlocked('client', '1.2.3.4')).toBeUndefined();
    });

    it('should stay within maxEntries, dropping the block expiring soonest', () => {
      const b = new BlockList({ maxEntries: 3, clock: { now: () => 0 } });
      for (let i = 0; i < 10; i++) b.block('client', `10.0.0.${i}`, 1000 + i);
      expect(b.size).toBe(3);
      expect(b.entries().map((e) => e.value)).toEqual(['10.0.0.7', '10.0.0.8', '10.0.0.9']);
    });

    it('should call onBlock for local blocks only (apply() imports without publishing)', () => {
      const published: BlockEntry[] = [];
      const b = new BlockList({ onBlock: (e) => published.push(e), clock: { now: () => 0 } });
      b.block('user', 'u1', 10);
      b.apply({ kind: 'user', value: 'u2', createdAtMillis: 0, expiresAtMillis: 10 });
      expect(published.map((e) => e.value)).toEqual(['u1']);
      expect(b.isBlocked('user', 'u2')).toBeDefined();
    });
  });

  describe('applyAlert', () => {
    it('should block the client of a block_client alert for the response duration', () => {
      const b = new BlockList({ clock: { now: () => 0 } });
      const alert = makeAlert('198.51.100.9');
      expect(b.applyAlert(alert)).toMatchObject({
        kind: 'client',
        value: '198.51.100.9',
        expiresAtMillis: 15 * 60_000,
        ruleId: 'test.brute_force',
        alertId: alert.id,
      });
    });
  });
});
