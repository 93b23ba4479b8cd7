import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS, EVENTS } from '@secmon/semconv';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockList,
  DEFAULT_RULES,
  defineRule,
  InMemoryStateStore,
  SecurityRulesProcessor,
  type Alert,
} from '../../src/index.js';
import { createPipeline } from '../support/pipeline.js';

const T0 = 1_760_000_000_000;

const bruteForce = defineRule({
  id: 'test.brute_force',
  title: 'Brute force',
  type: 'event_count',
  match: { event: EVENTS.AUTHN_LOGIN_FAIL },
  groupBy: [ATTR_CLIENT_ADDRESS],
  timespan: '5m',
  condition: { gte: 5 },
  severity: 'high',
  reference: 'https://runbooks.example/brute-force',
  response: { action: 'block_client', duration: '15m' },
});

function diagSpy(): { logger: DiagLogger; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m: string) => errors.push(m),
    warn: (m: string) => warnings.push(m),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  return { logger, errors, warnings };
}

afterEach(() => {
  diag.disable();
});

describe('SecurityRulesProcessor', () => {
  describe('onEmit', () => {
    it('should emit an alert span linked to the spans of the contributing events, and an alert log record', async () => {
      const alerts: Alert[] = [];
      const p = createPipeline(
        (o) => new SecurityRulesProcessor({ ...o, rules: [bruteForce], onAlert: (a) => alerts.push(a) }),
      );
      const eventSpans = [];
      for (let i = 0; i < 5; i++) {
        eventSpans.push(
          p.emitInSpan(
            EVENTS.AUTHN_LOGIN_FAIL,
            { [ATTR_CLIENT_ADDRESS]: '203.0.113.7', 'log.record.uid': `uid-${i}` },
            T0 + i * 1000,
          ),
        );
      }
      expect(alerts).toHaveLength(1);

      const alertSpans = p.spans.getFinishedSpans().filter((s) => s.name === 'secmon.alert');
      expect(alertSpans).toHaveLength(1);
      const span = alertSpans[0]!;
      expect(span.links.map((l) => l.context.spanId)).toEqual(eventSpans.map((s) => s.spanContext().spanId));
      expect(span.links.map((l) => l.context.traceId)).toEqual(
        eventSpans.map((s) => s.spanContext().traceId),
      );
      expect(span.links.map((l) => l.attributes?.['log.record.uid'])).toEqual([
        'uid-0',
        'uid-1',
        'uid-2',
        'uid-3',
        'uid-4',
      ]);
      // A new trace: the alert is not a child of the request that completed it.
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.startTime).toEqual([Math.floor(T0 / 1000), (T0 % 1000) * 1e6]);
      expect(span.attributes).toMatchObject({
        'security_rule.uuid': 'test.brute_force',
        'security_rule.name': 'Brute force',
        'security_rule.reference': 'https://runbooks.example/brute-force',
        'event.kind': 'alert',
        'event.action': 'test.brute_force',
        'client.address': '203.0.113.7',
        'secmon.alert.group': 'client.address=203.0.113.7',
        'secmon.alert.count': 5,
        'secmon.alert.threshold': 5,
        'secmon.alert.window_ms': 300_000,
        'secmon.alert.severity': 4,
        'secmon.alert.trigger_event_name': EVENTS.AUTHN_LOGIN_FAIL,
        'secmon.alert.response': 'block_client',
        'secmon.alert.degraded': false,
        'secmon.alert.record_uids': ['uid-0', 'uid-1', 'uid-2', 'uid-3', 'uid-4'],
      });

      const records = p.logExporter.getFinishedLogRecords();
      const alertRecords = records.filter((r) => r.eventName === 'secmon.alert');
      expect(alertRecords).toHaveLength(1);
      const rec = alertRecords[0]!;
      expect(rec.severityNumber).toBeGreaterThanOrEqual(17);
      expect(rec.attributes).toMatchObject({
        'secmon.alert.id': alerts[0]!.id,
        'security_rule.uuid': 'test.brute_force',
        'secmon.alert.count': 5,
      });
      expect(rec.spanContext?.spanId).toBe(span.spanContext().spanId);
      // The base events are exported untouched, and the alert record was not evaluated by the rules.
      expect(records.filter((r) => r.eventName === EVENTS.AUTHN_LOGIN_FAIL)).toHaveLength(5);
      expect((p.processor as SecurityRulesProcessor).engine.stats().eventsEvaluated).toBe(5);
      await p.loggerProvider.shutdown();
    });

    it('should do nothing for events no rule wants', async () => {
      const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [bruteForce] }));
      for (let i = 0; i < 20; i++)
        p.emitInSpan(EVENTS.AUTHN_LOGIN_SUCCESS, { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' }, T0 + i);
      const stats = (p.processor as SecurityRulesProcessor).engine.stats();
      expect(stats.eventsEvaluated).toBe(0);
      expect(stats.groups).toBe(0);
      expect(p.logExporter.getFinishedLogRecords()).toHaveLength(20);
      await p.loggerProvider.shutdown();
    });

    it('should group by resource attributes (service.name) and detect credential stuffing with the default pack', async () => {
      const alerts: Alert[] = [];
      const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, onAlert: (a) => alerts.push(a) }));
      for (let i = 0; i < 50; i++) {
        p.emitInSpan(
          EVENTS.AUTHN_LOGIN_FAIL,
          { [ATTR_CLIENT_ADDRESS]: `198.51.100.${i}`, 'user.hash': `h${i}` },
          T0 + i * 1000,
        );
      }
      const stuffing = alerts.filter((a) => a.rule.id === 'authn.credential_stuffing');
      expect(stuffing).toHaveLength(1);
      expect(stuffing[0]!.group).toEqual({ 'service.name': 'shop' });
      expect(stuffing[0]!.count).toBe(50);
      expect(stuffing[0]!.rule.severity).toBe('critical');
      await p.loggerProvider.shutdown();
    });

    it('should never throw into the application when onAlert throws, and count the error', async () => {
      const p = createPipeline(
        (o) =>
          new SecurityRulesProcessor({
            ...o,
            rules: [bruteForce],
            onAlert: () => {
              throw new Error('boom');
            },
          }),
      );
      const spy = diagSpy();
      diag.setLogger(spy.logger, DiagLogLevel.WARN);
      expect(() => {
        for (let i = 0; i < 10; i++)
          p.emitInSpan(EVENTS.AUTHN_LOGIN_FAIL, { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' }, T0 + i);
      }).not.toThrow();
      expect(p.spans.getFinishedSpans().filter((s) => s.name === 'secmon.alert')).toHaveLength(2);
      expect(spy.warnings.filter((w) => w.includes('on-alert'))).toHaveLength(1);
      const { resourceMetrics } = await p.metricReader.collect();
      const metrics = Object.fromEntries(
        resourceMetrics.scopeMetrics
          .flatMap((s) => s.metrics)
          .map((m) => [m.descriptor.name, m.dataPoints[0]?.value]),
      );
      expect(metrics['secmon.processor.rule.errors']).toBe(2);
      expect(metrics['secmon.processor.alerts']).toBe(2);
      expect(metrics['secmon.processor.events.evaluated']).toBe(10);
      await p.loggerProvider.shutdown();
    });

    it('should leave out an invalid rule definition with diag.error and keep the valid ones', async () => {
      const spy = diagSpy();
      diag.setLogger(spy.logger, DiagLogLevel.WARN);
      const alerts: Alert[] = [];
      const p = createPipeline(
        (o) =>
          new SecurityRulesProcessor({
            ...o,
            rules: [
              bruteForce,
              {
                id: 'broken',
                title: 'Broken',
                type: 'event_count',
                match: { event: 'x' },
                timespan: '5 minutes',
                severity: 'high',
              },
              {
                id: 'single',
                title: 'Single',
                type: 'event_count',
                match: { event: EVENTS.AUTHN_TOKEN_REUSE },
                timespan: '1m',
                severity: 'critical',
              },
            ],
            onAlert: (a) => alerts.push(a),
          }),
      );
      expect(spy.errors.some((e) => e.includes('"broken"') && e.includes('timespan'))).toBe(true);
      p.emitInSpan(EVENTS.AUTHN_TOKEN_REUSE, { 'secmon.token.id_hash': 't1' }, T0);
      expect(alerts.map((a) => a.rule.id)).toEqual(['single']);
      await p.loggerProvider.shutdown();
    });

    it('should apply block_client responses to the block list', async () => {
      const blockList = new BlockList({ clock: { now: () => T0 } });
      const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [bruteForce], blockList }));
      for (let i = 0; i < 5; i++)
        p.emitInSpan(EVENTS.AUTHN_LOGIN_FAIL, { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' }, T0 + i);
      const entry = blockList.isBlocked('client', '203.0.113.7');
      expect(entry).toMatchObject({
        kind: 'client',
        value: '203.0.113.7',
        ruleId: 'test.brute_force',
        expiresAtMillis: T0 + 15 * 60_000,
      });
      expect(blockList.isBlocked('client', '198.51.100.1')).toBeUndefined();
      await p.loggerProvider.shutdown();
    });

    it('should publish alerts raised by a shared store on fleet-wide state exactly once', async () => {
      const store = new InMemoryStateStore();
      const fleet = [0, 1, 2].map(() => {
        const alerts: Alert[] = [];
        const p = createPipeline(
          (o) =>
            new SecurityRulesProcessor({ ...o, rules: [bruteForce], store, onAlert: (a) => alerts.push(a) }),
        );
        return { p, alerts };
      });
      // A brute force spread round-robin: each instance sees fewer failures than the threshold.
      for (let i = 0; i < 6; i++)
        fleet[i % 3]!.p.emitInSpan(
          EVENTS.AUTHN_LOGIN_FAIL,
          { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' },
          T0 + i * 1000,
        );
      await store.forceFlush();
      const all = fleet.flatMap((f) => f.alerts);
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ origin: 'shared', degraded: false, count: 5 });
      const spans = fleet
        .flatMap((f) => f.p.spans.getFinishedSpans())
        .filter((s) => s.name === 'secmon.alert');
      expect(spans).toHaveLength(1);
      expect(spans[0]!.links).toHaveLength(5);
      for (const f of fleet) await f.p.loggerProvider.shutdown();
    });

    it('should raise local alerts marked degraded while the shared store is unreachable', async () => {
      const store = new InMemoryStateStore();
      store.setAvailable(false);
      const alerts: Alert[] = [];
      const p = createPipeline(
        (o) =>
          new SecurityRulesProcessor({ ...o, rules: [bruteForce], store, onAlert: (a) => alerts.push(a) }),
      );
      for (let i = 0; i < 5; i++)
        p.emitInSpan(EVENTS.AUTHN_LOGIN_FAIL, { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' }, T0 + i);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ degraded: true, origin: 'local' });
      const span = p.spans.getFinishedSpans().find((s) => s.name === 'secmon.alert');
      expect(span?.attributes['secmon.alert.degraded']).toBe(true);
      await p.loggerProvider.shutdown();
    });
  });

  describe('shutdown', () => {
    it('should be idempotent and stop evaluating', async () => {
      const p = createPipeline((o) => new SecurityRulesProcessor({ ...o, rules: [bruteForce] }));
      const proc = p.processor as SecurityRulesProcessor;
      await Promise.all([proc.shutdown(), proc.shutdown()]);
      for (let i = 0; i < 5; i++)
        p.emitInSpan(EVENTS.AUTHN_LOGIN_FAIL, { [ATTR_CLIENT_ADDRESS]: '203.0.113.7' }, T0 + i);
      expect(proc.engine.stats().eventsEvaluated).toBe(0);
    });
  });

  describe('DEFAULT_RULES', () => {
    it('should be the default rule set', () => {
      const p = new SecurityRulesProcessor();
      expect(p.engine.rules).toEqual(DEFAULT_RULES.filter((r) => r.enabled));
    });
  });
});
