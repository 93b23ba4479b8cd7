// The 20-line example of the root README, run as a user would run it (a child process on Node 24 against an
// OTLP endpoint): if this passes, the README's example works and prints what the README says.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpCaptureServer } from '@secmon/test-utils';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function run(endpoint: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@secmon/source', '--import', `${root}scripts/source-hooks.mjs`, `${here}example.ts`],
      {
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          SECMON_PSEUDONYM_KEY: 'readme-example-key-0123456789abcdef',
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('README example', () => {
  let server: OtlpCaptureServer;
  beforeAll(async () => {
    server = await OtlpCaptureServer.start();
  });
  afterAll(async () => {
    await server.close();
  });

  it('should be the code the README shows', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const code = readFileSync(`${here}example.ts`, 'utf8').trim();
    expect(readme).toContain(code);
  });

  it('should print the brute-force alert and export the events over OTLP', async () => {
    const r = await run(server.url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('ALERT authn.brute_force.client {"client.address":"203.0.113.7"} count=10');
    const logs = server.logs();
    const fails = logs.filter((l) => l.eventName === 'secmon.authn.login_fail');
    expect(fails).toHaveLength(10);
    expect(fails[0]!.resource['service.name']).toBe('shop');
    expect(fails[0]!.attributes['client.address']).toBe('203.0.113.7');
    expect(fails[0]!.attributes['user.id']).toBe('u-42');
    expect(JSON.stringify(fails)).not.toContain('alice'); // the typed login is pseudonymised
    expect(logs.filter((l) => l.eventName === 'secmon.config.change')).toHaveLength(1);
    const alerts = logs.filter((l) => l.eventName === 'secmon.alert');
    expect(alerts).toHaveLength(1);
    expect(
      alerts[0]!.attributes['security_rule.uuid'] ?? alerts[0]!.attributes['security_rule.name'],
    ).toBeDefined();
    expect(alerts[0]!.severityNumber).toBeGreaterThanOrEqual(17);
  });
});
