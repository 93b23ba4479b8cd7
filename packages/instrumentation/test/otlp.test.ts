// Every catalogue event through the real OTLP/HTTP exporters (JSON and protobuf) into a local capture
// server: the wire format a collector or SIEM receives.
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { getEventDefinition } from '@secmon/semconv';
import { OtlpCaptureServer } from '@secmon/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecurityEvents, createSecurityLogProcessor, runWithSecurityContext } from '../src/index.js';
import { CATALOGUE_CALLS } from './catalogueCalls.js';
import { TEST_KEY, ULID_RE, inSpan } from './helpers.js';

describe.each([
  ['OTLP/HTTP JSON', (url: string): LogRecordExporter => new OTLPLogExporterJson({ url })],
  ['OTLP/HTTP protobuf', (url: string): LogRecordExporter => new OTLPLogExporterProto({ url })],
])('SecurityEvents over %s', (_label, makeExporter) => {
  let server: OtlpCaptureServer;

  beforeAll(async () => {
    server = await OtlpCaptureServer.start();
  });

  afterAll(async () => {
    await server.close();
  });

  it('should deliver every catalogue event with its name, severity, attributes and trace ids', async () => {
    server.clear();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      processors: [createSecurityLogProcessor({ exporter: makeExporter(`${server.url}/v1/logs`) })],
    });
    const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: TEST_KEY });
    const ids = new Map<string, { traceId: string; spanId: string }>();
    for (const c of CATALOGUE_CALLS) {
      ids.set(
        c.name,
        inSpan(() =>
          runWithSecurityContext(
            { clientAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', method: 'POST', urlPath: '/login' },
            () => c.call(security),
          ),
        ),
      );
    }
    await provider.forceFlush();
    const logs = await server.waitForLogs(CATALOGUE_CALLS.length);
    await provider.shutdown();

    expect(logs).toHaveLength(CATALOGUE_CALLS.length);
    for (const c of CATALOGUE_CALLS) {
      const rec = logs.find((l) => l.eventName === c.name);
      const def = getEventDefinition(c.name)!;
      expect(rec, c.name).toBeDefined();
      expect(rec!.resource['service.name']).toBe('shop');
      expect(rec!.scope.name).toBe('@secmon/instrumentation');
      expect(rec!.severityNumber, c.name).toBe(def.severityNumber);
      expect(rec!.severityText).toBe(def.severityText);
      expect(rec!.body).toBeUndefined();
      expect(rec!.traceId).toBe(ids.get(c.name)!.traceId);
      expect(rec!.spanId).toBe(ids.get(c.name)!.spanId);
      expect(rec!.attributes).toMatchObject({
        'event.action': def.action,
        'event.kind': def.ecs.kind,
        'event.category': [...def.ecs.category],
        'client.address': '203.0.113.9',
        'user_agent.original': 'Mozilla/5.0',
        'http.request.method': 'POST',
        'url.path': '/login',
        ...c.expect,
      });
      expect(rec!.attributes['log.record.uid']).toMatch(ULID_RE);
    }
  });
});
