import { describe, it } from 'vitest';
import { serviceAvailable } from './requireService.js';
import type { RequireServiceOptions, ServiceCheck } from './requireService.js';

/**
 * Declares a suite that needs local services (Redis, the Docker engine, the collector, an SMTP server...): the one
 * place where the team's CI rule (DESIGN.md "Testing") lives. The checks run in order, stopping at the first
 * missing service.
 * - Every service available: the suite runs.
 * - A service missing on a developer machine: the suite is skipped and the reason printed (`[skip] ...`).
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
    if ((options.env ?? process.env)['CI'] === 'true') {
      describe(title, () => {
        it(`needs ${name}`, () => {
          throw new Error(`${message} (CI=true: a missing service fails the suite instead of skipping it)`);
        });
      });
    } else {
      (options.log ?? console.warn)(`[skip] ${title}: ${message}`);
      describe.skip(title, body);
    }
    return;
  }
  describe(title, body);
}
