// SIEM routing through the overlays: RFC 5424 at a real rsyslog, HEC payloads at a local HEC endpoint, OTLP at
// an Elastic-style intake. Fields, routing by severity (INFO events stay out of the SIEM by default) and escaping
// of hostile values, as the receiving side parses them.
import { describeWithServices, OtlpCaptureServer } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import type { RunningCollector } from './harness/Collector.js';
import { HecReceiver } from './harness/HecReceiver.js';
import { Rsyslog, rsyslogCheck } from './harness/Rsyslog.js';
import { SecurityEventSender } from './harness/emit.js';
import { waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

/** A user name an attacker chose: it tries to close the SD element, open a forged one, and start a new line. */
const HOSTILE_NAME = 'mallory"] [forged@1 admin="true"] \\ end\nOct 11 22:14:15 host sshd: Accepted password';

/** The same events for every SIEM: two above the SIEM threshold, one below it, one alert. */
function sendScenario(sender: SecurityEventSender): void {
  sender.security.authn.loginFail({
    clientAddress: '203.0.113.9',
    login: HOSTILE_NAME,
    userExists: false,
    method: 'password',
    reason: 'invalid_credentials',
  });
  sender.security.authz.fail({
    clientAddress: '203.0.113.9',
    userId: 'u-7',
    route: '/admin/users/:id',
    statusCode: 403,
  });
  sender.security.authn.loginSuccess({ clientAddress: '192.0.2.44', userId: 'u-8', method: 'password' });
  sender.alert('brute_force_per_client', 'high', {
    'client.address': '203.0.113.9',
    'secmon.alert.count': 6,
  });
}

/** user.name of the hostile event as the instrumentation exported it (control characters already made visible). */
function exportedName(backend: OtlpCaptureServer): string {
  const name = backend.logs().find((r) => r.eventName === 'secmon.authn.login_fail')?.attributes['user.name'];
  if (typeof name !== 'string') throw new Error('the hostile event did not reach the backend with user.name');
  return name;
}

await describeWithServices(
  'SIEM overlay: syslog RFC 5424 at rsyslog',
  { ...COLLECTOR_NEEDS, rsyslog: rsyslogCheck },
  () => {
    let rsyslog: Rsyslog;
    let backend: OtlpCaptureServer;
    let collector: RunningCollector;
    let sender: SecurityEventSender;

    beforeAll(async () => {
      rsyslog = await Rsyslog.start();
      backend = await OtlpCaptureServer.start();
      collector = await startCollector({
        overlays: ['overlays/syslog.yaml'],
        env: {
          SECMON_BACKEND_ENDPOINT: backend.url,
          SECMON_ALERTS_ENDPOINT: backend.url,
          SECMON_SYSLOG_PORT: String(rsyslog.port),
          SECMON_SYSLOG_TLS_INSECURE: 'true', // loopback test listener
        },
      });
      sender = new SecurityEventSender(collector.otlpHttpUrl, { recordUserName: true });
      sendScenario(sender);
      await sender.flush();
      await waitUntil(() => rsyslog.messages().length >= 3, 20_000, 'three syslog messages');
      // the INFO event reached the backend: it was routed away from the SIEM, not lost
      await backend.waitFor(() => backend.logs().some((r) => r.eventName === 'secmon.authn.login_success'), {
        timeoutMs: 20_000,
      });
      await backend.waitFor(() => backend.logs().some((r) => r.eventName === 'secmon.authn.login_fail'), {
        timeoutMs: 20_000,
      });
    });

    afterAll(async () => {
      await sender?.shutdown();
      await stopAllCollectors();
      await rsyslog?.stop();
      await backend?.close();
    });

    it('sends events at or above WARN and alerts, not INFO events', () => {
      const ids = rsyslog
        .messages()
        .map((m) => m.msgid)
        .sort();
      expect(ids).toEqual(['-', 'authn_login_fail', 'authz_fail'].sort());
      expect(
        rsyslog
          .messages()
          .map((m) => m.msg)
          .sort(),
      ).toEqual(['secmon.alert', 'secmon.authn.login_fail', 'secmon.authz.fail']);
    });

    it('fills the RFC 5424 header from the event', () => {
      const m = rsyslog.messages().find((x) => x.msgid === 'authn_login_fail')!;
      expect(m).toMatchObject({
        facility: 'authpriv',
        severity: 'warning',
        pri: '84',
        hostname: 'e2e-host',
        appname: 'e2e-shop',
        procid: '-',
      });
      expect(Math.abs(Date.parse(m.timestamp) - Date.now())).toBeLessThan(10 * 60_000);
      const alert = rsyslog.messages().find((x) => x.msg === 'secmon.alert')!;
      expect(alert).toMatchObject({ facility: 'authpriv', severity: 'err' });
      const critical = rsyslog.messages().find((x) => x.msgid === 'authz_fail')!;
      expect(critical.severity).toBe('err');
    });

    it('carries ECS and OCSF fields as structured data', () => {
      const m = rsyslog.messages().find((x) => x.msgid === 'authn_login_fail')!;
      expect(Object.keys(m.sd)).toEqual(['secmon@32473']);
      expect(m.sd['secmon@32473']).toMatchObject({
        'event.action': 'authn_login_fail',
        'event.category': 'authentication',
        'event.outcome': 'failure',
        'error.type': 'invalid_credentials',
        'client.address': '203.0.113.9',
        'secmon.authn.method': 'password',
        'ocsf.class_uid': '3002',
        'ocsf.type_uid': '300201',
        'ocsf.severity_id': '2',
        'ocsf.status_id': '2',
      });
      const alert = rsyslog.messages().find((x) => x.msg === 'secmon.alert')!;
      expect(alert.sd['secmon@32473']).toMatchObject({
        'security_rule.name': 'brute_force_per_client',
        'ocsf.class_uid': '2004',
        'secmon.alert.count': '6',
      });
    });

    it('escapes a hostile value: no forged SD element, no second message, the value intact after parsing', () => {
      const m = rsyslog.messages().find((x) => x.msgid === 'authn_login_fail')!;
      const name = exportedName(backend);
      expect(name).toContain('mallory"] [forged@1 admin="true"]');
      expect(name).not.toMatch(/[\r\n]/);
      // RFC 5424 escaping on the wire (\" \] \\), and rsyslog's parser gives back exactly the exported value
      expect(m.structuredData).toContain(String.raw`user.name="mallory\"\] [forged@1 admin=\"true\"\]`);
      expect(m.sd['secmon@32473']?.['user.name']).toBe(name);
      expect(rsyslog.messages().some((x) => 'forged@1' in x.sd)).toBe(false);
      expect(
        rsyslog.messages().some((x) => x.raw.includes('sshd: Accepted') && x.msgid !== 'authn_login_fail'),
      ).toBe(false);
      expect(rsyslog.messages()).toHaveLength(3);
    });
  },
);

await describeWithServices('SIEM overlay: Splunk HEC', COLLECTOR_NEEDS, () => {
  const token = '6f1c9d2e-e2e-hec-token';
  let hec: HecReceiver;
  let backend: OtlpCaptureServer;
  let collector: RunningCollector;
  let sender: SecurityEventSender;

  beforeAll(async () => {
    hec = await HecReceiver.start(token);
    backend = await OtlpCaptureServer.start();
    collector = await startCollector({
      overlays: ['overlays/splunk-hec.yaml'],
      env: {
        SECMON_BACKEND_ENDPOINT: backend.url,
        SECMON_ALERTS_ENDPOINT: backend.url,
        SECMON_HEC_ENDPOINT: hec.url,
        SECMON_HEC_TOKEN: token,
      },
    });
    sender = new SecurityEventSender(collector.otlpHttpUrl, { recordUserName: true });
    sendScenario(sender);
    await sender.flush();
    await waitUntil(() => hec.events().length >= 3, 20_000, 'three HEC events');
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    await hec?.close();
    await backend?.close();
  });

  it('posts gzip JSON with the HEC token', () => {
    expect(hec.requests.length).toBeGreaterThan(0);
    for (const r of hec.requests) {
      expect(r.status).toBe(200);
      expect(r.headers.authorization).toBe(`Splunk ${token}`);
      expect(r.headers['content-encoding']).toBe('gzip');
    }
  });

  it('maps each event to a HEC event with metadata and ECS/OCSF fields', () => {
    const events = hec.events();
    expect(events.map((e) => e.event).sort()).toEqual([
      'secmon.alert',
      'secmon.authn.login_fail',
      'secmon.authz.fail',
    ]);
    const fail = events.find((e) => e.event === 'secmon.authn.login_fail')!;
    expect(fail).toMatchObject({
      host: 'e2e-host',
      source: 'secmon',
      sourcetype: 'secmon:event',
      index: 'security',
    });
    expect(Math.abs(fail.time! * 1000 - Date.now())).toBeLessThan(10 * 60_000);
    expect(fail.fields).toMatchObject({
      'event.action': 'authn_login_fail',
      'event.category': ['authentication'],
      'event.outcome': 'failure',
      'client.address': '203.0.113.9',
      'ocsf.class_uid': '3002',
      'ocsf.severity_id': '2',
      'otel.log.severity.number': '13',
      'otel.log.event_name': 'secmon.authn.login_fail',
      'service.name': 'e2e-shop',
    });
    const alert = events.find((e) => e.event === 'secmon.alert')!;
    expect(alert.sourcetype).toBe('secmon:alert');
    expect(alert.fields).toMatchObject({
      'security_rule.name': 'brute_force_per_client',
      'ocsf.class_uid': '2004',
    });
  });

  it('JSON-escapes hostile values: one event per line, the value intact', async () => {
    await backend.waitFor(() => backend.logs().some((r) => r.eventName === 'secmon.authn.login_fail'), {
      timeoutMs: 20_000,
    });
    const fail = hec.events().find((e) => e.event === 'secmon.authn.login_fail')!;
    expect(fail.fields?.['user.name']).toBe(exportedName(backend));
    const body = hec.requests.map((r) => r.body).join('\n');
    expect(body.split('\n').filter((l) => l.trim() !== '')).toHaveLength(3);
    expect(body).toContain('mallory\\"] [forged@1 admin=\\"true\\"]');
  });
});

await describeWithServices('SIEM overlay: Elasticsearch (OTLP intake)', COLLECTOR_NEEDS, () => {
  let es: OtlpCaptureServer;
  let backend: OtlpCaptureServer;
  let sender: SecurityEventSender;

  beforeAll(async () => {
    es = await OtlpCaptureServer.start();
    backend = await OtlpCaptureServer.start();
    const collector = await startCollector({
      overlays: ['overlays/elasticsearch.yaml'],
      env: {
        SECMON_BACKEND_ENDPOINT: backend.url,
        SECMON_ALERTS_ENDPOINT: backend.url,
        SECMON_ES_OTLP_ENDPOINT: es.url,
        SECMON_ES_API_KEY: 'es-e2e-key',
      },
    });
    sender = new SecurityEventSender(collector.otlpHttpUrl, { recordUserName: true });
    sendScenario(sender);
    await sender.flush();
    await es.waitFor(() => es.logs().length >= 3, { timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    await es?.close();
    await backend?.close();
  });

  it('sends ECS-mapped events to the data streams with the API key', () => {
    expect(es.requests.every((r) => r.headers.authorization === 'ApiKey es-e2e-key')).toBe(true);
    expect(
      es
        .logs()
        .map((r) => r.eventName)
        .sort(),
    ).toEqual(['secmon.alert', 'secmon.authn.login_fail', 'secmon.authz.fail']);
    const fail = es.logs().find((r) => r.eventName === 'secmon.authn.login_fail')!;
    expect(fail.attributes).toMatchObject({
      'data_stream.dataset': 'secmon.security',
      'data_stream.namespace': 'default',
      'event.action': 'authn_login_fail',
      'event.outcome': 'failure',
    });
    expect(es.logs().find((r) => r.eventName === 'secmon.alert')?.attributes['data_stream.dataset']).toBe(
      'secmon.alerts',
    );
  });
});
