import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isIP } from 'node:net';
import { YamlSource } from '../internal/YamlSource.js';
import { suggest } from '../internal/suggest.js';
import { parseByteSize, parseDurationMillis } from '../internal/units.js';
import type { ActionConfig } from './parseActions.js';
import { parseActions } from './parseActions.js';

/** OTLP/HTTP encodings the alert exporters can use. */
export type ExportProtocol = 'http/protobuf' | 'http/json';

/** The validated configuration of `secmon serve`. */
export interface ServeConfig {
  host: string;
  port: number;
  /** Bearer token required on `/v1/logs`; undefined = no authentication. */
  token: string | undefined;
  maxBodyBytes: number;
  /** Rule files (absolute paths); empty = the default pack. */
  rules: string[];
  shutdownTimeoutMillis: number;
  /** Protocol of the alert log and span exporters (from `OTEL_EXPORTER_OTLP_*_PROTOCOL`). */
  logsProtocol: ExportProtocol;
  tracesProtocol: ExportProtocol;
  /** Alert actions from the config file's `actions:` list (secrets resolved: never print them). */
  actions: ActionConfig[];
  /** Settings that work but deserve a warning at start-up. */
  warnings: string[];
  /** Where each setting came from, for the start-up line. */
  origins: Record<string, string>;
}

/** Settings given on the command line (already split by the argument parser). */
export interface ServeFlags {
  config?: string;
  host?: string;
  port?: string;
  'token-file'?: string;
  'max-body-size'?: string;
  rules?: string[];
  'shutdown-timeout'?: string;
}

/** The configuration is invalid; `problems` are exact, one per line. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Defaults. The port is 4319, not 4318, so that serve never receives its own alerts from a local collector. */
export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 4319,
  maxBodyBytes: 10 * 1024 * 1024,
  shutdownTimeoutMillis: 10_000,
} as const;

const FILE_KEYS = [
  'host',
  'port',
  'token',
  'tokenFile',
  'maxBodySize',
  'rules',
  'shutdownTimeout',
  'actions',
] as const;

const ENV = {
  config: 'SECMON_SERVE_CONFIG',
  host: 'SECMON_SERVE_HOST',
  port: 'SECMON_SERVE_PORT',
  token: 'SECMON_SERVE_TOKEN',
  tokenFile: 'SECMON_SERVE_TOKEN_FILE',
  maxBodySize: 'SECMON_SERVE_MAX_BODY_SIZE',
  rules: 'SECMON_SERVE_RULES',
  shutdownTimeout: 'SECMON_SERVE_SHUTDOWN_TIMEOUT',
} as const;

interface Raw {
  value: unknown;
  origin: string;
  /** Directory that relative paths in this value are resolved against. */
  base: string;
}

/**
 * Merges flags > environment > config file > defaults, validates every setting, and reports all problems at
 * once with where each value came from (`--port`, `SECMON_SERVE_PORT`, `serve.yaml:3`). Also checks the
 * standard `OTEL_EXPORTER_OTLP_*` variables the alert exporters will read.
 */
export async function resolveServeConfig(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<ServeConfig> {
  const problems: string[] = [];
  const raw = new Map<string, Raw>();
  const set = (key: string, value: unknown, origin: string, base = cwd): void => {
    if (value === undefined || value === '') return;
    // `token` and `tokenFile` are one setting given two ways: the later (higher precedence) source wins.
    if (key === 'token') raw.delete('tokenFile');
    if (key === 'tokenFile') raw.delete('token');
    raw.set(key, { value, origin, base });
  };

  // Actions are structured and come from the file only; kept with their source for `file:line` messages.
  let actionsRaw: { value: unknown; src: YamlSource; base: string } | undefined;

  const configPath = flags.config ?? nonEmpty(env[ENV.config]);
  if (configPath !== undefined) {
    const file = resolve(cwd, configPath);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push(
        `${configPath}: cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (text !== undefined) {
      const src = new YamlSource(text, configPath);
      problems.push(...src.errors);
      const value = src.value;
      if (src.errors.length === 0 && value !== null && value !== undefined) {
        if (typeof value !== 'object' || Array.isArray(value)) {
          problems.push(`${configPath}: must be a mapping of settings (${FILE_KEYS.join(', ')})`);
        } else {
          for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
            if (!(FILE_KEYS as readonly string[]).includes(key)) {
              const hint = suggest(key, FILE_KEYS);
              problems.push(
                `${src.where([key])}: unknown setting "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
              );
              continue;
            }
            if (key === 'actions') actionsRaw = { value: v, src, base: dirname(file) };
            else set(key, v, src.where([key]), dirname(file));
          }
        }
      }
    }
  }

  set('host', nonEmpty(env[ENV.host]), ENV.host);
  set('port', nonEmpty(env[ENV.port]), ENV.port);
  set('token', nonEmpty(env[ENV.token]), ENV.token);
  set('tokenFile', nonEmpty(env[ENV.tokenFile]), ENV.tokenFile);
  set('maxBodySize', nonEmpty(env[ENV.maxBodySize]), ENV.maxBodySize);
  const envRules = nonEmpty(env[ENV.rules]);
  if (envRules !== undefined)
    set(
      'rules',
      envRules
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      ENV.rules,
    );
  set('shutdownTimeout', nonEmpty(env[ENV.shutdownTimeout]), ENV.shutdownTimeout);

  set('host', flags.host, '--host');
  set('port', flags.port, '--port');
  set('tokenFile', flags['token-file'], '--token-file');
  set('maxBodySize', flags['max-body-size'], '--max-body-size');
  if (flags.rules !== undefined && flags.rules.length > 0) set('rules', flags.rules, '--rules');
  set('shutdownTimeout', flags['shutdown-timeout'], '--shutdown-timeout');

  const origins: Record<string, string> = {};
  const take = (key: string): Raw | undefined => {
    const r = raw.get(key);
    if (r !== undefined) origins[key] = r.origin;
    return r;
  };

  let host: string = SERVE_DEFAULTS.host;
  const h = take('host');
  if (h !== undefined) {
    if (typeof h.value !== 'string' || (isIP(h.value) === 0 && !/^[a-zA-Z0-9.-]+$/.test(h.value))) {
      problems.push(`host (${h.origin}): must be an IP address or a host name, got ${show(h.value)}`);
    } else host = h.value;
  }

  let port: number = SERVE_DEFAULTS.port;
  const p = take('port');
  if (p !== undefined) {
    const n =
      typeof p.value === 'number'
        ? p.value
        : typeof p.value === 'string' && /^\d+$/.test(p.value)
          ? Number(p.value)
          : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      problems.push(`port (${p.origin}): must be an integer from 0 to 65535, got ${show(p.value)}`);
    } else port = n;
  }

  let token: string | undefined;
  const tf = take('tokenFile');
  const t = take('token');
  if (tf !== undefined) {
    if (typeof tf.value !== 'string') {
      problems.push(`tokenFile (${tf.origin}): must be a path, got ${show(tf.value)}`);
    } else {
      try {
        token = (await readFile(resolve(tf.base, tf.value), 'utf8')).trim();
        if (token === '') problems.push(`tokenFile (${tf.origin}): ${tf.value} is empty`);
      } catch (err) {
        problems.push(
          `tokenFile (${tf.origin}): cannot read ${tf.value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    }
  } else if (t !== undefined) {
    if (typeof t.value !== 'string') problems.push(`token (${t.origin}): must be a string`);
    else token = t.value;
  }
  if (token !== undefined && token !== '' && (token.length < 16 || /\s/.test(token))) {
    problems.push(
      `token (${origins['tokenFile'] ?? origins['token']}): must be at least 16 characters without spaces`,
    );
  }

  let maxBodyBytes: number = SERVE_DEFAULTS.maxBodyBytes;
  const m = take('maxBodySize');
  if (m !== undefined) {
    const n = parseByteSize(m.value);
    if (n === undefined)
      problems.push(
        `maxBodySize (${m.origin}): must be a size such as 4MiB or 1048576, got ${show(m.value)}`,
      );
    else maxBodyBytes = n;
  }

  let rules: string[] = [];
  const r = take('rules');
  if (r !== undefined) {
    const list = typeof r.value === 'string' ? [r.value] : r.value;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x === '')) {
      problems.push(`rules (${r.origin}): must be a list of rule file paths, got ${show(r.value)}`);
    } else rules = (list as string[]).map((x) => (x === 'default' ? x : resolve(r.base, x)));
  }

  let shutdownTimeoutMillis: number = SERVE_DEFAULTS.shutdownTimeoutMillis;
  const s = take('shutdownTimeout');
  if (s !== undefined) {
    const n = parseDurationMillis(s.value);
    if (n === undefined)
      problems.push(`shutdownTimeout (${s.origin}): must be a duration such as 10s, got ${show(s.value)}`);
    else shutdownTimeoutMillis = n;
  }

  let actions: ActionConfig[] = [];
  const warnings: string[] = [];
  if (actionsRaw !== undefined) {
    origins['actions'] = actionsRaw.src.where(['actions']);
    const parsed = await parseActions(actionsRaw.value, actionsRaw.src, actionsRaw.base, env);
    problems.push(...parsed.problems);
    warnings.push(...parsed.warnings);
    actions = parsed.actions;
  }

  const logsProtocol = exportProtocol(env, 'LOGS', problems);
  const tracesProtocol = exportProtocol(env, 'TRACES', problems);
  for (const name of [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  ]) {
    const v = nonEmpty(env[name]);
    if (v === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`${name}: must be an http:// or https:// URL, got ${show(v)}`);
    }
  }

  // LOGS and TRACES fall back to the same generic variable: say it once.
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return {
    host,
    port,
    token,
    maxBodyBytes,
    rules,
    shutdownTimeoutMillis,
    logsProtocol,
    tracesProtocol,
    actions,
    warnings,
    origins,
  };
}

function exportProtocol(
  env: NodeJS.ProcessEnv,
  signal: 'LOGS' | 'TRACES',
  problems: string[],
): ExportProtocol {
  const specific = `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`;
  const name = nonEmpty(env[specific]) !== undefined ? specific : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = nonEmpty(env[name]);
  if (value === undefined) return 'http/protobuf';
  if (value === 'http/protobuf' || value === 'http/json') return value;
  problems.push(
    `${name}: secmon serve exports over OTLP/HTTP: use http/protobuf or http/json, got ${show(value)}`,
  );
  return 'http/protobuf';
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
