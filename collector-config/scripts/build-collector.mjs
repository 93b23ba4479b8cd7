#!/usr/bin/env node
// `npm run collector:build`: builds secmon's collector distribution (otelcol-secmon) from builder-config.yaml.
//
// - Installs the collector builder (ocb) at the release pinned in the manifest, with `go install`, into a cache
//   directory outside the work tree (a fresh clone on the same machine reuses it).
// - Builds into collector-config/_build/ (ignored by git) with --skip-strict-versioning=false, CGO off (static
//   binary for the FROM scratch test image), GOTOOLCHAIN=local and GOFLAGS=-p=2 unless set.
// - Reuses the previous build when nothing that goes into it changed: the stamp is a hash of the manifest, our
//   own components' sources, the builder version and the Go version (collector-config/.build-stamp).
// - Prints the build time and the binary size. Go's module and build caches stay in their default places.
//
// Flags: --force (rebuild even when the stamp matches), --check (verify the pin only, build nothing).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..'); // collector-config/
const manifestPath = join(root, 'builder-config.yaml');
const outDir = join(root, '_build');
const binary = join(outDir, 'otelcol-secmon');
const stampPath = join(root, '.build-stamp');
const args = new Set(process.argv.slice(2));

function fail(message) {
  console.error(`collector:build: ${message}`);
  process.exit(1);
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const env = {
  ...process.env,
  GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local', // fail fast instead of fetching another toolchain
  GOFLAGS: process.env.GOFLAGS ?? '-p=2', // 2 cores, shared
  CGO_ENABLED: '0',
};

// 1. Go must be there.
const goVersion = spawnSync('go', ['version'], { env, encoding: 'utf8' });
if (goVersion.error || goVersion.status !== 0) {
  fail(
    'Go is not installed or not on PATH (`go version` failed). The collector distribution is compiled with Go ' +
      '>= 1.25: install it (https://go.dev/doc/install, or your package manager) and run `npm run collector:build` ' +
      'again. The end-to-end suites can also use the official contrib image instead: see collector-config/README.md.',
  );
}

// 2. The pin: every collector v0 module and every contrib module at one version, the stable modules at the
//    matching v1 (v1.N <-> v0.(N+94)), and the builder at the same v0 version.
const manifest = readFileSync(manifestPath, 'utf8');
const gomods = [...manifest.matchAll(/^\s*-\s*gomod:\s*(\S+)\s+(v\d+\.\d+\.\d+)\s*$/gm)].map((m) => ({
  mod: m[1],
  version: m[2],
}));
if (gomods.length === 0) fail(`no gomod entries found in ${manifestPath}`);
const v0 = new Set(gomods.filter((g) => g.version.startsWith('v0.')).map((g) => g.version));
const v1 = new Set(gomods.filter((g) => g.version.startsWith('v1.')).map((g) => g.version));
if (v0.size !== 1 || v1.size > 1) {
  fail(
    `the manifest mixes releases (v0: ${[...v0].join(', ')}; v1: ${[...v1].join(', ')}): pin everything to one release`,
  );
}
const builderVersion = [...v0][0];
const minor0 = Number(builderVersion.split('.')[1]);
if (v1.size === 1) {
  const minor1 = Number([...v1][0].split('.')[1]);
  if (minor1 + 94 !== minor0)
    fail(`stable modules ${[...v1][0]} do not pair with ${builderVersion} (v1.N <-> v0.(N+94))`);
}
console.log(
  `collector:build: release ${builderVersion}${v1.size ? ` / ${[...v1][0]}` : ''}, ${gomods.length} modules, ${goVersion.stdout.trim()}`,
);
if (args.has('--check')) process.exit(0);

// 3. The stamp: manifest + our components' sources + builder and Go versions.
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p);
    return /\.(go|mod|sum)$/.test(e.name) && !e.name.endsWith('_test.go') ? [p] : [];
  });
}
const hash = createHash('sha256');
hash.update(manifest);
hash.update(goVersion.stdout);
for (const f of filesUnder(join(root, 'components')).sort()) {
  hash.update(relative(root, f));
  hash.update(readFileSync(f));
}
const stamp = hash.digest('hex');

if (
  !args.has('--force') &&
  existsSync(binary) &&
  existsSync(stampPath) &&
  readFileSync(stampPath, 'utf8').trim() === stamp
) {
  console.log(
    `collector:build: manifest unchanged, reusing ${relative(process.cwd(), binary)} (${mib(statSync(binary).size)})`,
  );
  process.exit(0);
}

// 4. The builder, installed once per version into a cache directory.
const cacheDir = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'secmon',
  'ocb',
  builderVersion,
);
const builder = join(cacheDir, 'builder');
if (!existsSync(builder)) {
  mkdirSync(cacheDir, { recursive: true });
  console.log(
    `collector:build: installing go.opentelemetry.io/collector/cmd/builder@${builderVersion} into ${cacheDir}`,
  );
  const install = spawnSync(
    'go',
    ['install', '-trimpath', '-ldflags=-s -w', `go.opentelemetry.io/collector/cmd/builder@${builderVersion}`],
    { env: { ...env, GOBIN: cacheDir }, stdio: 'inherit' },
  );
  if (install.status !== 0) fail(`installing the builder ${builderVersion} failed`);
}
const builderOut = spawnSync(builder, ['version'], { env, encoding: 'utf8' });
if (!`${builderOut.stdout}${builderOut.stderr}`.includes(builderVersion))
  fail(`${builder} is not ${builderVersion}: ${builderOut.stdout}${builderOut.stderr}`);

// 5. Build.
mkdirSync(outDir, { recursive: true });
const started = process.hrtime.bigint();
const build = spawnSync(builder, [`--config=${manifestPath}`, '--skip-strict-versioning=false'], {
  cwd: root, // output_path and the components' `path:` are relative to the working directory
  env,
  stdio: 'inherit',
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (build.status !== 0 || !existsSync(binary))
  fail(`the builder failed after ${seconds.toFixed(0)} s (exit ${build.status})`);
writeFileSync(stampPath, `${stamp}\n`);
const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `collector:build: built ${relative(process.cwd(), binary)} in ${seconds.toFixed(1)} s, ${mib(statSync(binary).size)} (${version})`,
);
