#!/usr/bin/env node
// `npm test`: lints (typescript-eslint, prettier), then type-checks and runs every workspace's suites through
// turbo, and prints one closing line for the whole monorepo ("N passed, N failed, N skipped") summed from each
// suite's vitest JSON report; a lint failure counts as one failed test. Exit code: non-zero if anything failed.
// `npm test -- --no-lint` skips the lint step (turbo flags after it pass through, e.g. `--filter=@secmon/cli`).
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

const extra = process.argv.slice(2);
const noLint = extra.includes('--no-lint');
let lintFailed = false;
if (!noLint) {
  console.log('lint: eslint . && prettier --check .');
  const eslint = spawnSync('eslint', ['.', '--max-warnings=0'], { stdio: 'inherit', cwd: root });
  const prettier = spawnSync('prettier', ['--check', '--log-level=warn', '.'], {
    stdio: 'inherit',
    cwd: root,
  });
  lintFailed = eslint.status !== 0 || prettier.status !== 0;
  console.log(lintFailed ? 'lint: FAILED' : 'lint: ok');
}

const args = ['run', 'test', '--concurrency=1', '--continue', ...extra.filter((a) => a !== '--no-lint')];
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
let code = run.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a suite that crashed before reporting still fails the run
if (lintFailed) {
  failed += 1;
  if (code === 0) code = 1;
}
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code);
