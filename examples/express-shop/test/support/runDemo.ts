import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHOP_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const REPO_ROOT = join(SHOP_DIR, '..', '..');

/** What the demo's summary.json holds (see scripts/demo.mjs). */
export interface DemoSummary {
  files: { events: string; traces: string };
  families: Record<string, number>;
  /** Counters of the shop's export processor after the final flush. */
  exportStats?: { received: number; exported: number; dropped: number; exportFailed: number };
  /** `secmon analyze` run on the events file by the demo: exit code and the rules that fired. */
  replay?: { exitCode: number | null; rules: string[]; headline: string[] };
  scenarios: {
    id: string;
    kind: string;
    expectedRules: string[];
    alerts: {
      ruleId: string;
      group: Record<string, string>;
      count: number;
      response?: { action: string; target?: string; durationMillis?: number; enforced: boolean };
    }[];
    missing: string[];
    requests: number;
    statuses: Record<string, number>;
    notes: string[];
  }[];
}

export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputDir: string;
  summary: DemoSummary;
}

/** Runs `scripts/demo.mjs` like `npm start` does, into a fresh output directory. */
export async function runDemo(args: string[] = []): Promise<DemoRun> {
  const outputDir = mkdtempSync(join(tmpdir(), 'secmon-demo-'));
  const child = spawn(process.execPath, [join(SHOP_DIR, 'scripts', 'demo.mjs'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, SECMON_DEMO_OUTPUT_DIR: outputDir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  let summary: DemoSummary;
  try {
    summary = JSON.parse(readFileSync(join(outputDir, 'summary.json'), 'utf8')) as DemoSummary;
  } catch {
    throw new Error(`the demo wrote no summary (exit ${code})\n${stdout}\n${stderr}`);
  }
  return { code, stdout, stderr, outputDir, summary };
}
