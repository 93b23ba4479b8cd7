// SIEM overlay: Kafka, delivered to a real broker (Apache Kafka from Maven Central's jars, KRaft, a child process on
// loopback; see @secmon/test-utils' KafkaServer) and read back with Kafka's own console consumer: what a
// Kafka-fed SIEM sees on each topic, plaintext (SECMON_KAFKA_TLS_INSECURE=true: the exporter dials without TLS).
import {
  decodeExportLogsServiceRequest,
  describeWithServices,
  flattenLogs,
  KafkaServer,
} from '@secmon/test-utils';
import type { CapturedLogRecord, KafkaRecord, KafkaTopicReader } from '@secmon/test-utils';
import { OtlpCaptureServer } from '@secmon/test-utils';
import { SeverityNumber } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import { SecurityEventSender } from './harness/emit.js';
import { waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

const EVENTS_TOPIC = 'e2e.security-events';
const ALERTS_TOPIC = 'e2e.alerts';

/** Each Kafka record is one OTLP/JSON ExportLogsServiceRequest; flattened with its resource and scope. */
function decode(records: readonly KafkaRecord[]): CapturedLogRecord[] {
  return records.flatMap((r) =>
    flattenLogs(decodeExportLogsServiceRequest(Buffer.from(r.value), 'application/json')),
  );
}

await describeWithServices(
  'SIEM overlay: Kafka at a real broker',
  { ...COLLECTOR_NEEDS, kafka: () => KafkaServer.check() },
  () => {
    let kafka: KafkaServer;
    let events: KafkaTopicReader;
    let alerts: KafkaTopicReader;
    let backend: OtlpCaptureServer;
    const senders: SecurityEventSender[] = [];

    beforeAll(async () => {
      // Three partitions, so the overlay's partitioning by resource attributes has a choice to make.
      kafka = await KafkaServer.start({ properties: { 'num.partitions': '3' } });
      backend = await OtlpCaptureServer.start();
      const collector = await startCollector({
        overlays: ['overlays/kafka.yaml'],
        env: {
          SECMON_BACKEND_ENDPOINT: backend.url,
          SECMON_ALERTS_ENDPOINT: backend.url,
          SECMON_KAFKA_BROKERS: `[${kafka.bootstrap}]`,
          SECMON_KAFKA_TOPIC: EVENTS_TOPIC,
          SECMON_KAFKA_ALERTS_TOPIC: ALERTS_TOPIC,
          SECMON_KAFKA_TLS_INSECURE: 'true', // loopback test broker, PLAINTEXT listener
        },
      });
      // Read from the beginning, started after the collector: a consumer's outgoing connections take ephemeral
      // ports, the range the collector's free ports were just picked from.
      events = kafka.consume(EVENTS_TOPIC);
      alerts = kafka.consume(ALERTS_TOPIC);
      const shop = new SecurityEventSender(collector.otlpHttpUrl, { serviceName: 'e2e-shop' });
      const admin = new SecurityEventSender(collector.otlpHttpUrl, { serviceName: 'e2e-admin' });
      senders.push(shop, admin);
      for (let i = 0; i < 3; i++) {
        shop.security.authn.loginFail({
          clientAddress: '203.0.113.9',
          login: 'bob',
          userExists: true,
          method: 'password',
          reason: 'invalid_credentials',
        });
      }
      admin.security.authz.fail({
        clientAddress: '198.51.100.4',
        userId: 'u-7',
        route: '/admin/users/:id',
        statusCode: 403,
      });
      admin.security.authz.fail({
        clientAddress: '198.51.100.4',
        userId: 'u-7',
        route: '/admin/roles/:id',
        statusCode: 403,
      });
      // Below the SIEM threshold (INFO), and an application log that is not a security event: the backend
      // gets both, Kafka neither.
      shop.security.authn.loginSuccess({ clientAddress: '192.0.2.44', userId: 'u-8', method: 'password' });
      shop.raw({
        severityNumber: SeverityNumber.ERROR,
        body: 'GET /cart 500',
        attributes: { 'http.status': 500 },
      });
      shop.alert('brute_force_per_client', 'high', {
        'client.address': '203.0.113.9',
        'secmon.alert.count': 3,
      });
      await Promise.all(senders.map((s) => s.flush()));

      // 3 + 2 events and the alert on the events topic, the alert on the alerts topic; the backend has all 8
      // records, so the two the SIEM must not get went through the gateway too.
      // A Kafka record holds one request, which may carry several log records: count the log records.
      await backend.waitFor(() => backend.logs().length >= 8, { timeoutMs: 30_000 });
      await waitUntil(() => decode(alerts.records()).length >= 1, 30_000, `an alert on ${ALERTS_TOPIC}`);
      await waitUntil(() => decode(events.records()).length >= 6, 30_000, `6 records on ${EVENTS_TOPIC}`);
      // Anything the filters wrongly let through left in the same requests; give a straggler time to show.
      await new Promise((r) => setTimeout(r, 1_000));
    });

    afterAll(async () => {
      await Promise.all(senders.map((s) => s.shutdown()));
      await stopAllCollectors();
      await kafka?.close();
      await backend?.close();
    });

    it('writes OTLP/JSON ExportLogsServiceRequests', () => {
      for (const record of [...events.records(), ...alerts.records()]) {
        const request = JSON.parse(record.value) as { resourceLogs?: unknown[] };
        expect(Array.isArray(request.resourceLogs)).toBe(true);
      }
    });

    it('sends security events at or above WARN and alerts to the events topic, not INFO events or application logs', () => {
      const names = decode(events.records()).map((r) => r.eventName);
      expect(names.sort()).toEqual([
        'secmon.alert',
        'secmon.authn.login_fail',
        'secmon.authn.login_fail',
        'secmon.authn.login_fail',
        'secmon.authz.fail',
        'secmon.authz.fail',
      ]);
    });

    it('sends alerts, and only alerts, to the alerts topic', () => {
      const records = decode(alerts.records());
      expect(records.map((r) => r.eventName)).toEqual(['secmon.alert']);
      expect(records[0]!.attributes).toMatchObject({
        'security_rule.name': 'brute_force_per_client',
        'client.address': '203.0.113.9',
        'secmon.alert.count': 3,
        'event.kind': 'alert',
        'ocsf.class_uid': 2004,
      });
    });

    it("carries the events' attributes, ECS and OCSF fields, resource and time", () => {
      const fail = decode(events.records()).find((r) => r.eventName === 'secmon.authn.login_fail')!;
      expect(fail.resource).toMatchObject({ 'service.name': 'e2e-shop', 'host.name': 'e2e-host' });
      expect(fail.severityNumber).toBe(SeverityNumber.WARN);
      expect(fail.attributes).toMatchObject({
        'client.address': '203.0.113.9',
        'error.type': 'invalid_credentials',
        'secmon.authn.method': 'password',
        'event.action': 'authn_login_fail',
        'event.category': ['authentication'],
        'event.outcome': 'failure',
        'ocsf.class_uid': 3002,
        'ocsf.type_uid': 300201,
      });
      expect(Math.abs(Number(BigInt(fail.timeUnixNano) / 1_000_000n) - Date.now())).toBeLessThan(10 * 60_000);
      const authz = decode(events.records()).find((r) => r.eventName === 'secmon.authz.fail')!;
      expect(authz.resource['service.name']).toBe('e2e-admin');
      expect(authz.attributes).toMatchObject({
        'client.address': '198.51.100.4',
        'event.action': 'authz_fail',
      });
    });

    it("keeps each service's events on one partition (partitioned by resource attributes)", () => {
      const partitionsOf = new Map<string, Set<number>>();
      for (const record of events.records()) {
        for (const log of decode([record])) {
          const service = String(log.resource['service.name']);
          const set = partitionsOf.get(service) ?? new Set<number>();
          set.add(record.partition);
          partitionsOf.set(service, set);
        }
      }
      expect([...partitionsOf.keys()].sort()).toEqual(['e2e-admin', 'e2e-shop']);
      for (const partitions of partitionsOf.values()) expect(partitions.size).toBe(1);
    });
  },
);
