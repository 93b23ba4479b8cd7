// The ECS/OCSF mapping statements are generated from @secmon/semconv: one schema, no hand-copied tables.
// This suite fails while collector-config/generated/ecs-ocsf.yaml differs from what the catalogue generates.
// Regenerate with `npm run generate:collector -w @secmon/e2e-tests` (sets SECMON_UPDATE_GENERATED=1).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE } from '@secmon/semconv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  GENERATED_MAPPINGS_PATH,
  renderEcsOcsfMappings,
} from '../../collector-config/scripts/generate-mappings.js';
import { COLLECTOR_CONFIG_DIR } from './harness/paths.js';

const file = join(COLLECTOR_CONFIG_DIR, GENERATED_MAPPINGS_PATH);

describe('generated ECS/OCSF mappings', () => {
  const expected = renderEcsOcsfMappings();
  if (process.env['SECMON_UPDATE_GENERATED'] === '1') writeFileSync(file, expected);

  it('is up to date with the @secmon/semconv catalogue', () => {
    const actual = readFileSync(file, 'utf8');
    expect(
      actual,
      `${GENERATED_MAPPINGS_PATH} is stale: run npm run generate:collector -w @secmon/e2e-tests`,
    ).toBe(expected);
  });

  it('maps every catalogue event exactly once, with its OCSF class', () => {
    const doc = parse(readFileSync(file, 'utf8')) as {
      processors: Record<string, { log_statements: Array<{ statements: string[] }> }>;
    };
    const statements = doc.processors['transform/ecs_ocsf']?.log_statements[0]?.statements ?? [];
    for (const def of CATALOGUE) {
      const matching = statements.filter((s) => s.endsWith(`where log.event_name == "${def.name}"`));
      expect(matching, def.name).toHaveLength(1);
      expect(matching[0]).toContain(`"ocsf.class_uid": ${def.ocsf.classUid}`);
      expect(matching[0]).toContain(`"event.action": "${def.action}"`);
    }
  });
});
