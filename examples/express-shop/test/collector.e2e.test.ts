// `npm start -- --collector`: the same story through secmon's collector distribution (built by
// `npm run collector:build`; CI builds it in .ci/run). Asserts on the files the collector wrote.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithServices } from '@secmon/test-utils';
import { beforeAll, expect, it } from 'vitest';
import { CARDS, DEMO_PASSWORDS_FOR_TEST } from './support/secrets.js';
import { readLogRecords } from './support/otlpJson.js';
import type { FileLogRecord } from './support/otlpJson.js';
import { REPO_ROOT, runDemo } from './support/runDemo.js';
import type { DemoRun } from './support/runDemo.js';

const binary = join(REPO_ROOT, 'collector-config', '_build', 'otelcol-secmon');
const NEEDS = {
  'otelcol-secmon': () => existsSync(binary) || `${binary} is not built (npm run collector:build)`,
};

await describeWithServices('the demo through the collector (npm start -- --collector)', NEEDS, () => {
  let run: DemoRun;
  let records: FileLogRecord[];

  beforeAll(async () => {
    run = await runDemo(['--collector']);
    records = readLogRecords(run.summary.files.events);
  }, 170_000);

  it('should finish with exit code 0 and every expected alert', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const scenario of run.summary.scenarios) expect(scenario.missing, scenario.id).toEqual([]);
  });

  it('should deliver the events and the alerts through the collector, with its ECS/OCSF fields', () => {
    expect(records.filter((r) => r.eventName === 'secmon.authn.login_fail').length).toBeGreaterThan(50);
    const alerts = records.filter((r) => r.eventName === 'secmon.alert');
    const expected = run.summary.scenarios.flatMap((s) => s.expectedRules);
    for (const rule of expected)
      expect(alerts.map((a) => a.attributes['security_rule.uuid'])).toContain(rule);
    expect(records.some((r) => r.attributes['ocsf.class_uid'] !== undefined)).toBe(true);
  });

  it('should archive the security events for secmon analyze', () => {
    const archive = readLogRecords(join(run.outputDir, 'collector-archive', 'security-events.jsonl'));
    expect(archive.length).toBeGreaterThan(100);
    expect(archive.every((r) => r.eventName.startsWith('secmon.'))).toBe(true);
  });

  it('should never write a password or a card number', () => {
    const files = [
      ...readdirSync(run.outputDir)
        .filter((f) => f.endsWith('.jsonl') || f.endsWith('.log'))
        .map((f) => join(run.outputDir, f)),
      join(run.outputDir, 'collector-archive', 'security-events.jsonl'),
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of [...DEMO_PASSWORDS_FOR_TEST, ...CARDS])
        expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });
});
