// Runs the real `secmon` executable in a child process, on the Node 24 runtime that runs the tests, straight
// from the TypeScript sources (type stripping + the resolve hook in scripts/source-hooks.mjs), so a fresh
// clone needs no build before `npm test`.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** packages/cli */
export const CLI_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The command line that starts the CLI from source. */
export function cliArgv(args: readonly string[]): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [
      '--conditions=@secmon/source',
      '--import',
      `${CLI_ROOT}../../scripts/source-hooks.mjs`,
      `${CLI_ROOT}src/bin.ts`,
      ...args,
    ],
  };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Environment without the variables that would change the CLI's output (colours, exporters). */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('OTEL_') || k.startsWith('SECMON_') || k === 'FORCE_COLOR' || k === 'NO_COLOR') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts the CLI and returns the child process (for `serve`). */
export function spawnCli(args: readonly string[], options: RunOptions = {}): ChildProcess {
  const { command, args: argv } = cliArgv(args);
  const spawnOptions: SpawnOptions = {
    cwd: options.cwd ?? CLI_ROOT,
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  };
  return spawn(command, argv, spawnOptions);
}

/** Runs the CLI to completion and collects its output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawnCli(args, options);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  child.stdin!.on('error', () => {});
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
