// The instrumentation and the processor's block list together in one Express app: a refused request is reported
// once, through SecurityEvents (with the request context), and never again by the automatic 403 capture, so
// refusals cannot feed the authorization-failure burst rule that would otherwise fire on a blocked client.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { SecurityEvents, createExpressMiddleware } from '@secmon/instrumentation';
import { BlockList, blockListMiddleware } from '@secmon/processor';
import { EVENTS } from '@secmon/semconv';

describe('block list refusals with the instrumentation', () => {
  const exporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  afterAll(async () => {
    await loggerProvider.shutdown();
  });

  it('should report each refusal once, as authz.fail error.type=blocked with the request context', async () => {
    const security = new SecurityEvents({
      loggerProvider,
      pseudonymKey: 'integration-test-key-0123456789abcdef',
    });
    const blockList = new BlockList();
    const app = express();
    app.use(createExpressMiddleware(security));
    app.use(
      blockListMiddleware(blockList, {
        onRefuse: (_req, entry) =>
          security.authz.fail({ reason: 'blocked', resourceType: `block:${entry.kind}` }),
      }),
    );
    app.get('/account', (_req, res) => {
      res.send('ok');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      blockList.block('client', '127.0.0.1', 60_000, { ruleId: 'authn.brute_force.client' });
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${base}/account`, { headers: { 'user-agent': 'curl/8.5' } });
        expect(r.status).toBe(403);
        await r.text();
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const fails = exporter.getFinishedLogRecords().filter((r) => r.eventName === EVENTS.AUTHZ_FAIL);
    expect(fails).toHaveLength(3);
    for (const f of fails) {
      expect(f.attributes['error.type']).toBe('blocked');
      expect(f.attributes['client.address']).toBe('127.0.0.1');
      expect(f.attributes['user_agent.original']).toBe('curl/8.5');
      expect(f.attributes['log.record.uid']).toEqual(expect.any(String));
    }
  });
});
