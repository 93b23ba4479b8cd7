// The CI rule (DESIGN.md "Testing"): a suite that needs the Docker engine, the collector image or rsyslog skips
// locally with the reason printed, and FAILS when CI=true.
import { requireService } from '@secmon/test-utils';
import { collectorImageCheck, dockerEngineCheck } from './docker.js';

/** What the collector suites need, in order: a Docker engine, then the collector binary or SECMON_COLLECTOR_IMAGE. */
export const COLLECTOR_NEEDS = { docker: dockerEngineCheck, 'otelcol-secmon': collectorImageCheck } as const;

/** For benchmarks: true when the collector can run here (Docker engine + collector binary or SECMON_COLLECTOR_IMAGE). */
export async function collectorAvailable(): Promise<boolean> {
  const docker = await requireService('docker', dockerEngineCheck);
  if (!docker) return false;
  return requireService('otelcol-secmon', collectorImageCheck);
}
