import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, STUFFING_COMBOS, Simulator, isBlocked, isDocumentationAddress } from '../src/index.js';

describe('Simulator', () => {
  const seen: { method: string; url: string; forwarded: string | undefined; peer: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      forwarded: req.headers['x-forwarded-for'] as string | undefined,
      peer: req.socket.remoteAddress,
    });
    res.writeHead(req.url === '/login' ? 401 : 404, { 'content-type': 'application/json' });
    res.end('{}');
  });
  let target = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('should refuse a target that is not a loopback address', () => {
    expect(() => new Simulator({ target: 'http://192.0.2.1:3000' })).toThrow(/loopback/);
  });

  it('should refuse unknown scenario ids', () => {
    expect(() => new Simulator({ target: 'http://127.0.0.1:1', only: ['nope'] })).toThrow(/unknown scenario/);
  });

  it('should simulate addresses only from the documentation ranges, in X-Forwarded-For, over loopback', async () => {
    seen.length = 0;
    const results = await new Simulator({
      target,
      only: ['brute-force', 'credential-stuffing', 'forced-browsing'],
    }).run();
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(seen.length).toBeGreaterThan(50);
    for (const request of seen) {
      expect(isDocumentationAddress(request.forwarded ?? '')).toBe(true);
      expect(request.peer).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    }
    const stuffing = results.find((r) => r.scenario.id === 'credential-stuffing');
    expect(stuffing?.outcome.statuses[401]).toBe(STUFFING_COMBOS);
  });

  it('should tell a block list refusal (403 with Retry-After) from an ordinary denial (403 alone)', () => {
    expect(isBlocked({ status: 403, body: undefined, retryAfter: '900' })).toBe(true);
    expect(isBlocked({ status: 403, body: { error: 'forbidden' } })).toBe(false);
    expect(isBlocked({ status: 429, body: undefined, retryAfter: '60' })).toBe(false);
  });

  it('should declare every scenario from documentation addresses, with expected rules for every attack', () => {
    for (const scenario of SCENARIOS) {
      for (const a of scenario.addresses) expect(isDocumentationAddress(a)).toBe(true);
      if (scenario.kind === 'attack') expect(scenario.expectedRules.length, scenario.id).toBeGreaterThan(0);
      if (scenario.kind === 'benign') expect(scenario.expectedRules).toEqual([]);
    }
  });
});
