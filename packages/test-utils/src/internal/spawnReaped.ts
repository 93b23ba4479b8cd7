import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * `spawn()` for a service a test runs: the child is killed (SIGKILL) when the test runner exits first, so a
 * server never outlives its suite, even when the runner dies.
 */
export function spawnReaped(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const reap = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  return child;
}
