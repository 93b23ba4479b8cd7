import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** collector-config/: manifest, gateway config, overlays, recipes. */
export const COLLECTOR_CONFIG_DIR = join(REPO_ROOT, 'collector-config');
/** The distribution built by `npm run collector:build`. */
export const COLLECTOR_BINARY = join(COLLECTOR_CONFIG_DIR, '_build', 'otelcol-secmon');
/** Fixtures shared with other suites (e.g. the archive sample for the CLI). */
export const FIXTURES_DIR = join(REPO_ROOT, 'tests', 'fixtures');
