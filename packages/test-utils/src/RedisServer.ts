import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnReaped } from './internal/spawnReaped.js';
import { commandExists } from './requireService.js';

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
  /** Port on 127.0.0.1; default: a free port chosen by the OS. */
  port?: number;
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: readonly string[];
  /** How long to wait for the server to answer PING, ms. Default 10 000. */
  startTimeoutMs?: number;
}

/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) run as a child process of the test: loopback
 * only, on a free port, in a temporary directory, without persistence (`--save '' --appendonly no`). `stop()`
 * (or `kill()`, a crash) and `restart()` on the same port let suites test outages. Use
 * `describeWithServices(title, { redis: RedisServer.check }, body)` for the suite (skip locally, fail in CI).
 *
 * @example
 * const redis = await RedisServer.start();
 * const client = new Redis(redis.url);
 * await redis.stop();
 */
export class RedisServer {
  readonly host = '127.0.0.1';
  readonly port: number;
  readonly dir: string;
  private readonly _args: readonly string[];
  private readonly _startTimeoutMs: number;
  private _child: ChildProcess | undefined;
  private _output = '';

  private constructor(port: number, dir: string, args: readonly string[], startTimeoutMs: number) {
    this.port = port;
    this.dir = dir;
    this._args = args;
    this._startTimeoutMs = startTimeoutMs;
  }

  /** A {@link ServiceCheck} for `describeWithServices`: true when `redis-server` is on PATH, else the reason. */
  static check(): true | string {
    return commandExists('redis-server') || 'redis-server not on PATH (Debian: apt-get install redis-server)';
  }

  /** Starts a server and waits until it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'secmon-redis-'));
    for (let attempt = 0; ; attempt++) {
      const port = options.port ?? (await freePort());
      const server = new RedisServer(port, dir, options.args ?? [], options.startTimeoutMs ?? 10_000);
      try {
        await server._spawn();
        return server;
      } catch (err) {
        await server._terminate('SIGKILL');
        // Another process took the port between the probe and the bind: try another one.
        if (options.port === undefined && attempt < 3 && /in use/i.test(server._output)) continue;
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  /** `redis://127.0.0.1:PORT` */
  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** True while the server process runs. */
  get running(): boolean {
    return this._child !== undefined && this._child.exitCode === null && this._child.signalCode === null;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s). The directory is kept for `restart()`. */
  async stop(): Promise<void> {
    await this._terminate('SIGTERM');
  }

  /** Kills the server at once (SIGKILL): a crash. */
  async kill(): Promise<void> {
    await this._terminate('SIGKILL');
  }

  /** Starts the server again on the same port and directory. */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this._spawn();
  }

  /** Stops the server and removes its directory. */
  async close(): Promise<void> {
    await this._terminate('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async _spawn(): Promise<void> {
    this._output = '';
    const argv = [
      '--port',
      String(this.port),
      '--bind',
      this.host,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      ...this._args,
    ];
    const child = spawnReaped('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this._child = child;
    const onData = (chunk: Buffer): void => {
      if (this._output.length < 16_384) this._output += chunk.toString('utf8');
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);

    const deadline = Date.now() + this._startTimeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `redis-server exited (${child.exitCode ?? child.signalCode}): ${this._output.trim()}`,
        );
      }
      if (await ping(this.host, this.port)) return;
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer PING on ${this.port}: ${this._output.trim()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async _terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this._child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}
