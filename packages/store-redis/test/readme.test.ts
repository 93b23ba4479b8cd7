// The README's example, run as written: two runs of the same "service" against one real Redis. The first
// run's 5 failed logins and the second's are one attack to the fleet, so only the second run alerts.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RedisServer, describeWithServices } from '@secmon/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function example(): Promise<string> {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const at = readme.indexOf('<!-- example:fleet -->');
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || m === null) throw new Error('README example not found');
  return m[1]!;
}

await describeWithServices('README example', { redis: RedisServer.check }, () => {
  let redis: RedisServer;
  const file = `${ROOT}test/.readme-example.tmp.ts`;

  beforeAll(async () => {
    redis = await RedisServer.start();
    await writeFile(file, await example());
  });
  afterAll(async () => {
    await rm(file, { force: true });
    await redis?.close();
  });

  it('should alert (and block fleet-wide) on the second run only', async () => {
    const argv = ['--conditions=@secmon/source', '--import', `${ROOT}../../scripts/source-hooks.mjs`, file];
    const env = { ...process.env, REDIS_URL: redis.url, NODE_OPTIONS: '' };
    const first = await run(process.execPath, argv, { env, cwd: ROOT, timeout: 30_000 });
    const second = await run(process.execPath, argv, { env, cwd: ROOT, timeout: 30_000 });
    expect(first.stdout).not.toContain('ALERT');
    expect(first.stdout).toContain('203.0.113.7 blocked: false');
    expect(second.stdout).toContain(
      'ALERT authn.brute_force.client client.address=203.0.113.7 count=10 origin=shared degraded=false',
    );
    expect(second.stdout).toContain('203.0.113.7 blocked: true');
  });
});
