// `secmon analyze` end to end: the real executable in a child process, on logs this project generates.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliArgv, runCli } from '../support/runCli.js';
import type { ExpectedAlert, PlantedAttack, TrafficRecord } from '../support/traffic.js';
import { generateTraffic } from '../support/traffic.js';
import { toJsonLine, toOtlpJsonLines } from '../support/writers.js';

const dir = mkdtempSync(join(tmpdir(), 'secmon-analyze-'));
let records: TrafficRecord[];
let attacks: PlantedAttack[];
let jsonlFile: string;
let otlpFolder: string;

interface JsonlAlert {
  ruleId: string;
  group: Record<string, string>;
  count: number;
  firstTimeUnixNano: string;
  lastTimeUnixNano: string;
  evidenceCount: number;
  severity: string;
}

/** True when the text holds BEL, ESC or a bidi override (what a hostile log line would smuggle in). */
function hasControl(text: string): boolean {
  return text.includes('\u0007') || text.includes('\u001b') || text.includes('\u202e');
}

function parseAlerts(stdout: string): JsonlAlert[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonlAlert);
}

function key(a: { rule?: string; ruleId?: string; group: Record<string, string> }): string {
  return `${a.rule ?? a.ruleId} ${JSON.stringify(Object.entries(a.group).sort())}`;
}

function expectedKeys(): string[] {
  return attacks.flatMap((a) => a.expect.map((e: ExpectedAlert) => key(e))).sort();
}

beforeAll(() => {
  ({ records, attacks } = generateTraffic({ events: 20_000, seed: 7 }));
  jsonlFile = join(dir, 'shop.jsonl');
  writeFileSync(jsonlFile, records.map(toJsonLine).join('\n') + '\n');
  // The same log as the collector's file exporter would archive it: OTLP/JSON lines, rotated, older part gzipped.
  otlpFolder = join(dir, 'archive');
  mkdirSync(otlpFolder);
  const lines = toOtlpJsonLines(records, 256);
  const half = Math.floor(lines.length / 2);
  writeFileSync(join(otlpFolder, 'logs-1.json.gz'), gzipSync(lines.slice(0, half).join('\n') + '\n'));
  writeFileSync(join(otlpFolder, 'logs-2.json'), lines.slice(half).join('\n') + '\n');
});

describe('secmon analyze', () => {
  it('should find exactly the planted attacks in generated JSON lines', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', jsonlFile]);
    expect(r.stderr).toBe('');
    const alerts = parseAlerts(r.stdout);
    expect(alerts.map(key).sort()).toEqual(expectedKeys());
    expect(attacks.length).toBeGreaterThanOrEqual(10);
    expect(r.code).toBe(1);
  });

  it('should carry rule id, group, count, first and last event time in unix nanos and evidence count per jsonl line', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', jsonlFile]);
    const brute = parseAlerts(r.stdout).find((a) => a.ruleId === 'authn.brute_force.client')!;
    const attackStart = records.find((x) => x.attributes['client.address'] === '203.0.113.10')!.timeUnixNano;
    expect(brute).toMatchObject({
      ruleId: 'authn.brute_force.client',
      severity: 'high',
      group: { 'client.address': '203.0.113.10' },
      count: 10,
      firstTimeUnixNano: attackStart,
      lastTimeUnixNano: String(BigInt(attackStart) + 9n * 6_000_000_000n),
      evidenceCount: 10,
    });
  });

  it('should find the same attacks in a rotated OTLP/JSON archive folder, gzip part included', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', otlpFolder]);
    expect(r.stderr).toBe('');
    expect(parseAlerts(r.stdout).map(key).sort()).toEqual(expectedKeys());
  });

  it('should read standard input', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', '-'], {
      input: records.map(toJsonLine).join('\n'),
    });
    expect(parseAlerts(r.stdout).map(key).sort()).toEqual(expectedKeys());
  });

  it('should print a readable report: rules by severity, top keys, timeline, input summary; no colour in a pipe', async () => {
    const r = await runCli(['analyze', jsonlFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).not.toContain('\u001b');
    expect(out).toMatch(/^secmon analyze: 20,\d{3} events from 1 input, 2025-03-14 08:00:00Z to /);
    expect(out).toContain(
      `${attacks.length} alerts from ${attacks.length} rules (3 critical, 6 high, 2 medium)`,
    );
    expect(out.indexOf('CRITICAL  authn.')).toBeLessThan(out.indexOf('HIGH      authn.'));
    expect(out).toMatch(
      /top keys\s+alerts\s+events\s+first seen\s+last seen\n\s+client\.address=203\.0\.113\.10\s+1\s+10\s+2025-03-14/,
    );
    expect(out).toContain('Timeline (event time, UTC)');
    expect(out).toMatch(
      /\n {2}2025-03-14 08:\d\d:\d\dZ to 08:\d\d:\d\dZ\s+HIGH\s+authn\.brute_force\.client\s+client\.address=203\.0\.113\.10\s+\(10 events\)/,
    );
    expect(out).toMatch(/Input\n {2}1 input, 20,\d{3} lines, 20,\d{3} log records/);
  });

  it('should exit 0 with "No alerts." on benign traffic only', async () => {
    const benign = generateTraffic({ events: 20_000, seed: 3, attacks: false }).records;
    const file = join(dir, 'benign.jsonl');
    writeFileSync(file, benign.map(toJsonLine).join('\n') + '\n');
    const r = await runCli(['analyze', file]);
    expect(r.stdout).toContain('No alerts.');
    expect(r.code).toBe(0);
  });

  it('should set the exit code from --fail-on', async () => {
    // Only the 404 scan (a medium alert).
    const scan = records.filter((x) => x.attributes['client.address'] === '203.0.113.90');
    const file = join(dir, 'scan.jsonl');
    writeFileSync(file, scan.map(toJsonLine).join('\n') + '\n');
    const codes: Record<string, number | null> = {};
    for (const level of ['informational', 'medium', 'high', 'critical', 'never']) {
      codes[level] = (await runCli(['analyze', '--fail-on', level, file])).code;
    }
    expect(codes).toEqual({ informational: 1, medium: 1, high: 0, critical: 0, never: 0 });
  });

  it('should count malformed, truncated and huge lines with their line numbers, and go on', async () => {
    const good = records.map(toJsonLine);
    const huge = JSON.stringify({ ...records[0], attributes: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const lines = [
      ...good.slice(0, 100),
      '{"eventName": "secmon.authn.login_fail", broken',
      huge,
      'plain text line',
      ...good.slice(100),
    ];
    const file = join(dir, 'damaged.jsonl');
    writeFileSync(file, lines.join('\n') + '\n' + good[5]!.slice(0, 50));
    const r = await runCli(['analyze', '--max-line-size', '1MiB', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 malformed lines:\n {4}.*damaged\.jsonl:101 {2}invalid JSON: /);
    expect(r.stdout).toMatch(/\n {4}.*damaged\.jsonl:103 {2}invalid JSON: /);
    expect(r.stdout).toMatch(/1 truncated line:\n {4}.*damaged\.jsonl:\d+ {2}last line has no newline/);
    expect(r.stdout).toMatch(
      /1 oversize line:\n {4}.*damaged\.jsonl:102 {2}line of 2097\d{3} bytes is over the limit; skipped/,
    );
    // The attacks after the damage are still found.
    const j = await runCli(['analyze', '--format', 'jsonl', '--max-line-size', '1MiB', file]);
    expect(parseAlerts(j.stdout).map(key).sort()).toEqual(expectedKeys());
    // In jsonl mode stdout stays pure JSON lines; the input problems go to stderr.
    expect(j.stderr).toContain('2 malformed lines:');
  });

  it('should stop at the first bad line with exit 2 under --strict', async () => {
    const file = join(dir, 'strict.jsonl');
    writeFileSync(file, `${toJsonLine(records[0]!)}\nnot json\n${toJsonLine(records[1]!)}\n`);
    const r = await runCli(['analyze', '--strict', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--strict: .*strict\.jsonl:2: invalid JSON/);
  });

  it('should count a cut-off gzip file as an input error and still report what it read', async () => {
    const gz = gzipSync(records.map(toJsonLine).join('\n') + '\n');
    const file = join(dir, 'cut.jsonl.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await runCli(['analyze', file]);
    expect(r.stdout).toMatch(
      /1 input error:\n {4}.*cut\.jsonl\.gz {2}cannot read to the end: unexpected end of file/,
    );
    expect(r.stdout).toContain('authn.brute_force.client');
  });

  it('should escape attacker-controlled strings before printing them, even on a terminal with colours', async () => {
    const hostile = '\u001b]0;owned\u0007\u001b[2J203.0.113.66\nFAKE ALERT\u202e';
    const attack = Array.from({ length: 12 }, (_, i) => ({
      ...records[0]!,
      timeUnixNano: String(1741939830000000000n + BigInt(i) * 1_000_000_000n),
      eventName: 'secmon.authn.login_fail',
      attributes: { 'client.address': hostile, 'user.hash': `h${i}` },
    }));
    const file = join(dir, 'hostile.jsonl');
    writeFileSync(file, attack.map(toJsonLine).join('\n') + '\n');
    const piped = await runCli(['analyze', file]);
    expect(hasControl(piped.stdout)).toBe(false);
    expect(piped.stdout).toContain(
      'client.address="\\u{001b}]0;owned\\u{0007}\\u{001b}[2J203.0.113.66\\nFAKE ALERT\\u{202e}"',
    );
    const jsonl = await runCli(['analyze', '--format', 'jsonl', file]);
    expect(hasControl(jsonl.stdout)).toBe(false);
    expect(parseAlerts(jsonl.stdout)[0]!.group['client.address']).toBe(hostile);
    // On a terminal (a pty from util-linux `script`), colours are on but the log's escapes stay neutralised.
    const { command, args } = cliArgv(['analyze', file]);
    const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    let tty: string;
    try {
      tty = execFileSync('script', ['-qec', quoted, '/dev/null'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
      });
    } catch (err) {
      tty = String((err as { stdout?: string }).stdout ?? '');
    }
    expect(tty).toContain('\u001b[1m');
    expect(tty).not.toContain(']0;owned\u0007');
    expect(tty).not.toContain('\u001b[2J');
  });

  it('should say when events came too far out of order, and count them with --out-of-order', async () => {
    // Two archives read in the wrong order (names sort the later hour first).
    const folder = join(dir, 'unordered');
    mkdirSync(folder);
    const half = Math.floor(records.length / 2);
    writeFileSync(join(folder, 'a.jsonl'), records.slice(half).map(toJsonLine).join('\n') + '\n');
    writeFileSync(join(folder, 'b.jsonl'), records.slice(0, half).map(toJsonLine).join('\n') + '\n');
    const strictOrder = await runCli(['analyze', folder]);
    expect(strictOrder.stdout).toMatch(
      /\n {2}[\d,]+ events arrived too far out of time order and were not counted \(see --out-of-order\)\n/,
    );
    const tolerant = await runCli(['analyze', '--format', 'jsonl', '--out-of-order', '1d', folder]);
    expect(parseAlerts(tolerant.stdout).map(key).sort()).toEqual(expectedKeys());
    expect(tolerant.stderr).toBe('');
  });

  it('should use the rules given with --rules instead of the default pack', async () => {
    const rules = join(dir, 'only-404.yaml');
    writeFileSync(
      rules,
      [
        'rules:',
        '  - id: lab.scanner',
        '    title: Scanner user agent',
        '    type: event_count',
        '    match:',
        '      event: secmon.access.not_found',
        '      where:',
        '        user_agent.original: { regex: "^gobuster/" }',
        '    group-by: [client.address]',
        '    timespan: 1m',
        '    severity: low',
        '    suppress: 1h',
        '',
      ].join('\n'),
    );
    const r = await runCli(['analyze', '--format', 'jsonl', '--rules', rules, jsonlFile]);
    expect(parseAlerts(r.stdout).map(key)).toEqual([
      key({ rule: 'lab.scanner', group: { 'client.address': '203.0.113.90' } }),
    ]);
  });

  it('should exit 2 with exact messages on usage and input errors', async () => {
    const bad = join(dir, 'bad-rules.yaml');
    writeFileSync(
      bad,
      'rules:\n  - id: x\n    title: X\n    type: event_count\n    match: { event: a }\n    timespan: soon\n    severity: high\n',
    );
    const cases: Array<[string[], RegExp]> = [
      [['analyze'], /give at least one file, folder, or -/],
      [['analyze', '--nope', jsonlFile], /Unknown option '--nope'/],
      [['analyze', '--format', 'xml', jsonlFile], /--format must be text or jsonl, got "xml"/],
      [
        ['analyze', '--fail-on', 'severe', jsonlFile],
        /--fail-on must be one of informational, low, medium, high, critical, never; got "severe"/,
      ],
      [['analyze', join(dir, 'missing.jsonl')], /missing\.jsonl: no such file or directory/],
      [
        ['analyze', '--rules', bad, jsonlFile],
        /invalid rules\n {2}.*bad-rules\.yaml:6:\d+ rule "x" field "timespan": /,
      ],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
  });
});

const archive = join(import.meta.dirname, '../../../../tests/fixtures/collector-archive.jsonl');

// Written by the collector's file exporter in tests/collector/archive.test.ts (a shop morning: brute force below
// threshold, spraying below threshold, authz failures, card testing, a config change). Under the default pack
// only the card testing crosses its threshold.
describe('secmon analyze on the archive the collector end-to-end test wrote', () => {
  it('should read every line without a problem and find the card testing in it', async () => {
    const r = await runCli(['analyze', '--format', 'jsonl', '--strict', archive]);
    expect(r.stderr).toBe('');
    expect(parseAlerts(r.stdout).map(key)).toEqual([
      key({ rule: 'payment.card_testing', group: { 'client.address': '198.51.100.99' } }),
    ]);
    expect(r.code).toBe(1);
    const text = await runCli(['analyze', archive]);
    expect(text.stdout).toMatch(/\n {2}1 input, 1 line, 27 log records, 27 events checked/);
  });
});
