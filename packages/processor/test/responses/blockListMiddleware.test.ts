import type { AddressInfo } from 'node:net';
import { ATTR_CLIENT_ADDRESS, EVENTS } from '@secmon/semconv';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockList,
  blockListMiddleware,
  defineRule,
  SecurityRulesProcessor,
  DEFAULT_RULES,
} from '../../src/index.js';
import { createPipeline } from '../support/pipeline.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('blockListMiddleware', () => {
  it('should refuse a blocked client with 403 and Retry-After, emit secmon.authz.fail error.type=blocked, and let others through', async () => {
    let now = 1_760_000_000_000;
    const blockList = new BlockList({ clock: { now: () => now } });
    const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: DEFAULT_RULES }));
    const app = express();
    app.use(blockListMiddleware(blockList, { loggerProvider: p.loggerProvider }));
    app.get('/account', (_req, res) => {
      res.send('ok');
    });
    const base = await listen(app);

    expect((await fetch(`${base}/account`)).status).toBe(200);
    blockList.block('client', '127.0.0.1', 60_000, { ruleId: 'authn.brute_force.client' });
    const refused = await fetch(`${base}/account?x=1`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    await refused.text();

    const events = p.logExporter.getFinishedLogRecords().filter((r) => r.eventName === EVENTS.AUTHZ_FAIL);
    expect(events).toHaveLength(1);
    expect(events[0]!.severityNumber).toBe(17);
    expect(events[0]!.attributes).toMatchObject({
      'error.type': 'blocked',
      'event.action': 'authz_fail',
      'event.outcome': 'failure',
      [ATTR_CLIENT_ADDRESS]: '127.0.0.1',
      'http.request.method': 'GET',
      'url.path': '/account',
      'http.response.status_code': 403,
      'security_rule.uuid': 'authn.brute_force.client',
    });

    // Blocks expire.
    now += 60_001;
    expect((await fetch(`${base}/account`)).status).toBe(200);
    expect(blockList.size).toBe(0);
    await p.loggerProvider.shutdown();
  });

  it('should report refusals through onRefuse instead of the built-in event, and survive a throwing hook', async () => {
    const blockList = new BlockList();
    const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [] }));
    const seen: string[] = [];
    let fail = false;
    const app = express();
    app.use(
      blockListMiddleware(blockList, {
        loggerProvider: p.loggerProvider,
        onRefuse: (req, entry) => {
          if (fail) throw new Error('hook bug');
          seen.push(`${req.method} ${entry.kind} ${entry.value} ${entry.ruleId}`);
        },
      }),
    );
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const base = await listen(app);
    blockList.block('client', '127.0.0.1', 60_000, { ruleId: 'payment.card_testing' });
    expect((await fetch(base)).status).toBe(403);
    fail = true;
    expect((await fetch(base)).status).toBe(403);
    expect(seen).toEqual(['GET client 127.0.0.1 payment.card_testing']);
    expect(p.logExporter.getFinishedLogRecords()).toHaveLength(0);
    await p.loggerProvider.shutdown();
  });

  it('should enforce lock_user blocks with the userId option', async () => {
    const blockList = new BlockList();
    const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [] }));
    const app = express();
    app.use(
      blockListMiddleware(blockList, {
        loggerProvider: p.loggerProvider,
        userId: (req) => req.get('x-user'),
      }),
    );
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const base = await listen(app);
    blockList.block('user', 'u-42', 60_000);
    expect((await fetch(base, { headers: { 'x-user': 'u-42' } })).status).toBe(403);
    expect((await fetch(base, { headers: { 'x-user': 'u-7' } })).status).toBe(200);
    expect(p.logExporter.getFinishedLogRecords()[0]!.attributes['user.id']).toBe('u-42');
    await p.loggerProvider.shutdown();
  });

  it('should block an attacker end to end: failed logins -> alert -> block_client -> refused', async () => {
    const blockList = new BlockList();
    const rule = defineRule({
      id: 'e2e.brute_force',
      title: 'Brute force',
      type: 'event_count',
      match: { event: EVENTS.AUTHN_LOGIN_FAIL },
      groupBy: [ATTR_CLIENT_ADDRESS],
      timespan: '5m',
      condition: { gte: 3 },
      severity: 'high',
      response: { action: 'block_client', duration: '10m' },
    });
    const responses: string[] = [];
    const p = createPipeline(
      (o) =>
        new SecurityRulesProcessor({
          ...o,
          rules: [rule],
          blockList,
          onAlert: (alert, response) =>
            responses.push(
              `${alert.rule.id} -> ${response.block?.kind} ${response.block?.value} ${response.block?.ruleId}`,
            ),
        }),
    );
    const app = express();
    app.use(blockListMiddleware(blockList, { loggerProvider: p.loggerProvider }));
    app.post('/login', (req, res) => {
      p.logger.emit({
        eventName: EVENTS.AUTHN_LOGIN_FAIL,
        severityNumber: 13,
        attributes: { [ATTR_CLIENT_ADDRESS]: req.ip ?? '' },
      });
      res.status(401).send('no');
    });
    const base = await listen(app);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${base}/login`, { method: 'POST' });
      statuses.push(r.status);
      await r.text();
    }
    expect(statuses).toEqual([401, 401, 401, 403, 403]);
    expect(responses).toEqual(['e2e.brute_force -> client 127.0.0.1 e2e.brute_force']);
    await p.loggerProvider.shutdown();
  });
});
