// Durability: with the backend down, N events are accepted by the gateway, the collector container is killed
// with SIGKILL (no shutdown, no flush), a new container starts on the same storage volume, the backend comes up:
// all N events arrive. Nothing had been delivered before the kill, so at-least-once delivery allows no duplicate
// here, and the suite states the count it saw.
import { OtlpCaptureServer, describeWithServices } from '@secmon/test-utils';
import { afterAll, expect, it } from 'vitest';
import { makeStateDir, startCollector, stopAllCollectors } from './harness/Collector.js';
import { SecurityEventSender } from './harness/emit.js';
import { freePort, waitUntil } from './harness/ports.js';
import { COLLECTOR_NEEDS } from './harness/requirements.js';

const N = 2000;

/** Sum of a Prometheus counter/gauge over all its series, from the collector's own metrics endpoint. */
async function selfMetric(port: number, name: string, filter = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (filter !== '' && !line.includes(filter))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

await describeWithServices('durability: backend outage and SIGKILL', COLLECTOR_NEEDS, () => {
  let backend: OtlpCaptureServer | undefined;

  afterAll(async () => {
    await stopAllCollectors();
    await backend?.close();
  });

  it(`delivers all ${N} events accepted while the backend was down, across a SIGKILL of the collector`, async () => {
    const backendPort = await freePort(); // nothing listens there yet: the backend is down
    const stateDir = makeStateDir('secmon-durability-');
    const env = {
      SECMON_BACKEND_ENDPOINT: `http://127.0.0.1:${backendPort}`,
      SECMON_ALERTS_ENDPOINT: `http://127.0.0.1:${backendPort}`,
      SECMON_RETRY_MAX_INTERVAL: '2s',
    };
    const first = await startCollector({ stateDir, env });

    const sender = new SecurityEventSender(first.otlpHttpUrl);
    for (let i = 0; i < N; i++)
      sender.security.authn.loginFail({
        clientAddress: '203.0.113.200',
        login: 'carol',
        attributes: { 'e2e.seq': i },
      });
    await sender.flush();
    await sender.shutdown();
    // the gateway accepted every record (the receiver answers once the record is in the persistent queue)
    await waitUntil(
      async () => (await selfMetric(first.ports.telemetry, 'otelcol_receiver_accepted_log_records')) >= N,
      30_000,
      'N accepted records',
    );
    expect(await selfMetric(first.ports.telemetry, 'otelcol_receiver_refused_log_records')).toBe(0);
    expect(
      await selfMetric(first.ports.telemetry, 'otelcol_exporter_queue_size', 'otlp_http/backend'),
    ).toBeGreaterThan(0);

    await first.kill(); // SIGKILL

    const second = await startCollector({ stateDir, env, ports: first.ports });
    backend = await OtlpCaptureServer.start({ port: backendPort }); // the backend comes back
    const seqs = () =>
      backend!
        .logs()
        .filter((r) => r.attributes['e2e.seq'] !== undefined)
        .map((r) => Number(r.attributes['e2e.seq']));
    await waitUntil(
      () => new Set(seqs()).size >= N,
      60_000,
      `all ${N} events at the backend (got ${new Set(seqs()).size})`,
    );
    // let a possible late duplicate arrive before counting
    await waitUntil(
      async () =>
        (await selfMetric(second.ports.telemetry, 'otelcol_exporter_queue_size', 'otlp_http/backend')) === 0,
      30_000,
      'the queue drained',
    );

    const received = seqs();
    const distinct = new Set(received);
    const duplicates = received.length - distinct.size;
    console.log(
      `durability: sent ${N}, delivered ${distinct.size} distinct, ${duplicates} duplicate(s), after SIGKILL + restart on the same storage`,
    );
    expect(distinct.size).toBe(N);
    expect([...distinct].every((s) => s >= 0 && s < N)).toBe(true);
    expect(duplicates).toBe(0);
    await second.stop();
  });

  it('keeps the queued events across a graceful restart (SIGTERM) during the outage', async () => {
    const backendPort = await freePort();
    const stateDir = makeStateDir('secmon-durability-');
    const env = {
      SECMON_BACKEND_ENDPOINT: `http://127.0.0.1:${backendPort}`,
      SECMON_ALERTS_ENDPOINT: `http://127.0.0.1:${backendPort}`,
      SECMON_RETRY_MAX_INTERVAL: '2s',
    };
    const n = 500;
    const first = await startCollector({ stateDir, env });
    const sender = new SecurityEventSender(first.otlpHttpUrl);
    for (let i = 0; i < n; i++)
      sender.security.authz.fail({
        clientAddress: '203.0.113.201',
        userId: 'u-5',
        attributes: { 'e2e.seq': i },
      });
    await sender.flush();
    await sender.shutdown();
    await waitUntil(
      async () => (await selfMetric(first.ports.telemetry, 'otelcol_receiver_accepted_log_records')) >= n,
      30_000,
      'n accepted records',
    );
    await first.stop(); // SIGTERM while the exporters are retrying: in-flight requests go back to the queue

    const second = await startCollector({ stateDir, env, ports: first.ports });
    const late = await OtlpCaptureServer.start({ port: backendPort });
    try {
      const seqs = () =>
        late
          .logs()
          .filter((r) => r.attributes['e2e.seq'] !== undefined)
          .map((r) => Number(r.attributes['e2e.seq']));
      await waitUntil(
        () => new Set(seqs()).size >= n,
        60_000,
        `all ${n} events at the backend (got ${new Set(seqs()).size})`,
      );
      await waitUntil(
        async () =>
          (await selfMetric(second.ports.telemetry, 'otelcol_exporter_queue_size', 'otlp_http/backend')) ===
          0,
        30_000,
        'the queue drained',
      );
      const received = seqs();
      console.log(
        `durability (graceful): sent ${n}, delivered ${new Set(received).size} distinct, ${received.length - new Set(received).size} duplicate(s)`,
      );
      expect(new Set(received).size).toBe(n);
      expect(received.length - new Set(received).size).toBe(0);
    } finally {
      await second.stop();
      await late.close();
    }
  });
});
