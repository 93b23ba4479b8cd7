// The Docker side of the harness: is an engine running, and the local collector image (FROM scratch, built from
// the static otelcol-secmon binary; no registry is reachable from our machines, so nothing is pulled).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { COLLECTOR_BINARY } from './paths.js';

const run = promisify(execFile);

/**
 * Testcontainers settings for this environment (DESIGN.md): no Ryuk (its image cannot be pulled; every suite
 * stops its containers in teardown), and the host is loopback (containers use host networking).
 * Must run before testcontainers is imported, hence the dynamic imports in Collector.ts.
 */
export function configureTestcontainers(): void {
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
}

/** `true` when a Docker engine answers, else the reason (for requireService). */
export async function dockerEngineCheck(): Promise<true | string> {
  try {
    const { stdout } = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 15_000 });
    return stdout.trim() !== '' ? true : 'docker info returned no server version';
  } catch (err) {
    return (
      'no Docker engine is running (start one: apt-get install docker.io; ' +
      `dockerd --bridge=none --iptables=false --ip6tables=false &): ${(err as Error).message.split('\n')[0]}`
    );
  }
}

/** The image the suites run: SECMON_COLLECTOR_IMAGE (e.g. the official contrib image), else our local build. */
export function imageFromEnv(): string | undefined {
  const image = process.env['SECMON_COLLECTOR_IMAGE'];
  return image !== undefined && image !== '' ? image : undefined;
}

/** `true` when the suites have an image to run, else the reason. */
export function collectorImageCheck(): true | string {
  if (imageFromEnv() !== undefined) return true;
  return existsSync(COLLECTOR_BINARY)
    ? true
    : `${COLLECTOR_BINARY} is missing: run npm run collector:build (or set SECMON_COLLECTOR_IMAGE)`;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

let imagePromise: Promise<string> | undefined;

/**
 * The image name to run. With SECMON_COLLECTOR_IMAGE set, that image (it must already be present or pullable).
 * Otherwise `secmon/otelcol-secmon:<binary hash>`, built once per binary with the docker CLI from a context that
 * holds only the binary. The image runs as an unprivileged user, as the official contrib image does.
 */
export async function collectorImage(): Promise<string> {
  const fromEnv = imageFromEnv();
  if (fromEnv !== undefined) return fromEnv;
  imagePromise ??= (async () => {
    const tag = `secmon/otelcol-secmon:${(await sha256File(COLLECTOR_BINARY)).slice(0, 16)}`;
    try {
      await run('docker', ['image', 'inspect', tag], { timeout: 30_000 });
      return tag;
    } catch {
      // not built yet
    }
    const context = mkdtempSync(join(tmpdir(), 'secmon-image-'));
    try {
      copyFileSync(COLLECTOR_BINARY, join(context, 'otelcol-secmon'));
      chmodSync(join(context, 'otelcol-secmon'), 0o755);
      writeFileSync(
        join(context, 'Dockerfile'),
        [
          'FROM scratch',
          'COPY otelcol-secmon /otelcol-secmon',
          'USER 10001:10001',
          'ENTRYPOINT ["/otelcol-secmon"]',
          '',
        ].join('\n'),
      );
      await pruneOldImages(tag);
      await run('docker', ['build', '--quiet', '--tag', tag, context], {
        timeout: 300_000,
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
      });
      return tag;
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  })();
  return imagePromise;
}

/** Remove the images of earlier binaries (best effort: an image still in use stays). */
async function pruneOldImages(keep: string): Promise<void> {
  try {
    const { stdout } = await run(
      'docker',
      ['image', 'ls', 'secmon/otelcol-secmon', '--format', '{{.Repository}}:{{.Tag}}'],
      { timeout: 30_000 },
    );
    const old = stdout.split('\n').filter((t) => t !== '' && t !== keep);
    if (old.length > 0)
      await run('docker', ['image', 'rm', ...old], { timeout: 60_000 }).catch(() => undefined);
  } catch {
    // nothing to prune
  }
}

/** Send a signal to a container (SIGKILL for the durability suite: no graceful shutdown, no final flush). */
export async function killContainer(id: string, signal = 'KILL'): Promise<void> {
  await run('docker', ['kill', `--signal=${signal}`, id], { timeout: 30_000 });
}
