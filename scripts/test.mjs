#!/usr/bin/env node
// `npm test`: type-checks and runs every workspace's suites through turbo, then prints one closing line
// for the whole monorepo ("N passed, N failed, N skipped") summed from each suite's vitest JSON report.
// Exit code: turbo's (non-zero if any suite failed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'examples']
  .flatMap((dir) =>
    existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((d) => join(root, dir, d)) : [],
  )
  .concat([join(root, 'tests')]);
const reports = workspaces.map((w) => join(w, '.vitest-report.json'));
for (const r of reports) rmSync(r, { force: true });

const args = ['run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)];
const run = spawnSync('turbo', args, { stdio: 'inherit', cwd: root, shell: false });

let passed = 0;
let failed = 0;
let skipped = 0;
const failedFiles = [];
for (const r of reports) {
  if (!existsSync(r)) continue;
  const report = JSON.parse(readFileSync(r, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) if (file.status === 'failed') failedFiles.push(file.name);
}
if (failedFiles.length > 0) console.log(`\nFailed suites:\n  ${failedFiles.join('\n  ')}`);
const code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a suite that crashed before reporting still fails the run
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code);
