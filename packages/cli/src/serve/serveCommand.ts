import { isIP } from 'node:net';
import type { CliIo } from '../CliIo.js';
import { EXIT, writeOut } from '../CliIo.js';
import { Detector } from '../engine/Detector.js';
import { loadRules } from '../engine/loadRules.js';
import { escapeForTerminal } from '../terminal/escapeForTerminal.js';
import { AlertTelemetry } from './AlertTelemetry.js';
import { createActions } from './createActions.js';
import { describeActions } from './parseActions.js';
import { OtlpHttpReceiver } from './OtlpHttpReceiver.js';
import type { ServeFlags } from './ServeConfig.js';
import { ConfigError, resolveServeConfig } from './ServeConfig.js';

/** Hooks for embedding and tests: resolve when the server is up, and stop it without a signal. */
export interface ServeControl {
  /** Called with the receiver's URL once it listens. */
  onListening?: (url: string) => void;
  /** When given, shutdown starts when this promise resolves (in addition to SIGTERM/SIGINT). */
  stop?: Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Where the OTLP exporters will send, resolved as they resolve it (signal variable, then the generic one). */
function exportTarget(env: NodeJS.ProcessEnv, signal: 'LOGS' | 'TRACES', path: string): string {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`];
  if (specific !== undefined && specific.trim() !== '') return specific;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const root = base !== undefined && base.trim() !== '' ? base : 'http://localhost:4318';
  return `${root.endsWith('/') ? root : `${root}/`}${path}`;
}

/**
 * `secmon serve`: validates the configuration (exit 2 with every problem), loads the rules (exit 2 on any
 * rule error), listens, and runs until SIGTERM or SIGINT. Shutdown stops accepting, finishes the requests in
 * flight, then flushes the alert exporters, so no alert detected before the signal is lost.
 */
export async function serveCommand(
  flags: ServeFlags,
  io: CliIo,
  control: ServeControl = {},
): Promise<number> {
  const log = (line: string): Promise<void> => writeOut(io.stderr, `secmon serve: ${line}\n`);
  let config;
  try {
    config = await resolveServeConfig(flags, io.env, io.cwd);
  } catch (err) {
    if (err instanceof ConfigError) {
      await log(
        `invalid configuration\n${err.problems.map((p) => `  ${escapeForTerminal(p, 500)}\n`).join('')}`.trimEnd(),
      );
      return EXIT.USAGE;
    }
    throw err;
  }
  const loaded = await loadRules(config.rules, io.cwd);
  if (loaded.errors.length > 0) {
    await log(
      `invalid rules\n${loaded.errors.map((e) => `  ${escapeForTerminal(e, 500)}\n`).join('')}`.trimEnd(),
    );
    return EXIT.USAGE;
  }

  // Said once per action, then only counted (the stop line has the totals), like refused requests.
  const created = createActions(config.actions, (label, message, willRetry) => {
    void log(
      `alert action ${label} failed: ${escapeForTerminal(message, 300)} ` +
        `(${willRetry ? 'retried with backoff' : 'not retried'}; further failures of this action are only counted)`,
    );
  });
  const telemetry = new AlertTelemetry({
    logsProtocol: config.logsProtocol,
    tracesProtocol: config.tracesProtocol,
    env: io.env,
    actions: created.actions,
    onActionFailure: created.onActionFailure,
  });
  let alerts = 0;
  const detector = new Detector(loaded.rules, () => {}, {
    onEngineAlert: (alert) => {
      alerts++;
      telemetry.emit(alert);
    },
  });
  const refusedStatuses = new Set<number>();
  const receiver = new OtlpHttpReceiver({
    host: config.host,
    port: config.port,
    token: config.token,
    maxBodyBytes: config.maxBodyBytes,
    onEvents: (events) => {
      for (let i = 0; i < events.length; i++) detector.process(events[i]!);
    },
    // Said once per status, then only counted: a client stuck in a retry loop must not flood the log.
    onRefused: (status, reason) => {
      if (refusedStatuses.has(status)) return;
      refusedStatuses.add(status);
      void log(
        `refused a request with ${status} (${escapeForTerminal(reason, 200)}); further ${status}s are only counted`,
      );
    },
  });
  try {
    await receiver.start();
  } catch (err) {
    await telemetry.shutdown(0);
    created.close();
    await log(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    return EXIT.USAGE;
  }
  const protocols =
    config.logsProtocol === config.tracesProtocol
      ? config.logsProtocol
      : `${config.logsProtocol} (logs), ${config.tracesProtocol} (traces)`;
  await log(
    `listening on ${receiver.url}/v1/logs (${loaded.rules.length} rules from ${loaded.sources.join(', ')}; ` +
      `token ${config.token === undefined ? 'off' : 'required'}; max body ${config.maxBodyBytes} bytes)`,
  );
  await log(
    `alerts go to ${exportTarget(io.env, 'LOGS', 'v1/logs')} and ${exportTarget(io.env, 'TRACES', 'v1/traces')} over OTLP ${protocols}; ` +
      `actions: ${describeActions(config.actions)}`,
  );
  for (const w of config.warnings) await log(`warning: ${escapeForTerminal(w, 500)}`);
  if (!isLoopback(config.host) && config.token === undefined) {
    await log(
      `warning: listening on ${config.host} without a bearer token; anyone who can reach it can feed events`,
    );
  }
  control.onListening?.(receiver.url);

  const signal = await new Promise<string>((resolve) => {
    const done = (name: string): void => {
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      resolve(name);
    };
    const term = (): void => done('SIGTERM');
    const int = (): void => done('SIGINT');
    process.on('SIGTERM', term);
    process.on('SIGINT', int);
    void control.stop?.then(() => done('stop'));
  });
  await log(`${signal}: draining requests and flushing alerts`);
  await receiver.drain(config.shutdownTimeoutMillis);
  detector.finish();
  // Deliberately not unref'd: the action queue's retry timers are unref'd (right inside an application), so
  // while a delivery waits for its backoff nothing else keeps serve's event loop alive, and the process would
  // exit mid-shutdown without delivering. Cleared as soon as the shutdown settles.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMillis);
  });
  const droppedBefore = telemetry.actionStats().dropped;
  const flushed = await Promise.race([
    telemetry.shutdown(config.shutdownTimeoutMillis).then(() => 'ok' as const),
    timeout,
  ]);
  clearTimeout(timer);
  created.close();
  const c = receiver.counters;
  let actionsLine = '';
  let undelivered = 0;
  if (config.actions.length > 0) {
    const a = telemetry.actionStats();
    // Deliveries still queued, in flight or waiting for a retry when the timeout struck are lost (the
    // publisher counts those it drops at its own timeout; the others are still pending).
    undelivered = a.pending + (a.dropped - droppedBefore);
    actionsLine =
      `; actions: ${a.delivered} delivered, ${a.abandoned} abandoned, ${droppedBefore} dropped` +
      (a.failures > 0 ? `, ${a.failures} failed attempts` : '') +
      (undelivered > 0 ? `, ${undelivered} not finished within the shutdown timeout` : '');
  }
  const late = flushed === 'timeout' || undelivered > 0;
  await log(
    `stopped: ${c.requests} requests (${c.refused} refused), ${c.records} records, ${c.events} events, ${alerts} alerts` +
      actionsLine +
      (late ? '; alert export did not finish within the shutdown timeout' : ''),
  );
  return late ? EXIT.FINDINGS : EXIT.OK;
}
