// The gateway (config.yaml + the generated ECS/OCSF mappings) in a container: events from the SDK reach the OTLP
// backend with ECS and OCSF fields added and nothing secret left; routing by event name; event counts on the
// Prometheus endpoint; health check.
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import { SeverityNumber } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import type { RunningCollector } from './harness/Collector.js';
import { readArchive } from './harness/archive.js';
import { SecurityEventSender } from './harness/emit.js';
import { waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

await describeWithServices('gateway: events to the OTLP backend', COLLECTOR_NEEDS, () => {
  let backend: OtlpCaptureServer;
  let alerts: OtlpCaptureServer;
  let collector: RunningCollector;
  let sender: SecurityEventSender;

  beforeAll(async () => {
    backend = await OtlpCaptureServer.start();
    alerts = await OtlpCaptureServer.start();
    collector = await startCollector({
      env: { SECMON_BACKEND_ENDPOINT: backend.url, SECMON_ALERTS_ENDPOINT: alerts.url },
    });
    sender = new SecurityEventSender(collector.otlpHttpUrl);
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    await backend?.close();
    await alerts?.close();
  });

  it('delivers instrumented events with ECS fields and the OCSF fields added by the gateway', async () => {
    sender.security.authn.loginFail({
      clientAddress: '203.0.113.7',
      login: 'alice',
      userExists: true,
      method: 'password',
      reason: 'invalid_credentials',
    });
    sender.security.authz.fail({
      clientAddress: '203.0.113.8',
      userId: 'u-42',
      route: '/admin/users',
      statusCode: 403,
    });
    await sender.flush();
    await backend.waitFor(
      () => backend.logs().filter((r) => r.eventName?.startsWith('secmon.')).length >= 2,
      { timeoutMs: 20_000 },
    );

    const fail = backend.logs().find((r) => r.eventName === 'secmon.authn.login_fail');
    expect(fail?.attributes).toMatchObject({
      'client.address': '203.0.113.7',
      'event.action': 'authn_login_fail',
      'event.kind': 'event',
      'event.category': ['authentication'],
      'event.type': ['start'],
      'event.outcome': 'failure',
      'ocsf.class_uid': 3002,
      'ocsf.activity_id': 1,
      'ocsf.category_uid': 3,
      'ocsf.type_uid': 300201,
      'ocsf.status_id': 2,
      'ocsf.severity_id': 2,
    });
    expect(fail?.severityNumber).toBe(13);
    expect(fail?.attributes['user.hash']).toMatch(/^[0-9a-f]{16,}$/); // keyed pseudonym of the login, by the instrumentation
    expect(JSON.stringify(fail?.attributes)).not.toContain('alice');
    expect(fail?.resource['service.name']).toBe('e2e-shop');

    const denied = backend.logs().find((r) => r.eventName === 'secmon.authz.fail');
    expect(denied?.attributes).toMatchObject({
      'event.action': 'authz_fail',
      'event.category': ['api'],
      'event.type': ['access', 'denied'],
      'ocsf.class_uid': 6003,
      'ocsf.severity_id': 4,
      'http.route': '/admin/users',
    });
  });

  it('keeps the outcome and ECS fields the application set (insert only)', async () => {
    // a producer that sets its own ECS fields (another SDK, a recipe): the gateway only fills what is missing
    sender.bypass('secmon.authz.admin', {
      'event.outcome': 'failure',
      'event.type': ['admin', 'deletion'],
      'user.id': 'u-1',
    });
    await sender.flush();
    await backend.waitFor(() => backend.logs().some((r) => r.eventName === 'secmon.authz.admin'), {
      timeoutMs: 20_000,
    });
    const admin = backend.logs().find((r) => r.eventName === 'secmon.authz.admin');
    expect(admin?.attributes).toMatchObject({
      'event.outcome': 'failure',
      'event.type': ['admin', 'deletion'],
      'ocsf.status_id': 2,
      'event.kind': 'event',
    });
  });

  it('masks what is on the never-log list before anything leaves the gateway', async () => {
    // a misconfigured application that bypasses the instrumentation: raw secrets in attributes and in the body
    sender.bypass(
      'secmon.authn.login_fail',
      {
        'client.address': '198.51.100.23',
        password: 'hunter2-leaked',
        'http.request.header.authorization': 'Bearer abcdefghijklmnop.qrstuvwx',
        'url.full':
          'https://alice:s3cr3t-pw@shop.example/callback?code=oauth-code-123&state=ok&token=tok-999',
        'app.note': 'customer card 4111 1111 1111 1111 declined',
        'session.id': 'hmac-session-7f3a', // a keyed hash by design: kept
      },
      { body: 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig leaked in body' },
    );
    await sender.flush();
    await backend.waitFor(
      () => backend.logs().some((r) => r.attributes['client.address'] === '198.51.100.23'),
      { timeoutMs: 20_000 },
    );
    const rec = backend.logs().find((r) => r.attributes['client.address'] === '198.51.100.23');
    expect(rec?.attributes['password']).toBe('****');
    expect(rec?.attributes['http.request.header.authorization']).toBe('****');
    expect(rec?.attributes['url.full']).toBe(
      'https://REDACTED:REDACTED@shop.example/callback?code=REDACTED&state=ok&token=REDACTED',
    );
    expect(rec?.attributes['app.note']).toBe('customer card **** declined');
    expect(rec?.attributes['session.id']).toBe('hmac-session-7f3a');
    // no ECS field came from this application: the generated mappings added them all
    expect(rec?.attributes).toMatchObject({
      'event.action': 'authn_login_fail',
      'event.kind': 'event',
      'event.outcome': 'failure',
      'ocsf.class_uid': 3002,
      'ocsf.status_id': 2,
    });
    expect(String(rec?.body)).not.toContain('eyJhbGciOiJIUzI1NiJ9');

    const wire = Buffer.concat(backend.rawBodies()).toString('latin1');
    for (const secret of [
      'hunter2-leaked',
      'abcdefghijklmnop',
      's3cr3t-pw',
      'oauth-code-123',
      'tok-999',
      '4111 1111 1111 1111',
      'eyJhbGciOiJIUzI1NiJ9',
    ]) {
      expect(wire, secret).not.toContain(secret);
    }
    await waitUntil(
      () =>
        readArchive(collector.archiveFile).some((r) => r.attributes['client.address'] === '198.51.100.23'),
      20_000,
      'the archive',
    );
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(collector.archiveFile, 'utf8')).not.toContain('hunter2-leaked');
  });

  it('routes by event name: application logs reach the backend, not the archive', async () => {
    sender.raw({
      severityNumber: SeverityNumber.INFO,
      body: 'GET /health 200',
      attributes: { 'e2e.marker': 'app-log' },
    });
    sender.security.session.created({
      sessionId: 'raw-session-id-1',
      attributes: { 'e2e.marker': 'security' },
    });
    await sender.flush();
    await backend.waitFor(
      () => backend.logs().filter((r) => r.attributes['e2e.marker'] !== undefined).length >= 2,
      { timeoutMs: 20_000 },
    );
    await waitUntil(
      () => readArchive(collector.archiveFile).some((r) => r.attributes['e2e.marker'] === 'security'),
      20_000,
      'the archive',
    );
    const archived = readArchive(collector.archiveFile);
    expect(archived.some((r) => r.attributes['e2e.marker'] === 'app-log')).toBe(false);
    expect(archived.every((r) => r.eventName?.startsWith('secmon.'))).toBe(true);
    // nothing but alerts on the alert destination
    expect(alerts.logs().every((r) => r.eventName === 'secmon.alert')).toBe(true);
  });

  it('counts events by action and outcome on the Prometheus endpoint', async () => {
    for (let i = 0; i < 3; i++)
      sender.security.authn.loginSuccess({ clientAddress: '192.0.2.1', userId: 'u-9', method: 'password' });
    await sender.flush();
    let text = '';
    await waitUntil(
      async () => {
        text = await (await fetch(`http://127.0.0.1:${collector.ports.prometheus}/metrics`)).text();
        return /secmon_security_events_total\{[^}]*event_action="authn_login_success"[^}]*\} 3\b/.test(text);
      },
      20_000,
      'the login_success counter',
    );
    expect(text).toMatch(
      /secmon_security_events_total\{[^}]*event_action="authn_login_fail"[^}]*event_outcome="failure"[^}]*\} [1-9]/,
    );
  });

  it('answers the health check', async () => {
    const res = await fetch(`http://127.0.0.1:${collector.ports.health}/`);
    expect(res.status).toBe(200);
  });
});
