// `npm run bench` for @secmon/instrumentation. In one process and one run, with interleaved rounds:
//   - the cost of one security event through the real SDK (BatchLogRecordProcessor, no-op exporter)
//     against a bare `logger.emit` carrying the same attributes (the anchor);
//   - the same inside an Express-like request context (client, user agent, method, route, path, user);
//   - a slow-path event whose strings need escaping and redaction (reported, no target);
//   - a call with no LoggerProvider, and with a LoggerConfig that disables the logger.
// Targets (issue 2): sanitise + redact + context <= 1.5x the bare emit; disabled < 50 ns per call.
// Run with: npm run bench   (env SECMON_BENCH_OPS, SECMON_BENCH_ROUNDS to change the sample size)
import { cpus, loadavg } from 'node:os';
import { context, logs } from '@opentelemetry/api';
import type { AnyValue, Logger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { SecurityEvents, runWithSecurityContext } from '../src/index.js';
import type { AuthnFields } from '../src/index.js';

const OPS = Number(process.env['SECMON_BENCH_OPS'] ?? 100_000);
const ROUNDS = Number(process.env['SECMON_BENCH_ROUNDS'] ?? 9);
const CHUNK = 512;
const KEY = 'bench-pseudonym-key-0123456789abcdef0123456789abcdef';
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

class NoopExporter implements LogRecordExporter {
  export(_records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function sdkPipeline(): LoggerProvider {
  return new LoggerProvider({
    processors: [
      new BatchLogRecordProcessor({
        exporter: new NoopExporter(),
        maxQueueSize: 4 * CHUNK,
        maxExportBatchSize: CHUNK,
      }),
    ],
  });
}

/** The attributes secmon produces for a call, captured once through an in-memory pipeline. */
function attributesOf(emit: (s: SecurityEvents) => void, inRequest: boolean): Record<string, AnyValue> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const s = new SecurityEvents({ loggerProvider: provider, pseudonymKey: KEY });
  if (inRequest) runWithSecurityContext(requestContext(), () => emit(s));
  else emit(s);
  return { ...(exporter.getFinishedLogRecords()[0]!.attributes as Record<string, AnyValue>) };
}

function requestContext(): Parameters<typeof runWithSecurityContext>[0] {
  return {
    clientAddress: '203.0.113.7',
    clientPort: 51234,
    userAgent: UA,
    method: 'POST',
    route: '/api/login',
    urlPath: '/api/login',
  };
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Case {
  name: string;
  run: (n: number) => void;
}

interface PairResult {
  anchorNs: number;
  candidateNs: number;
  ratio: number;
}

/**
 * Anchor and candidate alternate chunk by chunk (512 calls each, an untimed event-loop turn between chunks so the
 * batch processor exports), so that load from other processes hits both alike; several rounds, medians reported.
 */
async function comparePair(anchor: Case, candidate: Case, ops: number, chunk = CHUNK): Promise<PairResult> {
  const rounds = { a: [] as number[], c: [] as number[], r: [] as number[] };
  for (let round = -1; round < ROUNDS; round++) {
    let ta = 0n;
    let tc = 0n;
    const n = round < 0 ? Math.min(ops, 20_000) : ops; // round -1 warms the JIT up and is discarded
    for (let done = 0; done < n; done += chunk) {
      const k = Math.min(chunk, n - done);
      let t0 = process.hrtime.bigint();
      anchor.run(k);
      ta += process.hrtime.bigint() - t0;
      await yieldToLoop();
      t0 = process.hrtime.bigint();
      candidate.run(k);
      tc += process.hrtime.bigint() - t0;
      await yieldToLoop();
    }
    if (round < 0) continue;
    rounds.a.push(Number(ta) / n);
    rounds.c.push(Number(tc) / n);
    rounds.r.push(Number(tc) / Number(ta));
  }
  return { anchorNs: median(rounds.a), candidateNs: median(rounds.c), ratio: median(rounds.r) };
}

function fmt(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

async function main(): Promise<void> {
  console.log(
    `@secmon/instrumentation bench — Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `${ROUNDS} rounds x ${OPS} calls per case; anchor and secmon alternate every ${CHUNK} calls; medians of ns/call and of the ratio\n`,
  );

  const loginFields: AuthnFields = {
    login: 'alice@example.com',
    userExists: true,
    userId: 'u-42',
    reason: 'invalid_credentials',
    method: 'password',
  };
  const emitLogin = (s: SecurityEvents): void =>
    s.authn.loginFail({
      login: 'alice@example.com',
      userExists: true,
      userId: 'u-42',
      reason: 'invalid_credentials',
      method: 'password',
    });
  const hostile = (s: SecurityEvents): void =>
    s.authz.fail({
      userId: 'u-42',
      resourceType: 'invoice',
      resourceId: '7\r\nINFO forged',
      url: 'https://bob:hunter2@shop.example/invoices/7?token=abc123&x=1',
      userAgent: `${UA} \u001b[31m`,
    });

  // --- A: fields only, B: in a request context, C: slow path ------------------------------------------------
  const provider = sdkPipeline();
  const bareLogger: Logger = provider.getLogger('bare');
  const security = new SecurityEvents({ loggerProvider: provider, pseudonymKey: KEY });
  const attrsA = attributesOf(emitLogin, false);
  const attrsB = attributesOf(emitLogin, true);
  const attrsC = attributesOf(hostile, false);
  const bare =
    (attributes: Record<string, AnyValue>, eventName: string, severityNumber: number, severityText: string) =>
    (n: number): void => {
      for (let i = 0; i < n; i++) {
        bareLogger.emit({
          eventName,
          severityNumber,
          severityText,
          timestamp: Date.now(),
          context: context.active(),
          attributes,
        });
      }
    };
  const reqState = requestContext();

  const rows: [string, PairResult][] = [];
  const pair = async (
    label: string,
    anchor: Case,
    candidate: Case,
    ops: number,
    chunk = CHUNK,
  ): Promise<PairResult> => {
    const r = await comparePair(anchor, candidate, ops, chunk);
    rows.push([label, r]);
    const ratio = chunk === CHUNK ? `   ratio ${r.ratio.toFixed(2)}x` : '';
    console.log(
      `${label.padEnd(48)} anchor ${fmt(r.anchorNs).padStart(9)}   secmon ${fmt(r.candidateNs).padStart(9)}${ratio}`,
    );
    return r;
  };

  const A = await pair(
    'A loginFail, fields only',
    { name: 'bare', run: bare(attrsA, 'secmon.authn.login_fail', 13, 'WARN') },
    {
      name: 'secmon',
      run: (n) => {
        for (let i = 0; i < n; i++) emitLogin(security);
      },
    },
    OPS,
  );
  const B = await pair(
    'B loginFail in a request context',
    { name: 'bare', run: bare(attrsB, 'secmon.authn.login_fail', 13, 'WARN') },
    {
      name: 'secmon',
      run: (n) =>
        runWithSecurityContext(reqState, () => {
          for (let i = 0; i < n; i++) emitLogin(security);
        }),
    },
    OPS,
  );
  const C = await pair(
    'C authz.fail, input to escape and redact',
    { name: 'bare', run: bare(attrsC, 'secmon.authz.fail', 17, 'ERROR') },
    {
      name: 'secmon',
      run: (n) => {
        for (let i = 0; i < n; i++) hostile(security);
      },
    },
    OPS,
  );
  await provider.shutdown();

  // --- D: disabled ----------------------------------------------------------------------------------------
  logs.disable();
  const noProvider = new SecurityEvents({ pseudonymKey: KEY });
  const disabledProvider = new LoggerProvider({
    loggerConfigurator: () => ({ enabled: false, minimumSeverity: 0, traceBased: false }),
  });
  const disabledConfig = new SecurityEvents({ loggerProvider: disabledProvider, pseudonymKey: KEY });
  const noopLogger = logs.getLogger('bare');
  const DISABLED_OPS = OPS * 20;
  // Nothing to export here: big chunks, so that the timer's own cost (~50 ns) is spread over 64k calls.
  const BIG = 65_536;
  const noopAnchor: Case = {
    name: 'bare',
    run: (n) => {
      for (let i = 0; i < n; i++) noopLogger.emit({ eventName: 'x', attributes: attrsA });
    },
  };
  const D1 = await pair(
    'D no LoggerProvider (anchor: no-op emit)',
    noopAnchor,
    {
      name: 'secmon',
      run: (n) => {
        for (let i = 0; i < n; i++) noProvider.authn.loginFail(loginFields);
      },
    },
    DISABLED_OPS,
    BIG,
  );
  const D2 = await pair(
    'D same, fields object built per call',
    noopAnchor,
    {
      name: 'secmon',
      run: (n) => {
        for (let i = 0; i < n; i++) emitLogin(noProvider);
      },
    },
    DISABLED_OPS,
    BIG,
  );
  const D3 = await pair(
    'D LoggerConfig enabled=false',
    noopAnchor,
    {
      name: 'secmon',
      run: (n) => {
        for (let i = 0; i < n; i++) disabledConfig.authn.loginFail(loginFields);
      },
    },
    DISABLED_OPS,
    BIG,
  );

  console.log('');
  console.log(
    `ratio A (clean input, fields only)      ${A.ratio.toFixed(2)}x  target <= 1.5x  ${A.ratio <= 1.5 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `ratio B (clean input, request context)  ${B.ratio.toFixed(2)}x  target <= 1.5x  ${B.ratio <= 1.5 ? 'OK' : 'MISSED'}`,
  );
  console.log(`ratio C (escaping + redaction)          ${C.ratio.toFixed(2)}x  (slow path, no target)`);
  console.log(
    `disabled, no provider                   ${fmt(D1.candidateNs)}  target < 50 ns  ${D1.candidateNs < 50 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `disabled, fields built per call         ${fmt(D2.candidateNs)}  target < 50 ns  ${D2.candidateNs < 50 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `disabled, LoggerConfig enabled=false    ${fmt(D3.candidateNs)}  target < 50 ns  ${D3.candidateNs < 50 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `load average after the run: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();
