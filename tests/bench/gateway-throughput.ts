// `npm run bench -w @secmon/e2e-tests`: gateway throughput. Security events per second from the instrumentation
// (@secmon/instrumentation's SecurityEvents on an SDK pipeline, OTLP/HTTP protobuf, 4 application instances)
// through otelcol-secmon in its container (config.yaml + generated mappings: redaction, normalisation, ECS/OCSF,
// fan-out, persistent queues) into the archive file, with zero loss: every event is then found in the archive.
// Anchor, measured in the same run: the same senders exporting the same events to a null OTLP sink (no collector).
// Best of ROUNDS; env SECMON_BENCH_EVENTS (default 50000), SECMON_BENCH_ROUNDS (default 3), SECMON_BENCH_OVERLAY.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { startCollector, stopAllCollectors } from '../collector/harness/Collector.js';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecurityEventSender } from '../collector/harness/emit.js';
import { waitUntil } from '../collector/harness/ports.js';
import { collectorAvailable } from '../collector/harness/requirements.js';

const N = Number(process.env['SECMON_BENCH_EVENTS'] ?? 50_000);
const ROUNDS = Number(process.env['SECMON_BENCH_ROUNDS'] ?? 3);
const SENDERS = 4;

/** An OTLP/HTTP endpoint that reads and discards (the backend must not be the bottleneck). */
async function nullSink(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Sum of a collector self-metric over the series whose line contains `filter`. */
async function selfMetric(port: number, name: string, filter: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(filter))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** The e2e.seq values in the archive, rotated files included (OTLP/JSON writes ints as strings: "intValue":"123"). */
function archivedSeqs(path: string): number[] {
  const dir = dirname(path);
  return readdirSync(dir)
    .filter((f) => f.startsWith('security-events') && f.endsWith('.jsonl'))
    .flatMap((f) =>
      [
        ...readFileSync(join(dir, f), 'utf8').matchAll(/"key":"e2e\.seq","value":\{"intValue":"(\d+)"\}/g),
      ].map((m) => Number(m[1])),
    );
}

/** Emits N events over the senders, flushes, and returns when `done` says they arrived; events/s. */
async function run(url: string, offset: number, done: () => Promise<void>): Promise<number> {
  const senders = Array.from({ length: SENDERS }, () => new SecurityEventSender(url));
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    senders[i % SENDERS]!.security.authn.loginFail({
      clientAddress: `203.0.113.${i % 250}`,
      login: `user${i % 1000}`,
      userExists: true,
      method: 'password',
      reason: 'invalid_credentials',
      attributes: { 'e2e.seq': offset + i },
    });
    if (i % 2048 === 2047) await new Promise((r) => setImmediate(r)); // let the exporters run, as a server would
  }
  await Promise.all(senders.map((s) => s.flush()));
  await done();
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(senders.map((s) => s.shutdown()));
  return N / seconds;
}

async function main(): Promise<void> {
  if (!(await collectorAvailable())) return;
  const sink = await nullSink();
  const collector = await startCollector({
    env: {
      SECMON_BACKEND_ENDPOINT: sink.url,
      SECMON_ALERTS_ENDPOINT: sink.url,
      SECMON_MEMORY_LIMIT_MIB: '1024',
    },
  });
  try {
    const direct: number[] = [];
    const gateway: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      direct.push(await run(sink.url, 0, async () => {}));
      const offset = (round + 1) * 10_000_000;
      const before = await selfMetric(
        collector.ports.telemetry,
        'otelcol_exporter_sent_log_records',
        'file/archive',
      );
      gateway.push(
        await run(collector.otlpHttpUrl, offset, () =>
          waitUntil(
            async () =>
              (await selfMetric(
                collector.ports.telemetry,
                'otelcol_exporter_sent_log_records',
                'file/archive',
              )) -
                before >=
              N,
            600_000,
            'the archive',
            20,
          ),
        ),
      );
      // zero loss: every event of the round is in the archive file exactly once (a scan, not a full decode:
      // the file holds rounds x N events of OTLP/JSON)
      let seqs: number[] = [];
      await waitUntil(
        () => {
          seqs = archivedSeqs(collector.archiveFile).filter((s) => s >= offset && s < offset + N);
          return seqs.length >= N;
        },
        60_000,
        'the archive file',
        500,
      );
      if (new Set(seqs).size !== N || seqs.length !== N)
        throw new Error(`round ${round}: ${new Set(seqs).size} distinct of ${N}, ${seqs.length} records`);
      console.log(
        `round ${round + 1}: direct ${Math.round(direct[round]!)} events/s, gateway ${Math.round(gateway[round]!)} events/s, ${N} of ${N} archived`,
      );
    }
    const best = (xs: number[]) => Math.max(...xs);
    const refused = await selfMetric(collector.ports.telemetry, 'otelcol_receiver_refused_log_records', '');
    console.log(
      `\ngateway throughput (best of ${ROUNDS}, ${N} events, ${SENDERS} senders, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}):\n` +
        `  SDK -> otelcol-secmon -> archive, zero loss:  ${Math.round(best(gateway))} events/s\n` +
        `  anchor SDK -> null OTLP sink:                 ${Math.round(best(direct))} events/s\n` +
        `  ratio gateway / anchor:                       ${(best(gateway) / best(direct)).toFixed(2)}\n` +
        `  records refused by the gateway:               ${refused}`,
    );
  } finally {
    await stopAllCollectors();
    await sink.close();
  }
}

await main();
