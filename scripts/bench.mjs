#!/usr/bin/env node
// `npm run bench`: runs each package's benchmarks (vitest bench) one package at a time, so that the
// figures of one package are not disturbed by another's. Ratios against the anchors are printed by
// each bench file; the package READMEs quote them.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const run = spawnSync('turbo', ['run', 'bench', '--concurrency=1', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(run.status ?? 1);
