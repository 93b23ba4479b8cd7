import { describe, expect, it } from 'vitest';
import { getSecurityContext, runWithSecurityContext, setSecurityUser } from '../src/index.js';
import { pipeline } from './helpers.js';

describe('runWithSecurityContext', () => {
  it('should add the context to events emitted inside it, across async continuations', async () => {
    const p = pipeline();
    await runWithSecurityContext(
      {
        clientAddress: '198.51.100.4',
        userAgent: 'agent',
        method: 'get',
        route: '/r/:id',
        urlPath: '/r/1?x=1',
        sessionId: 's-1',
        user: { id: 'u-1', roles: ['a'] },
      },
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        p.security.authz.fail();
      },
    );
    p.security.authz.fail();
    const [inside, outside] = p.records();
    expect(inside!.attributes).toMatchObject({
      'client.address': '198.51.100.4',
      'user_agent.original': 'agent',
      'http.request.method': 'GET',
      'http.route': '/r/:id',
      'url.path': '/r/1',
      'user.id': 'u-1',
      'user.roles': ['a'],
      'session.id': expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(outside!.attributes['client.address']).toBeUndefined();
  });

  it('should let event fields override the context, and explicit actor fields replace the context user', () => {
    const p = pipeline();
    runWithSecurityContext({ clientAddress: '198.51.100.4', user: { id: 'session-user' } }, () => {
      p.security.authn.loginFail({ login: 'typed-name', clientAddress: '203.0.113.1' });
    });
    const a = p.last().attributes;
    expect(a['client.address']).toBe('203.0.113.1');
    expect(a['user.id']).toBeUndefined();
    expect(a['user.hash']).toEqual(expect.any(String));
  });

  it('should expose and update the context', () => {
    expect(getSecurityContext()).toBeUndefined();
    setSecurityUser({ id: 'nobody' }); // outside a context: no-op
    runWithSecurityContext({ clientAddress: '198.51.100.4' }, () => {
      setSecurityUser({ id: 'u-9' });
      expect(getSecurityContext()).toEqual({ clientAddress: '198.51.100.4', user: { id: 'u-9' } });
    });
  });
});
