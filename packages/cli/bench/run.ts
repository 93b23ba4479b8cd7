// `npm run bench` for @secmon/cli. Measures, in one run and on the same files:
//   analyze: a parse-only pass (read lines + JSON.parse), `jq -c .`, and `secmon analyze`, on a generated
//            1-million-event log in JSON lines and in OTLP/JSON (the collector file exporter's format);
//   serve:   events/s posted by an OTLP/HTTP protobuf client on loopback to `secmon serve`, against a bare
//            HTTP server that only reads the bodies.
// Every program runs as its own process and is timed on the wall clock (best of RUNS); ratios are against the
// anchors measured in this run. Targets (issue 5): analyze >= 300k events/s on JSON lines, within 2x of
// parse-only. The data is cached in $TMPDIR/secmon-cli-bench (delete it to regenerate).
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { Attributes } from '@opentelemetry/api';
import { cliArgv } from '../test/support/runCli.ts';
import { trafficStream } from '../test/support/traffic.ts';
import { OtlpJsonLineWriter, toJsonLine } from '../test/support/writers.ts';

const EVENTS = Number(process.env['SECMON_BENCH_EVENTS'] ?? 1_000_000);
const RUNS = Number(process.env['SECMON_BENCH_RUNS'] ?? 3);
const SERVE_EVENTS = Number(process.env['SECMON_BENCH_SERVE_EVENTS'] ?? 300_000);
const DIR = join(tmpdir(), 'secmon-cli-bench');
const HERE = new URL('.', import.meta.url).pathname;
const CLI = new URL('..', import.meta.url).pathname;
const FROM_SOURCE = process.env['SECMON_BENCH_FROM_SOURCE'] === '1';

/**
 * The command line of the CLI under test: the built package (what users run; `turbo run build` first, cached
 * when nothing changed), or the TypeScript sources with SECMON_BENCH_FROM_SOURCE=1 (adds ~0.2 s of start-up).
 */
function secmon(args: string[]): { command: string; args: string[] } {
  return FROM_SOURCE
    ? cliArgv(args)
    : { command: process.execPath, args: [join(CLI, 'dist/bin.js'), ...args] };
}

function buildCli(): void {
  if (FROM_SOURCE) return;
  // Plain tsc builds in dependency order, not turbo: this script itself runs inside `turbo run bench`.
  for (const pkg of ['@secmon/semconv', '@secmon/processor', '@secmon/cli']) {
    const r = spawnSync('npm', ['run', 'build', '--silent', `--workspace=${pkg}`], {
      cwd: join(CLI, '../..'),
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`building ${pkg} failed`);
  }
}

function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`;
}

async function writeLines(
  path: string,
  make: (out: (line: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  if (existsSync(path)) return;
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  await make(async (line) => {
    if (!out.write(line + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  });
  await new Promise<void>((r) => out.end(r));
  renameSync(tmp, path);
}

async function generate(): Promise<{ jsonl: string; otlp: string; total: number }> {
  mkdirSync(DIR, { recursive: true });
  // The cache is keyed by the generator's source, so a change of the traffic regenerates the files.
  const version = createHash('sha256')
    .update(readFileSync(join(CLI, 'test/support/traffic.ts')))
    .update(readFileSync(join(CLI, 'test/support/writers.ts')))
    .digest('hex')
    .slice(0, 8);
  const jsonl = join(DIR, `shop-${EVENTS}-${version}.jsonl`);
  const otlp = join(DIR, `shop-${EVENTS}-${version}.otlp.jsonl`);
  let total = 0;
  for (const _ of trafficStream({ events: EVENTS })) total++;
  await writeLines(jsonl, async (out) => {
    let batch: string[] = [];
    for (const r of trafficStream({ events: EVENTS })) {
      batch.push(toJsonLine(r));
      if (batch.length === 5000) {
        await out(batch.join('\n'));
        batch = [];
      }
    }
    if (batch.length > 0) await out(batch.join('\n'));
  });
  await writeLines(otlp, async (out) => {
    let writer: OtlpJsonLineWriter | undefined;
    for (const r of trafficStream({ events: EVENTS })) {
      writer ??= new OtlpJsonLineWriter(r.resource, 512);
      const line = writer.add(r);
      if (line !== undefined) await out(line);
    }
    const last = writer?.flush();
    if (last !== undefined) await out(last);
  });
  return { jsonl, otlp, total };
}

/** Wall-clock seconds of a command (stdout discarded), best of `runs`; checks the exit code. */
function time(
  command: string,
  args: string[],
  runs: number,
  okCodes = [0],
  check?: (stdout: string) => void,
): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    // Output goes to /dev/null unless it is checked (jq writes as much as it reads).
    const r = spawnSync(command, args, {
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
      stdio: ['ignore', check === undefined ? 'ignore' : 'pipe', 'pipe'],
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (!okCodes.includes(r.status ?? -1))
      throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    check?.(r.stdout ?? '');
    best = Math.min(best, s);
  }
  return best;
}

function row(label: string, seconds: number, events: number, anchor?: number, note = ''): void {
  const ratio = anchor === undefined ? '' : `${(seconds / anchor).toFixed(2)}x parse-only`;
  console.log(
    `  ${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s ${fmtRate(events / seconds).padStart(7)} events/s  ${ratio.padEnd(18)} ${note}`.trimEnd(),
  );
}

function analyzeSection(
  title: string,
  file: string,
  total: number,
  expectAlerts: number,
): { seconds: number; parse: number } {
  const size = statSync(file).size;
  console.log(
    `\n${title}: ${file} (${(size / 1024 / 1024).toFixed(0)} MiB, ${total.toLocaleString('en-US')} events)`,
  );
  const parse = time(process.execPath, [join(HERE, 'parseOnly.mjs'), file], RUNS);
  row('parse-only (read lines + JSON.parse)', parse, total, parse);
  const jqRuns = Math.min(RUNS, 1);
  const jq = time('jq', ['-c', '.', file], jqRuns);
  row('jq -c .', jq, total, parse);
  const { command, args } = secmon(['analyze', '--format', 'jsonl', file]);
  // The fixed cost of starting the CLI (module loading, compiling the rules), measured on an empty input.
  const empty = join(DIR, 'empty.jsonl');
  if (!existsSync(empty)) writeFileSync(empty, '');
  const startup = time(
    secmon(['analyze', empty]).command,
    secmon(['analyze', empty]).args,
    RUNS,
    [0, 1],
    () => {},
  );
  const analyze = time(command, args, RUNS, [0, 1], (stdout) => {
    const n = stdout.split('\n').filter(Boolean).length;
    if (n !== expectAlerts) throw new Error(`analyze found ${n} alerts, expected ${expectAlerts}`);
  });
  row(
    'secmon analyze --format jsonl (default pack)',
    analyze,
    total,
    parse,
    `(start-up ${startup.toFixed(2)} s)`,
  );
  return { seconds: analyze, parse };
}

// --- serve ----------------------------------------------------------------------------------------------

function encodeRequests(events: number, perRequest: number): Buffer[] {
  const bodies: Buffer[] = [];
  const exporter = new InMemoryLogRecordExporter();
  let provider: LoggerProvider | undefined;
  let logger: ReturnType<LoggerProvider['getLogger']> | undefined;
  let n = 0;
  for (const r of trafficStream({ events, seed: 11 })) {
    if (logger === undefined) {
      provider = new LoggerProvider({
        resource: resourceFromAttributes(r.resource),
        processors: [new SimpleLogRecordProcessor({ exporter })],
      });
      logger = provider.getLogger('@secmon/instrumentation');
    }
    logger.emit({
      eventName: r.eventName,
      timestamp: [Number(r.timeUnixNano.slice(0, -9)), Number(r.timeUnixNano.slice(-9))],
      severityNumber: r.severityNumber,
      attributes: r.attributes as Attributes,
    });
    if (++n % perRequest === 0) {
      bodies.push(Buffer.from(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!));
      exporter.reset();
    }
  }
  const rest = exporter.getFinishedLogRecords();
  if (rest.length > 0) bodies.push(Buffer.from(ProtobufLogsSerializer.serializeRequest(rest)!));
  return bodies;
}

async function postAll(url: string, bodies: Buffer[], inFlight: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${url}/v1/logs`,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return seconds;
}

function waitForLine(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    child[stream]!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m !== null) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
}

async function serveSection(): Promise<void> {
  const perRequest = 512;
  const inFlight = 4;
  console.log(
    `\nserve: ${SERVE_EVENTS.toLocaleString('en-US')} events, OTLP/HTTP protobuf, ${perRequest} records per request, ${inFlight} requests in flight, loopback`,
  );
  const bodies = encodeRequests(SERVE_EVENTS, perRequest);
  const events = SERVE_EVENTS;

  // Alerts go to a local sink: the exporters must have somewhere to send.
  const alertSink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => alertSink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(alertSink.address() as AddressInfo).port}`;

  const bare = spawn(process.execPath, [join(HERE, 'sinkServer.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = (await waitForLine(bare, 'stdout', /(\d+)\n/))[1];
  let bareBest = Infinity;
  for (let i = 0; i < RUNS; i++)
    bareBest = Math.min(bareBest, await postAll(`http://127.0.0.1:${port}`, bodies, inFlight));
  bare.kill('SIGTERM');
  row('bare node:http server (read body, 200)', bareBest, events);

  let serveBest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    // A fresh server each run, so every run starts with empty rule state.
    const { command, args } = secmon(['serve', '--port', '0']);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl },
    });
    const url = (await waitForLine(child, 'stderr', /listening on (http:\/\/[\d.:]+)\/v1\/logs/))[1]!;
    serveBest = Math.min(serveBest, await postAll(url, bodies, inFlight));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  console.log(
    `  ${'secmon serve (decode + default pack)'.padEnd(44)} ${serveBest.toFixed(2).padStart(7)} s ${fmtRate(events / serveBest).padStart(7)} events/s  ${`${(serveBest / bareBest).toFixed(2)}x bare server`}`,
  );
  alertSink.close();
}

const jqVersion = (() => {
  try {
    return execFileSync('jq', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('jq is needed for the benchmark anchor: apt-get install -y jq');
  }
})();
buildCli();
console.log(
  `@secmon/cli benchmark: node ${process.version}, ${jqVersion}, best of ${RUNS} runs (jq: 1 run), wall clock per ` +
    `process, secmon from ${FROM_SOURCE ? 'src/ (type stripping)' : 'dist/'}`,
);
const data = await generate();
const expected = 11;
const jl = analyzeSection('analyze, JSON lines', data.jsonl, data.total, expected);
analyzeSection(
  'analyze, OTLP/JSON lines (collector file exporter format, 512 records per line)',
  data.otlp,
  data.total,
  expected,
);
const rate = data.total / jl.seconds;
const ratio = jl.seconds / jl.parse;
console.log(
  `\ntargets (JSON lines): >= 300k events/s: ${fmtRate(rate)} ${rate >= 300_000 ? 'PASS' : 'MISS'}; within 2x of parse-only: ${ratio.toFixed(2)}x ${ratio <= 2 ? 'PASS' : 'MISS'}`,
);
await serveSection();
