// The CI rule, end to end: a child vitest runs a suite whose service is missing, with and without CI=true.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

function runFixture(ci: boolean): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env['CI'];
  if (ci) env['CI'] = 'true';
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', '--config', 'test/fixtures/vitest.fixture.config.ts'],
    {
      cwd: pkg,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('describeWithServices', () => {
  it('should fail the run, naming the service, when a service is missing and CI=true', () => {
    const r = runFixture(true);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('needs no-such-service');
    expect(r.output).toContain("service 'no-such-service' unavailable: not installed here");
    expect(r.output).toMatch(/1 failed/);
    expect(r.output).not.toMatch(/skipped/);
  });

  it('should skip the suite with the reason printed on a developer machine, and run the others', () => {
    const r = runFixture(false);
    expect(r.status).toBe(0);
    expect(r.output).toContain(
      "[skip] needs a missing service: service 'no-such-service' unavailable: not installed here",
    );
    expect(r.output).toMatch(/1 passed/);
    expect(r.output).toMatch(/1 skipped/);
  });
});
