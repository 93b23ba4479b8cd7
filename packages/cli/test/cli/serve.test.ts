// `secmon serve` end to end: the real executable in a child process, fed by the OpenTelemetry SDK's OTLP log
// exporters, exporting its alerts to an OTLP capture server (the stand-in for a collector or SIEM).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { configureSecurityLogging, SecurityEvents } from '@secmon/instrumentation';
import { ALERT_EVENT_NAME, ALERT_SPAN_NAME, EVENTS } from '@secmon/semconv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.js';
import { useServeHarness } from '../support/serveHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-serve-'));
const TOKEN = 'test-token-0123456789abcdef';

const harness = useServeHarness({ OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_BLRP_SCHEDULE_DELAY: '50' });

/** The application side: an SDK LoggerProvider exporting over OTLP/HTTP, events emitted inside request spans. */
function application(exporter: LogRecordExporter): {
  emitBruteForce: (ip: string, n: number) => string[];
  provider: LoggerProvider;
} {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 20 })],
  });
  const logger = provider.getLogger('@secmon/instrumentation');
  const tracer = new TracerProvider().getTracer('shop');
  const emitBruteForce = (ip: string, n: number): string[] => {
    const spanIds: string[] = [];
    const start = Date.now() - 60_000;
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan('POST /login');
      spanIds.push(span.spanContext().spanId);
      logger.emit({
        eventName: EVENTS.AUTHN_LOGIN_FAIL,
        timestamp: start + i * 1000,
        severityNumber: 13,
        attributes: {
          'event.action': 'authn_login_fail',
          'client.address': ip,
          'user.hash': 'hash-of-alice',
          'error.type': 'invalid_credentials',
          'log.record.uid': `uid-${ip}-${i}`,
        },
        context: trace.setSpan(context.active(), span),
      });
      span.end();
    }
    return spanIds;
  };
  return { emitBruteForce, provider };
}

describe('secmon serve', () => {
  it('should turn events posted by the OTLP protobuf exporter into alert spans (linked to the evidence) and alert log records', async () => {
    const serve = await harness.start();
    const app = application(new OTLPLogExporterProto({ url: `${serve.url}/v1/logs` }));
    const spanIds = app.emitBruteForce('203.0.113.7', 12);
    await app.provider.forceFlush();

    const [span] = await harness.capture.waitForSpans(1);
    expect(span!.name).toBe(ALERT_SPAN_NAME);
    expect(span!.attributes).toMatchObject({
      'security_rule.uuid': 'authn.brute_force.client',
      'event.kind': 'alert',
      'client.address': '203.0.113.7',
      'secmon.alert.count': 10,
      'secmon.alert.group': 'client.address=203.0.113.7',
    });
    expect(span!.links.map((l) => l.spanId)).toEqual(spanIds.slice(0, 10));
    expect(span!.resource['service.name']).toBe('secmon-serve');

    const logs = await harness.capture.waitForLogs(1);
    const alertLog = logs.find((l) => l.eventName === ALERT_EVENT_NAME)!;
    expect(alertLog.severityNumber).toBeGreaterThanOrEqual(17);
    expect(alertLog.attributes['security_rule.uuid']).toBe('authn.brute_force.client');
    expect(alertLog.traceId).toBe(span!.traceId);
    expect(alertLog.attributes['secmon.alert.record_uids']).toEqual(
      Array.from({ length: 10 }, (_, i) => `uid-203.0.113.7-${i}`),
    );
    await app.provider.shutdown();
  });

  it('should detect attacks in events from @secmon/instrumentation (SecurityEvents + configureSecurityLogging + OTLP exporter)', async () => {
    const serve = await harness.start();
    const logging = configureSecurityLogging({
      // protobuf + gzip: also what the collector's otlphttp exporter sends by default.
      exporter: new OTLPLogExporterProto({ url: `${serve.url}/v1/logs`, compression: 'gzip' as never }),
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      registerGlobal: false,
      scheduledDelayMillis: 20,
    });
    const security = new SecurityEvents({
      loggerProvider: logging.loggerProvider,
      pseudonymKey: 'k'.repeat(32),
    });
    // Password spraying: one address, twelve accounts; the instrumentation pseudonymises each login.
    for (let i = 0; i < 12; i++) {
      security.authn.loginFail({
        login: `user${i}@example.com`,
        userExists: false,
        clientAddress: '203.0.113.77',
        reason: 'user_not_found',
      });
    }
    await logging.loggerProvider.forceFlush();
    const spans = await harness.capture.waitForSpans(2);
    expect(spans.map((s) => s.attributes['security_rule.uuid']).sort()).toEqual([
      'authn.brute_force.client',
      'authn.password_spraying',
    ]);
    expect(spans.every((s) => s.attributes['client.address'] === '203.0.113.77')).toBe(true);
    await logging.shutdown();
  });

  it('should accept OTLP/JSON with gzip from the JSON exporter, and export alerts as OTLP/JSON when asked', async () => {
    const serve = await harness.start([], { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const app = application(
      new OTLPLogExporterJson({ url: `${serve.url}/v1/logs`, compression: 'gzip' as never }),
    );
    app.emitBruteForce('198.51.100.9', 10);
    await app.provider.forceFlush();
    const [span] = await harness.capture.waitForSpans(1);
    expect(span!.attributes['client.address']).toBe('198.51.100.9');
    await harness.capture.waitFor((c) =>
      c.requests.some((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json')),
    );
    await app.provider.shutdown();
  });

  it('should refuse requests without the bearer token (401) and accept them with it', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const serve = await harness.start(['--token-file', tokenFile]);
    const body = Buffer.from('{"resourceLogs":[]}');
    const json = { 'content-type': 'application/json' };
    const none = await serve.post('/v1/logs', body, json);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="secmon"');
    expect(JSON.parse(none.body)).toEqual({ code: 16, message: 'missing or wrong bearer token' });
    expect(
      (await serve.post('/v1/logs', body, { ...json, authorization: 'Bearer wrong-token-0123456789' }))
        .status,
    ).toBe(401);
    expect((await serve.post('/v1/logs', body, { ...json, authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
    // The operator hears about it once, not once per request.
    await serve.waitForStderr(
      /refused a request with 401 \(missing or wrong bearer token\); further 401s are only counted\n/,
    );
    expect(serve.stderr().match(/refused a request/g)).toHaveLength(1);

    // The SDK exporter with the standard header configuration gets through.
    const app = application(
      new OTLPLogExporterProto({
        url: `${serve.url}/v1/logs`,
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    app.emitBruteForce('203.0.113.8', 10);
    await app.provider.forceFlush();
    const [span] = await harness.capture.waitForSpans(1);
    expect(span!.attributes['client.address']).toBe('203.0.113.8');
    await app.provider.shutdown();
  });

  it('should refuse oversize requests with 413, declared, streamed or inflated by gzip', async () => {
    const serve = await harness.start(['--max-body-size', '64KiB']);
    const big = Buffer.alloc(100 * 1024, 0x20);
    const declared = await serve.post('/v1/logs', big, { 'content-type': 'application/x-protobuf' });
    expect(declared.status).toBe(413);
    const streamed = await serve.post('/v1/logs', big, {
      'content-type': 'application/x-protobuf',
      'transfer-encoding': 'chunked',
    });
    expect(streamed.status).toBe(413);
    // A google.rpc.Status in the request's encoding (protobuf here).
    expect(streamed.headers['content-type']).toBe('application/x-protobuf');
    expect(streamed.body).toContain('request body over 65536 bytes');
    // A gzip bomb: 100 KiB of JSON whitespace in about 100 bytes on the wire.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"resourceLogs":[]'), big, Buffer.from('}')]));
    expect(bomb.length).toBeLessThan(1024);
    const inflated = await serve.post('/v1/logs', bomb, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(inflated.status).toBe(413);
    expect(JSON.parse(inflated.body).message).toMatch(/decompressed body over 65536 bytes/);
    // Within the limit, the same server answers 200.
    expect(
      (await serve.post('/v1/logs', Buffer.from('{}'), { 'content-type': 'application/json' })).status,
    ).toBe(200);
  });

  it('should answer 400 for undecodable bodies and 415 for other media types', async () => {
    const serve = await harness.start();
    expect(
      (await serve.post('/v1/logs', Buffer.from('{nope'), { 'content-type': 'application/json' })).status,
    ).toBe(400);
    expect(
      (
        await serve.post('/v1/logs', Buffer.from([0x0a, 0xff]), {
          'content-type': 'application/x-protobuf',
        })
      ).status,
    ).toBe(400);
    expect((await serve.post('/v1/logs', Buffer.from('x'), { 'content-type': 'text/plain' })).status).toBe(
      415,
    );
    expect(
      (await serve.post('/v1/traces', Buffer.from('{}'), { 'content-type': 'application/json' })).status,
    ).toBe(404);
  });

  it('should report health on /health', async () => {
    const serve = await harness.start();
    const res = await fetch(`${serve.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('should flush pending alerts on SIGTERM', async () => {
    // Batches would wait ten minutes: only the shutdown flush can deliver these alerts.
    const serve = await harness.start([], {
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_BLRP_SCHEDULE_DELAY: '600000',
    });
    const app = application(new OTLPLogExporterProto({ url: `${serve.url}/v1/logs` }));
    app.emitBruteForce('203.0.113.99', 10);
    await app.provider.forceFlush();
    await app.provider.shutdown();
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(harness.capture.spans().map((s) => s.attributes['client.address'])).toEqual(['203.0.113.99']);
    expect(harness.capture.logs().filter((l) => l.eventName === ALERT_EVENT_NAME)).toHaveLength(1);
    expect(serve.stderr()).toMatch(
      /SIGTERM: draining requests and flushing alerts\n.*stopped: \d+ requests \(0 refused\), 10 records, 10 events, 1 alerts/,
    );
  });

  it('should exit 2 with exact errors on invalid configuration', async () => {
    const config = join(dir, 'serve.yaml');
    writeFileSync(config, 'port: 4319\nmaxBodySize: huge\n');
    const { code, stderr } = await runCli(['serve', '--config', config, '--host', 'not a host']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'secmon serve: invalid configuration\n' +
        '  host (--host): must be an IP address or a host name, got "not a host"\n' +
        `  maxBodySize (${config}:2): must be a size such as 4MiB or 1048576, got "huge"\n`,
    );
  });
});
