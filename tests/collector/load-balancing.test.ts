// The detector-fleet overlay: the gateway's load_balancing exporter spreads security events over two detectors
// keyed on client.address (each detector here = a sidecar collector from recipes/detector-sidecar.yaml in front of
// an OTLP/HTTP capture server, as `secmon serve` would sit behind it). Every client's events land on one detector.
import { SeverityNumber } from '@opentelemetry/api';
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCollector, stopAllCollectors } from './harness/Collector.js';
import { SecurityEventSender } from './harness/emit.js';
import { freePort, waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

const CLIENTS = 20;
const PER_CLIENT = 5;

await describeWithServices('detector fleet: load balancing on client.address', COLLECTOR_NEEDS, () => {
  const detectors: OtlpCaptureServer[] = [];
  let backend: OtlpCaptureServer;
  let sender: SecurityEventSender;

  beforeAll(async () => {
    backend = await OtlpCaptureServer.start();
    const sidecarPorts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const detector = await OtlpCaptureServer.start();
      detectors.push(detector);
      const port = await freePort();
      sidecarPorts.push(port);
      await startCollector({
        configs: ['recipes/detector-sidecar.yaml'],
        env: { SECMON_SIDECAR_GRPC_ENDPOINT: `127.0.0.1:${port}`, SECMON_DETECTOR_ENDPOINT: detector.url },
      });
    }
    const gateway = await startCollector({
      overlays: ['overlays/load-balancing.yaml'],
      env: {
        SECMON_BACKEND_ENDPOINT: backend.url,
        SECMON_ALERTS_ENDPOINT: backend.url,
        SECMON_DETECTORS: `[${sidecarPorts.map((p) => `127.0.0.1:${p}`).join(',')}]`,
        SECMON_DETECTORS_TLS_INSECURE: 'true', // loopback sidecars
      },
    });
    sender = new SecurityEventSender(gateway.otlpHttpUrl);
    for (let round = 0; round < PER_CLIENT; round++) {
      for (let c = 0; c < CLIENTS; c++)
        sender.security.authn.loginFail({ clientAddress: `198.51.100.${c + 1}`, login: `user${c}` });
    }
    sender.alert('brute_force_per_client', 'high', { 'client.address': '198.51.100.1' }); // not for the detectors
    sender.raw({ severityNumber: SeverityNumber.INFO, body: 'GET / 200' }); // not a security event
    await sender.flush();
    await waitUntil(
      () => detectors.reduce((n, d) => n + d.logs().length, 0) >= CLIENTS * PER_CLIENT,
      30_000,
      'all events at the detectors',
    );
    await backend.waitFor(() => backend.logs().length >= CLIENTS * PER_CLIENT + 2, { timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await sender?.shutdown();
    await stopAllCollectors();
    for (const d of detectors) await d.close();
    await backend?.close();
  });

  it('sends all events of one client to the same detector, and uses both detectors', () => {
    const byDetector = detectors.map((d) => d.logs().map((r) => String(r.attributes['client.address'])));
    expect(byDetector[0]!.length + byDetector[1]!.length).toBe(CLIENTS * PER_CLIENT);
    for (let c = 0; c < CLIENTS; c++) {
      const address = `198.51.100.${c + 1}`;
      const counts = byDetector.map((list) => list.filter((a) => a === address).length);
      expect(counts.sort()).toEqual([0, PER_CLIENT]);
    }
    expect(byDetector.every((list) => list.length > 0)).toBe(true);
  });

  it('sends detectors security events only (no alerts, no application logs), with the ECS/OCSF fields', () => {
    const all = detectors.flatMap((d) => d.logs());
    expect(all.every((r) => r.eventName === 'secmon.authn.login_fail')).toBe(true);
    expect(all[0]?.attributes).toMatchObject({ 'event.action': 'authn_login_fail', 'ocsf.class_uid': 3002 });
  });
});
