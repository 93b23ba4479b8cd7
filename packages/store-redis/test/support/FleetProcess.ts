// Starts fleetApp.ts as a real child process on the Node that runs the tests (Node 24 inside vitest), from
// the TypeScript sources, and talks to it over HTTP on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Alert, RuleEngineStats } from '@secmon/processor';
import type { RedisStateStoreStats } from '../../src/index.js';

const HOOKS = fileURLToPath(new URL('../../../../scripts/source-hooks.mjs', import.meta.url));
const APP = fileURLToPath(new URL('./fleetApp.ts', import.meta.url));

export interface FleetState {
  instance: string;
  alerts: Alert[];
  store: RedisStateStoreStats;
  engine: RuleEngineStats;
  recordCalls: number;
  recordReturnedValue: number;
}

export class FleetProcess {
  readonly name: string;
  readonly port: number;
  private readonly _child: ChildProcess;
  private readonly _stderr: string[];

  private constructor(name: string, port: number, child: ChildProcess, stderr: string[]) {
    this.name = name;
    this.port = port;
    this._child = child;
    this._stderr = stderr;
  }

  static start(
    name: string,
    env: { REDIS_URL: string; KEY_PREFIX: string; RULES?: string },
  ): Promise<FleetProcess> {
    const child = spawn(process.execPath, ['--conditions=@secmon/source', '--import', HOOKS, APP], {
      env: { ...process.env, ...env, INSTANCE: name, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (c: Buffer) => {
      if (stderr.length < 200) stderr.push(c.toString('utf8'));
    });
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start: ${stderr.join('')}`));
      }, 30_000);
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /READY (\d+)/.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          resolve(new FleetProcess(name, Number(m[1]), child, stderr));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}): ${stderr.join('')}`));
      });
    });
  }

  async login(
    user: string,
    ip: string,
    ok: boolean,
    extra: { time?: number; uid?: string } = {},
  ): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.port}/login`, {
      method: 'POST',
      body: JSON.stringify({ user, ip, ok, ...extra }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  async events(
    list: readonly { name: 'fail' | 'success'; time: number; ip: string; user: string; uid: string }[],
  ): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/events`, {
      method: 'POST',
      body: JSON.stringify(list),
    });
    if (res.status !== 200) throw new Error(`${this.name} /events: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  async flush(): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/flush`, { method: 'POST' });
    await res.arrayBuffer();
  }

  async state(): Promise<FleetState> {
    const res = await fetch(`http://127.0.0.1:${this.port}/state`);
    return (await res.json()) as FleetState;
  }

  /** Polls until `cond` holds on this instance's state. */
  async waitFor(cond: (s: FleetState) => boolean, timeoutMs = 15_000): Promise<FleetState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.state();
      if (cond(s)) return s;
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: condition not met; state ${JSON.stringify(s.store)}; stderr ${this._stderr.join('')}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stderr(): string {
    return this._stderr.join('');
  }

  async stop(): Promise<void> {
    if (this._child.exitCode !== null || this._child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this._child.once('exit', () => r()));
    this._child.kill('SIGTERM');
    const t = setTimeout(() => this._child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(t);
  }
}
