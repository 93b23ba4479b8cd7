import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer } from '../src/index.js';
import type { HttpTestServer } from '../src/index.js';

describe('startHttpServer', () => {
  let server: HttpTestServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('start', () => {
    it('should listen on loopback on an OS-chosen port, with a /hook endpoint', async () => {
      server = await startHttpServer();
      expect(server.port).toBeGreaterThan(0);
      expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.url).toBe(`${server.origin}/hook`);
      expect(server.requests).toEqual([]);
    });
  });

  describe('requests', () => {
    it('should record method, path, headers and body, and answer 200 by default', async () => {
      server = await startHttpServer();
      const res = await fetch(`${server.url}?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t0ken' },
        body: '{"a":"é"}',
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
      expect(server.requests).toHaveLength(1);
      const [r] = server.requests;
      expect(r).toMatchObject({ method: 'POST', path: '/hook?x=1', body: '{"a":"é"}' });
      expect(r!.headers['authorization']).toBe('Bearer t0ken');
      expect(r!.headers['content-type']).toBe('application/json');
    });

    it('should answer each request as the behaviour says for its index', async () => {
      const seen: number[] = [];
      server = await startHttpServer((n, request) => {
        seen.push(n);
        return { status: request.path === '/refuse' ? 401 : n === 0 ? 503 : 200 };
      });
      const statuses = [];
      for (const path of ['/hook', '/hook', '/refuse']) {
        statuses.push((await fetch(`${server.origin}${path}`, { method: 'POST', body: 'x' })).status);
      }
      expect(statuses).toEqual([503, 200, 401]);
      expect(seen).toEqual([0, 1, 2]);
    });

    it("should leave a request unanswered on 'hang' until the server is closed", async () => {
      server = await startHttpServer(() => 'hang');
      let settled = false;
      const pending = fetch(server.url, { method: 'POST', body: 'x' }).finally(() => {
        settled = true;
      });
      await server.waitForRequests(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(settled).toBe(false);
      await server.close();
      await expect(pending).rejects.toThrow();
    });
  });

  describe('waitForRequests', () => {
    it('should resolve at once when enough requests arrived, and later when they arrive', async () => {
      server = await startHttpServer();
      await server.waitForRequests(0);
      const waiting = server.waitForRequests(2);
      await fetch(server.url, { method: 'POST', body: '1' });
      await fetch(server.url, { method: 'POST', body: '2' });
      await waiting;
      expect(server.requests.map((r) => r.body)).toEqual(['1', '2']);
    });

    it('should reject after timeoutMs with the count so far', async () => {
      server = await startHttpServer();
      await fetch(server.url, { method: 'POST', body: '1' });
      await expect(server.waitForRequests(2, { timeoutMs: 50 })).rejects.toThrow(
        'expected 2 requests within 50 ms, got 1',
      );
    });
  });

  describe('close', () => {
    it('should stop listening, and be idempotent', async () => {
      const s = await startHttpServer();
      await s.close();
      await s.close();
      await expect(fetch(s.url, { method: 'POST', body: 'x' })).rejects.toThrow();
    });

    it('should close on leaving an `await using` block', async () => {
      let url: string;
      {
        await using s = await startHttpServer();
        url = s.url;
      }
      await expect(fetch(url, { method: 'POST', body: 'x' })).rejects.toThrow();
    });
  });
});
