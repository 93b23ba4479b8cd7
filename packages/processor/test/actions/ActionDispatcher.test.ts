import { ATTR_CLIENT_ADDRESS, EVENTS } from '@secmon/semconv';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionDispatcher,
  defineRule,
  SECURITY_PLUGIN_ERROR_CODES,
  SecurityRulesProcessor,
  WebhookAction,
  type ActionFailure,
  type Alert,
  type SecurityRulesProcessorOptions,
} from '../../src/index.js';
import { makeAlert } from '../support/alerts.js';
import { startHttpServer } from '@secmon/test-utils';
import { createPipeline } from '../support/pipeline.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function server(behaviour?: Parameters<typeof startHttpServer>[0]) {
  const s = await startHttpServer(behaviour);
  closers.push(() => s.close());
  return s;
}

const rule = defineRule({
  id: 'test.brute_force',
  title: 'Brute force',
  type: 'event_count',
  match: { event: EVENTS.AUTHN_LOGIN_FAIL },
  groupBy: [ATTR_CLIENT_ADDRESS],
  timespan: '5m',
  condition: { gte: 3 },
  severity: 'high',
});

/** The real pipeline with the brute-force rule and `options`, after three failures from `client`. */
function bruteForcePipeline(options: SecurityRulesProcessorOptions, client: string) {
  const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [rule], ...options }));
  for (let i = 0; i < 3; i++)
    p.emitInSpan(EVENTS.AUTHN_LOGIN_FAIL, { [ATTR_CLIENT_ADDRESS]: client }, 1_760_000_000_000 + i);
  return p;
}

describe('ActionDispatcher', () => {
  describe('enqueue', () => {
    it('should deliver an alert from the processor to a real webhook endpoint', async () => {
      const s = await server();
      const alerts: Alert[] = [];
      const p = bruteForcePipeline(
        {
          actions: [new WebhookAction({ url: s.url })],
          onAlert: (a) => alerts.push(a),
        },
        '203.0.113.7',
      );
      await p.processor.forceFlush();
      expect(s.requests).toHaveLength(1);
      expect(JSON.parse(s.requests[0]!.body).alert.id).toBe(alerts[0]!.id);
      await p.loggerProvider.shutdown();
    });

    it('should retry with backoff until a failing server recovers, without losing the alert', async () => {
      const s = await server((n) => ({ status: n < 2 ? 500 : 200 }));
      const d = new ActionDispatcher({
        actions: [new WebhookAction({ url: s.url })],
        retryBaseMillis: 10,
        maxAttempts: 5,
      });
      const alert = makeAlert();
      d.enqueue(alert);
      await d.flush();
      expect(s.requests).toHaveLength(3);
      expect(s.requests.every((r) => JSON.parse(r.body).alert.id === alert.id)).toBe(true);
      expect(d.stats()).toMatchObject({ delivered: 1, failures: 2, abandoned: 0, dropped: 0, pending: 0 });
    });

    it('should not make the application wait for a server that hangs, and retry after the timeout', async () => {
      const s = await server((n) => (n === 0 ? 'hang' : { status: 200 }));
      const alerts: Alert[] = [];
      const p = bruteForcePipeline(
        {
          actions: [new WebhookAction({ url: s.url })],
          actionTimeoutMillis: 300,
          actionRetryBaseMillis: 10,
          onAlert: (a) => alerts.push(a),
        },
        '203.0.113.7',
      );
      await s.waitForRequests(1);
      // The first delivery is hanging right now; the application keeps emitting, every record is processed.
      for (let i = 0; i < 100; i++)
        p.logger.emit({ eventName: EVENTS.AUTHN_LOGIN_SUCCESS, attributes: { 'user.id': `u${i}` } });
      expect(
        p.logExporter.getFinishedLogRecords().filter((r) => r.eventName === EVENTS.AUTHN_LOGIN_SUCCESS),
      ).toHaveLength(100);
      expect(s.requests).toHaveLength(1);
      await p.processor.forceFlush();
      expect(s.requests).toHaveLength(2);
      expect(JSON.parse(s.requests[1]!.body).alert.id).toBe(alerts[0]!.id);
      await p.loggerProvider.shutdown();
    });

    it('should give up after the retry budget, and not retry a rejected delivery', async () => {
      const failing = await server(() => ({ status: 500 }));
      const rejecting = await server(() => ({ status: 404 }));
      const d = new ActionDispatcher({
        actions: [
          new WebhookAction({ url: failing.url, name: 'failing' }),
          new WebhookAction({ url: rejecting.url, name: 'rejecting' }),
        ],
        retryBaseMillis: 5,
        maxAttempts: 3,
      });
      d.enqueue(makeAlert());
      await d.flush();
      expect(failing.requests).toHaveLength(3);
      expect(rejecting.requests).toHaveLength(1);
      expect(d.stats()).toMatchObject({ delivered: 0, failures: 4, abandoned: 2, pending: 0 });
    });

    it('should drop and count deliveries beyond the queue bound', async () => {
      const s = await server(() => 'hang');
      const d = new ActionDispatcher({
        actions: [new WebhookAction({ url: s.url })],
        maxQueueSize: 2,
        concurrency: 1,
        timeoutMillis: 60_000,
      });
      for (let i = 0; i < 5; i++) d.enqueue(makeAlert());
      expect(d.stats()).toMatchObject({ dropped: 3, pending: 2 });
      await s.close();
      await d.shutdown(50);
    });
  });

  describe('onFailure', () => {
    it('should report every failed attempt with whether it is retried, and the code of the error', async () => {
      const failing = await server((n) => ({ status: n < 2 ? 503 : 200 }));
      const rejecting = await server(() => ({ status: 401 }));
      const failures: ActionFailure[] = [];
      const d = new ActionDispatcher({
        actions: [
          new WebhookAction({ url: failing.url, name: 'flaky' }),
          new WebhookAction({ url: rejecting.url, name: 'unauthorized' }),
        ],
        retryBaseMillis: 5,
        onFailure: (f) => {
          failures.push(f);
          throw new Error('an observer that throws must not break delivery');
        },
      });
      const alert = makeAlert();
      d.enqueue(alert);
      await d.flush();
      const seen = failures
        .map((f) => [f.action.name, f.attempt, f.willRetry, f.error.code, f.alert.id])
        .sort((x, y) => String(x).localeCompare(String(y)));
      expect(seen).toEqual([
        ['flaky', 1, true, SECURITY_PLUGIN_ERROR_CODES.ACTION_FAILED, alert.id],
        ['flaky', 2, true, SECURITY_PLUGIN_ERROR_CODES.ACTION_FAILED, alert.id],
        ['unauthorized', 1, false, SECURITY_PLUGIN_ERROR_CODES.ACTION_REJECTED, alert.id],
      ]);
      expect(failing.requests).toHaveLength(3);
      expect(d.stats()).toMatchObject({ delivered: 1, failures: 3, abandoned: 1, pending: 0 });
    });

    it('should reach the dispatcher through the processor option onActionFailure', async () => {
      const s = await server(() => ({ status: 400 }));
      const failures: ActionFailure[] = [];
      const p = bruteForcePipeline(
        {
          actions: [new WebhookAction({ url: s.url, name: 'hook' })],
          onActionFailure: (f) => failures.push(f),
        },
        '203.0.113.9',
      );
      await p.processor.forceFlush();
      expect(failures.map((f) => [f.action.name, f.willRetry, f.alert.rule.id])).toEqual([
        ['hook', false, 'test.brute_force'],
      ]);
      await p.loggerProvider.shutdown();
    });
  });

  describe('shutdown', () => {
    it('should abort a delivery still in flight when the timeout is spent, and count it', async () => {
      const s = await server(() => 'hang');
      const failures: ActionFailure[] = [];
      const d = new ActionDispatcher({
        actions: [new WebhookAction({ url: s.url })],
        // Far beyond the test: only shutdown can end this attempt.
        timeoutMillis: 600_000,
        onFailure: (f) => failures.push(f),
      });
      d.enqueue(makeAlert());
      await s.waitForRequests(1);
      await d.shutdown(100);
      // The aborted attempt settles on the next turns of the event loop (its own timeout is 10 minutes away).
      await new Promise((r) => setTimeout(r, 20));
      expect(failures).toHaveLength(1);
      expect(failures[0]!).toMatchObject({ willRetry: false });
      expect(failures[0]!.error.message).toMatch(/aborted: shutdown waited 100 ms/);
      expect(d.stats()).toMatchObject({ delivered: 0, abandoned: 1, pending: 0 });
    });
  });
});
