// A real syslog receiver: Debian's rsyslogd as a child process with a generated configuration, listening with
// imtcp on a loopback port. Each received message is written as one JSON line of the fields rsyslog PARSED
// (priority, hostname, app-name, msgid, structured data, msg), and mmpstrucdata parses the structured data, so
// the suites check what a SIEM's syslog parser sees, escaping included.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandExists } from '@secmon/test-utils';
import { freePort, waitUntil } from './ports.js';

/** One message as rsyslog parsed it. */
export interface SyslogMessage {
  pri: string;
  facility: string;
  severity: string;
  timestamp: string;
  hostname: string;
  appname: string;
  procid: string;
  msgid: string;
  structuredData: string;
  /** mmpstrucdata's parse of the structured data: { "<sd-id>": { "<param>": "<unescaped value>" } }. */
  sd: Record<string, Record<string, string>>;
  msg: string;
  raw: string;
}

const RSYSLOGD_CANDIDATES = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'];

function rsyslogdPath(): string | undefined {
  return (
    RSYSLOGD_CANDIDATES.find((p) => existsSync(p)) ?? (commandExists('rsyslogd') ? 'rsyslogd' : undefined)
  );
}

/** `true` when rsyslogd is installed, else the reason (for requireService). */
export function rsyslogCheck(): true | string {
  return rsyslogdPath() !== undefined ? true : 'rsyslogd is not installed (apt-get install rsyslog)';
}

export class Rsyslog {
  readonly port: number;
  private readonly _dir: string;
  private readonly _out: string;
  private readonly _child: ChildProcess;
  private readonly _stderr: string[] = [];

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this._dir = dir;
    this._out = join(dir, 'messages.jsonl');
    this._child = child;
    child.stderr?.on('data', (d: Buffer) => this._stderr.push(d.toString()));
  }

  static async start(): Promise<Rsyslog> {
    const bin = rsyslogdPath();
    if (bin === undefined) throw new Error('rsyslogd is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'secmon-rsyslog-'));
    const port = await freePort();
    const out = join(dir, 'messages.jsonl');
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imtcp" maxSessions="20")
module(load="mmpstrucdata")
input(type="imtcp" address="127.0.0.1" port="${port}" ruleset="secmon")
template(name="secmonJson" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="facility" name="syslogfacility-text" format="jsonf")
  property(outname="severity" name="syslogseverity-text" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="appname" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="structuredData" name="structured-data" format="jsonf")
  property(outname="sd" name="$!rfc5424-sd" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="raw" name="rawmsg" format="jsonf")
}
ruleset(name="secmon") {
  action(type="mmpstrucdata")
  action(type="omfile" file="${out}" template="secmonJson")
}
`,
    );
    const check = spawn(bin, ['-N1', '-f', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const checkOut: string[] = [];
    check.stdout?.on('data', (d: Buffer) => checkOut.push(d.toString()));
    check.stderr?.on('data', (d: Buffer) => checkOut.push(d.toString()));
    const code = await new Promise<number | null>((r) => check.on('exit', r));
    if (code !== 0) throw new Error(`rsyslogd rejected its configuration: ${checkOut.join('')}`);

    const child = spawn(bin, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const rsyslog = new Rsyslog(port, dir, child);
    await waitUntil(
      async () => {
        const { connect } = await import('node:net');
        return new Promise<boolean>((resolve) => {
          const s = connect(port, '127.0.0.1', () => {
            s.end();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
      },
      10_000,
      `rsyslogd listening on ${port} (${rsyslog._stderr.join('')})`,
    );
    return rsyslog;
  }

  /** Messages received so far. */
  messages(): SyslogMessage[] {
    if (!existsSync(this._out)) return [];
    return readFileSync(this._out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const m = JSON.parse(l) as Omit<SyslogMessage, 'sd'> & { sd: unknown };
        const sd = typeof m.sd === 'string' ? (m.sd === '' ? {} : JSON.parse(m.sd)) : (m.sd ?? {});
        return { ...m, sd: sd as SyslogMessage['sd'] };
      });
  }

  async stop(): Promise<void> {
    if (this._child.exitCode === null) {
      const exited = new Promise((r) => this._child.on('exit', r));
      this._child.kill('SIGTERM');
      await exited;
    }
    rmSync(this._dir, { recursive: true, force: true });
  }
}
