import { describe, it } from 'vitest';
import { serviceAvailable } from './requireService.js';
import type { RequireServiceOptions, ServiceCheck } from './requireService.js';

/**
 * Declares a suite that needs local services (Redis, the Docker engine, the collector, an SMTP server...): the one
 * place where the team's CI rule (DESIGN.md "Testing") lives. The checks run in order, stopping at the first
 * missing service.
 * - Every service available: the suite runs.
 * - A service missing on a developer machine: the reason is printed (`[skip] ...`) and the suite is declared
 *   with one test that names the service and is skipped with that reason in the report.
 * - A service missing with `CI=true`: the suite is declared with one test that fails and names the service, so
 *   the run is red and says why; nothing is skipped in CI.
 *
 * @example
 * await describeWithServices('a fleet on Redis', { redis: RedisServer.check }, () => {
 *   it('should raise one alert fleet-wide', async () => { ... });
 * });
 */
export async function describeWithServices(
  title: string,
  needs: Readonly<Record<string, ServiceCheck>>,
  body: () => void,
  options: RequireServiceOptions = {},
): Promise<void> {
  for (const [name, check] of Object.entries(needs)) {
    const status = await serviceAvailable(name, check);
    if (status.available) continue;
    const message = `service '${name}' unavailable: ${status.reason ?? 'unknown reason'}`;
    const ci = (options.env ?? process.env)['CI'] === 'true';
    if (!ci) (options.log ?? console.warn)(`[skip] ${title}: ${message}`);
    // The body is never declared: one test names the service instead, failing in CI, and on a developer
    // machine skipped with the reason in the report (not a silently skipped suite).
    describe(title, () => {
      it(`needs ${name}`, (ctx) => {
        if (!ci) ctx.skip(message);
        throw new Error(`${message} (CI=true: a missing service fails the suite instead of skipping it)`);
      });
    });
    return;
  }
  describe(title, body);
}
