import { gzipSync } from 'node:zlib';
import { SeverityNumber, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpCaptureServer, decodeExportLogsServiceRequest, flattenLogs } from '../src/index.js';

// The compression enum lives in otlp-exporter-base, which is not our dependency; its value is the string.
type ProtoConfig = NonNullable<ConstructorParameters<typeof OTLPLogExporterProto>[0]>;

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function emitOne(exporter: LogRecordExporter): LoggerProvider {
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  provider.getLogger('capture-test', '1.2.3').emit({
    eventName: 'secmon.authn.login_fail',
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    timestamp: 1_700_000_000_123,
    body: 'constant body',
    attributes: {
      'event.action': 'authn_login_fail',
      'secmon.authn.failed_attempts': 3,
      'secmon.authn.mfa': false,
      ratio: 0.5,
      'event.type': ['start', 'info'],
      nested: { a: 'b', n: 7 },
    },
    context: undefined,
  });
  return provider;
}

describe('OtlpCaptureServer', () => {
  let server: OtlpCaptureServer;

  beforeEach(async () => {
    server = await OtlpCaptureServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  describe('start', () => {
    it('should listen on loopback on an OS-chosen port by default', () => {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
    });
  });

  describe.each([
    ['JSON', (url: string) => new OTLPLogExporterJson({ url }), 'application/json'],
    ['protobuf', (url: string) => new OTLPLogExporterProto({ url }), 'application/x-protobuf'],
  ] as const)('logs over OTLP/HTTP %s', (_label, makeExporter, contentType) => {
    it('should decode a record emitted through the real SDK exporter', async () => {
      const provider = emitOne(makeExporter(`${server.url}/v1/logs`));
      await provider.forceFlush();
      const [rec] = await server.waitForLogs(1);
      await provider.shutdown();

      expect(server.requests[0]!.contentType).toContain(contentType);
      expect(rec).toMatchObject({
        scope: { name: 'capture-test', version: '1.2.3' },
        eventName: 'secmon.authn.login_fail',
        severityNumber: 13,
        severityText: 'WARN',
        body: 'constant body',
        timeUnixNano: '1700000000123000000',
        attributes: {
          'event.action': 'authn_login_fail',
          'secmon.authn.failed_attempts': 3,
          'secmon.authn.mfa': false,
          ratio: 0.5,
          'event.type': ['start', 'info'],
          nested: { a: 'b', n: 7 },
        },
      });
      expect(rec!.resource['service.name']).toEqual(expect.any(String));
      expect(rec!.traceId).toBeUndefined();
      expect(BigInt(rec!.observedTimeUnixNano)).toBeGreaterThan(0n);
      expect(server.rawBodies()[0]!.includes('authn_login_fail')).toBe(true);
    });
  });

  it('should decode gzip-compressed protobuf bodies', async () => {
    const provider = emitOne(
      new OTLPLogExporterProto({
        url: `${server.url}/v1/logs`,
        compression: 'gzip' as ProtoConfig['compression'],
      }),
    );
    await provider.forceFlush();
    const [rec] = await server.waitForLogs(1);
    await provider.shutdown();
    expect(server.requests[0]!.contentEncoding).toBe('gzip');
    expect(rec!.eventName).toBe('secmon.authn.login_fail');
    // rawBodies() are decompressed, so byte-level assertions see the plain protobuf.
    expect(server.rawBodies()[0]!.includes('secmon.authn.login_fail')).toBe(true);
  });

  it('should carry trace and span ids as lowercase hex', async () => {
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeLogs: [
            {
              scope: { name: 's' },
              logRecords: [
                {
                  timeUnixNano: '1',
                  severityNumber: 9,
                  traceId: TRACE_ID.toUpperCase(),
                  spanId: SPAN_ID,
                  attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${server.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(res.status).toBe(200);
    const [rec] = server.logs();
    expect(rec).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, resource: { 'service.name': 'svc' } });
    // int64 beyond 2^53 stays exact, as a decimal string
    expect(rec!.attributes['big']).toBe('9007199254740993');
  });

  it('should decode spans with links and status from the real trace exporter', async () => {
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${server.url}/v1/traces` }) }),
      ],
    });
    const tracer = provider.getTracer('alerts', '0.1.0');
    const evidence = tracer.startSpan('evidence');
    const evidenceCtx = evidence.spanContext();
    evidence.end();
    const alert = tracer.startSpan('secmon.alert', {
      kind: SpanKind.INTERNAL,
      attributes: { 'secmon.alert.count': 5 },
      links: [{ context: evidenceCtx, attributes: { 'log.record.uid': 'u1' } }],
    });
    alert.setStatus({ code: SpanStatusCode.ERROR, message: 'brute force' });
    alert.end();
    await provider.forceFlush();
    const spans = await server.waitForSpans(2);
    await provider.shutdown();

    const span = spans.find((s) => s.name === 'secmon.alert')!;
    expect(span).toMatchObject({
      scope: { name: 'alerts', version: '0.1.0' },
      kind: 1,
      attributes: { 'secmon.alert.count': 5 },
      links: [
        { traceId: evidenceCtx.traceId, spanId: evidenceCtx.spanId, attributes: { 'log.record.uid': 'u1' } },
      ],
      status: { code: 2, message: 'brute force' },
    });
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.parentSpanId).toBeUndefined();
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
  });

  describe('setStatus', () => {
    it('should reject exports while failing and accept the retry after recovery', async () => {
      server.setStatus(503);
      const provider = emitOne(new OTLPLogExporterJson({ url: `${server.url}/v1/logs` }));
      await server.waitFor((s) => s.requests.length >= 1);
      expect(server.logs()).toHaveLength(0);
      expect(server.requests[0]!.status).toBe(503);
      server.setStatus(200);
      // the exporter retries 503 with backoff; the retry is accepted
      await server.waitForLogs(1);
      await provider.shutdown();
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
    });

    it('should answer a configured status from the start', async () => {
      const failing = await OtlpCaptureServer.start({ status: 400 });
      const res = await fetch(`${failing.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(400);
      await failing.close();
    });
  });

  describe('errors', () => {
    it('should answer 400 to an undecodable body and keep the raw bytes', async () => {
      const res = await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from([0xff, 0xff, 0xff, 0xff]),
      });
      expect(res.status).toBe(400);
      expect(server.requests[0]!.error).toMatch(/cannot decode/);
      expect(server.rawBodies()).toHaveLength(1);
    });

    it('should answer 404 to unknown paths and 405 to non-POST', async () => {
      expect((await fetch(`${server.url}/v1/other`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`${server.url}/v1/logs`)).status).toBe(405);
    });

    it('should reject waitFor after the timeout with the counts so far', async () => {
      await expect(server.waitForLogs(1, { timeoutMs: 50 })).rejects.toThrow(/logs=0/);
    });
  });

  describe('clear', () => {
    it('should forget requests and records', async () => {
      const provider = emitOne(new OTLPLogExporterJson({ url: `${server.url}/v1/logs` }));
      await provider.forceFlush();
      await server.waitForLogs(1);
      await provider.shutdown();
      server.clear();
      expect(server.logs()).toHaveLength(0);
      expect(server.requests).toHaveLength(0);
      expect(server.rawBodies()).toHaveLength(0);
    });
  });

  describe('metrics', () => {
    it('should keep decoded metric requests', async () => {
      const body = {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'secmon.events',
                    sum: { dataPoints: [{ asInt: '3' }], aggregationTemporality: 2, isMonotonic: true },
                  },
                ],
              },
            ],
          },
        ],
      };
      await fetch(`${server.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(server.metrics()).toEqual([body]);
    });
  });
});

describe('decodeExportLogsServiceRequest', () => {
  it('should reject unsupported content types', () => {
    expect(() => decodeExportLogsServiceRequest(Buffer.from('x'), 'text/plain')).toThrow(/unsupported/);
  });

  it('should decode an empty protobuf request to no records', () => {
    expect(flattenLogs(decodeExportLogsServiceRequest(new Uint8Array(0), 'application/x-protobuf'))).toEqual(
      [],
    );
  });
});
