// A real Express app on 127.0.0.1, real HTTP requests: the request context and the automatic capture.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENTS } from '@secmon/semconv';
import express from 'express';
import type { Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressMiddleware, getSecurityContext, setSecurityUser } from '../src/index.js';
import type { ExpressMiddlewareOptions } from '../src/index.js';
import { pipeline } from './helpers.js';
import type { Pipeline } from './helpers.js';

interface App {
  url: string;
  p: Pipeline;
  close(): Promise<void>;
}

const servers: Server[] = [];

async function startApp(options: ExpressMiddlewareOptions = {}): Promise<App> {
  const p = pipeline();
  const { security } = p;
  const app = express();
  app.use(
    createExpressMiddleware(security, {
      getUser: (req) => (req as Request & { user?: { id: string; roles: string[] } }).user,
      ...options,
    }),
  );
  // A fake auth middleware running after ours: the user is read at emit time, so it is still seen.
  app.use((req, _res, next) => {
    const id = req.get('x-test-user');
    if (id !== undefined) (req as Request & { user?: unknown }).user = { id, roles: ['customer'] };
    next();
  });
  const api = express.Router();
  api.get('/orders/:id', async (req, res) => {
    await new Promise((r) => setTimeout(r, 5)); // the context must survive async continuations
    security.authz.fail({ resourceType: 'order', resourceId: req.params['id'] });
    res.status(403).json({ error: 'forbidden' });
  });
  api.get('/secret/:id', (_req, res) => {
    res.sendStatus(403);
  });
  app.use('/api', api);
  app.post('/login', (_req, res) => {
    security.authn.loginFail({
      login: 'alice',
      userExists: true,
      userId: 'u-1',
      reason: 'invalid_credentials',
    });
    res.sendStatus(401);
  });
  app.post('/login-ok', (_req, res) => {
    security.authn.loginSuccess({ login: 'alice', userId: 'u-1' });
    setSecurityUser({ id: 'u-1', roles: ['admin'] });
    security.session.created({ sessionId: 'sess-1' });
    res.sendStatus(204);
  });
  app.get('/private', (_req, res) => {
    res.sendStatus(401);
  });
  app.get('/admin', (_req, res) => {
    res.sendStatus(403);
  });
  app.get('/limited', (_req, res) => {
    res.set('RateLimit-Limit', '10').sendStatus(429);
  });
  app.get('/context', (_req, res) => {
    res.json(getSecurityContext() ?? null);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    p,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Records are emitted on 'finish', which can trail the client's view of the response by a tick. */
async function settle(p: Pipeline, n: number): Promise<void> {
  for (let i = 0; i < 100 && p.records().length < n; i++) await new Promise((r) => setTimeout(r, 10));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe('createExpressMiddleware', () => {
  it('should attach client, user agent, method, route, path and the authenticated user to events', async () => {
    const { url, p } = await startApp();
    const res = await fetch(`${url}/api/orders/42?token=secret-in-query`, {
      headers: { 'user-agent': 'test-agent/1.0', 'x-test-user': 'u-7' },
    });
    expect(res.status).toBe(403);
    await settle(p, 1);
    const recs = p.records();
    // The app's own authz.fail; the 403 is not reported twice.
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      eventName: EVENTS.AUTHZ_FAIL,
      attributes: {
        'client.address': '127.0.0.1',
        'client.port': expect.any(Number),
        'user_agent.original': 'test-agent/1.0',
        'http.request.method': 'GET',
        'http.route': '/api/orders/:id',
        'url.path': '/api/orders/42',
        'user.id': 'u-7',
        'user.roles': ['customer'],
        'secmon.resource.id': '42',
      },
    });
    expect(JSON.stringify(recs)).not.toContain('secret-in-query');
  });

  it('should not duplicate a login failure the app reported itself', async () => {
    const { url, p } = await startApp();
    expect((await fetch(`${url}/login`, { method: 'POST' })).status).toBe(401);
    await settle(p, 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(p.records().map((r) => r.eventName)).toEqual([EVENTS.AUTHN_LOGIN_FAIL]);
    expect(p.records()[0]!.attributes['error.type']).toBe('invalid_credentials');
  });

  it('should use the user set with setSecurityUser for the rest of the request', async () => {
    const { url, p } = await startApp();
    await fetch(`${url}/login-ok`, { method: 'POST' });
    await settle(p, 2);
    const [login, session] = p.records();
    expect(login!.attributes['user.id']).toBe('u-1');
    expect(session!.attributes).toMatchObject({
      'user.id': 'u-1',
      'user.roles': ['admin'],
      'session.id': expect.any(String),
    });
  });

  it.each([
    ['/private', 401, EVENTS.AUTHN_LOGIN_FAIL, 'unauthenticated'],
    ['/admin', 403, EVENTS.AUTHZ_FAIL, 'forbidden'],
    ['/limited', 429, EVENTS.EXCESS_RATE_LIMIT_EXCEEDED, 'rate_limited'],
    ['/does-not-exist', 404, EVENTS.ACCESS_NOT_FOUND, 'not_found'],
  ])('should turn a %s %i response into %s', async (path, status, eventName, errorType) => {
    const { url, p } = await startApp();
    expect((await fetch(`${url}${path}`)).status).toBe(status);
    await settle(p, 1);
    expect(p.records()).toHaveLength(1);
    expect(p.last()).toMatchObject({
      eventName,
      attributes: {
        'http.response.status_code': status,
        'error.type': errorType,
        'url.path': path,
        'client.address': '127.0.0.1',
      },
    });
    if (status === 429) expect(p.last().attributes['secmon.limit.max']).toBe(10);
    if (status === 404) expect(p.last().attributes['http.route']).toBeUndefined();
  });

  it('should record the route template of a nested router in automatic events', async () => {
    const { url, p } = await startApp();
    await fetch(`${url}/api/secret/9`);
    await settle(p, 1);
    expect(p.last().attributes).toMatchObject({
      'http.route': '/api/secret/:id',
      'url.path': '/api/secret/9',
    });
  });

  it('should let each automatic capture be switched off', async () => {
    const { url, p } = await startApp({
      captureNotFound: false,
      captureUnauthorized: false,
      captureForbidden: false,
      captureTooManyRequests: false,
    });
    for (const path of ['/private', '/admin', '/limited', '/nope']) await fetch(`${url}${path}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.records()).toHaveLength(0);
  });

  describe('client address', () => {
    it('should ignore X-Forwarded-For by default (spoofable)', async () => {
      const { url, p } = await startApp();
      await fetch(`${url}/admin`, { headers: { 'x-forwarded-for': '6.6.6.6' } });
      await settle(p, 1);
      expect(p.last().attributes['client.address']).toBe('127.0.0.1');
    });

    it('should take the client from X-Forwarded-For behind a trusted proxy', async () => {
      const { url, p } = await startApp({ trustProxy: ['loopback'] });
      await fetch(`${url}/admin`, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.5' } });
      await settle(p, 1);
      // 203.0.113.5 is the first untrusted hop from the right: 6.6.6.6 could be forged by the client.
      expect(p.last().attributes['client.address']).toBe('203.0.113.5');
      expect(p.last().attributes['client.port']).toBeUndefined();
    });

    it('should trust exactly n hops with a number', async () => {
      const { url, p } = await startApp({ trustProxy: 2 });
      await fetch(`${url}/admin`, { headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 203.0.113.5' } });
      await settle(p, 1);
      expect(p.last().attributes['client.address']).toBe('198.51.100.1');
    });

    it('should stop at a malformed hop instead of logging it', async () => {
      const { url, p } = await startApp({ trustProxy: true });
      await fetch(`${url}/admin`, { headers: { 'x-forwarded-for': '203.0.113.5, not-an-ip' } });
      await settle(p, 1);
      expect(p.last().attributes['client.address']).toBe('127.0.0.1');
    });
  });

  it('should expose the raw request context inside handlers', async () => {
    const { url } = await startApp();
    const ctx = (await (await fetch(`${url}/context`, { headers: { 'user-agent': 'ua' } })).json()) as Record<
      string,
      unknown
    >;
    expect(ctx).toMatchObject({
      clientAddress: '127.0.0.1',
      userAgent: 'ua',
      method: 'GET',
      urlPath: '/context',
    });
  });
});
