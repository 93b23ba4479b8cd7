import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnReaped } from './internal/spawnReaped.js';
import type { WaitOptions } from './OtlpCaptureServer.js';
import { freePort } from './RedisServer.js';

/** One message delivered to a {@link SmtpTestServer}, read back from its Maildir. */
export interface ReceivedMail {
  /** Header names in lowercase; folded header lines are unfolded. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, decoded when it is `quoted-printable`. */
  readonly text: string;
}

/** Options of {@link startSmtpServer}. */
export interface SmtpServerOptions {
  /** How long to wait for the server's `220` banner, ms. Default 10 000. */
  startTimeoutMs?: number;
}

/** A running server returned by {@link startSmtpServer}. */
export interface SmtpTestServer {
  /** Always `127.0.0.1`. */
  readonly host: string;
  readonly port: number;
  /** Every message delivered so far, in arrival order. */
  messages(): ReceivedMail[];
  /** Resolves with every message once at least `count` have arrived; rejects after `timeoutMs` (default 10 000). */
  waitForMessages(count: number, options?: WaitOptions): Promise<ReceivedMail[]>;
  /** Stops the server and removes its Maildir (idempotent, also `await using`). */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const UNAVAILABLE = 'python3 with aiosmtpd not found (apt-get install python3-aiosmtpd)';

/** A Python that has aiosmtpd: Debian's (python3-aiosmtpd, installed by .ci/run) first, then the PATH's. */
function findPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/**
 * Why {@link startSmtpServer} cannot run here, or `undefined` when it can. `describeWithServices` takes it as
 * `{ smtp: () => smtpUnavailableReason() ?? true }` and applies the CI rule (skip locally, fail when `CI=true`).
 */
export function smtpUnavailableReason(): string | undefined {
  return findPython() === undefined ? UNAVAILABLE : undefined;
}

/**
 * A real SMTP server for tests: aiosmtpd with its Maildir handler, run as a child process of the test on
 * 127.0.0.1 and a free port, writing into a temporary directory. Messages are read back from that Maildir, so a
 * test sees what an SMTP client really delivered. Declare the suite with `describeWithServices` and
 * {@link smtpUnavailableReason}.
 *
 * @example
 * await using smtp = await startSmtpServer();
 * // ... send to 127.0.0.1:smtp.port ...
 * const [mail] = await smtp.waitForMessages(1);
 * expect(mail!.headers['subject']).toBe('[secmon] ...');
 */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<SmtpTestServer> {
  const python = findPython();
  if (python === undefined) throw new Error(UNAVAILABLE);
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'secmon-smtp-'));
  const maildir = join(dir, 'Maildir');
  const port = await freePort();
  const child = spawnReaped(
    python,
    ['-m', 'aiosmtpd', '-n', '-l', `${host}:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Kept (bounded) for the error when aiosmtpd does not start, e.g. the port was taken after freePort().
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 16_384) output += chunk.toString('utf8');
  });

  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (running()) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForBanner(host, port, running, options.startTimeoutMs ?? 10_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}: ${output.trim()}`, { cause: err });
  }

  const read = (): ReceivedMail[] => {
    let files: string[];
    try {
      files = readdirSync(join(maildir, 'new')).sort(byDelivery);
    } catch {
      return [];
    }
    return files.map((f) => parseMail(readFileSync(join(maildir, 'new', f), 'utf8')));
  };
  return {
    host,
    port,
    messages: read,
    async waitForMessages(count: number, waitOptions: WaitOptions = {}): Promise<ReceivedMail[]> {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
      for (;;) {
        const m = read();
        if (m.length >= count) return m;
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${m.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function waitForBanner(
  host: string,
  port: number,
  running: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running()) throw new Error('aiosmtpd exited before it answered');
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, host);
      const done = (result: boolean): void => {
        sock.destroy();
        resolve(result);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('data', (d) => done(d.toString().startsWith('220')));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`aiosmtpd did not answer on ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Python's Maildir names files `<secs>.M<usecs>P<pid>Q<n>.<host>`, with `n` counting the files this one process
 * wrote; none of it is zero-padded, so a plain sort misorders e.g. `M99999` and `M100000`. `n` is the order.
 */
function byDelivery(a: string, b: string): number {
  const q = (name: string): number => Number(/Q(\d+)\./.exec(name)?.[1] ?? Number.NaN);
  const d = q(a) - q(b);
  return Number.isNaN(d) ? a.localeCompare(b) : d;
}

function parseMail(raw: string): ReceivedMail {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of (head ?? '').replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = rest.join('\n\n');
  return {
    headers,
    text: /quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')
      ? decodeQuotedPrintable(body)
      : body,
  };
}

function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
