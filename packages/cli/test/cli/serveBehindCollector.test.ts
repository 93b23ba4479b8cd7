// `secmon serve` behind the real collector (otelcol-secmon, collector-config/config.yaml) in its place in DESIGN.md:
// application -> gateway collector -> its otlp_http backend exporter (protobuf + gzip, sending queue) -> secmon
// serve -> alerts over OTLP -> a capture server. Needs the Docker engine and the collector image: skipped locally
// with the reason printed when they are missing, a failure when CI=true (the harness of tests/collector applies
// the team's rule).
import type { ChildProcess } from 'node:child_process';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { configureSecurityLogging, SecurityEvents } from '@secmon/instrumentation';
import { describeWithServices, OtlpCaptureServer } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from '../../../../tests/collector/harness/Collector.js';
import { COLLECTOR_NEEDS } from '../../../../tests/collector/harness/requirements.js';
import { spawnCli } from '../support/runCli.js';

await describeWithServices('secmon serve behind the collector', COLLECTOR_NEEDS, () => {
  let alerts: OtlpCaptureServer;
  let siem: OtlpCaptureServer;
  let serve: ChildProcess;
  let serveErr = '';

  beforeAll(async () => {
    alerts = await OtlpCaptureServer.start();
    siem = await OtlpCaptureServer.start();
    serve = spawnCli(['serve', '--port', '0'], {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: alerts.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BLRP_SCHEDULE_DELAY: '50',
      },
    });
    const url = await new Promise<string>((resolve, reject) => {
      serve.stderr!.on('data', (d: Buffer) => {
        serveErr += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/v1\/logs/.exec(serveErr);
        if (m !== null) resolve(m[1]!);
      });
      serve.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${serveErr}`)));
    });
    const gateway = await startCollector({
      env: { SECMON_BACKEND_ENDPOINT: url, SECMON_ALERTS_ENDPOINT: siem.url },
    });
    const logging = configureSecurityLogging({
      exporter: new OTLPLogExporter({ url: `${gateway.otlpHttpUrl}/v1/logs` }),
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      registerGlobal: false,
      scheduledDelayMillis: 20,
    });
    const security = new SecurityEvents({
      loggerProvider: logging.loggerProvider,
      pseudonymKey: 'p'.repeat(32),
    });
    for (let i = 0; i < 12; i++) {
      security.authn.loginFail({
        login: 'alice@example.com',
        userExists: true,
        userId: 'u-1',
        clientAddress: '203.0.113.44',
        reason: 'invalid_credentials',
      });
    }
    await logging.shutdown();
  });

  afterAll(async () => {
    serve?.kill('SIGTERM');
    await stopAllCollectors();
    await alerts?.close();
    await siem?.close();
  });

  it('should receive the events the collector forwards and export the alert', async () => {
    const [span] = await alerts.waitForSpans(1, { timeoutMs: 30_000 });
    expect(span!.attributes).toMatchObject({
      'security_rule.uuid': 'authn.brute_force.client',
      'client.address': '203.0.113.44',
      'secmon.alert.count': 10,
    });
    const log = (await alerts.waitForLogs(1)).find((r) => r.eventName === 'secmon.alert');
    expect(log?.attributes['security_rule.uuid']).toBe('authn.brute_force.client');
    // The application only talked to the gateway: the alert proves serve took what the collector's otlp_http
    // exporter sent (protobuf, gzip), and refused none of it.
    expect(serveErr).not.toMatch(/refused a request/);
  });
});
