import { execFileSync } from 'node:child_process';

/** Result of probing a service a suite needs. */
export interface ServiceStatus {
  readonly name: string;
  readonly available: boolean;
  /** Why it is unavailable (the check's error or `false` result). */
  readonly reason?: string;
}

/** A probe: resolves truthy when the service can be used; a thrown error or falsy value means unavailable. */
export type ServiceCheck = () => boolean | string | undefined | Promise<boolean | string | undefined>;

/**
 * Probe a service without applying the CI rule. A check may return a string: it is taken as the reason
 * the service is unavailable (e.g. `'redis-server not on PATH'`), so return `true` for "available".
 */
export async function serviceAvailable(name: string, check: ServiceCheck): Promise<ServiceStatus> {
  try {
    const result = await check();
    if (result === true) return { name, available: true };
    return { name, available: false, reason: typeof result === 'string' ? result : 'check returned false' };
  } catch (err) {
    return { name, available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Options of {@link requireService}. */
export interface RequireServiceOptions {
  /** Environment to read `CI` from; default `process.env` (test tooling is an edge, STYLE.md rule 6). */
  env?: Record<string, string | undefined>;
  /** Where the local skip reason is printed; default `console.warn`. */
  log?: (message: string) => void;
}

/**
 * The team's CI rule outside a suite (a benchmark, a script): resolves `true` when the service is available;
 * when it is not, prints the reason and resolves `false` on a developer machine, but **rejects** when `CI=true`.
 * Suites use {@link describeWithServices}, which applies the same rule to a `describe` block.
 *
 * @example
 * if (!(await requireService('docker', dockerEngineCheck))) return;
 */
export async function requireService(
  name: string,
  check: ServiceCheck,
  options: RequireServiceOptions = {},
): Promise<boolean> {
  const status = await serviceAvailable(name, check);
  if (status.available) return true;
  const env = options.env ?? process.env;
  const message = `service '${name}' unavailable: ${status.reason ?? 'unknown reason'}`;
  if (env['CI'] === 'true') {
    throw new Error(`${message} (CI=true: a missing service fails the suite instead of skipping it)`);
  }
  (options.log ?? console.warn)(`[skip] ${message}`);
  return false;
}

/** True when `command` resolves on PATH (uses `sh -c 'command -v ...'`, no shell interpolation of input). */
export function commandExists(command: string): boolean {
  if (!/^[\w.+-]+$/.test(command)) return false;
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
