#!/usr/bin/env node
// `npm start`: the whole secmon story on embedded defaults (examples/express-shop + attack simulator).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const demo = new URL('../examples/express-shop/scripts/demo.mjs', import.meta.url).pathname;
if (!existsSync(demo)) {
  console.log('secmon: demo not built yet (examples/express-shop lands with the examples issue).');
  console.log('Run `npm test` to see the packages at work.');
  process.exit(0);
}
const run = spawnSync(process.execPath, [demo, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
