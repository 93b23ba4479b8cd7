// Alerts (the rule engine's secmon.alert spans and log records) reach their own pipelines: the alert destination
// gets alerts and nothing else, with the OCSF Detection Finding fields; the backend and the archive get them too.
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import type { RunningCollector } from './harness/Collector.js';
import { readArchive } from './harness/archive.js';
import { SecurityEventSender } from './harness/emit.js';
import { waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

await describeWithServices('alerts reach their pipelines', COLLECTOR_NEEDS, () => {
  let backend: OtlpCaptureServer;
  let alerts: OtlpCaptureServer;
  let collector: RunningCollector;
  let sender: SecurityEventSender;
  const evidence = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

  beforeAll(async () => {
    backend = await OtlpCaptureServer.start();
    alerts = await OtlpCaptureServer.start();
    collector = await startCollector({
      env: { SECMON_BACKEND_ENDPOINT: backend.url, SECMON_ALERTS_ENDPOINT: alerts.url },
    });
    sender = new SecurityEventSender(collector.otlpHttpUrl);

    for (let i = 0; i < 5; i++)
      sender.security.authn.loginFail({
        clientAddress: '203.0.113.77',
        login: 'bob',
        userExists: true,
        method: 'password',
      });
    sender.span('GET /login'); // an ordinary span
    sender.alert(
      'brute_force_per_client',
      'critical',
      { 'client.address': '203.0.113.77', 'secmon.alert.count': 5, 'secmon.alert.threshold': 5 },
      [{ context: evidence, attributes: { 'log.record.uid': '01JDEMO0000000000000000001' } }],
    );
    await sender.flush();
    await alerts.waitFor(() => alerts.spans().length >= 1 && alerts.logs().length >= 1, {
      timeoutMs: 20_000,
    });
    await backend.waitFor(() => backend.spans().length >= 2 && backend.logs().length >= 6, {
      timeoutMs: 20_000,
    });
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    await backend?.close();
    await alerts?.close();
  });

  it('sends the alert span, with its evidence links, to the alert destination', () => {
    expect(alerts.spans().map((s) => s.name)).toEqual(['secmon.alert']);
    const span = alerts.spans()[0]!;
    expect(span.attributes).toMatchObject({
      'security_rule.name': 'brute_force_per_client',
      'secmon.alert.severity': 5,
      'event.kind': 'alert',
      'ocsf.class_uid': 2004,
      'ocsf.activity_id': 1,
      'ocsf.type_uid': 200401,
      'ocsf.severity_id': 5,
    });
    expect(span.links).toEqual([
      {
        traceId: evidence.traceId,
        spanId: evidence.spanId,
        attributes: { 'log.record.uid': '01JDEMO0000000000000000001' },
      },
    ]);
  });

  it('sends the alert log record, and only alerts, to the alert destination', () => {
    expect(alerts.logs().map((r) => r.eventName)).toEqual(['secmon.alert']);
    expect(alerts.logs()[0]).toMatchObject({
      severityNumber: 21,
      attributes: {
        'security_rule.name': 'brute_force_per_client',
        'client.address': '203.0.113.77',
        'ocsf.class_uid': 2004,
        'ocsf.severity_id': 5,
        'event.kind': 'alert',
      },
    });
  });

  it('also delivers alerts and ordinary spans to the backend, and alert records to the archive', async () => {
    expect(
      backend
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['GET /login', 'secmon.alert']);
    expect(backend.logs().filter((r) => r.eventName === 'secmon.alert')).toHaveLength(1);
    await waitUntil(
      () => readArchive(collector.archiveFile).some((r) => r.eventName === 'secmon.alert'),
      20_000,
      'the alert in the archive',
    );
    expect(
      readArchive(collector.archiveFile).filter((r) => r.eventName === 'secmon.authn.login_fail'),
    ).toHaveLength(5);
  });

  it('counts alerts by rule on the Prometheus endpoint', async () => {
    let text = '';
    await waitUntil(
      async () => {
        text = await (await fetch(`http://127.0.0.1:${collector.ports.prometheus}/metrics`)).text();
        return text.includes('secmon_security_alerts_total');
      },
      20_000,
      'the alert counter',
    );
    expect(text).toMatch(
      /secmon_security_alerts_total\{[^}]*security_rule_name="brute_force_per_client"[^}]*\} 1\b/,
    );
  });
});
