// Copied from packages/processor/test/support (same real aiosmtpd server); a candidate for @secmon/test-utils.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReceivedMail {
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** A Python that has aiosmtpd: Debian's (python3-aiosmtpd, installed by .ci/run) first, then the PATH's. */
function findPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Why the SMTP suites cannot run here, or undefined (describeWithServices applies the CI rule). */
export function smtpUnavailableReason(): string | undefined {
  if (findPython() !== undefined) return undefined;
  const reason = 'python3 with aiosmtpd not found (apt-get install python3-aiosmtpd)';
  return reason;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitForBanner(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`aiosmtpd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('220'));
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('aiosmtpd did not start');
}

function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A real SMTP server (aiosmtpd with a Maildir handler) on 127.0.0.1, started as a child process. */
export async function startSmtpServer() {
  const python = findPython();
  if (python === undefined) throw new Error('aiosmtpd not available');
  const dir = mkdtempSync(join(tmpdir(), 'secmon-smtp-'));
  const maildir = join(dir, 'Maildir');
  const port = await freePort();
  const child = spawn(
    python,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: 'ignore' },
  );
  await waitForBanner(port, child);
  const read = (): ReceivedMail[] => {
    let files: string[];
    try {
      files = readdirSync(join(maildir, 'new')).sort();
    } catch {
      return [];
    }
    return files.map((f) => {
      const raw = readFileSync(join(maildir, 'new', f), 'utf8');
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
    });
  };
  return {
    port,
    messages: read,
    async waitForMessages(count: number): Promise<ReceivedMail[]> {
      for (let i = 0; i < 200; i++) {
        const m = read();
        if (m.length >= count) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`expected ${count} messages, got ${read().length}`);
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
