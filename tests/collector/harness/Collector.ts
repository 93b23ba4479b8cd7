// Runs otelcol-secmon (or SECMON_COLLECTOR_IMAGE) in a container through Testcontainers: host networking on free
// loopback ports, host directories mounted at the same path inside (so configs name host paths), a log-message
// wait strategy (a FROM scratch image has no shell for port probes), and every container stopped in teardown.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { collectorImage, configureTestcontainers, killContainer } from './docker.js';
import { COLLECTOR_CONFIG_DIR } from './paths.js';
import { freePort } from './ports.js';

/** The loopback ports one collector listens on. */
export interface CollectorPorts {
  grpc: number;
  http: number;
  health: number;
  prometheus: number;
  telemetry: number;
}

export interface CollectorStartOptions {
  /** Configs after config.yaml and generated/ecs-ocsf.yaml (relative to collector-config/ or absolute). */
  overlays?: readonly string[];
  /** Replace the default config list entirely (relative to collector-config/ or absolute). */
  configs?: readonly string[];
  /** Extra environment (SECMON_BACKEND_ENDPOINT etc.). */
  env?: Readonly<Record<string, string>>;
  /** Host directory for SECMON_STORAGE_DIR (queues, archive); pass the previous one to restart on the same storage. */
  stateDir?: string;
  /** Reuse the ports of a previous run (restart). */
  ports?: CollectorPorts;
  /** More host directories to mount at the same path (read-only unless `readOnly: false`). */
  mounts?: ReadonlyArray<{ path: string; readOnly?: boolean }>;
}

const running = new Set<RunningCollector>();
const stateDirs = new Set<string>();

/** A host directory the unprivileged collector user (uid 10001, as in the contrib image) can write. */
export function makeStateDir(prefix = 'secmon-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  stateDirs.add(dir);
  return dir;
}

function configPath(p: string): string {
  return isAbsolute(p) ? p : join(COLLECTOR_CONFIG_DIR, p);
}

export class RunningCollector {
  readonly container: StartedTestContainer;
  readonly ports: CollectorPorts;
  readonly stateDir: string;
  private readonly _output: string[];
  private _stopped = false;

  constructor(container: StartedTestContainer, ports: CollectorPorts, stateDir: string, output: string[]) {
    this.container = container;
    this.ports = ports;
    this.stateDir = stateDir;
    this._output = output;
  }

  /** Base URL of the OTLP/HTTP receiver (exporters append /v1/logs, /v1/traces). */
  get otlpHttpUrl(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  /** The archive written by file/archive. */
  get archiveFile(): string {
    return join(this.stateDir, 'archive', 'security-events.jsonl');
  }

  /** Everything the collector logged so far (stdout and stderr). */
  output(): string {
    return this._output.join('');
  }

  /** Graceful stop (SIGTERM: queues and files are closed), then remove the container. */
  async stop(): Promise<void> {
    if (this._stopped) return;
    this._stopped = true;
    running.delete(this);
    await this.container.stop({ timeout: 20_000, remove: true });
  }

  /** SIGKILL: no shutdown, no final flush. The container is removed afterwards; the state directory stays. */
  async kill(): Promise<void> {
    if (this._stopped) return;
    this._stopped = true;
    running.delete(this);
    await killContainer(this.container.getId(), 'KILL');
    await this.container.stop({ timeout: 0, remove: true }).catch(() => undefined);
  }
}

/** Start a collector and wait until it logs "Everything is ready". */
export async function startCollector(options: CollectorStartOptions = {}): Promise<RunningCollector> {
  configureTestcontainers();
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = await collectorImage();
  const ports: CollectorPorts = options.ports ?? {
    grpc: await freePort(),
    http: await freePort(),
    health: await freePort(),
    prometheus: await freePort(),
    telemetry: await freePort(),
  };
  const stateDir = options.stateDir ?? makeStateDir();
  mkdirSync(stateDir, { recursive: true });
  const configs = (
    options.configs ?? ['config.yaml', 'generated/ecs-ocsf.yaml', ...(options.overlays ?? [])]
  ).map(configPath);
  const env: Record<string, string> = {
    SECMON_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
    SECMON_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
    SECMON_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
    SECMON_PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.prometheus}`,
    SECMON_TELEMETRY_PORT: String(ports.telemetry),
    SECMON_STORAGE_DIR: stateDir,
    SECMON_ARCHIVE_DIR: join(stateDir, 'archive'),
    ...options.env,
  };
  const output: string[] = [];
  const mounts = [
    { source: COLLECTOR_CONFIG_DIR, target: COLLECTOR_CONFIG_DIR, mode: 'ro' as const },
    { source: stateDir, target: stateDir, mode: 'rw' as const },
    ...(options.mounts ?? []).map((m) => ({
      source: m.path,
      target: m.path,
      mode: m.readOnly === false ? ('rw' as const) : ('ro' as const),
    })),
  ];
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(image)
      .withNetworkMode('host')
      .withEnvironment(env)
      .withBindMounts(mounts)
      .withCommand(configs.map((c) => `--config=${c}`))
      .withLogConsumer((stream) => {
        stream.on('data', (chunk: Buffer | string) => output.push(chunk.toString()));
      })
      .withWaitStrategy(Wait.forLogMessage(/Everything is ready/))
      .withStartupTimeout(60_000)
      .start();
  } catch (err) {
    // Testcontainers only says the log ended; the collector's last lines say why (a port taken, a config error).
    const said = output.join('').trim().split('\n').slice(-20).join('\n');
    throw new Error(`${(err as Error).message}\ncollector output (last lines):\n${said}`, { cause: err });
  }
  const collector = new RunningCollector(container, ports, stateDir, output);
  running.add(collector);
  return collector;
}

/** Stop every collector still running, then remove the state directories (keep them with SECMON_KEEP_STATE=1). */
export async function stopAllCollectors(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop().catch(() => undefined)));
  if (process.env['SECMON_KEEP_STATE'] === '1') return;
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  stateDirs.clear();
}
