import { afterEach, describe, expect, it } from 'vitest';
import { WebhookAction } from '../../src/index.js';
import { makeAlert } from '../support/alerts.js';
import { startHttpServer } from '@secmon/test-utils';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function server(behaviour?: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(behaviour);
  closers.push(() => s.close());
  return s;
}

describe('WebhookAction', () => {
  describe('send', () => {
    it('should POST the alert as JSON with the configured headers', async () => {
      const s = await server();
      const alert = makeAlert();
      await new WebhookAction({ url: s.url, headers: { authorization: 'Bearer t0ken' } }).send(
        alert,
        new AbortController().signal,
      );
      expect(s.requests).toHaveLength(1);
      const r = s.requests[0]!;
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/hook');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['authorization']).toBe('Bearer t0ken');
      expect(JSON.parse(r.body)).toEqual({
        schema: 'secmon.alert/v1',
        alert: JSON.parse(JSON.stringify(alert)),
      });
    });

    it('should reject non-2xx statuses, retryable only for 5xx/408/429', async () => {
      const s = await server((n) => ({ status: n === 0 ? 503 : 400 }));
      const action = new WebhookAction({ url: s.url });
      await expect(action.send(makeAlert(), new AbortController().signal)).rejects.toMatchObject({
        code: 'ACTION_FAILED',
        retryable: true,
      });
      await expect(action.send(makeAlert(), new AbortController().signal)).rejects.toMatchObject({
        code: 'ACTION_REJECTED',
        retryable: false,
      });
    });
  });
});
