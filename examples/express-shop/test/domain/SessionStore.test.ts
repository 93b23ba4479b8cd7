import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/domain/SessionStore.js';

describe('SessionStore', () => {
  it('should resolve its own cookie and refuse a forged or altered one', () => {
    const store = new SessionStore({ secret: randomBytes(32) });
    const { session, cookie } = store.create('u-1');
    expect(store.resolve(cookie).session?.id).toBe(session.id);
    expect(store.resolve(`${session.id}.forged`).session).toBeUndefined();
    const other = new SessionStore({ secret: randomBytes(32) }).create('u-1').cookie;
    expect(store.resolve(other).session).toBeUndefined();
    expect(store.resolve(undefined)).toEqual({ session: undefined, reason: 'missing' });
  });

  it('should report use after expiry and forget the session', () => {
    let now = 1_000;
    const store = new SessionStore({ secret: randomBytes(32), ttlMillis: 100, now: () => now });
    const { cookie } = store.create('u-1');
    now += 101;
    expect(store.resolve(cookie)).toEqual({ session: undefined, reason: 'expired' });
    expect(store.resolve(cookie)).toEqual({ session: undefined, reason: 'missing' });
  });

  it('should end sessions on logout and for a deleted user', () => {
    const store = new SessionStore({ secret: randomBytes(32) });
    const a = store.create('u-1');
    const b = store.create('u-1');
    store.destroy(a.session.id);
    expect(store.resolve(a.cookie).session).toBeUndefined();
    store.destroyForUser('u-1');
    expect(store.resolve(b.cookie).session).toBeUndefined();
  });

  it('should keep at most maxSessions sessions', () => {
    const store = new SessionStore({ secret: randomBytes(32), maxSessions: 2 });
    const first = store.create('u-1');
    store.create('u-2');
    store.create('u-3');
    expect(store.resolve(first.cookie).session).toBeUndefined();
  });
});
