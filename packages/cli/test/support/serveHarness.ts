// What the `secmon serve` end-to-end suites share: the real executable in a child process exporting its alerts to
// an OTLP capture server (the stand-in for a collector or SIEM), requests posted to it over real HTTP, and waits
// on what it writes to stderr.
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { OtlpCaptureServer } from '@secmon/test-utils';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { spawnCli } from './runCli.js';

/** A response read to its end. */
export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A running `secmon serve`, ready: its startup lines are on stderr. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`, where it receives OTLP. */
  readonly url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Its exit code (`null` when killed by a signal). */
  readonly exit: Promise<number | null>;
  /**
   * POSTs `body` to `path` (e.g. `/v1/logs`). Headers default to `content-type: application/json`; with
   * `transfer-encoding: chunked` the body is sent without a declared length.
   */
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<PostResult>;
  /** Resolves once stderr matches `pattern`; fails the test with the stderr so far after `timeoutMs` (10 000). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** What {@link useServeHarness} gives a suite. */
export interface ServeHarness {
  /** Receives the alerts of every serve this harness starts; cleared after each test. */
  readonly capture: OtlpCaptureServer;
  /**
   * Starts `secmon serve --port 0 ...args`, exporting to {@link capture}, and resolves once it has printed its
   * startup lines (`listening on ...` and `alerts go to ...`); rejects with its stderr when it exits first. The
   * process is killed after the test if it still runs.
   */
  start(args?: readonly string[], env?: Record<string, string>): Promise<ServeProcess>;
}

/**
 * Registers the suite hooks (capture server for the file, serve processes killed after each test) and returns
 * the harness. Call it once at the top level of a test file.
 *
 * @param env environment every serve of the file gets, under the `env` of each `start()`.
 */
export function useServeHarness(env: Record<string, string> = {}): ServeHarness {
  let capture: OtlpCaptureServer | undefined;
  const children: ChildProcess[] = [];
  const captureServer = (): OtlpCaptureServer => {
    if (capture === undefined) throw new Error('the serve harness is used outside a test');
    return capture;
  };

  beforeAll(async () => {
    capture = await OtlpCaptureServer.start();
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    capture?.clear();
  });
  afterAll(async () => {
    await capture?.close();
  });

  return {
    get capture() {
      return captureServer();
    },
    async start(args = [], startEnv = {}) {
      const child = spawnCli(['serve', '--port', '0', ...args], {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: captureServer().url, ...env, ...startEnv },
      });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        // The line after `listening on` says where alerts go and which actions run: tests assert on both.
        const check = (): void => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\/v1\/logs[^\n]*\n[^\n]*\n/.exec(err);
          if (m !== null) resolve(m[1]!);
        };
        child.stderr!.on('data', check);
        child.on('error', reject);
        void exit.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
      });
      const stderr = (): string => err;
      return {
        child,
        url,
        stderr,
        exit,
        post: (path, body, headers = { 'content-type': 'application/json' }) =>
          post(`${url}${path}`, typeof body === 'string' ? Buffer.from(body) : body, headers),
        waitForStderr: (pattern, timeoutMs = 10_000) => waitFor(stderr, pattern, timeoutMs),
      };
    },
  };
}

function post(url: string, body: Buffer, headers: Record<string, string>): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const length =
      headers['transfer-encoding'] === 'chunked' ? {} : { 'content-length': String(body.length) };
    const req = request(url, { method: 'POST', headers: { ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(read()).toMatch(pattern);
}
