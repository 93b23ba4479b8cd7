import type { CliIo } from '../CliIo.js';
import { EXIT, UsageError, writeOut } from '../CliIo.js';
import { Detector } from '../engine/Detector.js';
import { loadRules } from '../engine/loadRules.js';
import { InputPathError, resolveInputs } from '../input/InputSource.js';
import { InputStats } from '../input/InputStats.js';
import { LineSplitter } from '../input/LineSplitter.js';
import { RecordDecoder, StrictModeError } from '../input/RecordDecoder.js';
import { readSource } from '../input/readSource.js';
import { escapeForTerminal } from '../terminal/escapeForTerminal.js';
import { createStyle } from '../terminal/Style.js';
import type { AlertRecord } from './AlertRecord.js';
import { SEVERITY_ORDER, severityRank } from './AlertRecord.js';
import { AlertSummary } from './AlertSummary.js';
import { alertToJsonLine } from './alertToJsonLine.js';
import { ProgressBar } from './ProgressBar.js';
import { renderInputSection, renderTextReport } from './renderTextReport.js';

/** Options of `secmon analyze`, as parsed from the command line. */
export interface AnalyzeOptions {
  inputs: string[];
  rules: string[];
  format: 'text' | 'jsonl';
  /** Lowest severity that makes the exit code 1, or `never`. */
  failOn: string;
  strict: boolean;
  maxLineBytes: number;
  progress: boolean;
  topKeys: number;
  /** Out-of-order tolerance of the rule windows, in milliseconds; undefined = the engine's default. */
  outOfOrderMillis?: number;
}

/** Inputs at least this large (in total) get a progress bar on a terminal. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

/**
 * `secmon analyze`: replays log files through the rules on event time and reports the alerts. Returns the
 * exit code: 0 no alert at or above `--fail-on`, 1 at least one, 2 usage or input error (including the first
 * bad line under `--strict`).
 */
export async function analyzeCommand(options: AnalyzeOptions, io: CliIo): Promise<number> {
  if (options.inputs.length === 0)
    throw new UsageError('analyze: give at least one file, folder, or - for standard input');
  const failRank = options.failOn === 'never' ? Infinity : severityRank(options.failOn);
  if (failRank === -1) {
    throw new UsageError(
      `analyze: --fail-on must be one of ${SEVERITY_ORDER.join(', ')}, never; got "${options.failOn}"`,
    );
  }
  const started = Date.now();
  const loaded = await loadRules(options.rules, io.cwd);
  if (loaded.errors.length > 0) {
    await writeOut(
      io.stderr,
      `secmon analyze: invalid rules\n${loaded.errors.map((e) => `  ${escapeForTerminal(e, 400)}\n`).join('')}`,
    );
    return EXIT.USAGE;
  }
  let sources;
  try {
    sources = await resolveInputs(
      options.inputs.map((p) => p),
      io.stdin,
    );
  } catch (err) {
    if (err instanceof InputPathError) {
      await writeOut(io.stderr, `secmon analyze: ${escapeForTerminal(err.message, 400)}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }

  const stats = new InputStats();
  const summary = new AlertSummary();
  const jsonl = options.format === 'jsonl';
  let pendingOut: string[] = [];
  const onAlert = (alert: AlertRecord): void => {
    summary.add(alert);
    if (jsonl) pendingOut.push(alertToJsonLine(alert));
  };
  const detector = new Detector(
    loaded.rules,
    onAlert,
    options.outOfOrderMillis === undefined ? {} : { outOfOrderToleranceMillis: options.outOfOrderMillis },
  );
  const emit = detector.process;

  const totalBytes = sources.every((s) => s.size !== undefined)
    ? sources.reduce((n, s) => n + (s.size ?? 0), 0)
    : undefined;
  const showProgress =
    options.progress &&
    io.stderr.isTTY === true &&
    (totalBytes === undefined || totalBytes >= PROGRESS_MIN_BYTES);
  const progress = showProgress
    ? new ProgressBar({ write: (t) => io.stderr.write(t), totalBytes, columns: io.stderr.columns })
    : undefined;
  let rawBytes = 0;

  const flushOut = async (): Promise<void> => {
    if (pendingOut.length === 0) return;
    const text = pendingOut.join('\n') + '\n';
    pendingOut = [];
    await writeOut(io.stdout, text);
  };

  try {
    for (const source of sources) {
      stats.sources++;
      const decoder = new RecordDecoder({ source: source.name, stats, emit, strict: options.strict });
      const splitter = new LineSplitter(decoder, options.maxLineBytes);
      try {
        await readSource(
          source.open(),
          (chunk) => {
            splitter.push(chunk);
            if (pendingOut.length > 256) void flushOut();
          },
          (n) => {
            rawBytes += n;
            stats.bytes += n;
            progress?.update(rawBytes, stats.events);
          },
        );
        splitter.end();
        decoder.end();
      } catch (err) {
        if (err instanceof StrictModeError) throw err;
        // The lines read before the failure were analysed; report what stopped the input.
        splitter.end();
        decoder.end();
        const message = `cannot read to the end: ${(err as Error).message}`;
        if (options.strict) throw new StrictModeError(source.name, 0, message);
        stats.sourceErrors.add(source.name, 0, message);
      }
      await flushOut();
    }
    detector.finish();
    await flushOut();
  } catch (err) {
    progress?.stop();
    if (err instanceof StrictModeError) {
      await flushOut();
      await writeOut(io.stderr, `secmon analyze: --strict: ${escapeForTerminal(err.message, 400)}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
  progress?.stop();

  const elapsedMillis = Date.now() - started;
  const engine = detector.stats();
  if (jsonl) {
    if (stats.badLines > 0 || stats.sourceErrors.count > 0 || engine.lateEvents > 0 || engine.evictions > 0) {
      const style = createStyle(io.stderr.isTTY === true, io.env);
      // Only the input section: the alerts are on stdout.
      await writeOut(io.stderr, renderInputSection(stats, elapsedMillis, style, engine).join('\n') + '\n');
    }
  } else {
    const style = createStyle(io.stdout.isTTY === true, io.env);
    const report = renderTextReport(
      summary,
      stats,
      {
        ruleCount: loaded.rules.length,
        ruleSources: loaded.sources,
        elapsedMillis,
        engine,
        topKeys: options.topKeys,
      },
      style,
    );
    await writeOut(io.stdout, report);
  }
  return summary.maxSeverityRank >= failRank ? EXIT.FINDINGS : EXIT.OK;
}
