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
import { BatchLogRecordProcessor, InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { SecurityEvents, runWithSecurityContext } from '../src/index.js';
import type { AuthnFields } from '../src/index.js';

const OPS = Number(process.env['SECMON_BENCH_OPS'] ?? 100_000);
const ROUNDS = Number(process.env['SECMON_BENCH_ROUNDS'] ?? 9);
const CHUNK = 512;
const KEY = 'bench-pseudonym-key-0123456789abcdef0123456789abcdef';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

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
    processors: [new BatchLogRecordProcessor({ exporter: new NoopExporter(), maxQueueSize: 4 * CHUNK, maxExportBatchSize: CHUNK })],
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
  return { clientAddress: '203.0.113.7', clientPort: 51234, userAgent: UA, method: 'POST', route: '/api/login', urlPath: '/api/login' };
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Time `ops` calls in chunks, yielding between chunks (untimed) so the batch processor exports. */
async function timeChunks(ops: number, run: (n: number) => void): Promise<number> {
  let total = 0n;
  for (let done = 0; done < ops; done += CHUNK) {
    const n = Math.min(CHUNK, ops - done);
    const t0 = process.hrtime.bigint();
    run(n);
    total += process.hrtime.bigint() - t0;
    await yieldToLoop();
  }
  return Number(total) / ops;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Case {
  name: string;
  run: (n: number) => void;
}

/** Interleave the cases round by round, so drift and noise from other processes hit them alike. */
async function compare(cases: Case[], ops: number): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await timeChunks(Math.min(ops, 20_000), c.run); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cases) samples.get(c.name)!.push(await timeChunks(ops, c.run));
  }
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

function fmt(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

async function main(): Promise<void> {
  console.log(`@secmon/instrumentation bench — Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${ROUNDS} interleaved rounds x ${OPS} ops per case, median ns/op; chunks of ${CHUNK} with an untimed yield between\n`);

  const loginFields: AuthnFields = { login: 'alice@example.com', userExists: true, userId: 'u-42', reason: 'invalid_credentials', method: 'password' };
  const emitLogin = (s: SecurityEvents): void => s.authn.loginFail({ login: 'alice@example.com', userExists: true, userId: 'u-42', reason: 'invalid_credentials', method: 'password' });
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
  const bare = (attributes: Record<string, AnyValue>, eventName: string, severityNumber: number, severityText: string) => (n: number): void => {
    for (let i = 0; i < n; i++) {
      bareLogger.emit({ eventName, severityNumber, severityText, timestamp: Date.now(), context: context.active(), attributes });
    }
  };
  const reqState = requestContext();

  const results = await compare(
    [
      { name: 'A bare logger.emit (anchor)', run: bare(attrsA, 'secmon.authn.login_fail', 13, 'WARN') },
      { name: 'A security.authn.loginFail', run: (n) => { for (let i = 0; i < n; i++) emitLogin(security); } },
      { name: 'B bare logger.emit (anchor)', run: bare(attrsB, 'secmon.authn.login_fail', 13, 'WARN') },
      {
        name: 'B security.authn.loginFail in request context',
        run: (n) => runWithSecurityContext(reqState, () => { for (let i = 0; i < n; i++) emitLogin(security); }),
      },
      { name: 'C bare logger.emit (anchor)', run: bare(attrsC, 'secmon.authz.fail', 17, 'ERROR') },
      { name: 'C security.authz.fail, hostile input', run: (n) => { for (let i = 0; i < n; i++) hostile(security); } },
    ],
    OPS,
  );
  await provider.shutdown();

  // --- D: disabled ----------------------------------------------------------------------------------------
  logs.disable();
  const noProvider = new SecurityEvents({ pseudonymKey: KEY });
  const disabledProvider = new LoggerProvider({ loggerConfigurator: () => ({ enabled: false, minimumSeverity: 0, traceBased: false }) });
  const disabledConfig = new SecurityEvents({ loggerProvider: disabledProvider, pseudonymKey: KEY });
  const noopLogger = logs.getLogger('bare');
  const DISABLED_OPS = OPS * 20;
  const disabled = await compare(
    [
      { name: 'D bare logger.emit, no provider (anchor)', run: (n) => { for (let i = 0; i < n; i++) noopLogger.emit({ eventName: 'x', attributes: attrsA }); } },
      { name: 'D loginFail, no provider', run: (n) => { for (let i = 0; i < n; i++) noProvider.authn.loginFail(loginFields); } },
      { name: 'D loginFail, no provider, fields literal', run: (n) => { for (let i = 0; i < n; i++) emitLogin(noProvider); } },
      { name: 'D loginFail, LoggerConfig enabled=false', run: (n) => { for (let i = 0; i < n; i++) disabledConfig.authn.loginFail(loginFields); } },
    ],
    DISABLED_OPS,
  );

  const all = new Map([...results, ...disabled]);
  const width = Math.max(...[...all.keys()].map((k) => k.length));
  for (const [k, v] of all) console.log(`${k.padEnd(width)}  ${fmt(v).padStart(10)}`);
  const ratio = (a: string, b: string): number => all.get(b)! / all.get(a)!;
  const rA = ratio('A bare logger.emit (anchor)', 'A security.authn.loginFail');
  const rB = ratio('B bare logger.emit (anchor)', 'B security.authn.loginFail in request context');
  const rC = ratio('C bare logger.emit (anchor)', 'C security.authz.fail, hostile input');
  const d = all.get('D loginFail, no provider')!;
  const dc = all.get('D loginFail, LoggerConfig enabled=false')!;
  console.log('');
  console.log(`ratio A (clean input, fields only)      ${rA.toFixed(2)}x  target <= 1.5x  ${rA <= 1.5 ? 'OK' : 'MISSED'}`);
  console.log(`ratio B (clean input, request context)  ${rB.toFixed(2)}x  target <= 1.5x  ${rB <= 1.5 ? 'OK' : 'MISSED'}`);
  console.log(`ratio C (escaping + redaction)          ${rC.toFixed(2)}x  (slow path, no target)`);
  console.log(`disabled, no provider                   ${fmt(d)}  target < 50 ns  ${d < 50 ? 'OK' : 'MISSED'}`);
  console.log(`disabled, LoggerConfig enabled=false    ${fmt(dc)}  target < 50 ns  ${dc < 50 ? 'OK' : 'MISSED'}`);
}

await main();
