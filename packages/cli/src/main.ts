import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './CliIo.js';
import { EXIT, UsageError, writeOut } from './CliIo.js';
import { parseByteSize, parseDurationMillis } from './internal/units.js';
import type { ServeFlags } from './serve/ServeConfig.js';
import { PACKAGE_VERSION } from './version.js';

const USAGE = `Usage: secmon <command> [options]

Commands:
  analyze <files|folders|->   replay logs (OTLP JSON, JSON lines, gzip) through the rules, report the alerts
  serve                       OTLP/HTTP receiver for logs that runs the rules and exports alerts over OTLP
  rules validate <files>      check rule files; prints every error with file:line
  rules test <folders|files>  run rule unit tests (input events with relative times, expected alerts)

Run "secmon <command> --help" for the options of a command.
Exit codes: 0 ok, 1 alerts at or above --fail-on / invalid rules / failing tests, 2 usage or input error.
`;

const ANALYZE_USAGE = `Usage: secmon analyze [options] <files|folders|->

Reads OTLP/JSON (one ExportLogsServiceRequest per line, as the collector's file exporter writes, or one
JSON document), JSON lines {"timeUnixNano","eventName","severityNumber","attributes":{},"resource":{}},
gzip-compressed or not (detected from the bytes). Folders are read recursively in name order; - is stdin.

Options:
  -r, --rules <file>        rule file (YAML); repeatable. Default: the built-in rule pack, which
                            the name "default" also stands for (--rules default --rules mine.yaml)
  -f, --format <text|jsonl> text report (default) or one alert per line as JSON
      --fail-on <severity>  exit 1 when an alert of this severity or above fired:
                            informational (default), low, medium, high, critical, never
      --strict              stop with exit 2 at the first malformed, truncated or oversize line
      --max-line-size <n>   longest line read (default 64MiB); longer lines are skipped and counted
      --top <n>             offending groups listed per rule (default 5)
      --out-of-order <dur>  how far behind the newest event of its group an event may come and still
                            count (default 10s); raise it for merged archives of several collectors
      --no-progress         no progress bar (it is only drawn on a terminal, for large inputs)
  -h, --help
`;

const SERVE_USAGE = `Usage: secmon serve [options]

Receives OTLP/HTTP logs on POST /v1/logs (protobuf or JSON, gzip or not), runs the rules, and exports
alerts as secmon.alert spans and log records to the OTLP endpoint of the standard OTEL_EXPORTER_OTLP_*
variables (OTEL_EXPORTER_OTLP_ENDPOINT, ..._PROTOCOL http/protobuf|http/json, ..._HEADERS). GET /health.

Options (flag > environment > config file > default):
  -c, --config <file>            YAML or JSON file with the settings below     SECMON_SERVE_CONFIG
      --host <addr>              interface to bind (default 127.0.0.1)         SECMON_SERVE_HOST       host
      --port <n>                 port (default 4319; 0 = any free port)        SECMON_SERVE_PORT       port
      --token-file <file>        require "Authorization: Bearer <token>"       SECMON_SERVE_TOKEN(_FILE) token, tokenFile
      --max-body-size <n>        largest request, also after gunzip (10MiB)    SECMON_SERVE_MAX_BODY_SIZE maxBodySize
  -r, --rules <file>             rule file, repeatable (default rule pack)     SECMON_SERVE_RULES (a,b) rules
      --shutdown-timeout <dur>   time to finish requests and flush on SIGTERM  SECMON_SERVE_SHUTDOWN_TIMEOUT shutdownTimeout
  -h, --help
`;

const RULES_USAGE = `Usage: secmon rules validate <files>
       secmon rules test [--rules <file>] <folders|files>

validate  parses each rule file and prints every error as file:line:column rule "id" field "x": message.
test      runs rule tests: YAML files that give input events at relative times (at: 30s) and the alerts
          expected; reports pass/fail per case with a diff. Folders are searched for *.yaml / *.yml.
          --rules replaces the rule files the test files name (default: the built-in pack; the name
          "default" stands for it in both places, e.g. rule-files: [default, mine.yaml]).
`;

type Options = NonNullable<ParseArgsConfig['options']>;

function parse(args: string[], options: Options, usage: string): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
      allowNegative: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${String(value)}"`);
  return n;
}

/**
 * Runs one `secmon` command line (`argv` without the node and script paths) and resolves with the exit code.
 * `serve` resolves only when the server has shut down.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      await writeOut(io.stderr, `secmon: ${err.message.trimEnd()}\n`);
      return EXIT.USAGE;
    }
    throw err;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      await writeOut(io.stdout, USAGE);
      return command === undefined ? EXIT.USAGE : EXIT.OK;
    case '--version':
    case '-v':
    case 'version':
      await writeOut(io.stdout, `${PACKAGE_VERSION}\n`);
      return EXIT.OK;
    case 'analyze': {
      const { values, positionals } = parse(
        rest,
        {
          rules: { type: 'string', short: 'r', multiple: true },
          format: { type: 'string', short: 'f', default: 'text' },
          'fail-on': { type: 'string', default: 'informational' },
          strict: { type: 'boolean', default: false },
          'max-line-size': { type: 'string', default: '64MiB' },
          top: { type: 'string', default: '5' },
          'out-of-order': { type: 'string' },
          progress: { type: 'boolean', default: true },
        },
        ANALYZE_USAGE,
      );
      if (values['help'] === true) {
        await writeOut(io.stdout, ANALYZE_USAGE);
        return EXIT.OK;
      }
      const format = values['format'];
      if (format !== 'text' && format !== 'jsonl')
        throw new UsageError(`analyze: --format must be text or jsonl, got "${String(format)}"`);
      const maxLineBytes = parseByteSize(values['max-line-size']);
      if (maxLineBytes === undefined) {
        throw new UsageError(
          `analyze: --max-line-size must be a size such as 64MiB, got "${String(values['max-line-size'])}"`,
        );
      }
      // Commands are loaded on demand: analyze need not pay for the OTel exporters serve loads.
      const { analyzeCommand } = await import('./analyze/analyzeCommand.js');
      let outOfOrderMillis: number | undefined;
      if (values['out-of-order'] !== undefined) {
        outOfOrderMillis = parseDurationMillis(values['out-of-order']);
        if (outOfOrderMillis === undefined) {
          throw new UsageError(
            `analyze: --out-of-order must be a duration such as 10s or 5m, got "${String(values['out-of-order'])}"`,
          );
        }
      }
      return analyzeCommand(
        {
          ...(outOfOrderMillis === undefined ? {} : { outOfOrderMillis }),
          inputs: positionals,
          rules: (values['rules'] as string[] | undefined) ?? [],
          format,
          failOn: String(values['fail-on']),
          strict: values['strict'] === true,
          maxLineBytes,
          progress: values['progress'] !== false,
          topKeys: positiveInt(values['top'], '--top'),
        },
        io,
      );
    }
    case 'serve': {
      const { values, positionals } = parse(
        rest,
        {
          config: { type: 'string', short: 'c' },
          host: { type: 'string' },
          port: { type: 'string' },
          'token-file': { type: 'string' },
          'max-body-size': { type: 'string' },
          rules: { type: 'string', short: 'r', multiple: true },
          'shutdown-timeout': { type: 'string' },
        },
        SERVE_USAGE,
      );
      if (values['help'] === true) {
        await writeOut(io.stdout, SERVE_USAGE);
        return EXIT.OK;
      }
      if (positionals.length > 0)
        throw new UsageError(`serve: unexpected argument "${positionals[0]}"\n\n${SERVE_USAGE}`);
      const { serveCommand } = await import('./serve/serveCommand.js');
      return serveCommand(values as ServeFlags, io);
    }
    case 'rules': {
      const [sub, ...args] = rest;
      if (sub === 'validate') {
        const { values, positionals } = parse(args, {}, RULES_USAGE);
        if (values['help'] === true) {
          await writeOut(io.stdout, RULES_USAGE);
          return EXIT.OK;
        }
        if (positionals.length === 0)
          throw new UsageError(`rules validate: give at least one rule file\n\n${RULES_USAGE}`);
        const { rulesValidateCommand } = await import('./rules/rulesValidateCommand.js');
        return rulesValidateCommand(positionals, io);
      }
      if (sub === 'test') {
        const { values, positionals } = parse(
          args,
          { rules: { type: 'string', short: 'r', multiple: true } },
          RULES_USAGE,
        );
        if (values['help'] === true) {
          await writeOut(io.stdout, RULES_USAGE);
          return EXIT.OK;
        }
        if (positionals.length === 0)
          throw new UsageError(`rules test: give a folder or test files\n\n${RULES_USAGE}`);
        const { rulesTestCommand } = await import('./rules/rulesTestCommand.js');
        return rulesTestCommand(positionals, (values['rules'] as string[] | undefined) ?? [], io);
      }
      if (sub === '-h' || sub === '--help' || sub === 'help') {
        await writeOut(io.stdout, RULES_USAGE);
        return EXIT.OK;
      }
      throw new UsageError(
        `rules: expected "validate" or "test", got ${sub === undefined ? 'nothing' : `"${sub}"`}\n\n${RULES_USAGE}`,
      );
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}
